/**
 * `KubeClient`: the entry point of the client layer. Owns the transport (connection pool, auth, rate limit) and
 * the discovery cache, and hands out `ResourceApi`s for any `K8sType` (the dynamic API the runtime and the
 * operator use). One client per API server; share it.
 */
import { TsOperatorError, isNotFound } from "../core/errors.js";
import {
  parseObjectKey,
  typeName,
  type K8sType,
  type KubeList,
  type KubeObject,
  type ObjectId,
} from "../core/types.js";
import { AbortScope } from "../core/abort-scope.js";
import type { ClientConfig } from "./config.js";
import { credentialProviderFor } from "./credential-providers.js";
import { Discovery } from "./discovery.js";
import { collectionPath, objectPath, queryString, type QueryValue } from "./paths.js";
import type {
  ApplyOptions,
  DeleteOptions,
  ListOptions,
  PatchType,
  RequestOptions,
  ResourceApi,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from "./resource-api.js";
import {
  Transport,
  apiErrorFrom,
  type HttpMethod,
  type TransportOptions,
  type TransportRequest,
  type TransportResponse,
} from "./transport.js";
import { DEFAULT_INACTIVITY_TIMEOUT_MS, WatchExpiredError, parseWatchStream } from "./watch-stream.js";

export type KubeClientOptions = TransportOptions;

/** A low-level request: path below the endpoint, query parameters, JSON body. */
export interface KubeRequest extends RequestOptions {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue> | undefined;
  /** A string is sent as is; anything else is JSON-encoded (once). */
  body?: unknown;
  /** Default application/json when there is a body. */
  contentType?: string | undefined;
  /** Kubernetes verb for metrics/counters (get, list, watch, create, update, patch, delete). */
  verb?: string | undefined;
  /** Resource type name for metrics. */
  resource?: string | undefined;
  /**
   * Safe to repeat after a 5xx or a lost connection (see `TransportRequest.idempotent`). Default: true for GET
   * and HEAD only. The resource API sets it for apply, named creates and deletes with a precondition.
   */
  idempotent?: boolean | undefined;
}

const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
};
const APPLY_CONTENT_TYPE = "application/apply-patch+yaml";
const HEADERS_TIMEOUT_MS = 60_000;

export class KubeClient {
  readonly config: ClientConfig;
  readonly discovery: Discovery;
  /** @internal shared with the resource APIs. */
  readonly transport: Transport;

  /**
   * How many times the exec credential plugin of this client's kubeconfig user has run (0 without one). A
   * healthy client runs it once per credential lifetime, plus once after a 401.
   */
  get execPluginRuns(): number {
    return this.transport.execPluginRuns;
  }

  private constructor(config: ClientConfig, transport: Transport) {
    this.config = config;
    this.transport = transport;
    this.discovery = new Discovery(transport);
  }

  /**
   * A client for `config`. Reads `caFile` now; connections open on first use.
   *
   * @example
   * const client = await KubeClient.fromConfig(await ClientConfig.fromEnvironment("my-operator"));
   * const cms = client.resource(k8sTypes.core.v1.ConfigMap, "default");
   * const cm = await cms.getOrUndefined("settings");
   */
  static async fromConfig(config: ClientConfig, options: KubeClientOptions = {}): Promise<KubeClient> {
    const transport = await Transport.create(config, credentialProviderFor(config), options);
    return new KubeClient(config, transport);
  }

  /** The API for one type; with `namespace`, list/watch are limited to it and it is the default for ids. */
  resource<T extends KubeObject = KubeObject>(type: K8sType, namespace?: string): ResourceApi<T> {
    return new DynamicResourceApi<T>(this, type, namespace || undefined);
  }

  /** Sends a request and returns the parsed JSON answer; non-2xx responses throw ApiError. */
  request<R = unknown>(req: KubeRequest): Promise<R> {
    return this.transport.requestJson<R>(toTransport(req));
  }

