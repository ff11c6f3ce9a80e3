/**
 * Wires one operator together: informers for the parent and child types (children filtered by the ownership
 * label, so the cache holds only our objects), the keyed work queue, and the reconciler. Watch events only mark a
 * parent dirty; the queue makes sure each parent is synced once at a time.
 *
 * Sharded, with a server that selects hash ranges (ShardedListAndWatch), the parent and child caches hold only
 * the held buckets' objects (`followBuckets`); otherwise they hold everything and the shard gate filters.
 */
import { TsOperatorError, isApiError } from "../../core/errors.js";
import { describeObject, sameType, typeName, type K8sType, type KubeObject } from "../../core/types.js";
import type { KubeClient } from "../../client/kube-client.js";
import type { ResourceApi } from "../../client/resource-api.js";
import { InformerFactory, type InformerScope, type SharedInformer } from "../../runtime/informer-factory.js";
import { SHARD_BUCKET_LABEL } from "../../core/shard-hash.js";
import { keyOf, parentUidIndex, type StoreEvent } from "../../runtime/store.js";
import { WorkQueue, type WorkQueueMetricsHooks, type WorkResult } from "../../runtime/work-queue.js";
import type { OperatorConfig } from "../api/config.js";
import type { Handler } from "../api/handler.js";
import type { Logger } from "../../core/logger.js";
import { jsonEqual } from "../../core/json.js";
import type { ParentEventSink } from "../engine/handler-context.js";
import type { RelatedSource } from "../api/sync-request.js";
import { RelatedWatch } from "./related-watch.js";
import type { ShardGate } from "./sharding.js";
import { controllerOf } from "../engine/child-sync.js";
import type { SyncRequest } from "../api/handler.js";
import {
  Reconciler,
  SyncError,
  requestFromCache,
  type EngineMemorySizes,
  type ReconcileObserver,
  type ReconcileOutcome,
} from "../engine/reconciler.js";

const PARENT_UID_INDEX = "uid";
/**
 * After the stop grace period aborts the in-flight syncs' writes and handler signals, how long stop waits for
 * them to notice before abandoning them. Part of stop()'s documented deadline (stopGracePeriodMs + this).
 */
export const STOP_ABORT_WAIT_MS = 2_000;
/** First retry of a failed sync (then doubling up to maxBackoffMs). client-go's 5 ms only hammers a broken parent. */
const ERROR_BACKOFF_INITIAL_MS = 100;
/** Fallback retry after a guarded write found our view stale (the watch event normally comes first). */
const STALE_RETRY_MS = 1_000;
const CHILD_PARENT_INDEX = "parent";
/** One function for every controller, so controllers sharing a parent informer can all register the index. */
const uidOf = (obj: KubeObject): string[] => (obj.metadata.uid ? [obj.metadata.uid] : []);

export interface ControllerOptions {
  logger: Logger;
  observer?: Partial<ReconcileObserver>;
  queueMetrics?: WorkQueueMetricsHooks;
  /** Where the handlers' Events go (`context.events`); without it they are dropped. */
  events?: ParentEventSink;
  /** Sharding: which parents this replica syncs, and the fence of their buckets (see sharding.ts). */
  shard?: ShardGate | undefined;
  /**
   * An informer factory shared with other controllers (`startOperators`): informers of the same type and scope
   * are then one LIST and one WATCH for all of them. Its owner starts and stops it; without it the controller
   * has its own.
   */
  factory?: InformerFactory;
  /** Called for every reconcile outcome (metrics). */
  onReconcile?: (result: "success" | "error" | "requeue_after", seconds: number, error?: unknown) => void;
}

