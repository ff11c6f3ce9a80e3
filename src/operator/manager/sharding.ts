/**
 * Scale-out wired around a controller: every replica keeps its caches and runs its work queue, but syncs only
 * parents whose bucket (hash of the uid or namespace, the API server's FNV-1a: core/shard-hash) it holds in the
 * ShardRing. Children follow their parent: a child event queues its parent, which the gate then lets through or
 * not.
 *
 * The fence, per bucket: a sync runs only while the bucket is held, with a signal that aborts when the bucket is
 * lost; a bucket given up (rebalance, stop) lets its in-flight syncs finish for a grace period, then aborts them,
 * and only then does the ring release the Lease. A lost bucket (no renewal within the renew deadline) aborts at
 * once, well before its Lease can expire for the others.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import { bucketOf, type ShardKey } from "../../core/shard-hash.js";
import type { KubeObject } from "../../core/types.js";
import type { Logger } from "../../core/logger.js";
import { TsOperatorError } from "../../core/errors.js";
import type { KubeClient } from "../../client/kube-client.js";
import { defaultIdentity } from "../../runtime/leader-election.js";
import { ShardRing, type BucketReleaseReason, type ShardRingState } from "../../runtime/shard-ring.js";
import type { OperatorConfig } from "../api/config.js";

/** What the controller asks before queueing or syncing a parent. */
export interface ShardGate {
  /** Whether this replica syncs `parent` now. */
  owns(parent: KubeObject): boolean;
  /**
   * Runs a sync of `parent` with a signal that aborts with `writes` or when the parent's bucket is given up;
   * undefined (nothing run) when the parent is not ours.
   */
  run<T>(
    parent: KubeObject,
    writes: AbortSignal,
    sync: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> | undefined;
}

/** How long a bucket given up in a lost state waits for its aborted syncs before the ring forgets it. */
const LOST_WAIT_MS = 2_000;

interface BucketWork {
  abort: AbortController;
  inFlight: Set<Promise<unknown>>;
}

/** Which parents are ours, and the in-flight syncs of each held bucket. */
export class ParentShards implements ShardGate {
  readonly key: ShardKey;
  readonly buckets: number;
  readonly #work = new Map<number, BucketWork>();

  constructor(key: ShardKey, buckets: number) {
    this.key = key;
    this.buckets = buckets;
  }

  bucketOf(parent: KubeObject): number {
    const value = this.key === "uid" ? parent.metadata.uid : parent.metadata.namespace;
    return bucketOf(value ?? "", this.buckets);
  }

  owns(parent: KubeObject): boolean {
    return this.#work.has(this.bucketOf(parent));
  }