  /** Sends a request and returns the raw response (any status); the caller consumes or destroys the body. */
  stream(req: KubeRequest): Promise<TransportResponse> {
    return this.transport.request({ ...toTransport(req), stream: true });
  }

  /** Requests sent so far by Kubernetes verb, every attempt counted: `{ get: 3, list: 1, patch: 2 }`. */
  requestCounts(): Record<string, number> {
    return this.transport.requestCounts();
  }

  /** create + update + patch + delete requests sent so far: "a converged operator writes nothing" in one number. */
  writeCount(): number {
    const counts = this.transport.requestCounts();
    let n = 0;
    for (const verb of WRITE_VERBS) n += counts[verb] ?? 0;
    return n;
  }

  /** Closes all connections; open watches end with an error. */
  close(): Promise<void> {
    return this.transport.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function toTransport(req: KubeRequest): TransportRequest {
  const body =
    req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body);
  return {
    method: req.method,
    path: req.query ? req.path + queryString(req.query) : req.path,
    body,
    contentType: req.contentType ?? (body === undefined ? undefined : "application/json"),
    signal: req.signal,
    verb: req.verb,
    resource: req.resource,
    idempotent: req.idempotent,
  };
}

/** The ResourceApi over REST paths, for any type (built-in or custom). */
class DynamicResourceApi<T extends KubeObject> implements ResourceApi<T> {
  readonly type: K8sType;
  readonly namespace: string | undefined;
  private readonly client: KubeClient;
  private readonly transport: Transport;
  private readonly resourceName: string;
  /** Known from the type or learned once from discovery. */
  private namespaced: boolean | undefined;

  constructor(client: KubeClient, type: K8sType, namespace: string | undefined) {
    this.client = client;
    this.transport = client.transport;
    this.type = type;
    this.namespace = namespace;
    this.resourceName = typeName(type);
    this.namespaced = type.namespaced;
  }

  async get(id: ObjectId | string, options?: RequestOptions): Promise<T> {
    const path = await this.objectPath(id, options?.signal);
    return this.send<T>({ method: "GET", path, signal: options?.signal, verb: "get" });
  }