export class OperatorController {
  readonly config: OperatorConfig;
  #queue: WorkQueue;
  readonly factory: InformerFactory;
  readonly #sharedFactory: boolean;
  /** This controller's informers (a shared factory holds other controllers' too) and its subscriptions. */
  readonly #informers = new Set<SharedInformer>();
  readonly #unsubscribe: Array<() => void> = [];
  readonly #client: KubeClient;
  readonly #logger: Logger;
  readonly #reconciler: Reconciler;
  readonly #namespaced = new Map<K8sType, boolean>();
  readonly #apis = new Map<K8sType, ResourceApi>();
  #parentInformer: SharedInformer | undefined;
  readonly #childInformers = new Map<K8sType, SharedInformer>();
  readonly #related: RelatedWatch[] = [];
  readonly #options: ControllerOptions;
  /** Parent uids of a child, from its tracking label and controller ownerReference (also the store index). */
  readonly #parentUidsOf: (obj: KubeObject) => readonly string[];
  #running: Promise<void> | undefined;
  /** Per parent being synced, the changes its watch events reported meanwhile (`undefined`: a child deletion). */
  readonly #held = new Map<string, Array<KubeObject | undefined>>();
  /**
   * Aborts the writes of the current workers: on a hard stop, or when leadership is lost. A graceful stop lets
   * in-flight syncs finish their writes. Renewed for each worker term.
   */
  #writes = new AbortController();
  /** Aborted by stop(): makes a startCaches() that is still waiting give up. */
  readonly #stopping = new AbortController();
  /** Sharded caches (parents by hash range, children by bucket label): empty when the caches hold everything. */
  readonly #shardedInformers: SharedInformer[] = [];

