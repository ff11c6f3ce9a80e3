/**
 * TestKit: roperator's test helpers, async and runner-agnostic (node:test, vitest, jest). It runs an operator
 * in-process against a real apiserver (TestEnvironment or `USE_EXISTING_CLUSTER=true`), optionally scoped to a
 * fresh namespace, and offers "eventually" assertions, counts of handler calls and errors per parent, and a
 * cleanup that leaves nothing behind even when the test failed.
 */
import { sleep } from "../core/sleep.js";
import { AssertionError } from "node:assert";
import { randomBytes } from "node:crypto";
import { stringify } from "yaml";
import { isNotFound, TsOperatorError } from "../core/errors.js";
import { objectKey, sameType, typeName, type K8sType, type KubeObject, type ObjectId } from "../core/types.js";
import type { ClientConfig } from "../client/config.js";
import { KubeClient } from "../client/kube-client.js";
import type { ResourceApi } from "../client/resource-api.js";
import { keyOf } from "../runtime/store.js";
import { OperatorConfig } from "../operator/api/config.js";
import { toHandler, type Handler, type HandlerLike, type SyncRequest } from "../operator/api/handler.js";
import { silentLogger, type Logger } from "../core/logger.js";
import type { SyncErrorKind } from "../operator/engine/reconciler.js";
import { startOperator, type RunningOperator } from "../operator/manager/runner.js";

export interface TestKitOptions {
  /** Operator logs (default: silent, so test output stays readable). */
  logger?: Logger;
  /** Default timeout of the `...Eventually` assertions and `reconcileAndAssertSuccess` (default 30 000 ms). */
  timeoutMs?: number;
  /** Poll interval of the assertions (default 100 ms). */
  pollIntervalMs?: number;
  /** Prefix of the namespace `withTestNamespace` creates (default "tsop-test"). */
  namespacePrefix?: string;
  /** How long `close()` waits for cleanup (parents finalized, namespace gone; default 60 000 ms). */
  cleanupTimeoutMs?: number;
}

export interface EventuallyOptions {
  timeoutMs?: number;
}

/** An error the engine reported for a parent (handler threw, output invalid, or an API write failed). */
export interface RecordedSyncError {
  readonly kind: SyncErrorKind;
  readonly error: unknown;
  readonly message: string;
  /** The parent's generation when it happened. */
  readonly generation: number | undefined;
  /** Sequence number of the sync call it belongs to (see `syncCalls`). */
  readonly afterSyncCall: number;
}

/** Counts for one parent. */
export interface ParentStats {
  readonly syncCalls: number;
  readonly finalizeCalls: number;
  /** Errors of kind "handler" (sync or finalize threw). */
  readonly handlerErrors: number;
  /** Every error the engine reported, oldest first. */
  readonly errors: readonly RecordedSyncError[];
}

interface ParentRecord {
  syncCalls: number;
  finalizeCalls: number;
  /** Global sequence number and parent generation of the latest sync call. */
  lastSync: { seq: number; generation: number | undefined } | undefined;
  errors: RecordedSyncError[];
}

/** Counts handler calls and engine-reported errors per parent key. */
class CallRecorder {
  readonly records = new Map<string, ParentRecord>();
  #seq = 0;

  recordCall(parent: KubeObject, what: "sync" | "finalize"): void {
    const record = this.#record(keyOf(parent));
    this.#seq++;
    if (what === "sync") {
      record.syncCalls++;
      record.lastSync = { seq: this.#seq, generation: parent.metadata.generation };
    } else {
      record.finalizeCalls++;
    }
  }

  recordError(parent: KubeObject, kind: SyncErrorKind, error: unknown): void {
    this.#record(keyOf(parent)).errors.push({
      kind,
      error,
      message: error instanceof Error ? error.message : String(error),
      generation: parent.metadata.generation,
      afterSyncCall: this.#seq,
    });
  }

  #record(key: string): ParentRecord {
    let record = this.records.get(key);
    if (!record) {
      record = { syncCalls: 0, finalizeCalls: 0, lastSync: undefined, errors: [] };
      this.records.set(key, record);
    }
    return record;
  }
}

