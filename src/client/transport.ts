/**
 * The HTTP layer under KubeClient: one pooled undici dispatcher per client certificate, auth and impersonation
 * headers, an optional client-side rate limit, bounded retries of what is safe to retry, one retry after a 401 with
 * refreshed credentials, typed errors and metrics hooks.
 *
 * What is retried (every attempt is reported to the metrics hook, and takes a token when a rate limit is set):
 * - 429 on every request, after the server's Retry-After: the API server (API Priority and Fairness, max
 *   in-flight) rejected it before doing anything, as client-go assumes too;
 * - 500, 502, 503, 504 and connections lost after sending, only when the request is `idempotent` (safe to
 *   repeat): the server may have done the work, so a repeat must not be able to do harm;
 * - failures where the request certainly never reached the server (connection refused, DNS...), on every request.
 * Retries stop on the request's AbortSignal and when the client closes.
 *
 * It knows nothing about Kubernetes resources: paths come in ready-made (see paths.ts), responses go out raw or
 * as parsed JSON.
 */
import { readFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import type { Dispatcher, ProxyAgent } from "undici";
// undici's entry module loads fetch, WebSocket, caches and mocks too: about 200 ms of CPU at start-up, where these
// two modules cost about 80 (measured on the bench machine). The package has no exports map, so they can be
// imported by path (types in undici-modules.d.ts). Imported statically, so they load with the rest of the code,
// as the entry module did, and bundlers follow them.
import Pool from "undici/lib/dispatcher/pool.js";
import requestOn from "undici/lib/api/api-request.js";
import { ApiError, TsOperatorError, type ApiStatus, type ErrorCode } from "../core/errors.js";
import { AbortScope } from "../core/abort-scope.js";
import { backoffDelay, resolveBackoff, type ResolvedBackoff } from "../core/backoff.js";
import { sleep } from "../core/sleep.js";
import type { ClientConfig } from "./config.js";
import type { CredentialProvider, ResolvedCredentials } from "./credentials.js";
import { TokenBucket, abortedError } from "./rate-limiter.js";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One finished attempt, for metrics. Labels are bounded: no object names, no paths. */
export interface RequestMetricEvent {
  /** HTTP method. */
  method: HttpMethod;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** Resource type name (e.g. "Deployment.apps/v1"), or undefined for non-resource paths (discovery...). */
  resource: string | undefined;
  /** HTTP status as a string, or "<error>" when no response arrived (client-go's convention). */
  code: string;
  /** Time to response headers. */
  durationMs: number;
  /** 1 for the first try of a request, 2 for its first retry, and so on (always set by the transport). */
  attempt?: number | undefined;
}

/** Hook for `rest_client_requests_total` and friends; the operator wires prom-client to it. */
export interface ClientMetrics {
  onRequest(event: RequestMetricEvent): void;
}

export interface TransportOptions {
  /** Time allowed until response headers arrive. Default 60 s. */
  headersTimeoutMs?: number | undefined;
  /** Max silence between body chunks of non-watch requests. Default 120 s. Watches use their own timeout. */
  bodyTimeoutMs?: number | undefined;
  /**
   * Retries of one request after a retryable failure (429; 5xx or a lost connection when safe to repeat; a
   * connection that never opened). Default 3. When they are used up, the last answer is the result (for a 429,
   * an `ApiError` with status 429 and the server's Status; `isTransient` is true for it).
   */
  maxRetries?: number | undefined;
  /**
   * Cap on a server-sent Retry-After and on the backoff between retries. Default 10 s. With `maxRetries`, it
   * bounds the time one request spends waiting to retry: at most maxRetries x maxRetryDelayMs (30 s by default).
   */
  maxRetryDelayMs?: number | undefined;
  /** Idle keep-alive connections are closed after this. Default 30 s. */
  keepAliveTimeoutMs?: number | undefined;
  /** Max connections to the API server (each open watch holds one). Default unlimited. */
  connections?: number | undefined;
  metrics?: ClientMetrics | undefined;
}

export interface TransportRequest {
  method: HttpMethod;
  /** Path below the API server endpoint, including the query string. */
  path: string;
  body?: string | undefined;
  contentType?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Kubernetes verb for metrics and counters; derived from the method when absent. */
  verb?: string | undefined;
  /** Resource type name for metrics. */
  resource?: string | undefined;
  /** A long-running response (watch): no body timeout, the caller watches for inactivity. */
  stream?: boolean | undefined;
  /** Overrides the transport's headers timeout for this request. */
  headersTimeoutMs?: number | undefined;
  /**
   * Safe to repeat even if the server may already have processed it: a repeat cannot do harm (a read; a
   * server-side apply; a create of a named object, whose repeat gets 409 AlreadyExists; a delete with a uid
   * precondition). Such requests are also retried after 500/502/503/504 and after a connection lost once the
   * request was sent. Default: true for GET and HEAD, false otherwise.
   */
  idempotent?: boolean | undefined;
}

export interface TransportResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
}

