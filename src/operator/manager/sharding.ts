/**
 * Scale-out wired around a controller: every replica keeps its caches and runs its work queue, but syncs only
 * parents whose bucket (hash of the uid or namespace, the API server's FNV-1a: core/shard-hash) it holds in the
 * ShardRing. Children follow their parent: a child event queues its parent, which the gate then lets through or
 * not.
 *
 * Caches follow the shard when the API server selects hash ranges (ShardedListAndWatch, detected from its answer
 * to one LIST of the ring's Leases): a bucket's parents (by hash range) and children (by the bucket label the engine puts on them) are
 * listed before its syncs may start, and dropped once it is given up. Without it every replica caches everything
 * and filters here (tsoperator_shard_client_side_filtering 1).
 *
 * The fence, per bucket: a sync runs only while the bucket is held, with a signal that aborts when the bucket is
 * lost; a bucket given up (rebalance, stop) lets its in-flight syncs finish for a grace period, then aborts them,
 * and only then does the ring release the Lease. A lost bucket (no renewal within the renew deadline) aborts at
 * once, well before its Lease can expire for the others.
 */
import type { Counter, Gauge, Registry } from "prom-client";
// By path, as in observe/metrics.ts: prom-client's entry module costs more CPU at start-up than these two.
import CounterClass from "prom-client/lib/counter.js";
import GaugeClass from "prom-client/lib/gauge.js";
import { bucketOfObject, shardSelectorFor, type ShardKey } from "../../core/shard-hash.js";
import type { ResourceApi } from "../../client/resource-api.js";
import { k8sTypes } from "../../core/k8s-types.js";
import type { KubeObject } from "../../core/types.js";
import type { Logger } from "../../core/logger.js";
import { TsOperatorError, isApiError } from "../../core/errors.js";
import { defaultIdentity } from "../../runtime/leader-election.js";
import {
  ShardRing,
  type BucketReleaseReason,
  type ShardRingLeaseSource,
  type ShardRingState,
} from "../../runtime/shard-ring.js";
import type { OperatorConfig } from "../api/config.js";

/** What the controller asks before queueing or syncing a parent. */
export interface ShardGate {
  /** What a parent's bucket is the hash of. */
  readonly key: ShardKey;
  /** The number of buckets. */
  readonly buckets: number;
  /** Whether the server selects hash ranges, so the caches can hold only the held buckets (set before start). */
  readonly serverSide: boolean;
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
  serverSide = false;
  readonly #work = new Map<number, BucketWork>();

  constructor(key: ShardKey, buckets: number) {
    this.key = key;
    this.buckets = buckets;
  }