/** A resource the kit created and removes on close(). */
interface Tracked {
  type: K8sType;
  id: ObjectId;
}

/**
 * Runs an operator in-process for tests and checks what it does.
 *
 * `create` and `withTestNamespace` work on a copy of the OperatorConfig (rebuilt through its public builder
 * methods), so the caller's config is never modified; the copy serves metrics/health on a free port (0) so kits
 * running side by side do not fight over 8080.
 *
 * @example
 * const env = await TestEnvironment.start({ crds: [EchoServerType] });
 * const kit = await TestKit.withTestNamespace(config, env.clientConfig(), handler);
 * try {
 *   await kit.createParent({ apiVersion: "examples.tsoperator.dev/v1", kind: "EchoServer",
 *     metadata: { name: "hello" }, spec: { replicas: 2, message: "hi" } });
 *   await kit.assertResourceEqEventually(k8sTypes.apps.v1.Deployment, "hello", { spec: { replicas: 2 } });
 *   await kit.reconcileAndAssertSuccess("hello");
 * } finally {
 *   await kit.close(); // deletes the namespace, waits until it is gone, stops the operator
 * }
 */
export class TestKit {
  /** The configuration the operator runs with (a copy; scoped to `namespace` when there is one). */
  readonly config: OperatorConfig;
  /** The test namespace (withTestNamespace) or undefined. */
  readonly namespace: string | undefined;
  readonly operator: RunningOperator;
  /** A client of the kit's own (not the operator's), so the operator's request counts stay its own. */
  readonly client: KubeClient;

  readonly #options: Required<Omit<TestKitOptions, "logger">>;
  readonly #recorder: CallRecorder;
  readonly #tracked: Tracked[] = [];
  readonly #namespaced = new Map<string, boolean>();
  #closing: Promise<void> | undefined;

