/**
 * roperator's FailableHandler in TypeScript: split `sync` into `validate` -> `syncChildren` -> `determineStatus`
 * so that failures become a status the user can see (instead of an exception the engine only logs and
 * retries), and `DefaultFailableHandler` turns it into a plain `Handler` with per-parent error backoff and an
 * optional regular resync.
 *
 * Difference from roperator, on purpose: when `validate` or `syncChildren` fails, roperator returns an empty
 * child list, and since the engine deletes every child that is not returned, one bad edit of a parent deletes
 * all of its children. Here the children are left unchanged (`children: "unchanged"`).
 */
import { TsOperatorError } from "../../core/errors.js";
import type { KubeObject } from "../../core/types.js";
import { backoffDelay, resolveBackoff, type ResolvedBackoff } from "../../core/backoff.js";
import {
  UNCHANGED_CHILDREN,
  type FinalizeResponse,
  type Handler,
  type SyncRequest,
  type SyncResponse,
} from "./handler.js";

/** Where a failable handler run ended, passed to `determineStatus` next to the error. */
export type FailableOutcome<V> =
  | { readonly ok: true; readonly phase: "sync"; readonly validated: V }
  | { readonly ok: true; readonly phase: "finalize" }
  | { readonly ok: false; readonly phase: "validate" }
  | { readonly ok: false; readonly phase: "syncChildren"; readonly validated: V }
  | { readonly ok: false; readonly phase: "finalize" };

/** What `finalize` may return: nothing (done) or a request to be called again later without it being an error. */
export type FailableFinalizeResult = void | { retryAfterMs?: number | undefined };

/**
 * @typeParam P the parent type; S its status; E the error type `determineStatus` expects (whatever the
 * functions throw: TypeScript cannot check thrown types, so use a type guard in `determineStatus` when
 * unexpected errors are possible); V what `validate` returns (e.g. the parsed spec).
 */
export interface FailableHandler<P extends KubeObject = KubeObject, S = unknown, E = unknown, V = undefined> {
  /** Throws when the parent is invalid; `syncChildren` is then skipped. Omitted: everything is valid. */
  validate?(request: SyncRequest<P>): V | Promise<V>;
  /** The desired children. Throwing reaches `determineStatus`; the existing children are kept. */
  syncChildren(request: SyncRequest<P>, validated: V): KubeObject[] | Promise<KubeObject[]>;
  /**
   * The parent's status given how the run went: `error` is what `validate`, `syncChildren` or `finalize`
   * threw (undefined on success). Called on every sync and finalize. `null` leaves the status alone.
   */
  determineStatus(
    request: SyncRequest<P>,
    error: E | undefined,
    outcome: FailableOutcome<V>,
  ): S | null | Promise<S | null>;
  /**
   * Optional; when defined the parent gets a finalizer. Throwing keeps the finalizer and retries with the error
   * backoff; returning `{ retryAfterMs }` asks to be called again without counting as an error.
   */
  finalize?(request: SyncRequest<P>): FailableFinalizeResult | Promise<FailableFinalizeResult>;
}

export interface BackoffConfig {
  /** First delay after an error. Default 500 ms. */
  initialMs?: number | undefined;
  /** Cap. Default 600 000 ms. */
  maxMs?: number | undefined;
  /** Growth per consecutive error. Default 1.5. */
  multiplier?: number | undefined;
  /** Random spread, as a fraction either way (0.5: 50 % .. 150 %), so parents failing together spread out. Default 0.5. */
  jitter?: number | undefined;
}

/** A BackoffConfig with every default filled in. */
export type ResolvedBackoffConfig = Required<{ [K in keyof BackoffConfig]: NonNullable<BackoffConfig[K]> }>;

const DEFAULT_BACKOFF: ResolvedBackoffConfig = {
  initialMs: 500,
  maxMs: 600_000,
  multiplier: 1.5,
  jitter: 0.5,
};

/** Parents whose error state is remembered; beyond this the oldest is forgotten (it restarts at initialMs). */
const MAX_TRACKED_PARENTS = 10_000;

/**
 * Consecutive-error delays per parent uid (roperator's ErrorBackoff): `initialMs * multiplier^n`, spread by
 * `jitter`, capped at `maxMs` (the runtime's backoff, per parent); `reset` after a success starts again at
 * `initialMs`. Usable on its own in a hand-written Handler. An invalid config throws TSOP_CONFIG_INVALID.
 */
export class ErrorBackoff {
  readonly config: Readonly<ResolvedBackoffConfig>;
  readonly #backoff: ResolvedBackoff;
  readonly #failures = new Map<string, number>();

  constructor(config: BackoffConfig = {}, random: () => number = Math.random) {
    this.#backoff = resolveBackoff({ ...config, random }, DEFAULT_BACKOFF);
    const { initialMs, maxMs, multiplier, jitter } = this.#backoff;
    this.config = Object.freeze({ initialMs, maxMs, multiplier, jitter });
  }