  bucketOf(parent: KubeObject): number {
    return bucketOfObject(parent, this.key, this.buckets);
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

/**
 * Whether the API server selects hash ranges (KEP-5866, feature gate ShardedListAndWatch), from its answer to a
 * LIST with a selector of the whole hash space: with the gate it echoes the selector in `metadata.shardInfo`;
 * without it the server ignores the parameter (v1.37: no shardInfo; a server that refuses it with 400 or 422
 * counts as "no" too). Ask a built-in type (the ring's Leases, which the replica may list anyway): v1.37 filters
 * custom resources too but does not echo shardInfo for them, and the gate is the server's, not the type's.
 */
export async function serverSelectsShards(api: Pick<ResourceApi, "list">): Promise<boolean> {
  try {
    const list = await api.list({ limit: 1, shardSelector: shardSelectorFor("uid", [0], 1) });
    return list.metadata.shardInfo !== undefined;
  } catch (err) {
    if (isApiError(err, 400) || isApiError(err, 422)) return false;
    throw err;
  }
}

/** What the sharded lifecycle needs of the controller. */
export interface ShardedTarget {
  startCaches(): Promise<void>;
  /** After startCaches(): whether the caches hold only the held buckets' objects. */
  cachesFollowShard(): boolean;
  /** Caches the objects of `held` only; resolves once they are in (a no-op when the caches hold everything). */
  followBuckets(held: readonly number[]): Promise<void>;
  startWorkers(): void;
  stopWorkers(graceMs: number): Promise<void>;
  stopCaches(): Promise<void>;
  /** Queues the cached parents for which `filter` is true. */
  requeueParents(filter: (parent: KubeObject) => boolean): void;
  /** Cached parents (for the parents-per-replica metric). */
  cachedParents(): Iterable<KubeObject>;
  /**
   * Labels the children made before sharding whose parent this replica holds (`labelOf` gives the bucket label
   * of a held parent), so that a sharded child cache sees them; resolves with the number labelled.
   */
  labelUnlabelledChildren(
    labelOf: (parent: KubeObject) => string | undefined,
    signal: AbortSignal,
  ): Promise<number>;
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
  /** A KubeClient (the ring's Leases, and the probe of the server's shard selection). */
  client: ShardRingLeaseSource;
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
    ? shardMetrics(options.registry, config.operatorName, ring, shards, target, () => follow.value)
    : undefined;
  let running: Promise<void> | undefined;
  /** The buckets the caches hold or are loading: acquired and not given up. */
  const cached = new Set<number>();
  const follow = { value: false };
  const legacy = legacyChildLabeller(target, shards, logger);
  return {
    ring,
    failed: new Promise<never>(() => {}),
    async start() {
      shards.serverSide = await serverSelectsShards(
        options.client.resource(k8sTypes.coordination.v1.Lease, options.namespace),
      );
      await target.startCaches();
      follow.value = target.cachesFollowShard();
      target.startWorkers();
      const settings = { identity: options.identity, buckets: sharding.buckets, key: shards.key };
      if (follow.value) {
        logger.info(
          { ...settings, cache: "held buckets (server-side shard selector)" },
          "sharding: syncing and caching only the parents and children of held buckets",
        );
      } else {
        // Said once, loudly: memory does not shrink with the replica's share (see docs/guide/15-sharding.md).
        logger.warn(
          { ...settings, cache: "all parents and children (client-side filter)" },
          "sharding: the API server does not select hash ranges (feature gate ShardedListAndWatch off): " +
            "every replica caches all parents and children and filters on the client",
        );
      }
      running = ring.run({
        onAcquired: async (bucket, signal) => {
          if (follow.value) {
            // The fence's other half: a bucket's syncs start only once its parents and children are cached, so a
            // new holder never mistakes a child it has not listed yet for a missing one.
            cached.add(bucket);
            await Promise.race([
              target.followBuckets([...cached]),
              new Promise<void>((resolve) =>
                signal.addEventListener("abort", () => resolve(), { once: true }),
              ),
            ]);
            if (!cached.has(bucket) || signal.aborted) return;
          }
          shards.start(bucket, signal);
          metrics?.handoffs.inc({ controller: config.operatorName, event: "acquired" });
          // Level-triggered: every cached parent of the bucket is synced once by its new holder.
          target.requeueParents((parent) => shards.bucketOf(parent) === bucket);
          if (follow.value) legacy.request();
        },
        onReleased: async (bucket, reason: BucketReleaseReason) => {
          const graceMs =
            reason === "lost" ? 0 : Math.min(config.stopGracePeriodMs, ring.renewDeadlineMs / 2);
          const wasCached = cached.delete(bucket);
          const abandoned = await shards.stop(bucket, graceMs);
          // Its syncs are over: forget its objects. Not awaited, so the Lease is handed back without waiting for
          // the relist (nothing of this bucket runs any more).
          if (wasCached) {
            target.followBuckets([...cached]).catch((err: unknown) => {
              logger.debug(
                { bucket, err: String(err) },
                "dropping a released bucket's objects did not finish",
              );
            });
          }
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
      legacy.stop();
      await ring.stop();
      await running;
      await target.stopWorkers(config.stopGracePeriodMs);
      await target.stopCaches();
    },
  };
}

/**
 * Passes of ShardedTarget.labelUnlabelledChildren, one at a time: a bucket acquired during a pass asks for one
 * more after it (the pass only labels children of buckets held when it sees them), and a burst of acquisitions
 * costs one or two LISTs per child type, not one per bucket. A failed pass is logged and retried at the next
 * acquisition; until then such a child is still taken over when desired (engine) and goes with its parent.
 */
function legacyChildLabeller(
  target: ShardedTarget,
  shards: ParentShards,
  logger: Logger,
): { request(): void; stop(): void } {
  const stopping = new AbortController();
  let running = false;
  let again = false;
  const labelOf = (parent: KubeObject) => (shards.owns(parent) ? String(shards.bucketOf(parent)) : undefined);
  const pass = async (): Promise<void> => {
    running = true;
    try {
      do {
        again = false;
        const labelled = await target.labelUnlabelledChildren(labelOf, stopping.signal);
        if (labelled > 0) {
          logger.info(
            { labelled },
            "sharding: labelled children made before sharding with their parent's bucket",
          );
        }
      } while (again && !stopping.signal.aborted);
    } catch (err) {
      if (!stopping.signal.aborted) {
        logger.warn(
          { err: String(err) },
          "sharding: labelling children made before sharding failed; retried at the next acquisition",
        );
      }
    } finally {
      running = false;
    }
  };
  return {
    request() {
      if (stopping.signal.aborted) return;
      if (running) again = true;
      else void pass();
    },
    stop() {
      stopping.abort();
    },
  };
}

function shardMetrics(
  registry: Registry,
  controller: string,
  ring: ShardRing,
  shards: ParentShards,
  target: ShardedTarget,
  cachesFollowShard: () => boolean,
): { handoffs: Counter<"controller" | "event"> } {
  const registers = [registry];
  new GaugeClass({
    name: "tsoperator_shard_buckets_held",
    help: "Buckets this replica holds (syncs).",
    labelNames: ["controller"],
    registers,
    collect(this: Gauge<"controller">) {
      this.set({ controller }, ring.state.held.length);
    },
  });
  new GaugeClass({
    name: "tsoperator_shard_members",
    help: "Live replicas in the shard ring, this one included.",
    labelNames: ["controller"],
    registers,
    collect(this: Gauge<"controller">) {
      this.set({ controller }, ring.state.members);
    },
  });
  new GaugeClass({
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
  new GaugeClass({
    name: "tsoperator_shard_client_side_filtering",
    help: "1 when the replica caches every parent and child and filters on the client (the API server does not select hash ranges); 0 when its caches hold only its buckets.",
    labelNames: ["controller"],
    registers,
    collect(this: Gauge<"controller">) {
      this.set({ controller }, cachesFollowShard() ? 0 : 1);
    },
  });
  const handoffs = new CounterClass({
    name: "tsoperator_shard_handoffs_total",
    help: "Bucket handoffs of this replica: acquired, released (rebalance or stop) and lost.",
    labelNames: ["controller", "event"],
    registers,
  });
  return { handoffs };
}