  async getOrUndefined(id: ObjectId | string, options?: RequestOptions): Promise<T | undefined> {
    try {
      return await this.get(id, options);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(options: ListOptions = {}): Promise<KubeList<T>> {
    const path = (await this.collectionPath(this.namespace, options.signal)) + listQuery(options);
    return this.send<KubeList<T>>({ method: "GET", path, signal: options.signal, verb: "list" });
  }

  async *listPages(options: ListOptions = {}): AsyncGenerator<KubeList<T>, void, undefined> {
    let token = options.continue;
    do {
      const page = await this.list({ ...options, continue: token });
      yield page;
      token = page.metadata?.continue || undefined;
    } while (token);
  }

  async create(obj: T, options: WriteOptions = {}): Promise<T> {
    const ns = (await this.isNamespaced(options.signal))
      ? this.namespaceOf(obj.metadata.namespace, obj.metadata)
      : undefined;
    const path = (await this.collectionPath(ns, options.signal)) + writeQuery(options);
    // A named create is safe to repeat: if the first one went through, the repeat gets 409 AlreadyExists. A
    // generateName create is not: a repeat would make a second object.
    const named = Boolean(obj.metadata?.name);
    const body = JSON.stringify(obj);
    const { signal } = options;
    return this.send<T>({ method: "POST", path, body, signal, verb: "create", idempotent: named });
  }

  async replace(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.replaceAt(obj, undefined, options);
  }

  async patch(
    id: ObjectId | string,
    type: PatchType,
    patch: unknown,
    options: WriteOptions = {},
  ): Promise<T> {
    return this.patchAt(id, undefined, type, patch, options);
  }

  async apply(obj: Partial<T> & KubeObject, options: ApplyOptions): Promise<T> {
    return this.applyAt(obj, undefined, options);
  }

  async delete(id: ObjectId | string, options: DeleteOptions = {}): Promise<unknown> {
    const path = await this.objectPath(id, options.signal);
    const { propagationPolicy, gracePeriodSeconds, preconditions } = options;
    const body =
      propagationPolicy !== undefined || gracePeriodSeconds !== undefined || preconditions !== undefined
        ? JSON.stringify({
            kind: "DeleteOptions",
            apiVersion: "v1",
            propagationPolicy,
            gracePeriodSeconds,
            preconditions,
          })
        : undefined;
    // With a uid (or resourceVersion) precondition a repeat cannot delete a successor with the same name: it
    // gets 404 or 409 instead. Without one it could, so it is not repeated after a 5xx.
    const guarded = Boolean(preconditions?.uid || preconditions?.resourceVersion);
    const { signal } = options;
    return this.send<unknown>({ method: "DELETE", path, body, signal, verb: "delete", idempotent: guarded });
  }

  watch(options: WatchOptions = {}): AsyncIterable<WatchEvent<T>> {
    return this.watchEvents(options);
  }

  async replaceStatus(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.replaceAt(obj, "status", options);
  }

  async patchStatus(
    id: ObjectId | string,
    type: PatchType,
    patch: unknown,
    options: WriteOptions = {},
  ): Promise<T> {
    return this.patchAt(id, "status", type, patch, options);
  }

  async applyStatus(obj: Partial<T> & KubeObject, options: ApplyOptions): Promise<T> {
    return this.applyAt(obj, "status", options);
  }

  private async replaceAt(obj: T, subresource: string | undefined, options: WriteOptions): Promise<T> {
    const path = (await this.objectPath(idOfObject(obj), options.signal, subresource)) + writeQuery(options);
    const body = JSON.stringify(obj);
    return this.send<T>({ method: "PUT", path, body, signal: options.signal, verb: "update" });
  }

  private async patchAt(
    id: ObjectId | string,
    subresource: string | undefined,
    type: PatchType,
    patch: unknown,
    options: WriteOptions,
  ): Promise<T> {
    const contentType = PATCH_CONTENT_TYPES[type];
    if (!contentType) throw new TsOperatorError("TSOP_INVALID_OBJECT", `unknown patch type ${String(type)}`);
    const path = (await this.objectPath(id, options.signal, subresource)) + writeQuery(options);
    const body = typeof patch === "string" ? patch : JSON.stringify(patch);
    return this.send<T>({ method: "PATCH", path, body, contentType, signal: options.signal, verb: "patch" });
  }

  private async applyAt(
    obj: Partial<T> & KubeObject,
    subresource: string | undefined,
    options: ApplyOptions,
  ): Promise<T> {
    if (!options.fieldManager) {
      throw new TsOperatorError("TSOP_INVALID_OBJECT", `apply of ${this.resourceName} needs a fieldManager`);
    }
    const path =
      (await this.objectPath(idOfObject(obj), options.signal, subresource)) +
      queryString({
        fieldManager: options.fieldManager,
        force: options.force ? "true" : undefined,
        dryRun: options.dryRun ? "All" : undefined,
      });
    // Server-side apply needs apiVersion and kind in the body; fill them in rather than fail on a known type.
    const body =
      obj.apiVersion && obj.kind ? obj : { ...obj, apiVersion: this.type.apiVersion, kind: this.type.kind };
    // Applying the same configuration twice gives the same result: safe to repeat.
    return this.send<T>({
      method: "PATCH",
      path,
      body: JSON.stringify(body),
      contentType: APPLY_CONTENT_TYPE,
      signal: options.signal,
      verb: "patch",
      idempotent: true,
    });
  }

  private async *watchEvents(options: WatchOptions): AsyncGenerator<WatchEvent<T>, void, undefined> {
    // One scope per watch: the parser and the request listen to it, so watches sharing a stop signal add one
    // listener to it in all.
    const scope = new AbortScope([options.signal]);
    try {
      yield* this.watchEventsIn(options, scope.signal);
    } finally {
      scope.release();
    }
  }

  private async *watchEventsIn(
    options: WatchOptions,
    signal: AbortSignal,
  ): AsyncGenerator<WatchEvent<T>, void, undefined> {
    const sendInitialEvents = options.sendInitialEvents;
    const inactivityMs = options.inactivityTimeoutMs ?? DEFAULT_INACTIVITY_TIMEOUT_MS;
    const path =
      (await this.collectionPath(this.namespace, signal)) +
      queryString({
        watch: "true",
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: options.allowWatchBookmarks === false ? undefined : "true",
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        shardSelector: options.shardSelector,
        timeoutSeconds: options.timeoutSeconds,
        sendInitialEvents: sendInitialEvents ? "true" : undefined,
        resourceVersionMatch: sendInitialEvents ? "NotOlderThan" : undefined,
      });
    const res = await this.transport.request({
      method: "GET",
      path,
      signal,
      verb: "watch",
      resource: this.resourceName,
      stream: true,
      // The API server sends watch headers at once; waiting longer than the inactivity window is pointless.
      headersTimeoutMs: inactivityMs > 0 ? Math.min(inactivityMs, HEADERS_TIMEOUT_MS) : undefined,
    });
    if (res.statusCode !== 200) {
      const err = await apiErrorFrom("GET", path, res, signal);
      if (err.statusCode === 410) throw new WatchExpiredError("GET", path, err.status);
      throw err;
    }
    try {
      yield* parseWatchStream<T>(res.body, {
        inactivityTimeoutMs: options.inactivityTimeoutMs,
        signal,
        path,
      });
    } finally {
      // Early exit (break, error, abort): the connection cannot be reused mid-response; destroying it frees
      // the pool slot now instead of when the server's timeout ends the watch.
      if (!res.body.destroyed) res.body.destroy();
    }
  }

  /** One request for this type; a body without a content type is JSON. */
  private send<R>(req: Omit<TransportRequest, "resource">): Promise<R> {
    const contentType = req.contentType ?? (req.body === undefined ? undefined : "application/json");
    return this.transport.requestJson<R>({ ...req, contentType, resource: this.resourceName });
  }

  private isNamespaced(signal: AbortSignal | undefined): boolean | Promise<boolean> {
    if (this.namespaced !== undefined) return this.namespaced;
    return this.client.discovery.resourceFor(this.type, signal).then((r) => (this.namespaced = r.namespaced));
  }

  private async collectionPath(
    namespace: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    return collectionPath(this.type, await this.isNamespaced(signal), namespace);
  }

  private async objectPath(
    id: ObjectId | string,
    signal: AbortSignal | undefined,
    subresource?: string,
  ): Promise<string> {
    const oid = typeof id === "string" ? parseObjectKey(id) : id;
    if (!oid.name)
      throw new TsOperatorError("TSOP_INVALID_OBJECT", `${this.resourceName}: object name required`);
    const namespaced = await this.isNamespaced(signal);
    const ns = namespaced ? this.namespaceOf(oid.namespace, oid) : undefined;
    return objectPath(this.type, namespaced, ns, oid.name, subresource);
  }

  private namespaceOf(given: string | undefined, what: { name?: string | undefined }): string {
    const ns = given || this.namespace;
    if (!ns) {
      throw new TsOperatorError(
        "TSOP_INVALID_OBJECT",
        `${this.resourceName} ${what.name ?? ""}: a namespace is required (namespaced type, no namespace given or bound)`,
      );
    }
    return ns;
  }
}

function idOfObject(obj: KubeObject): ObjectId {
  return { namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? "" };
}

function listQuery(o: ListOptions): string {
  return queryString({
    labelSelector: o.labelSelector,
    fieldSelector: o.fieldSelector,
    shardSelector: o.shardSelector,
    limit: o.limit,
    continue: o.continue,
    resourceVersion: o.resourceVersion,
    resourceVersionMatch: o.resourceVersionMatch,
  });
}

function writeQuery(o: WriteOptions): string {
  if (o.fieldManager === undefined && !o.dryRun) return "";
  return queryString({ fieldManager: o.fieldManager, dryRun: o.dryRun ? "All" : undefined });
}