  private constructor(
    config: OperatorConfig,
    namespace: string | undefined,
    operator: RunningOperator,
    client: KubeClient,
    recorder: CallRecorder,
    options: TestKitOptions,
  ) {
    this.#recorder = recorder;
    this.config = config;
    this.namespace = namespace;
    this.operator = operator;
    this.client = client;
    this.#options = {
      timeoutMs: options.timeoutMs ?? 30_000,
      pollIntervalMs: options.pollIntervalMs ?? 100,
      namespacePrefix: options.namespacePrefix ?? "tsop-test",
      cleanupTimeoutMs: options.cleanupTimeoutMs ?? 60_000,
    };
  }

  /**
   * Starts the operator (cluster-wide, or within `config.namespace`) and resolves once its caches have synced.
   *
   * @example
   * const kit = await TestKit.create(config, env.clientConfig(), handler);
   */
  static async create<P extends KubeObject = KubeObject, S = unknown>(
    config: OperatorConfig,
    clientConfig: ClientConfig | Promise<ClientConfig>,
    handler: HandlerLike<P, S>,
    options: TestKitOptions = {},
  ): Promise<TestKit> {
    return TestKit.#start(copyConfig(config), undefined, await clientConfig, handler, options);
  }

  /**
   * Creates a uniquely named namespace, scopes (a copy of) the config to it and starts the operator. `close()`
   * deletes the namespace and waits until it is gone: call it in `finally`/`after`, also when the test fails.
   * Meant for namespaced parents; for a cluster-scoped parent the engine still watches every parent and limits
   * only namespaced children to the namespace, so prefer `create` there.
   *
   * @example
   * const kit = await TestKit.withTestNamespace(config, env.clientConfig(), handler);
   * after(() => kit.close());
   */
  static async withTestNamespace<P extends KubeObject = KubeObject, S = unknown>(
    config: OperatorConfig,
    clientConfig: ClientConfig | Promise<ClientConfig>,
    handler: HandlerLike<P, S>,
    options: TestKitOptions = {},
  ): Promise<TestKit> {
    const resolved = await clientConfig;
    const client = await KubeClient.fromConfig(resolved.with({ userAgent: "tsoperator-testkit" }));
    const prefix = options.namespacePrefix ?? "tsop-test";
    const namespace = `${prefix}-${randomBytes(4).toString("hex")}`.slice(0, 63);
    try {
      await client.resource(NAMESPACE).create({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: namespace, labels: { "tsoperator.dev/test-namespace": "true" } },
      });
    } finally {
      await client.close();
    }
    try {
      return await TestKit.#start(copyConfig(config).withNamespace(namespace), namespace, resolved, handler, options);
    } catch (err) {
      // The operator did not start: the namespace must not outlive this call.
      const cleanup = await KubeClient.fromConfig(resolved.with({ userAgent: "tsoperator-testkit" }));
      try {
        await cleanup.resource(NAMESPACE).delete(namespace).catch(() => {});
      } finally {
        await cleanup.close();
      }
      throw err;
    }
  }

  static async #start<P extends KubeObject, S>(
    config: OperatorConfig,
    namespace: string | undefined,
    clientConfig: ClientConfig,
    handler: HandlerLike<P, S>,
    options: TestKitOptions,
  ): Promise<TestKit> {
    const client = await KubeClient.fromConfig(clientConfig.with({ userAgent: "tsoperator-testkit" }));
    // The recorder exists before the operator so it counts from the very first sync.
    const recorder = new CallRecorder();
    const inner = toHandler(handler) as unknown as Handler;
    const wrapped: Handler = {
      sync: (request, context) => {
        recorder.recordCall(request.parent, "sync");
        return inner.sync(request, context);
      },
    };
    if (typeof inner.finalize === "function") {
      const finalize = inner.finalize.bind(inner);
      wrapped.finalize = (request, context) => {
        recorder.recordCall(request.parent, "finalize");
        return finalize(request, context);
      };
    }
    const operator = startOperator(config, wrapped, {
      clientConfig,
      logger: options.logger ?? silentLogger,
      observer: { onSyncError: (parent, kind, error) => recorder.recordError(parent, kind, error) },
    });
    const kit = new TestKit(config, namespace, operator, client, recorder, options);
    try {
      await operator.ready;
    } catch (err) {
      await operator.stop().catch(() => {});
      await client.close();
      throw err;
    }
    return kit;
  }

  // ---- resources -------------------------------------------------------------------------------------------

  /** The API for a type; string ids and objects without a namespace default to the kit's namespace. */
  api(type: K8sType): ResourceApi {
    return this.client.resource(type, this.namespace);
  }

  /**
   * Creates a parent (defaulting its namespace to the kit's) and returns it as stored. `close()` deletes it.
   *
   * @example
   * const parent = await kit.createParent({ apiVersion: "examples.tsoperator.dev/v1", kind: "EchoServer",
   *   metadata: { name: "a" }, spec: { replicas: 1 } });
   */
  async createParent<P extends KubeObject = KubeObject>(obj: P): Promise<P> {
    return this.createResource(this.config.parentType, obj);
  }

  /** Deletes a parent (background propagation); see assertResourceDeletedEventually to wait for it. */
  async deleteParent(id: ObjectId | string): Promise<void> {
    await this.deleteResource(this.config.parentType, id);
  }

  async getResource<T extends KubeObject = KubeObject>(type: K8sType, id: ObjectId | string): Promise<T | undefined> {
    return (await this.api(type).getOrUndefined(await this.#id(type, id))) as T | undefined;
  }

  /** Creates any object (its namespace defaults to the kit's for namespaced types). `close()` deletes it. */
  async createResource<T extends KubeObject = KubeObject>(type: K8sType, obj: T): Promise<T> {
    const id = await this.#id(type, { namespace: obj.metadata.namespace, name: obj.metadata.name ?? "" });
    const body = { ...obj, metadata: { ...obj.metadata, namespace: id.namespace } };
    if (!id.namespace) delete body.metadata.namespace;
    const created = (await this.api(type).create(body)) as T;
    this.#tracked.push({ type, id });
    return created;
  }

  /** PUT an object; without metadata.resourceVersion the current one is used (last writer wins). */
  async replaceResource<T extends KubeObject = KubeObject>(type: K8sType, obj: T): Promise<T> {
    const id = await this.#id(type, { namespace: obj.metadata.namespace, name: obj.metadata.name ?? "" });
    const resourceVersion =
      obj.metadata.resourceVersion ?? (await this.api(type).get(id)).metadata.resourceVersion;
    return (await this.api(type).replace({
      ...obj,
      metadata: { ...obj.metadata, namespace: id.namespace, resourceVersion },
    })) as T;
  }

  /** Deletes an object; a missing one is fine. */
  async deleteResource(type: K8sType, id: ObjectId | string): Promise<void> {
    try {
      await this.api(type).delete(await this.#id(type, id), { propagationPolicy: "Background" });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // ---- eventually assertions -------------------------------------------------------------------------------

  /** Waits until the object exists and returns it. */
  async assertResourceExistsEventually<T extends KubeObject = KubeObject>(
    type: K8sType,
    id: ObjectId | string,
    options: EventuallyOptions = {},
  ): Promise<T> {
    const resolved = await this.#id(type, id);
    let found: T | undefined;
    await this.#eventually(options, async () => {
      found = (await this.api(type).getOrUndefined(resolved)) as T | undefined;
      return found !== undefined;
    }, () => `${describe(type, resolved)} does not exist`);
    return found!;
  }

  /** Waits until the object is gone (not merely marked for deletion). */
  async assertResourceDeletedEventually(
    type: K8sType,
    id: ObjectId | string,
    options: EventuallyOptions = {},
  ): Promise<void> {
    const resolved = await this.#id(type, id);
    let last: KubeObject | undefined;
    await this.#eventually(options, async () => {
      last = await this.api(type).getOrUndefined(resolved);
      return last === undefined;
    }, () =>
      `${describe(type, resolved)} still exists` +
      (last?.metadata.deletionTimestamp
        ? ` (being deleted since ${last.metadata.deletionTimestamp}, finalizers: ${JSON.stringify(last.metadata.finalizers ?? [])})`
        : " (not being deleted)"),
    );
  }

  /**
   * Waits until the object contains `expected` (subset match: every field of `expected` must be there with an
   * equal value; arrays must have the same length, element by element subset-equal). On timeout the
   * AssertionError carries `expected` and the matching part of the last object as `actual`, and its message
   * lists each differing path and both as YAML.
   *
   * @example
   * await kit.assertResourceEqEventually(k8sTypes.core.v1.Service, "hello", { spec: { ports: [{ port: 80 }] } });
   */
  async assertResourceEqEventually<T extends KubeObject = KubeObject>(
    type: K8sType,
    id: ObjectId | string,
    expected: DeepPartial<T> | Record<string, unknown>,
    options: EventuallyOptions = {},
  ): Promise<T> {
    const resolved = await this.#id(type, id);
    let last: T | undefined;
    try {
      await this.#eventually(options, async () => {
        last = (await this.api(type).getOrUndefined(resolved)) as T | undefined;
        return last !== undefined && subsetDifferences(expected, last).length === 0;
      }, () => "");
    } catch {
      throw mismatchError(describe(type, resolved), expected, last, options.timeoutMs ?? this.#options.timeoutMs);
    }
    return last!;
  }

  /**
   * Waits until `childId` of `childType` exists as a child of the parent (controller ownerReference and tracking
   * label pointing to it) and contains `expected` (subset match as in assertResourceEqEventually).
   */
  async assertChildResourceEq<T extends KubeObject = KubeObject>(
    parentId: ObjectId | string,
    childType: K8sType,
    childId: ObjectId | string,
    expected: DeepPartial<T> | Record<string, unknown> = {},
    options: EventuallyOptions = {},
  ): Promise<T> {
    const parent = await this.assertResourceExistsEventually(this.config.parentType, parentId, options);
    const uid = parent.metadata.uid ?? "";
    return this.assertResourceEqEventually<T>(
      childType,
      childId,
      {
        ...(expected as Record<string, unknown>),
        metadata: {
          ...((expected as { metadata?: Record<string, unknown> }).metadata ?? {}),
          labels: {
            ...((expected as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {}),
            [this.config.trackingLabel]: uid,
          },
        },
      },
      options,
    );
  }

  // ---- operator state ------------------------------------------------------------------------------------

  /**
   * The SyncRequest the handler would see now for this parent, built by the engine from the operator's own
   * caches (parent, children and related objects). Undefined when the parent is not in the cache.
   */
  getCurrentStateForParent<P extends KubeObject = KubeObject>(id: ObjectId | string): SyncRequest<P> | undefined {
    const key = typeof id === "string" ? objectKey({ namespace: this.#parentNamespace(), name: id }) : objectKey(id);
    return this.operator.controller.currentRequest(key) as SyncRequest<P> | undefined;
  }

  /**
   * Waits until the parent has been synced at (or after) its current generation with no error reported for
   * that sync (handler, invalid output or API write). Fails at once when the handler threw or returned invalid
   * output for the current generation, with those errors in the message; API errors are retried by the engine,
   * so they fail only on timeout.
   *
   * @example
   * await kit.reconcileAndAssertSuccess("hello");
   */
  async reconcileAndAssertSuccess(id: ObjectId | string, options: EventuallyOptions = {}): Promise<void> {
    const resolved = await this.#id(this.config.parentType, id);
    const parent = await this.assertResourceExistsEventually(this.config.parentType, resolved, options);
    const generation = parent.metadata.generation ?? 0;
    const key = objectKey(resolved);
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = this.#recorder.records.get(key);
      const last = record?.lastSync;
      if (record && last && (last.generation ?? 0) >= generation) {
        const failed = record.errors.filter((e) => e.afterSyncCall >= last.seq);
        const processing = this.operator.controller.queue.isProcessing(key);
        if (failed.some((e) => e.kind !== "api")) {
          throw new AssertionError({
            message: `reconcile of ${key} (generation ${generation}) failed:\n${formatErrors(failed)}`,
          });
        }
        if (failed.length === 0 && !processing) return;
      }
      if (Date.now() > deadline) {
        const errors = record?.errors.filter((e) => (e.generation ?? 0) >= generation) ?? [];
        throw new AssertionError({
          message:
            `${key} was not reconciled successfully at generation ${generation} within ${timeoutMs} ms` +
            ` (sync calls: ${record?.syncCalls ?? 0}, last at generation ${last?.generation ?? "-"})` +
            (errors.length ? `; errors:\n${formatErrors(errors)}` : ""),
        });
      }
      await sleep(this.#options.pollIntervalMs);
    }
  }

  /** Counts of sync/finalize calls and errors for one parent. */
  stats(id: ObjectId | string): ParentStats {
    const record = this.#recorder.records.get(this.#parentKey(id));
    return {
      syncCalls: record?.syncCalls ?? 0,
      finalizeCalls: record?.finalizeCalls ?? 0,
      handlerErrors: record?.errors.filter((e) => e.kind === "handler").length ?? 0,
      errors: [...(record?.errors ?? [])],
    };
  }

  syncCount(id: ObjectId | string): number {
    return this.stats(id).syncCalls;
  }

  finalizeCount(id: ObjectId | string): number {
    return this.stats(id).finalizeCalls;
  }

  /** Errors of kind "handler" (sync or finalize threw) for this parent. */
  handlerErrorCount(id: ObjectId | string): number {
    return this.stats(id).handlerErrors;
  }

  // ---- cleanup ---------------------------------------------------------------------------------------------

  /**
   * Deletes what the kit created (while the operator still runs, so finalizers are honoured), deletes the test
   * namespace and waits until it is gone, then stops the operator. Idempotent. If finalization does not finish
   * in time, the operator's finalizer is removed so nothing is left behind.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    const deadline = Date.now() + this.#options.cleanupTimeoutMs;
    const problems: string[] = [];
    try {
      const leftovers = [...this.#tracked].reverse();
      for (const { type, id } of leftovers) {
        // Objects inside the test namespace go with it.
        if (this.namespace && id.namespace === this.namespace) continue;
        await this.deleteResource(type, id).catch((err: unknown) => problems.push(String(err)));
      }
      if (this.namespace) await this.deleteResource(NAMESPACE, { name: this.namespace });
      const remaining = async () => {
        const out: Tracked[] = [];
        for (const t of leftovers) {
          if (this.namespace && t.id.namespace === this.namespace) continue;
          if (await this.api(t.type).getOrUndefined(t.id)) out.push(t);
        }
        if (this.namespace && (await this.api(NAMESPACE).getOrUndefined({ name: this.namespace }))) {
          out.push({ type: NAMESPACE, id: { name: this.namespace } });
        }
        return out;
      };
      let left = await remaining();
      let stripped = false;
      while (left.length > 0) {
        if (!stripped && Date.now() > deadline - this.#options.cleanupTimeoutMs / 3) {
          // Finalization is stuck (a handler that keeps retrying, or a failed test): let deletion proceed.
          stripped = true;
          await this.#stripFinalizers().catch((err: unknown) => problems.push(String(err)));
        }
        if (Date.now() > deadline) {
          problems.push(`still present after ${this.#options.cleanupTimeoutMs} ms: ${left.map((t) => describe(t.type, t.id)).join(", ")}`);
          break;
        }
        await sleep(200);
        left = await remaining();
      }
    } finally {
      await this.operator.stop();
      await this.client.close();
    }
    if (problems.length) throw new TsOperatorError("TSOP_CLEANUP_INCOMPLETE", `TestKit cleanup incomplete: ${problems.join("; ")}`);
  }

  /** Removes the operator's finalizer from its parents that are being deleted (within the kit's scope). */
  async #stripFinalizers(): Promise<void> {
    const api = this.api(this.config.parentType);
    const finalizer = this.config.finalizerName;
    for await (const page of api.listPages()) {
      for (const parent of page.items) {
        const index = parent.metadata.finalizers?.indexOf(finalizer) ?? -1;
        if (!parent.metadata.deletionTimestamp || index < 0) continue;
        await api
          .patch(
            { namespace: parent.metadata.namespace, name: parent.metadata.name ?? "" },
            "json",
            [
              { op: "test", path: `/metadata/finalizers/${index}`, value: finalizer },
              { op: "remove", path: `/metadata/finalizers/${index}` },
            ],
          )
          .catch(() => {});
      }
    }
  }

  // ---- internals -------------------------------------------------------------------------------------------

  #parentNamespace(): string | undefined {
    // Known without a round trip: the operator resolved the parent's scope at start.
    const informer = this.operator.controller.factory
      .informers()
      .find((i) => sameType(i.type, this.config.parentType) && !i.scope.labelSelector);
    if (informer?.scope.namespace) return informer.scope.namespace;
    return this.config.parentType.namespaced === false ? undefined : this.namespace;
  }

  #parentKey(id: ObjectId | string): string {
    if (typeof id !== "string") return objectKey(id);
    const known = this.#namespaced.get(typeName(this.config.parentType));
    return objectKey({ namespace: known === false ? undefined : this.#parentNamespace(), name: id });
  }

  /** A full id: namespaced types default to the kit's namespace, cluster-scoped ones lose any namespace. */
  async #id(type: K8sType, id: ObjectId | string): Promise<ObjectId> {
    const given = typeof id === "string" ? { name: id } : id;
    const namespaced = await this.#isNamespaced(type);
    if (!namespaced) return { name: given.name };
    const namespace = given.namespace || this.namespace;
    if (!namespace) {
      throw new TsOperatorError("TSOP_INVALID_OBJECT", `${typeName(type)} ${given.name}: namespaced type needs a namespace (the kit has none)`);
    }
    return { namespace, name: given.name };
  }

  async #isNamespaced(type: K8sType): Promise<boolean> {
    if (type.namespaced !== undefined) return type.namespaced;
    const key = typeName(type);
    let known = this.#namespaced.get(key);
    if (known === undefined) {
      const resources = await this.client.discovery.resources(type.apiVersion);
      const found = resources.find((r) => r.name === type.plural);
      if (!found) throw new TsOperatorError("TSOP_UNKNOWN_TYPE", `${key}: the API server does not serve "${type.plural}"`);
      known = found.namespaced;
      this.#namespaced.set(key, known);
    }
    return known;
  }

  async #eventually(
    options: EventuallyOptions,
    check: () => Promise<boolean>,
    describeFailure: () => string,
  ): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) {
        throw new AssertionError({ message: `not within ${timeoutMs} ms: ${describeFailure()}` });
      }
      await sleep(this.#options.pollIntervalMs);
    }
  }
}

