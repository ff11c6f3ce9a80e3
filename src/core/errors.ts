/**
 * The one error hierarchy of tsoperator. Every error carries a stable `code` (like undici's) so callers can
 * branch on it without parsing messages; API errors also carry the server's `Status` object.
 */

/** Stable error codes. Adding a code is fine; renaming one is a breaking change. */
export type ErrorCode =
  | "TSOP_CONFIG_INVALID"
  | "TSOP_KUBECONFIG_INVALID"
  | "TSOP_KUBECONFIG_NOT_FOUND"
  | "TSOP_SERVICE_ACCOUNT_NOT_FOUND"
  | "TSOP_EXEC_PLUGIN_FAILED"
  | "TSOP_CREDENTIALS_UNAVAILABLE"
  | "TSOP_API_ERROR"
  | "TSOP_CONNECTION_ERROR"
  | "TSOP_REQUEST_TIMEOUT"
  | "TSOP_ABORTED"
  | "TSOP_UNKNOWN_TYPE"
  | "TSOP_WATCH_PROTOCOL"
  | "TSOP_WATCH_EXPIRED"
  | "TSOP_WATCH_INACTIVE"
  | "TSOP_INVALID_OBJECT"
  | "TSOP_HANDLER_OUTPUT_INVALID"
  | "TSOP_HANDLER_FAILED"
  /** The handler did not settle within OperatorConfig.syncTimeoutMs. */
  | "TSOP_SYNC_TIMEOUT"
  /** A desired child's name is held by an object this parent does not control. */
  | "TSOP_CHILD_CONFLICT"
  | "TSOP_CONTROLPLANE"
  /** A downloaded control-plane binary does not match the checksum pinned in the repository. */
  | "TSOP_CONTROLPLANE_CHECKSUM"
  | "TSOP_SHUTDOWN"
  /** The library was called in a way it does not support (an undeclared child type, an unknown index, ...). */
  | "TSOP_USAGE"
  /** TestKit.stop() could not delete everything the test created. */
  | "TSOP_CLEANUP_INCOMPLETE"
  /** This replica lost its leader-election Lease and stopped; the process should exit non-zero and restart. */
  | "TSOP_LEADERSHIP_LOST"
  /** A CRD schema is not structural, or a builder was given an option the apiserver would reject. */
  | "TSOP_INVALID_SCHEMA";

export interface TsOperatorErrorOptions {
  cause?: unknown;
}

export class TsOperatorError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: TsOperatorErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** The `Status` object the API server returns for failures (meta/v1 Status). */
export interface ApiStatus {
  apiVersion?: string;
  kind?: "Status";
  status?: "Success" | "Failure";
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
    retryAfterSeconds?: number;
  };
}

/** A response from the API server with a non-2xx status. `status` is what the server said. */
export class ApiError extends TsOperatorError {
  readonly statusCode: number;
  readonly status: ApiStatus;
  readonly method: string;
  readonly path: string;
  constructor(
    method: string,
    path: string,
    statusCode: number,
    status: ApiStatus,
    code: ErrorCode = "TSOP_API_ERROR",
  ) {
    super(
      code,
      `${method} ${path}: ${statusCode} ${status.reason ?? ""}${status.message ? `: ${status.message}` : ""}`.trim(),
    );
    this.statusCode = statusCode;
    this.status = status;
    this.method = method;
    this.path = path;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export function isApiError(err: unknown, statusCode?: number): err is ApiError {
  return err instanceof ApiError && (statusCode === undefined || err.statusCode === statusCode);
}
export const isNotFound = (err: unknown): err is ApiError => isApiError(err, 404);
export const isConflict = (err: unknown): err is ApiError => isApiError(err, 409);
export const isGone = (err: unknown): err is ApiError => isApiError(err, 410);
export const isForbidden = (err: unknown): err is ApiError => isApiError(err, 403);
export const isAlreadyExists = (err: unknown): err is ApiError =>
  isApiError(err, 409) && err.status.reason === "AlreadyExists";

export function hasCode(err: unknown, code: ErrorCode): err is TsOperatorError {
  return err instanceof TsOperatorError && err.code === code;
}

/** The message of anything thrown, for logs, conditions and events. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Statuses that mean "not now" rather than "no": overload (429) and server or gateway failures. */
const TRANSIENT_STATUS_CODES = new Set([429, 500, 502, 503, 504]);

/**
 * True for failures a later retry may fix without any change on our side: a 429/500/502/503/504 answer, a
 * request that timed out, a connection that failed or was lost. The client has already retried these as far as
 * was safe (see `TransportOptions`), so the caller should back off and try again later rather than report a
 * failure. Aborts are not transient: someone asked to stop.
 *
 * @example
 * try { await api.apply(obj, { fieldManager: "my-operator" }); }
 * catch (err) { if (isTransient(err)) requeueWithBackoff(); else throw err; }
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof ApiError) return TRANSIENT_STATUS_CODES.has(err.statusCode);
  return hasCode(err, "TSOP_REQUEST_TIMEOUT") || hasCode(err, "TSOP_CONNECTION_ERROR");
}