  get held(): number[] {
    return [...this.#work.keys()].sort((a, b) => a - b);
  }

  run<T>(
    parent: KubeObject,
    writes: AbortSignal,
    sync: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> | undefined {
    const work = this.#work.get(this.bucketOf(parent));
    if (!work) return undefined;
    const running = sync(AbortSignal.any([writes, work.abort.signal]));
    const tracked = running.catch(() => {});
    work.inFlight.add(tracked);
    void tracked.finally(() => work.inFlight.delete(tracked));
    return running;
  }

  /** The ring acquired `bucket`: its syncs may start. `signal` is the ring's (aborts on loss). */
  start(bucket: number, signal: AbortSignal): void {
    const abort = new AbortController();
    if (signal.aborted) return;
    signal.addEventListener("abort", () => abort.abort(signal.reason), { once: true });
    this.#work.set(bucket, { abort, inFlight: new Set() });
  }

  /**
   * Stops `bucket`: no sync starts any more; in-flight ones may finish for `graceMs` (0 on a loss), then are
   * aborted and waited for up to `abortWaitMs`. Resolves with the number abandoned (still running, unable to
   * write: their signal is aborted).
   */
  async stop(bucket: number, graceMs: number, abortWaitMs = LOST_WAIT_MS): Promise<number> {
    const work = this.#work.get(bucket);
    if (!work) return 0;
    this.#work.delete(bucket);
    const settled = async (ms: number): Promise<boolean> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
      try {
        return await Promise.race([Promise.all([...work.inFlight]).then(() => true), timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    if (graceMs > 0 && work.inFlight.size > 0 && (await settled(graceMs))) return 0;
    work.abort.abort(new TsOperatorError("TSOP_SHUTDOWN", `bucket ${bucket} given up`));
    if (work.inFlight.size > 0) await settled(abortWaitMs);
    return work.inFlight.size;
  }
}

/** What the sharded lifecycle needs of the controller. */
export interface ShardedTarget {
  startCaches(): Promise<void>;
  startWorkers(): void;
  stopWorkers(graceMs: number): Promise<void>;
  stopCaches(): Promise<void>;
  /** Queues the cached parents for which `filter` is true. */
  requeueParents(filter: (parent: KubeObject) => boolean): void;
  /** Cached parents (for the parents-per-replica metric). */
  cachedParents(): Iterable<KubeObject>;
}

export interface ShardedLifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly failed: Promise<never>;
  readonly ring: ShardRing;
}

/** The replica's identity in the ring, also the suffix of its user agent. */
export function shardIdentity(config: OperatorConfig): string {
  return config.sharding?.identity ?? process.env.POD_NAME ?? defaultIdentity();
}

/**
 * Caches and workers on every replica; each bucket's parents synced by its holder only. Start: caches, workers,
 * then the ring. Stop: the ring first (every bucket drained and released, the member Lease deleted, so the
 * others take over at once), then workers and caches.
 */
export function shardedLifecycle(options: {
  target: ShardedTarget;
  shards: ParentShards;
  client: KubeClient;
  config: OperatorConfig;
  identity: string;
  namespace: string;
  logger: Logger;
  registry?: Registry | undefined;
}): ShardedLifecycle {
  const { target, shards, config, logger } = options;
  const sharding = config.sharding;
  if (!sharding) throw new TsOperatorError("TSOP_CONFIG_INVALID", "sharding is not configured");
  const ring = new ShardRing(options.client, {
    name: sharding.ringName ?? config.operatorName,
    namespace: options.namespace,
    buckets: sharding.buckets,
    identity: options.identity,
    leaseDurationMs: sharding.leaseDurationMs,
    renewDeadlineMs: sharding.renewDeadlineMs,
    retryPeriodMs: sharding.retryPeriodMs,
    logger,
  });
  const metrics = options.registry
    ? shardMetrics(options.registry, config.operatorName, ring, shards, target)
    : undefined;
  let running: Promise<void> | undefined;
  return {
    ring,
    failed: new Promise<never>(() => {}),
    async start() {
      await target.startCaches();
      target.startWorkers();
      logger.info(
        {
          identity: options.identity,
          buckets: sharding.buckets,
          key: shards.key,
          cache: "all parents (client-side filter)",
        },
        "sharding: syncing only the parents of held buckets",
      );
      running = ring.run({
        onAcquired: (bucket, signal) => {
          shards.start(bucket, signal);
          metrics?.handoffs.inc({ controller: config.operatorName, event: "acquired" });
          // Level-triggered: every cached parent of the bucket is synced once by its new holder.
          target.requeueParents((parent) => shards.bucketOf(parent) === bucket);
        },
        onReleased: async (bucket, reason: BucketReleaseReason) => {
          const graceMs =
            reason === "lost" ? 0 : Math.min(config.stopGracePeriodMs, ring.renewDeadlineMs / 2);
          const abandoned = await shards.stop(bucket, graceMs);
          metrics?.handoffs.inc({
            controller: config.operatorName,
            event: reason === "lost" ? "lost" : "released",
          });
          if (abandoned > 0) {
            logger.warn(
              { bucket, abandoned, reason },
              "bucket given up with syncs still running (their writes are aborted)",
            );
          }
        },
        onChange: (state: ShardRingState) =>
          logger.info(
            { held: state.held, members: state.members, target: state.target },
            "sharding: buckets changed",
          ),
      });
    },
    async stop() {
      await ring.stop();
      await running;
      await target.stopWorkers(config.stopGracePeriodMs);
      await target.stopCaches();
    },
  };
}

function shardMetrics(
  registry: Registry,
  controller: string,
  ring: ShardRing,
  shards: ParentShards,
  target: ShardedTarget,
): { handoffs: Counter<"controller" | "event"> } {
  const registers = [registry];
  new Gauge({
    name: "tsoperator_shard_buckets_held",
    help: "Buckets this replica holds (syncs).",
    labelNames: ["controller"],
    registers,
    collect(this: Gauge<"controller">) {
      this.set({ controller }, ring.state.held.length);
    },
  });
  new Gauge({
    name: "tsoperator_shard_members",
    help: "Live replicas in the shard ring, this one included.",
    labelNames: ["controller"],
    registers,
    collect(this: Gauge<"controller">) {
      this.set({ controller }, ring.state.members);
    },
  });
  new Gauge({
    name: "tsoperator_shard_parents",
    help: "Cached parents in the buckets this replica holds.",
    labelNames: ["controller"],
    registers,
    collect(this: Gauge<"controller">) {
      let n = 0;
      for (const parent of target.cachedParents()) if (shards.owns(parent)) n++;
      this.set({ controller }, n);
    },
  });
  new Gauge({
    name: "tsoperator_shard_client_side_filtering",
    help: "1 when the replica caches every parent and filters on the client (no server-side sharded watch).",
    labelNames: ["controller"],
    registers,
    collect(this: Gauge<"controller">) {
      this.set({ controller }, 1);
    },
  });
  const handoffs = new Counter({
    name: "tsoperator_shard_handoffs_total",
    help: "Bucket handoffs of this replica: acquired, released (rebalance or stop) and lost.",
    labelNames: ["controller", "event"],
    registers,
  });
  return { handoffs };
}
