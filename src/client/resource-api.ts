/**
 * The contract of the dynamic resource API: what the runtime and the operator use to talk about one resource
 * type. Implemented by `KubeClient.resource()`; fakes for unit tests implement it too.
 */
import type { K8sType, KubeList, KubeObject, ObjectId } from "../core/types.js";

export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

export interface ListOptions extends RequestOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Page size. */
  limit?: number | undefined;
  continue?: string | undefined;
  resourceVersion?: string | undefined;
  resourceVersionMatch?: "Exact" | "NotOlderThan" | undefined;
  /**
   * KEP-5866 hash-range selector (`shardRange(object.metadata.uid, '0x…', '0x…') || …`; see core/shard-hash).
   * Needs the ShardedListAndWatch feature gate on the server; a server without it ignores the parameter and
   * answers with the whole collection (its list then has no `metadata.shardInfo`).
   */
  shardSelector?: string | undefined;
}

export interface WatchOptions extends RequestOptions {
  resourceVersion?: string | undefined;
  /** Default true. */
  allowWatchBookmarks?: boolean | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** See ListOptions.shardSelector. */
  shardSelector?: string | undefined;
  /** Server-side timeout of the watch request. */
  timeoutSeconds?: number | undefined;
  /**
   * The watch fails with code TSOP_WATCH_INACTIVE when no byte arrives for this long (bookmarks keep a healthy
   * watch alive). Default 5 minutes; 0 disables.
   */
  inactivityTimeoutMs?: number | undefined;
  /**
   * Watch-list (KEP-3157): the server first sends the current state as ADDED events, then a BOOKMARK annotated
   * `k8s.io/initial-events-end: "true"`. Sets `resourceVersionMatch=NotOlderThan`. Needs the WatchList feature.
   */
  sendInitialEvents?: boolean | undefined;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface WriteOptions extends RequestOptions {
  fieldManager?: string | undefined;
  dryRun?: boolean | undefined;
}

export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  force?: boolean | undefined;
}

export type PatchType = "merge" | "json" | "strategic";

export interface DeleteOptions extends RequestOptions {
  propagationPolicy?: "Foreground" | "Background" | "Orphan" | undefined;
  gracePeriodSeconds?: number | undefined;
  preconditions?: { uid?: string; resourceVersion?: string } | undefined;
}

/**
 * One resource type, optionally bound to a namespace. For namespaced types, single-object calls take the
 * namespace from the `ObjectId` / object metadata, falling back to the bound namespace. list/watch without a
 * bound namespace cover all namespaces.
 */
export interface ResourceApi<T extends KubeObject = KubeObject> {
  readonly type: K8sType;
  readonly namespace: string | undefined;

  get(id: ObjectId | string, options?: RequestOptions): Promise<T>;
  /** undefined when the object does not exist (404). */
  getOrUndefined(id: ObjectId | string, options?: RequestOptions): Promise<T | undefined>;
  /** One page. */
  list(options?: ListOptions): Promise<KubeList<T>>;
  /** Every page in order, following `continue`. */
  listPages(options?: ListOptions): AsyncIterable<KubeList<T>>;
  create(obj: T, options?: WriteOptions): Promise<T>;
  replace(obj: T, options?: WriteOptions): Promise<T>;
  patch(id: ObjectId | string, type: PatchType, patch: unknown, options?: WriteOptions): Promise<T>;
  /** Server-side apply (PATCH application/apply-patch+yaml with JSON body). */
  apply(obj: Partial<T> & KubeObject, options: ApplyOptions): Promise<T>;
  /** Returns the final object (or Status) the server answered with. */
  delete(id: ObjectId | string, options?: DeleteOptions): Promise<unknown>;
  /**
   * Events as they arrive. ERROR events are thrown as typed errors: 410 Gone as code TSOP_WATCH_EXPIRED.
   * Ends normally when the server closes the stream; breaking out of the loop or aborting frees the connection.
   */
  watch(options?: WatchOptions): AsyncIterable<WatchEvent<T>>;

  replaceStatus(obj: T, options?: WriteOptions): Promise<T>;
  patchStatus(id: ObjectId | string, type: PatchType, patch: unknown, options?: WriteOptions): Promise<T>;
  applyStatus(obj: Partial<T> & KubeObject, options: ApplyOptions): Promise<T>;
}