const DEFAULT_VERB: Record<HttpMethod, string> = {
  GET: "get",
  HEAD: "get",
  POST: "create",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

/** Failures where the request certainly never reached the server: safe to retry for any method. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);
/**
 * Failures that may have happened after the request was sent: retried for idempotent requests only. Not
 * UND_ERR_HEADERS_TIMEOUT: a server that did not answer in time is not asked again blindly.
 */
const TRANSIENT_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET"]);
/** Server and gateway failures that may pass: retried for idempotent requests only. */
const RETRYABLE_5XX = new Set([500, 502, 503, 504]);

interface DispatcherSlot {
  certPem: string | undefined;
  keyPem: string | undefined;
  dispatcher: Dispatcher;
}

export class Transport {
  readonly origin: string;
  /** Path prefix of the endpoint (API servers behind a proxy such as Rancher's /k8s/clusters/x). */
  readonly basePath: string;
  private readonly config: ClientConfig;
  readonly #provider: CredentialProvider | undefined;
  /** Runs of the exec credential plugin behind this transport (0 when it uses none). */
  get execPluginRuns(): number {
    return this.#provider?.execPluginRuns ?? 0;
  }
  private readonly ca: string | undefined;
  private readonly baseHeaders: Record<string, string | string[]>;
  private readonly limiter: TokenBucket | undefined;
  private readonly headersTimeoutMs: number;
  private readonly bodyTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;
  private readonly retryBackoff: ResolvedBackoff;
  private readonly keepAliveTimeoutMs: number;
  private readonly connections: number | undefined;
  private readonly metrics: ClientMetrics | undefined;
  private readonly counts = new Map<string, number>();
  private slot: DispatcherSlot | undefined;
  /** undici's ProxyAgent, loaded by create() only when a proxy is configured (see loadProxyAgent). */
  private readonly proxyAgent: typeof ProxyAgent | undefined;
  private closed = false;
  /** Aborted by close(): wakes requests waiting for a token, a retry delay or credentials. */
  private readonly closing = new AbortController();

  private constructor(
    config: ClientConfig,
    provider: CredentialProvider | undefined,
    ca: string | undefined,
    options: TransportOptions,
    proxyAgent: typeof ProxyAgent | undefined,
  ) {
    this.proxyAgent = proxyAgent;
    const url = new URL(config.apiServerEndpoint);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.config = config;
    this.#provider = provider;
    this.ca = ca;
    this.headersTimeoutMs = options.headersTimeoutMs ?? 60_000;
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? 120_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
    // Delays spread over [50%, 100%] of 100 ms x 2^attempt (0.75 x that, +-1/3), so many clients failing together
    // do not retry in lockstep.
    const initialMs = Math.max(1, Math.min(75, this.maxRetryDelayMs));
    const maxMs = Math.max(initialMs, this.maxRetryDelayMs);
    this.retryBackoff = resolveBackoff({ multiplier: 2, jitter: 1 / 3 }, { initialMs, maxMs });
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 30_000;
    this.connections = options.connections;
    this.metrics = options.metrics;
    this.limiter = rateLimiterFor(config.qps, config.burst);

    // Built once: every request spreads this object instead of re-deriving the same headers.
    const headers: Record<string, string | string[]> = {
      "user-agent": config.userAgent,
      accept: "application/json",
    };
    if (config.impersonate) headers["impersonate-user"] = config.impersonate;
    if (config.impersonateGroups.length > 0) headers["impersonate-group"] = [...config.impersonateGroups];
    if (config.impersonateUid) headers["impersonate-uid"] = config.impersonateUid;
    this.baseHeaders = headers;
  }

  /** Reads `caFile` (if any) and builds the transport. Connections are opened lazily. */
  static async create(
    config: ClientConfig,
    provider: CredentialProvider | undefined,
    options: TransportOptions = {},
  ): Promise<Transport> {
    let ca = config.caData;
    if (ca === undefined && config.caFile !== undefined) {
      try {
        ca = await readFile(config.caFile, "utf8");
      } catch (cause) {
        throw new TsOperatorError("TSOP_CONFIG_INVALID", `cannot read caFile ${config.caFile}`, { cause });
      }
    }
    return new Transport(config, provider, ca, options, config.proxyUrl ? await loadProxyAgent() : undefined);
  }

  /** Requests sent so far by Kubernetes verb (every attempt counts), e.g. `{ get: 3, create: 1 }`. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /**
   * Sends one request, retrying what is safe to retry, and returns the final response whatever its status.
   * The caller must consume or destroy the body.
   */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const scope = this.scopeFor(req);
    let res: TransportResponse;
    try {
      res = await this.attempts(req, scope.signal, STREAMED);
    } catch (err) {
      scope.release();
      throw err;
    }
    // The scope lives until the body is closed, so an abort still ends a body being read or a watch.
    if (res.body.closed) scope.release();
    else res.body.once("close", () => scope.release());
    return res;
  }

  /**
   * `request` + parse the JSON answer; non-2xx becomes an ApiError carrying the server's Status. The body is read
   * by a handler of our own into one buffer and parsed once: no Readable stream per response (see sendBuffered).
   */
  async requestJson<T>(req: TransportRequest): Promise<T> {
    const scope = this.scopeFor(req);
    try {
      const res = await this.attempts(req, scope.signal, BUFFERED);
      if (res.statusCode < 200 || res.statusCode >= 300) {
        // An unreadable error body still leaves the status code worth reporting, unless the caller aborted.
        if (res.body === undefined && req.signal?.aborted) throw abortedError(req.signal);
        const text = res.body === undefined ? "" : utf8(res.body);
        throw new ApiError(req.method, req.path, res.statusCode, statusFromBody(res.statusCode, text));
      }
      if (res.body === undefined) throw bodyError(req, res.bodyError);
      if (res.statusCode === 204) return undefined as T;
      try {
        return JSON.parse(utf8(res.body)) as T;
      } catch (err) {
        throw bodyError(req, err);
      }
    } finally {
      // Once this promise settles, the caller's signal carries nothing of this request.
      scope.release();
    }
  }

  /**
   * The signal everything below listens to, instead of the caller's: a signal shared by many requests gets one
   * listener in all (see abort-scope.ts). It also aborts when the client closes.
   */
  private scopeFor(req: TransportRequest): AbortScope {
    if (this.closed) throw shutdownError();
    return new AbortScope([req.signal, this.closing.signal]);
  }

  private async attempts<R extends Answer>(
    req: TransportRequest,
    signal: AbortSignal,
    exchange: Exchange<R>,
  ): Promise<R> {
    const idempotent = req.idempotent ?? (req.method === "GET" || req.method === "HEAD");
    const verb = req.verb ?? DEFAULT_VERB[req.method];
    let retries = 0;
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      let dispatcher: Dispatcher;
      const headers: Record<string, string | string[]> = { ...this.baseHeaders };
      try {
        this.throwIfStopped(req.signal);
        const wait = this.limiter?.acquire(signal);
        if (wait) await wait;
        const creds = this.#provider ? await this.credentials(signal) : undefined;
        this.throwIfStopped(req.signal);
        dispatcher = this.dispatcherFor(creds);
        if (creds?.authorization) headers.authorization = creds.authorization;
      } catch (err) {
        throw this.stopError(req.signal) ?? err;
      }
      if (req.contentType) headers["content-type"] = req.contentType;

      this.counts.set(verb, (this.counts.get(verb) ?? 0) + 1);
      const started = performance.now();
      let res: R;
      try {
        res = await exchange.send(
          dispatcher,
          {
            origin: this.origin,
            path: this.basePath + req.path,
            method: req.method,
            headers,
            body: req.body ?? null,
            headersTimeout: req.headersTimeoutMs ?? this.headersTimeoutMs,
            bodyTimeout: req.stream ? 0 : this.bodyTimeoutMs,
          },
          signal,
        );
      } catch (err) {
        this.report(req, verb, "<error>", started, attempt);
        const stopped = this.stopError(req.signal);
        if (stopped) throw stopped;
        const code = errorCode(err);
        const retryable = NOT_SENT_CODES.has(code) || (idempotent && TRANSIENT_CODES.has(code));
        if (retryable && retries < this.maxRetries) {
          await this.pause(this.backoffMs(retries++), signal, req.signal);
          continue;
        }
        throw connectionError(req.method, req.path, err, code);
      }
      const status = res.statusCode;
      this.report(req, verb, String(status), started, attempt, res.headersAt);

      if (status === 401 && !authRetried && this.#provider?.invalidate()) {
        authRetried = true;
        await exchange.drop(res);
        continue;
      }
      const retryable = status === 429 || (idempotent && RETRYABLE_5XX.has(status));
      if (retryable && retries < this.maxRetries) {
        const delay = retryAfterMs(res.headers["retry-after"]) ?? this.backoffMs(retries);
        retries++;
        await exchange.drop(res);
        await this.pause(Math.min(delay, this.maxRetryDelayMs), signal, req.signal);
        continue;
      }
      return res;
    }
  }

  /** Waits before a retry; a stop while waiting surfaces as TSOP_ABORTED or TSOP_SHUTDOWN. */
  private async pause(ms: number, signal: AbortSignal, callerSignal: AbortSignal | undefined): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (err) {
      throw this.stopError(callerSignal) ?? err;
    }
    this.throwIfStopped(callerSignal);
  }

  /** Why this request must stop now: the caller aborted (TSOP_ABORTED) or the client closed (TSOP_SHUTDOWN). */
  private stopError(callerSignal: AbortSignal | undefined): TsOperatorError | undefined {
    if (callerSignal?.aborted) return abortedError(callerSignal);
    if (this.closed) return shutdownError();
    return undefined;
  }

  private throwIfStopped(callerSignal: AbortSignal | undefined): void {
    const stopped = this.stopError(callerSignal);
    if (stopped) throw stopped;
  }

  /** `headersAt`: when the headers arrived, for answers reported only once their body is read too. */
  private report(
    req: TransportRequest,
    verb: string,
    code: string,
    started: number,
    attempt: number,
    headersAt?: number,
  ): void {
    this.metrics?.onRequest({
      method: req.method,
      verb,
      resource: req.resource,
      code,
      durationMs: (headersAt ?? performance.now()) - started,
      attempt,
    });
  }

  /** Closes every connection; in-flight requests (and watches) are aborted. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort(shutdownError());
    const slot = this.slot;
    this.slot = undefined;
    if (slot) await slot.dispatcher.destroy();
  }

  private async credentials(signal: AbortSignal): Promise<ResolvedCredentials> {
    try {
      return await this.#provider!.get(signal);
    } catch (err) {
      if (signal.aborted || err instanceof TsOperatorError) throw err;
      throw new TsOperatorError("TSOP_CREDENTIALS_UNAVAILABLE", "could not obtain credentials", {
        cause: err,
      });
    }
  }

  /** The pool for the current client certificate; a rotated certificate gets a fresh pool (new TLS handshakes). */
  private dispatcherFor(creds: ResolvedCredentials | undefined): Dispatcher {
    const certPem = creds?.certPem;
    const keyPem = creds?.keyPem;
    const slot = this.slot;
    if (slot && slot.certPem === certPem && slot.keyPem === keyPem) return slot.dispatcher;
    const dispatcher = this.newDispatcher(certPem, keyPem);
    this.slot = { certPem, keyPem, dispatcher };
    // Requests already on the old pool (watches...) finish there; it closes once they are done.
    if (slot) slot.dispatcher.close().catch(() => undefined);
    return dispatcher;
  }

  private newDispatcher(certPem: string | undefined, keyPem: string | undefined): Dispatcher {
    // One context per pool: given only ca/cert/key, every new connection would parse the PEMs into a context of
    // its own (about 1.5 ms of CPU per connection on this project's bench machine).
    let secureContext;
    try {
      secureContext = createSecureContext({ ca: this.ca, cert: certPem, key: keyPem });
    } catch (cause) {
      // Before, each connection failed on it; now it fails once, before any request is sent.
      throw new TsOperatorError(
        "TSOP_CONNECTION_ERROR",
        `the CA or client certificate/key cannot be used for TLS: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
    const tls = {
      secureContext,
      rejectUnauthorized: this.config.verifySslCerts,
      servername: this.config.tlsServerName,
    };
    const common = {
      keepAliveTimeout: this.keepAliveTimeoutMs,
      connections: this.connections ?? null,
      // One request per connection at a time: a slow LIST must not block the next GET (head-of-line blocking).
      pipelining: 1,
    };
    if (this.config.proxyUrl) {
      return new this.proxyAgent!({ uri: this.config.proxyUrl, requestTls: tls, ...common });
    }
    return new Pool(this.origin, { connect: tls, ...common });
  }

  private backoffMs(attempt: number): number {
    return backoffDelay(this.retryBackoff, attempt);
  }
}

/** What the retry loop needs of an answer, streamed or buffered. */
interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** performance.now() when the headers arrived, when the answer is only complete later (buffered). */
  headersAt?: number | undefined;
}

/** How one attempt is sent and how an answer that will not be used is let go. */
interface Exchange<R extends Answer> {
  send(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSignal): Promise<R>;
  drop(res: R): Promise<void>;
}

/** undici's request(): the body as a Readable, for watches and callers that read it themselves. */
const STREAMED: Exchange<Dispatcher.ResponseData> = {
  send: (dispatcher, options, signal) => requestOn.call(dispatcher, { ...options, signal }),
  drop: (res) => discard(res.body),
};

/** A response read to its end into memory. */
interface BufferedResponse extends Answer {
  headersAt: number;
  /** The whole body; undefined when reading it failed after the headers arrived (`bodyError` says why). */
  body: Buffer | undefined;
  bodyError: unknown;
}

const BUFFERED: Exchange<BufferedResponse> = {
  send: sendBuffered,
  drop: () => Promise.resolve(),
};

const EMPTY = Buffer.alloc(0);

/**
 * One request through undici's dispatch API, its body collected into one Buffer. undici's request() wraps every
 * response in a Readable (stream state, events, an AsyncResource) only for body.json() to gather the chunks
 * again: on the bench that path was the largest part of the operator's CPU. Settles when the body has ended (or
 * failed: then with `body` undefined), or rejects when no response arrived, as request() does. Timeouts are
 * undici's own (headersTimeout, bodyTimeout in `options`); `signal` aborts the request at any stage.
 */
function sendBuffered(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: AbortSignal,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let res: BufferedResponse | undefined;
    let chunks: Buffer[] = [];
    let length = 0;
    // Before the request reaches a socket there is nothing to abort yet; onRequestStart checks the signal.
    const onAbort = (): void => controller?.abort(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (signal.aborted) c.abort(signal.reason as Error);
      },
      onResponseStart(_c, statusCode, headers) {
        // 1xx informational answers come before the real one.
        if (statusCode < 200) return;
        res = { statusCode, headers, headersAt: performance.now(), body: undefined, bodyError: undefined };
      },
      onResponseData(_c, chunk) {
        chunks.push(chunk);
        length += chunk.length;
      },
      onResponseEnd() {
        signal.removeEventListener("abort", onAbort);
        if (!res) {
          // Not expected: undici ends a request only after its headers. Settle rather than hang.
          reject(new TsOperatorError("TSOP_CONNECTION_ERROR", "the response ended before its headers"));
          return;
        }
        res.body =
          chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, length);
        chunks = [];
        resolve(res);
      },
      onResponseError(_c, err) {
        signal.removeEventListener("abort", onAbort);
        chunks = [];
        if (!res) {
          reject(err);
          return;
        }
        res.bodyError = err;
        resolve(res);
      },
    };
    dispatcher.dispatch(options, handler);
  });
}

/** UTF-8 text of a body, without a byte order mark (as undici's body.text() and body.json() read it). */
function utf8(body: Buffer): string {
  const bom = body.length > 2 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  return body.toString("utf8", bom ? 3 : 0);
}

/** ProxyAgent is exported by undici's entry module only; most operators need no proxy, so it loads on demand. */
async function loadProxyAgent(): Promise<typeof ProxyAgent> {
  return (await import("undici")).ProxyAgent;
}

/**
 * The limiter for `ClientConfig.qps` / `burst`: none unless `qps` is set (controller-runtime >= 0.21 made the
 * same choice). A client-side bucket cannot know the cluster's capacity, so it either throttles a fast cluster
 * for nothing or lets an overloaded one be overloaded; the API server's Priority and Fairness knows, and answers
 * 429 with a Retry-After that every request honours. Retries of failed syncs are bounded by the work queue's
 * retry bucket, not here.
 */
export function rateLimiterFor(qps: number | undefined, burst: number | undefined): TokenBucket | undefined {
  if (qps === undefined || qps === Number.POSITIVE_INFINITY) return undefined;
  // client-go turns its limiter off with a negative QPS; say what does it here rather than guess.
  if (!(qps > 0)) {
    throw new TsOperatorError(
      "TSOP_CONFIG_INVALID",
      `qps must be a positive number, or Infinity for no client-side limit; got ${qps}`,
    );
  }
  return new TokenBucket(qps, burst);
}

function shutdownError(): TsOperatorError {
  return new TsOperatorError("TSOP_SHUTDOWN", "client is closed");
}

/** Parses Retry-After (seconds or HTTP date) into ms; undefined when absent or unparsable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === "") return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Builds an ApiError from a non-2xx response, using the server's Status when it sent one. */
export async function apiErrorFrom(
  method: string,
  path: string,
  res: TransportResponse,
  signal?: AbortSignal,
): Promise<ApiError> {
  let text = "";
  try {
    text = await res.body.text();
  } catch (err) {
    if (signal?.aborted) throw abortedError(signal);
    // The status code alone is still worth reporting.
    void err;
  }
  return new ApiError(method, path, res.statusCode, statusFromBody(res.statusCode, text));
}

/** The Status in `text`, or one synthesised from a non-Status body (proxies, load balancers). */
export function statusFromBody(statusCode: number, text: string): ApiStatus {
  if (text.length > 0 && text.charCodeAt(0) === 0x7b /* { */) {
    try {
      const parsed = JSON.parse(text) as ApiStatus;
      if (parsed && typeof parsed === "object" && parsed.kind === "Status") return parsed;
    } catch {
      // fall through: not JSON after all
    }
  }
  return {
    kind: "Status",
    status: "Failure",
    code: statusCode,
    reason: reasonFor(statusCode),
    message: text.length > 500 ? `${text.slice(0, 500)}...` : text || undefined,
  };
}

function reasonFor(statusCode: number): string | undefined {
  switch (statusCode) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return undefined;
  }
}

/** Drops a body we will not read, keeping the connection reusable when that is cheap. */
async function discard(body: TransportResponse["body"]): Promise<void> {
  try {
    await body.dump();
  } catch {
    // The connection is gone anyway; the retry opens another.
  }
}

/** The system / undici error code of a failure, looking through wrappers (cause, AggregateError). */
export function errorCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.length > 0) {
      e = inner[0];
      continue;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return "UNKNOWN";
}

function connectionError(method: string, path: string, err: unknown, code: string): TsOperatorError {
  if (err instanceof TsOperatorError) return err;
  const timeout = code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
  const tsCode: ErrorCode = timeout ? "TSOP_REQUEST_TIMEOUT" : "TSOP_CONNECTION_ERROR";
  const what = timeout ? "timed out" : "failed";
  const detail = err instanceof Error ? err.message : String(err);
  return new TsOperatorError(tsCode, `${method} ${path} ${what} (${code}): ${detail}`, { cause: err });
}

/** Maps a failure while reading a response body to a typed error. */
export function bodyError(
  req: { method: string; path: string; signal?: AbortSignal | undefined },
  err: unknown,
) {
  if (req.signal?.aborted) return abortedError(req.signal);
  if (err instanceof TsOperatorError) return err;
  if (err instanceof SyntaxError) {
    return new TsOperatorError("TSOP_API_ERROR", `${req.method} ${req.path}: response is not valid JSON`, {
      cause: err,
    });
  }
  return connectionError(req.method, req.path, err, errorCode(err));
}