/** A recursive Partial for expected objects. */
export type DeepPartial<T> = T extends ReadonlyArray<infer E>
  ? ReadonlyArray<DeepPartial<E>>
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const NAMESPACE: K8sType = { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false };

/** One difference found by `subsetDifferences`. */
export interface SubsetDifference {
  /** "spec.ports[0].port" */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/**
 * Where `actual` does not contain `expected`: objects match when every key of `expected` matches, arrays when
 * they have the same length and match element by element, anything else by strict equality.
 *
 * @example
 * subsetDifferences({ spec: { replicas: 2 } }, deployment); // [] when spec.replicas is 2
 */
export function subsetDifferences(expected: unknown, actual: unknown, path = ""): SubsetDifference[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [{ path: path || "(root)", expected, actual }];
    return expected.flatMap((e, i) => subsetDifferences(e, actual[i], `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      return [{ path: path || "(root)", expected, actual }];
    }
    return Object.entries(expected).flatMap(([key, value]) =>
      value === undefined ? [] : subsetDifferences(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key),
    );
  }
  return Object.is(expected, actual) ? [] : [{ path: path || "(root)", expected, actual }];
}

/** The part of `actual` that `expected` talks about (same keys, same array lengths where possible). */
function project(expected: unknown, actual: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((a: unknown, i) => (i < expected.length ? project(expected[i], a) : a));
  }
  if (expected !== null && typeof expected === "object" && actual !== null && typeof actual === "object" && !Array.isArray(actual)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      if (key in actual) out[key] = project((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key]);
    }
    return out;
  }
  return actual;
}

function mismatchError(what: string, expected: unknown, actual: KubeObject | undefined, timeoutMs: number): AssertionError {
  if (actual === undefined) {
    return new AssertionError({
      message: `not within ${timeoutMs} ms: ${what} does not exist; expected it to contain:\n${indent(stringify(expected))}`,
      expected,
      actual: undefined,
      operator: "containsEventually",
    });
  }
  const differences = subsetDifferences(expected, actual);
  const projected = project(expected, actual);
  const lines = differences.map(
    (d) => `  ${d.path}: expected ${JSON.stringify(d.expected)}, actual ${d.actual === undefined ? "(missing)" : JSON.stringify(d.actual)}`,
  );
  return new AssertionError({
    message:
      `not within ${timeoutMs} ms: ${what} does not contain the expected fields\n` +
      `differences:\n${lines.join("\n")}\n` +
      `expected (subset):\n${indent(stringify(expected))}` +
      `actual (same fields):\n${indent(stringify(projected))}`,
    expected,
    actual: projected,
    operator: "containsEventually",
  });
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `    ${line}` : line))
    .join("\n");
}

function formatErrors(errors: readonly RecordedSyncError[]): string {
  return errors.map((e) => `  [${e.kind}] generation ${e.generation ?? "-"}: ${e.message}`).join("\n");
}

function describe(type: K8sType, id: ObjectId): string {
  return `${typeName(type)} ${objectKey(id)}`;
}

/** The caller's config, copied (not scoped in place) and serving metrics/health on a free port. */
function copyConfig(source: OperatorConfig): OperatorConfig {
  return source.clone().withServerPort(0);
}
