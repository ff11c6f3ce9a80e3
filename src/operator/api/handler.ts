/**
 * What an operator author implements: `sync` (desired children + parent status from a snapshot) and optionally
 * `finalize`. Handlers never talk to the API server; the engine does, from their answers.
 */
import { TsOperatorError } from "../../core/errors.js";
import type { K8sType, KubeObject, ObjectId } from "../../core/types.js";
import type { Logger } from "../../core/logger.js";

/** The children of one parent, as the cache holds them, viewed per type. */
export interface TypedChildren<C extends KubeObject = KubeObject> extends Iterable<C> {
  /** By namespace/name; a bare name means the parent's namespace (or cluster scope). */
  get(id: ObjectId | string): C | undefined;
  exists(id: ObjectId | string): boolean;
  first(): C | undefined;
  count(): number;
  isEmpty(): boolean;
  toArray(): C[];
}

export interface RequestChildren {
  /**
   * The existing children of one declared child type, typed by it: `ofType(k8sTypes.apps.v1.Deployment)` yields
   * Deployments. For an untyped K8sType, name the type: `ofType<MyObject>(type)`.
   */
  ofType<C extends KubeObject = KubeObject>(type: K8sType<C>): TypedChildren<C>;
  /** Every existing child, of every type. */
  all(): KubeObject[];
}

/**
 * The objects of one related type (`OperatorConfig.withRelated`) as the cache holds them. Iteration gives the
 * ones related to this parent (those it references that exist, or those the mapping sends to it); `get` looks
 * up any cached object of the type, so a referenced object that does not exist is simply `undefined`.
 */
export type RelatedObjects<R extends KubeObject = KubeObject> = TypedChildren<R>;

export interface RequestRelated {
  /** The cached objects of one declared related type. */
  ofType<R extends KubeObject = KubeObject>(type: K8sType<R>): RelatedObjects<R>;
}

/** A snapshot of one parent, its existing children and its related objects (roperator's SyncRequest). Frozen. */
export interface SyncRequest<P extends KubeObject = KubeObject> {
  readonly parent: P;
  readonly children: RequestChildren;
  readonly related: RequestRelated;
}

/** `SyncResponse.children` value that keeps the existing children as they are. */
export const UNCHANGED_CHILDREN = "unchanged";

/** What `sync` returns. */
export interface SyncResponse<S = unknown> {
  /**
   * The parent's status. The engine adds `observedGeneration` and writes it only if it differs from what is
   * there. `null` (or undefined) leaves the status alone.
   */
  status?: S | null | undefined;
  /**
   * Every child that should exist. Existing children of this parent that are not listed are deleted.
   * `"unchanged"` leaves the children exactly as they are (nothing created, updated or deleted), e.g. while the
   * parent's spec is invalid: returning `[]` instead would delete them all.
   */
  children: KubeObject[] | typeof UNCHANGED_CHILDREN;
  /** Sync again after this long even if nothing changes (e.g. to expire something). */
  resyncAfterMs?: number | undefined;
}

/** What `finalize` returns. */
export interface FinalizeResponse<S = unknown> {
  status?: S | null | undefined;
  /** Not finished: call finalize again after this long (once). Undefined: done, the finalizer is removed. */
  retryAfterMs?: number | undefined;
}

/**
 * Kubernetes Events about the parent being synced, as `kubectl describe` shows them. Best effort and
 * deduplicated like the engine's own events: a repeat of the same reason and message bumps the existing Event's
 * `count`; a flood is rate-limited per parent. Never throws, never fails the sync.
 */
export interface HandlerEvents {
  normal(reason: string, message: string): void;
  warning(reason: string, message: string): void;
}

/**
 * What a handler gets besides the snapshot. Handlers that ignore it (plain `sync(request)`) still work.
 */
export interface SyncContext {
  /**
   * Aborted when the sync times out (`OperatorConfig.syncTimeoutMs`) or the operator stops. Pass it to any slow
   * work the handler does (fetch, timers); its result is ignored once aborted.
   */
  readonly signal: AbortSignal;
  /** The operator's name (OperatorConfig's first argument). */
  readonly operatorName: string;
  /** The operator's logger, every record bound to the parent (`parent: { namespace, name, uid }`). */
  readonly logger: Logger;
  /** Events on the parent. */
  readonly events: HandlerEvents;
}

export type SyncFunction<P extends KubeObject = KubeObject, S = unknown> = (
  request: SyncRequest<P>,
  context: SyncContext,
) => SyncResponse<S> | Promise<SyncResponse<S>>;

/** roperator's Handler. `finalize` is optional; when present, parents get a finalizer. */
export interface Handler<P extends KubeObject = KubeObject, S = unknown> {
  sync(request: SyncRequest<P>, context: SyncContext): SyncResponse<S> | Promise<SyncResponse<S>>;
  /** Returning nothing (or no retryAfterMs) means done: the finalizer is removed. */
  finalize?(
    request: SyncRequest<P>,
    context: SyncContext,
  ): FinalizeResponse<S> | void | Promise<FinalizeResponse<S> | void>;
}

/** A plain function is a handler too (roperator's blanket impl). */
export type HandlerLike<P extends KubeObject = KubeObject, S = unknown> = Handler<P, S> | SyncFunction<P, S>;

/**
 * The status type of a parent object type: what `sync` returns as `status` when the OperatorConfig's parent type
 * carries its object type (defineResource). `unknown` for untyped parents, so anything goes there.
 */
/**
 * The handler of a typed parent type, e.g. `HandlerFor<typeof EchoServer>` for a `defineResource` result:
 * `request.parent` is its object type and `sync` must return its status type. Annotating the handler this way
 * (rather than writing it inline in `startOperator(...)`) also keeps string-literal status fields literal.
 *
 * @example
 * export const handler: HandlerFor<typeof EchoServer> = {
 *   sync(request) {
 *     return { children: [], status: { phase: "Ready" } };
 *   },
 * };
 */
export type HandlerFor<T extends K8sType<KubeObject>> =
  T extends K8sType<infer P> ? Handler<P, StatusOf<P>> : never;

export type StatusOf<P extends KubeObject> = P extends { status?: infer S }
  ? unknown extends S
    ? unknown
    : NonNullable<S>
  : unknown;

export function toHandler<P extends KubeObject, S>(handler: HandlerLike<P, S>): Handler<P, S> {
  if (typeof handler === "function") return { sync: handler };
  if (typeof handler?.sync !== "function") {
    throw new TsOperatorError(
      "TSOP_CONFIG_INVALID",
      "handler must be a function or an object with a sync(request) method",
    );
  }
  return handler;
}