  constructor(config: OperatorConfig, handler: Handler, client: KubeClient, options: ControllerOptions) {
    this.config = config;
    this.#client = client;
    this.#logger = options.logger;
    this.#options = options;
    this.#parentUidsOf = parentUidIndex(config.trackingLabel);
    this.#sharedFactory = options.factory !== undefined;
    this.factory =
      options.factory ??
      new InformerFactory(client, {
        // Our own managedFields entry tells us which fields we own (drift detection); the rest is dropped.
        compact: { keepFieldManager: config.fieldManager },
        onError: (error, phase) =>
          this.#logger.warn({ err: errorSummary(error), phase }, "watch error, retrying"),
      });
    this.#queue = this.#newQueue();
    const observer = options.observer ?? {};
    const nameOf = (parent: KubeObject) =>
      describeObject(config.parentType, parent.metadata.namespace, parent.metadata.name);
    this.#reconciler = new Reconciler({
      config,
      handler,
      isNamespaced: (type) => this.#isNamespaced(type),
      api: (type) => this.#api(type),
      getParent: (key) => this.#parentInformer?.store.get(key),
      childrenOf: (uid) => this.#childrenOf(uid),
      recordWrite: (type, obj) => this.#recordWrite(type, obj),
      relatedOf: (parent) => this.#relatedOf(parent),
      handlerLogger: this.#logger,
      handlerEvents: options.events,
      observer: {
        onWrite: (key, verb, what) => {
          this.#logger.info({ parent: key, verb, child: what }, "child written");
          observer.onWrite?.(key, verb, what);
        },
        onStatusWrite: (key) => {
          this.#logger.debug({ parent: key }, "status written");
          observer.onStatusWrite?.(key);
        },
        onSyncError: (parent, kind, error) => {
          this.#logger.warn(
            {
              parent: nameOf(parent),
              kind,
              err: errorSummary(error),
            },
            "sync failed",
          );
          observer.onSyncError?.(parent, kind, error);
        },
        onFinalize: (parent, outcome) => {
          this.#logger.info(
            {
              parent: nameOf(parent),
              outcome,
            },
            "finalize",
          );
          observer.onFinalize?.(parent, outcome);
        },
        onRecovered: (parent) => observer.onRecovered?.(parent),
        onReportFailed: (parent, error, writeError) => {
          this.#logger.warn(
            {
              parent: nameOf(parent),
              err: errorSummary(error),
              statusWriteErr: errorSummary(writeError),
            },
            "could not write the failure to the parent's status",
          );
          observer.onReportFailed?.(parent, error, writeError);
        },
      },
    });
  }

  /** startCaches() then startWorkers(): the operator without leader election. */
  async start(): Promise<void> {
    await this.startCaches();
    this.startWorkers();
  }

  /**
   * Resolves types (discovery), starts the informers and resolves when every cache has synced. Every replica
   * does this, leader or not, so a new leader starts with warm caches. Rejects with TSOP_SHUTDOWN if stop() is
   * called first.
   */
  async startCaches(): Promise<void> {
    const types = [
      this.config.parentType,
      ...this.config.children.map((c) => c.type),
      ...this.config.related.map((r) => r.type),
    ];
    for (const type of types) this.#namespaced.set(type, await this.#resolveNamespaced(type));
    const parentNamespaced = this.#isNamespaced(this.config.parentType);
    if (!parentNamespaced && this.config.namespace) {
      this.#logger.info(
        { namespace: this.config.namespace },
        "parent type is cluster-scoped: watching all parents; namespaced children limited to the namespace",
      );
    }
    const parentNamespace = parentNamespaced ? this.config.namespace : undefined;
    const shard = this.#options.shard;
    // The server's answer (sharding.ts) decides whether the caches can follow the shard.
    const follow = shard?.serverSide === true;
    // Sharded caches start empty: buckets are added as the ring acquires them (followBuckets).
    const sharded = (by: NonNullable<InformerScope["shard"]>["by"]): Pick<InformerScope, "shard"> =>
      follow && shard ? { shard: { by, buckets: shard.buckets, held: [] } } : {};
    const parent = this.factory.informer(this.config.parentType, {
      namespace: parentNamespace,
      ...sharded(shard?.key ?? "uid"),
    });
    if (follow) this.#shardedInformers.push(parent);
    parent.store.addIndex(PARENT_UID_INDEX, uidOf);
    this.#parentInformer = parent;
    const selector = `${this.config.ownershipLabel}=${this.config.operatorName}`;
    for (const { type } of this.config.children) {
      const informer = this.factory.informer(type, {
        namespace: this.#isNamespaced(type) ? this.config.namespace : undefined,
        labelSelector: selector,
        // Children hash elsewhere: they follow their parent's bucket through the label the engine puts on them.
        ...sharded({ label: SHARD_BUCKET_LABEL }),
      });
      if (follow) this.#shardedInformers.push(informer);
      if (!informer.store.hasIndex(CHILD_PARENT_INDEX)) {
        informer.store.addIndex(CHILD_PARENT_INDEX, this.#parentUidsOf);
      }
      this.#childInformers.set(type, informer);
      this.#informers.add(informer);
      this.#unsubscribe.push(informer.subscribe((event) => this.#onChildEvent(event), { replay: false }));
    }
    for (const { type, config: related } of this.config.related) {
      const namespaced = this.#isNamespaced(type);
      const watch = new RelatedWatch({
        type,
        config: related,
        informer: this.factory.informer(type, {
          namespace: namespaced ? (related.namespace ?? this.config.namespace) : undefined,
          labelSelector: related.labelSelector,
        }),
        relatedNamespaced: namespaced,
        parentNamespaced,
        enqueue: (key) => this.#enqueue(key),
        logger: this.#logger,
      });
      watch.subscribe();
      this.#unsubscribe.push(() => watch.unsubscribe());
      this.#informers.add(watch.informer);
      this.#related.push(watch);
    }
    this.#informers.add(parent);
    // Replayed: a parent informer shared with another operator may be filled already, and the references index
    // must see every parent (queueing waits for startWorkers, which queues them all).
    this.#unsubscribe.push(parent.subscribe((event) => this.#onParentEvent(event)));
    this.factory.start();
    // A cache that cannot sync (e.g. no list permission) must not make stop() hang.
    const stopping = this.#stopping.signal;
    await Promise.race([
      Promise.all([...this.#informers].map((informer) => informer.synced)),
      new Promise<never>((_, reject) => {
        const fail = () => reject(new TsOperatorError("TSOP_SHUTDOWN", "stopped before the caches synced"));
        if (stopping.aborted) fail();
        else stopping.addEventListener("abort", fail, { once: true });
      }),
    ]);
    this.#logger.info(
      { parents: parent.store.size, childTypes: this.config.children.map((c) => typeName(c.type)) },
      "caches synced",
    );
  }

  /**
   * Queues every cached parent (level-triggered: each is synced once per term) and starts the workers. `signal`
   * (e.g. leadership) aborts their writes when it fires. May be called again after stopWorkers().
   */
  startWorkers(signal?: AbortSignal): void {
    if (this.#running) return;
    if (this.#queue.isShuttingDown) this.#queue = this.#newQueue();
    this.#writes = new AbortController();
    if (signal) {
      const writes = this.#writes;
      if (signal.aborted) writes.abort(signal.reason);
      else signal.addEventListener("abort", () => writes.abort(signal.reason), { once: true });
    }
    const parent = this.#parentInformer;
    if (!parent) throw new TsOperatorError("TSOP_CONFIG_INVALID", "startWorkers() before startCaches()");
    for (const obj of parent.store.values()) this.#enqueue(keyOf(obj));
    this.#running = this.#queue.run((key) => this.#work(key));
    this.#logger.info({ parents: parent.store.size }, "workers started");
  }

  /**
   * Stops taking work; resolves within `graceMs` + STOP_ABORT_WAIT_MS even if a handler never settles. In-flight
   * syncs may finish for `graceMs` (0: their writes are aborted at once, e.g. when leadership is lost and another
   * replica may already be writing); then their writes and handler signals are aborted, and syncs still running
   * STOP_ABORT_WAIT_MS later are abandoned: left to settle on their own, unable to write (their signal is
   * aborted), and logged.
   */
  async stopWorkers(graceMs = this.config.stopGracePeriodMs): Promise<void> {
    const writes = this.#writes;
    const queue = this.#queue;
    const abort = () => writes.abort(new TsOperatorError("TSOP_SHUTDOWN", "stopping"));
    try {
      if (graceMs <= 0) abort();
      let { abandoned } = await queue.shutdown({ waitMs: Math.max(0, graceMs) });
      if (abandoned.length > 0) {
        abort();
        ({ abandoned } = await queue.shutdown({ waitMs: STOP_ABORT_WAIT_MS }));
      }
      if (abandoned.length > 0) {
        // Parent keys only (never object data): enough to find the handler that ignores its signal.
        this.#logger.warn(
          {
            parents: abandoned.slice(0, 10),
            count: abandoned.length,
            graceMs,
            abortWaitMs: STOP_ABORT_WAIT_MS,
          },
          "stopped with syncs still running: abandoned (their writes are aborted)",
        );
      }
    } finally {
      this.#running = undefined;
    }
  }

  /** Stops the watches (and a startCaches() still waiting for them). */
  async stopCaches(): Promise<void> {
    this.#stopping.abort();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    // A shared factory is stopped by its owner once every controller using it has stopped.
    if (!this.#sharedFactory) await this.factory.stop();
  }

  /** Start times (Date.now()) of handler calls not settled yet, including ones abandoned after a timeout. */
  pendingHandlerCalls(): number[] {
    return this.#reconciler.pendingHandlerCalls();
  }

  /** Sizes of the engine's per-object bookkeeping; each entry is freed when its object is deleted. */
  engineMemorySizes(): EngineMemorySizes {
    return this.#reconciler.memorySizes();
  }

  /**
   * How long the busiest sync has been running, in ms: the longest-running worker of the queue or the oldest
   * handler call not settled yet (abandoned after a timeout or stop included). 0 when idle. For `/healthz`.
   */
  longestBusyMs(): number {
    const now = Date.now();
    let longest = this.#queue.longestRunningProcessorSeconds() * 1000;
    for (const started of this.#reconciler.pendingHandlerCalls()) longest = Math.max(longest, now - started);
    return longest;
  }

  /** The request the handler would get for this parent now, from the cache; undefined when it is not cached. */
  currentRequest(key: string): SyncRequest | undefined {
    const parent = this.#parentInformer?.store.get(key);
    if (!parent) return undefined;
    return requestFromCache(
      { config: this.config, relatedOf: (p) => this.#relatedOf(p) },
      parent,
      this.#childrenOf(parent.metadata.uid ?? ""),
    );
  }

  /** Whether the parent and child caches hold only the held buckets' objects (sharded, with server support). */
  get cachesFollowShard(): boolean {
    return this.#shardedInformers.length > 0;
  }

  /**
   * Sharded caches now hold the objects of `held` only: resolves once the parents and children of every bucket
   * in `held` are in the caches (a bucket's syncs must not start before: they would see no children). A no-op
   * when the caches hold everything.
   */
  async followBuckets(held: readonly number[]): Promise<void> {
    await Promise.all(this.#shardedInformers.map((informer) => informer.reshard(held)));
  }

  /**
   * Labels the children made before sharding whose parent this replica holds. A sharded child cache selects the
   * bucket label, so it never sees an unlabelled child: the engine takes over one it still wants (its POST gets
   * 409, then it labels it), but one it no longer wants would stay until its parent is deleted. Labelled, it
   * enters the holder's cache and is synced like any other child: deleted when not desired. Only children our
   * parent controls (the engine's own rule for deletion), with a resourceVersion precondition: a child changed
   * meanwhile is left to the next pass or to the engine. `labelOf` gives the label of a cached parent this
   * replica holds (undefined otherwise). Returns the number labelled.
   */
  async labelUnlabelledChildren(
    labelOf: (parent: KubeObject) => string | undefined,
    signal: AbortSignal,
  ): Promise<number> {
    const parents = this.#parentInformer?.store;
    if (!parents) return 0;
    const selector = `${this.config.ownershipLabel}=${this.config.operatorName},!${SHARD_BUCKET_LABEL}`;
    let labelled = 0;
    for (const { type } of this.config.children) {
      const namespaced = this.#isNamespaced(type);
      const api = this.#client.resource(
        { ...type, namespaced },
        namespaced ? this.config.namespace : undefined,
      );
      let token: string | undefined;
      do {
        const page = await api.list({ labelSelector: selector, limit: 500, continue: token, signal });
        for (const child of page.items) {
          const owner = controllerOf(child);
          const parent = owner ? parents.byIndex(PARENT_UID_INDEX, owner.uid)[0] : undefined;
          const label = parent ? labelOf(parent) : undefined;
          if (label === undefined) continue;
          const { name, namespace, resourceVersion } = child.metadata;
          try {
            await api.patch(
              { name: name ?? "", namespace },
              "merge",
              { metadata: { resourceVersion, labels: { [SHARD_BUCKET_LABEL]: label } } },
              { fieldManager: this.config.fieldManager, signal },
            );
            labelled++;
          } catch (err) {
            if (!isApiError(err, 404) && !isApiError(err, 409)) throw err;
          }
        }
        token = page.metadata.continue || undefined;
      } while (token);
    }
    return labelled;
  }

  /** The current work queue (a new one per worker term). */
  get queue(): WorkQueue {
    return this.#queue;
  }

  get hasSynced(): boolean {
    return this.#parentInformer !== undefined && [...this.#informers].every((informer) => informer.hasSynced);
  }

  /** Cached object counts per type (for metrics). */
  cachedObjects(): Array<{ type: string; count: number }> {
    return [...this.#informers].map((i) => ({ type: typeName(i.type), count: i.store.size }));
  }

  /** Graceful stop: stopWorkers(graceMs) then stopCaches(). */
  async stop(graceMs = this.config.stopGracePeriodMs): Promise<void> {
    this.#stopping.abort();
    await this.stopWorkers(graceMs);
    await this.stopCaches();
  }

  #newQueue(): WorkQueue {
    return new WorkQueue({
      name: this.config.operatorName,
      concurrency: this.config.concurrency,
      backoff: { initialMs: ERROR_BACKOFF_INITIAL_MS, maxMs: this.config.maxBackoffMs },
      retryRateLimit: this.config.retryRateLimit,
      metrics: this.#options.queueMetrics,
    });
  }

  async #work(key: string): Promise<WorkResult | void> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    this.#held.set(key, []);
    try {
      const outcome = await this.#reconcile(key);
      if (!outcome) return undefined; // not ours (any more): the holder of its bucket syncs it
      switch (outcome.kind) {
        case "synced":
          // The handler looked at the children and we changed some: show it what it created (our writes are
          // filtered out of the watch events, so nothing else would).
          if (outcome.writes > 0 && outcome.childrenRead) this.#queue.add(key);
          this.#options.onReconcile?.(
            outcome.resyncAfterMs !== undefined ? "requeue_after" : "success",
            seconds(),
          );
          return outcome.resyncAfterMs !== undefined ? { requeueAfterMs: outcome.resyncAfterMs } : undefined;
        case "stale":
          // The watch delivers the newer object and queues the parent; this is only a fallback.
          this.#options.onReconcile?.("requeue_after", seconds());
          return { requeueAfterMs: STALE_RETRY_MS };
        case "finalizing":
          this.#options.onReconcile?.("requeue_after", seconds());
          return { requeueAfterMs: outcome.retryAfterMs };
        default:
          this.#options.onReconcile?.("success", seconds());
          return undefined;
      }
    } catch (error) {
      this.#options.onReconcile?.("error", seconds(), error);
      if (!(error instanceof SyncError)) {
        this.#logger.error({ parent: key, err: errorSummary(error) }, "unexpected error in sync");
      } else if (error.kind === "transient") {
        this.#logger.info({ parent: key, err: errorSummary(error.cause) }, "transient API failure, retrying");
      }
      throw error;
    } finally {
      this.#releaseHeld(key);
    }
  }

  /** Queues a parent, unless sharding says another replica syncs it. */
  #enqueue(key: string): void {
    const shard = this.#options.shard;
    const parent = shard ? this.#parentInformer?.store.get(key) : undefined;
    if (parent && shard && !shard.owns(parent)) return;
    this.#queue.add(key);
  }

  #reconcile(key: string): Promise<ReconcileOutcome> | undefined {
    const shard = this.#options.shard;
    if (!shard) return this.#reconciler.reconcile(key, this.#writes.signal);
    const parent = this.#parentInformer?.store.get(key);
    // A parent gone from the cache has nothing left to sync (its deletion was handled by the finalizer path).
    if (!parent) return undefined;
    return shard.run(parent, this.#writes.signal, (signal) => this.#reconciler.reconcile(key, signal));
  }

  /** Queues the cached parents `filter` accepts (sharding: the parents of a bucket just acquired). */
  requeueParents(filter: (parent: KubeObject) => boolean): void {
    for (const obj of this.#parentInformer?.store.values() ?? []) if (filter(obj)) this.#enqueue(keyOf(obj));
  }

  /** The cached parents. */
  cachedParents(): Iterable<KubeObject> {
    return this.#parentInformer?.store.values() ?? [];
  }

  #onParentEvent(event: StoreEvent): void {
    // References live in the parent: the reverse index follows every parent event, relevant to a sync or not.
    for (const watch of this.#related) {
      if (event.type === "DELETED") watch.parentDeleted(event.object);
      else watch.parentChanged(event.object);
    }
    if (event.type === "DELETED") {
      const uid = event.object.metadata.uid;
      this.#reconciler.forget(event.object, uid ? [...this.#childrenOf(uid).values()].flat() : []);
      return;
    }
    if (event.type === "MODIFIED" && !parentChangeMatters(event.old, event.object)) return;
    // Workers not running (caches still listing, or no leadership): startWorkers() queues every cached parent.
    if (!this.#running) return;
    this.#changed(keyOf(event.object), event.object);
  }

  #onChildEvent(event: StoreEvent): void {
    if (event.type === "DELETED") this.#reconciler.forgetChild(event.object);
    // As for parents: startWorkers() queues them all. Finding each child's parent during the first LIST was a
    // measurable share of the time to ready after a restart (20,000 children at N=5000 K=4).
    if (!this.#running) return;
    for (const uid of this.#parentUidsOf(event.object)) {
      const parent = this.#parentInformer?.store.byIndex(PARENT_UID_INDEX, uid)[0];
      if (parent) this.#changed(keyOf(parent), event.type === "DELETED" ? undefined : event.object);
    }
  }

  /**
   * An object of parent `key` changed (`undefined`: a child was deleted). A change that is exactly one of our own
   * writes needs no sync. While the parent's sync runs, the event of a write of ours may come before the write's
   * answer, so its changes are held and judged when the sync ends (#releaseHeld).
   */
  #changed(key: string, obj: KubeObject | undefined): void {
    if (obj && this.#reconciler.isOwnWrite(obj)) return;
    const held = this.#held.get(key);
    if (held) held.push(obj);
    else this.#enqueue(key);
  }

  /** Ends holding `key`'s changes; syncs again unless each was our own write (someone else's change, a deletion). */
  #releaseHeld(key: string): void {
    const held = this.#held.get(key);
    this.#held.delete(key);
    if (held?.some((obj) => !obj || !this.#reconciler.isOwnWrite(obj))) this.#enqueue(key);
  }

  #childrenOf(uid: string): Map<K8sType, readonly KubeObject[]> {
    const out = new Map<K8sType, readonly KubeObject[]>();
    for (const [type, informer] of this.#childInformers) {
      out.set(type, informer.store.byIndex(CHILD_PARENT_INDEX, uid));
    }
    return out;
  }

  #relatedOf(parent: KubeObject): RelatedSource {
    const key = keyOf(parent);
    const watchOf = (type: K8sType) => this.#related.find((w) => w.type === type || sameType(w.type, type));
    return {
      declared: this.config.related.map((r) => r.type),
      relatedTo: (type) => watchOf(type)?.relatedTo(key) ?? [],
      find: (type, namespace, name) => watchOf(type)?.find(namespace, name),
    };
  }

  #recordWrite(type: K8sType, obj: KubeObject): boolean {
    const informer = type === this.config.parentType ? this.#parentInformer : this.#childInformers.get(type);
    return informer?.recordWrite(obj) ?? false;
  }

  #api(type: K8sType): ResourceApi {
    let api = this.#apis.get(type);
    if (!api) {
      api = this.#client.resource({ ...type, namespaced: this.#isNamespaced(type) });
      this.#apis.set(type, api);
    }
    return api;
  }

  #isNamespaced(type: K8sType): boolean {
    const known = this.#namespaced.get(type) ?? type.namespaced;
    if (known === undefined) {
      throw new TsOperatorError("TSOP_UNKNOWN_TYPE", `${typeName(type)}: scope not resolved before use`);
    }
    return known;
  }

  async #resolveNamespaced(type: K8sType): Promise<boolean> {
    if (type.namespaced !== undefined) return type.namespaced;
    const resources = await this.#client.discovery.resources(type.apiVersion);
    const found = resources.find((r) => r.name === type.plural);
    if (!found) {
      throw new TsOperatorError(
        "TSOP_UNKNOWN_TYPE",
        `${typeName(type)}: the API server has no resource "${type.plural}" in ${type.apiVersion}` +
          ` (known: ${
            resources
              .map((r) => r.name)
              .filter((n) => !n.includes("/"))
              .join(", ") || "none"
          })`,
      );
    }
    if (found.kind !== type.kind) {
      throw new TsOperatorError(
        "TSOP_UNKNOWN_TYPE",
        `${type.apiVersion} ${type.plural} is of kind ${found.kind}, not ${type.kind}`,
      );
    }
    return found.namespaced;
  }
}

/**
 * A parent update that changes only its status or resourceVersion (e.g. our own status write) needs no sync;
 * spec (generation), labels, annotations, finalizers and deletion do.
 */
function parentChangeMatters(old: KubeObject, next: KubeObject): boolean {
  const a = old.metadata;
  const b = next.metadata;
  if (a.generation !== b.generation || a.deletionTimestamp !== b.deletionTimestamp) return true;
  if (b.generation === undefined) return true;
  return (
    !jsonEqual(a.labels, b.labels) ||
    !jsonEqual(a.annotations, b.annotations) ||
    !jsonEqual(a.finalizers, b.finalizers)
  );
}

export function errorSummary(error: unknown): Record<string, unknown> {
  if (error instanceof TsOperatorError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { message: error.message, name: error.name };
  return { message: String(error) };
}