  /** The delay before retrying after this parent's next error; counts the error. */
  next(parentUid: string): number {
    const n = this.#failures.get(parentUid) ?? 0;
    this.#failures.delete(parentUid); // re-insert: Map order is then least-recently-failed first
    this.#failures.set(parentUid, n + 1);
    if (this.#failures.size > MAX_TRACKED_PARENTS) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
    return backoffDelay(this.#backoff, n);
  }

  /** Consecutive errors recorded for this parent. */
  failures(parentUid: string): number {
    return this.#failures.get(parentUid) ?? 0;
  }

  reset(parentUid: string): void {
    this.#failures.delete(parentUid);
  }
}

const uidOf = (request: SyncRequest): string =>
  request.parent.metadata.uid ?? `${request.parent.metadata.namespace ?? ""}/${request.parent.metadata.name}`;

export interface DefaultFailableHandlerOptions {
  backoff?: BackoffConfig | undefined;
  /** Resync after this long following a successful sync, even without changes. */
  regularResyncMs?: number | undefined;
  /** Source of randomness for the jitter (tests). */
  random?: (() => number) | undefined;
}

/**
 * Adapts a `FailableHandler` to a `Handler`: errors become a status and a retry after a per-parent backoff.
 *
 * @example
 * const handler = DefaultFailableHandler.wrap({
 *   validate: (req) => parseSpec(req.parent),
 *   syncChildren: (req, spec) => [deploymentFor(spec)],
 *   determineStatus: (req, error) => ({ ready: !error, message: error ? String(error) : "ok" }),
 * })
 *   .withBackoff({ initialMs: 1_000, maxMs: 300_000 })
 *   .withRegularResync(600_000);
 * await runOperator(config, handler);
 */
export class DefaultFailableHandler<
  P extends KubeObject = KubeObject,
  S = unknown,
  E = unknown,
  V = undefined,
> implements Handler<P, S> {
  readonly inner: FailableHandler<P, S, E, V>;
  readonly errorBackoff: ErrorBackoff;
  readonly regularResyncMs: number | undefined;
  readonly #options: DefaultFailableHandlerOptions;
  /** Present only when the inner handler finalizes: its presence is what makes the engine add a finalizer. */
  readonly finalize?: (request: SyncRequest<P>) => Promise<FinalizeResponse<S>>;

  private constructor(inner: FailableHandler<P, S, E, V>, options: DefaultFailableHandlerOptions) {
    this.inner = inner;
    this.#options = options;
    this.errorBackoff = new ErrorBackoff(options.backoff, options.random);
    if (options.regularResyncMs !== undefined && !(options.regularResyncMs > 0)) {
      throw new TsOperatorError(
        "TSOP_CONFIG_INVALID",
        `regular resync must be positive, got ${options.regularResyncMs}`,
      );
    }
    this.regularResyncMs = options.regularResyncMs;
    if (typeof inner.finalize === "function") this.finalize = (request) => this.#finalize(request);
  }

  static wrap<P extends KubeObject = KubeObject, S = unknown, E = unknown, V = undefined>(
    handler: FailableHandler<P, S, E, V>,
    options: DefaultFailableHandlerOptions = {},
  ): DefaultFailableHandler<P, S, E, V> {
    if (typeof handler?.syncChildren !== "function" || typeof handler.determineStatus !== "function") {
      throw new TsOperatorError(
        "TSOP_CONFIG_INVALID",
        "a FailableHandler needs syncChildren(request) and determineStatus(request, error)",
      );
    }
    return new DefaultFailableHandler(handler, options);
  }

  /** A copy with this error backoff (fresh backoff state). */
  withBackoff(backoff: BackoffConfig): DefaultFailableHandler<P, S, E, V> {
    return new DefaultFailableHandler(this.inner, { ...this.#options, backoff });
  }

  /** A copy that re-syncs every `ms` after a successful sync, even without changes. */
  withRegularResync(ms: number): DefaultFailableHandler<P, S, E, V> {
    return new DefaultFailableHandler(this.inner, { ...this.#options, regularResyncMs: ms });
  }

  async sync(request: SyncRequest<P>): Promise<SyncResponse<S>> {
    const uid = uidOf(request);
    let validated: V;
    try {
      validated = this.inner.validate ? await this.inner.validate(request) : (undefined as V);
    } catch (error) {
      return this.#failed(request, uid, error as E, { ok: false, phase: "validate" });
    }
    let children: KubeObject[];
    try {
      children = await this.inner.syncChildren(request, validated);
    } catch (error) {
      return this.#failed(request, uid, error as E, { ok: false, phase: "syncChildren", validated });
    }
    const status = await this.inner.determineStatus(request, undefined, {
      ok: true,
      phase: "sync",
      validated,
    });
    this.errorBackoff.reset(uid);
    return { status, children, resyncAfterMs: this.regularResyncMs };
  }

  async #failed(
    request: SyncRequest<P>,
    uid: string,
    error: E,
    outcome: FailableOutcome<V>,
  ): Promise<SyncResponse<S>> {
    const status = await this.inner.determineStatus(request, error, outcome);
    return {
      status,
      // Keep, never delete, what exists while the parent is failing.
      children: UNCHANGED_CHILDREN,
      resyncAfterMs: this.errorBackoff.next(uid),
    };
  }

  async #finalize(request: SyncRequest<P>): Promise<FinalizeResponse<S>> {
    const uid = uidOf(request);
    let result: FailableFinalizeResult;
    try {
      result = await this.inner.finalize?.(request);
    } catch (error) {
      const status = await this.inner.determineStatus(request, error as E, { ok: false, phase: "finalize" });
      return { status, retryAfterMs: this.errorBackoff.next(uid) };
    }
    const status = await this.inner.determineStatus(request, undefined, { ok: true, phase: "finalize" });
    const retryAfterMs = result?.retryAfterMs;
    // The parent is going away once finalize is done: forget its error state.
    this.errorBackoff.reset(uid);
    return { status, retryAfterMs };
  }
}
