/**
 * A ring of bucket Leases shared by the replicas of one operator, with the API server as the only coordinator
 * (knative's bucketed leader election, with an explicit membership): a fixed number of buckets, one
 * coordination.k8s.io Lease per bucket, and one member Lease per live replica. Every `retryPeriodMs` a replica
 * renews its member Lease and its bucket Leases, lists the ring, and moves towards its fair share: with N live
 * members sorted by identity, the first `B mod N` aim for ceil(B/N) buckets and the others for floor(B/N), so
 * the shares add up to B and differ by at most one. Extras are released, free or expired buckets acquired.
 *
 * The bucket Lease is the fence, with leader election's timing and the same code (a `LeaseTerm` per held bucket,
 * src/runtime/lease-term.ts; expiry judged by `LeaseObserver`, src/runtime/lease-observer.ts): a holder that
 * has not renewed a bucket for `renewDeadlineMs` stops it at once, before the lease (`leaseDurationMs`) can expire
 * for the others; a bucket is given up (`onReleased`, awaited: its in-flight work finished or aborted) before its
 * Lease is released; a new holder starts it (`onAcquired`) only after its write of the Lease succeeded. Every
 * write is a PUT with the resourceVersion read, so two replicas never both acquire one bucket.
 */
import { TsOperatorError, isAlreadyExists, isConflict, isNotFound } from "../core/errors.js";
import type { k8sTypes } from "../core/k8s-types.js";
import { checkBuckets, fnv1a64 } from "../core/shard-hash.js";
import type { KubeList, ObjectId } from "../core/types.js";
import type { DeleteOptions, ListOptions } from "../client/resource-api.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { LEADER_ELECTION_DEFAULTS, defaultIdentity } from "./leader-election.js";
import { LeaseObserver } from "./lease-observer.js";
import { LeaseLoop, checkLeaseTiming, errorMessage, jittered, leaseApiOf, pause } from "./lease-loop.js";
import {
  LeaseTerm,
  claimLease,
  handBackLease,
  releaseUnsettledClaims,
  renewLease,
  type Lease,
  type LeaseApi,
  type LeaseWriter,
} from "./lease-term.js";

/** Label on every Lease of a ring; its value is the ring's name. */
export const SHARD_RING_LABEL = "tsoperator.io/shard-ring";
/** Label telling bucket Leases ("bucket") from member Leases ("member"). */
export const SHARD_ROLE_LABEL = "tsoperator.io/shard-role";

/** The Lease calls a ring makes: a `ResourceApi` for Leases satisfies it, so do fakes. */
export interface ShardRingLeaseApi extends LeaseApi {
  list(options?: ListOptions): Promise<KubeList>;
  delete(id: ObjectId | string, options?: DeleteOptions): Promise<unknown>;
}

/** Anything that can hand out a Lease API (a `KubeClient`). */
export interface ShardRingLeaseSource {
  resource(type: typeof k8sTypes.coordination.v1.Lease, namespace?: string): ShardRingLeaseApi;
}

export interface ShardRingOptions {
  /** Ring name: Leases are `<name>-bucket-<i>` and `<name>-member-<hash of identity>`. At most 40 characters. */
  name: string;
  namespace: string;
  /** Number of buckets (fixed for the life of the ring: changing it re-partitions every object). */
  buckets: number;
  /** Unique per replica (default: hostname + random suffix). */
  identity?: string | undefined;
  /** Default 15 000 (whole seconds on the wire). */
  leaseDurationMs?: number | undefined;
  /** A bucket not renewed for this long is stopped (default 10 000; < leaseDurationMs). */
  renewDeadlineMs?: number | undefined;
  /** Interval between rounds (default 2 000). */
  retryPeriodMs?: number | undefined;
  logger?: Logger | undefined;
  /** Wall clock, injectable for tests. */
  now?: (() => number) | undefined;
}

/** Why a bucket was given up. */
export type BucketReleaseReason = "rebalance" | "lost" | "stopping";

export interface ShardRingCallbacks {
  /**
   * Called once this replica holds `bucket`. `signal` aborts the moment the bucket is lost or given up: work of
   * the bucket must stop writing when it fires.
   */
  onAcquired(bucket: number, signal: AbortSignal): void | Promise<void>;
  /**
   * Called once per holding: awaited before the Lease is released (rebalance, stopping), so in-flight work can
   * finish first; on a loss, called at once with the signal already aborted. It must settle well within
   * leaseDurationMs − renewDeadlineMs after a loss, when another replica may acquire the bucket.
   */
  onReleased(bucket: number, reason: BucketReleaseReason): void | Promise<void>;
  /** The held buckets or the member count changed (metrics, logs). */
  onChange?(state: ShardRingState): void;
}

export interface ShardRingState {
  /** Buckets this replica holds and syncs (not those being released). */
  readonly held: readonly number[];
  /** Live members of the ring, this one included. */
  readonly members: number;
  /** This replica's fair share. */
  readonly target: number;
}

export const SHARD_RING_DEFAULTS = LEADER_ELECTION_DEFAULTS;

interface Holding {
  /** The bucket Lease's term: its signal fences the bucket's work. */
  term: LeaseTerm;
  phase: "held" | "draining";
}

/**
 * Joins the ring and holds a fair share of its buckets until `stop()`.
 *
 * @example
 * const ring = new ShardRing(client, { name: "echo", namespace: "operators", buckets: 32 });
 * const running = ring.run({
 *   onAcquired: (bucket, signal) => startBucket(bucket, signal),
 *   onReleased: (bucket) => drainBucket(bucket),
 * });
 * // on SIGTERM: every bucket is drained and released, the member Lease deleted
 * await ring.stop();
 * await running;
 */
export class ShardRing {
  readonly identity: string;
  readonly name: string;
  readonly namespace: string;
  readonly buckets: number;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly #api: ShardRingLeaseApi;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #observer: LeaseObserver;
  readonly #writer: LeaseWriter;
  readonly #memberLease: string;
  readonly #holdings = new Map<number, Holding>();
  readonly #releasing = new Set<Promise<void>>();
  #member: Lease | undefined;
  #members: string[] = [];
  #target = 0;
  #rounds = 0;
  #callbacks: ShardRingCallbacks | undefined;
  readonly #lifecycle = new LeaseLoop("ShardRing");
  #lastState = "";

  constructor(client: ShardRingLeaseApi | ShardRingLeaseSource, options: ShardRingOptions) {
    const leaseDurationMs = options.leaseDurationMs ?? SHARD_RING_DEFAULTS.leaseDurationMs;
    const renewDeadlineMs = options.renewDeadlineMs ?? SHARD_RING_DEFAULTS.renewDeadlineMs;
    const retryPeriodMs = options.retryPeriodMs ?? SHARD_RING_DEFAULTS.retryPeriodMs;
    checkLeaseTiming({ leaseDurationMs, renewDeadlineMs, retryPeriodMs }, invalid);
    if (!/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/.test(options.name))
      invalid(`name must be a DNS label of at most 40 characters, got "${options.name}"`);
    if (!options.namespace) invalid("namespace is required");
    checkBuckets(options.buckets);
    const identity = options.identity ?? defaultIdentity();
    if (!identity) invalid("identity must not be empty");
    this.identity = identity;
    this.name = options.name;
    this.namespace = options.namespace;
    this.buckets = options.buckets;
    this.leaseDurationMs = leaseDurationMs;
    this.renewDeadlineMs = renewDeadlineMs;
    this.retryPeriodMs = retryPeriodMs;
    this.#memberLease = `${options.name}-member-${fnv1a64(identity).toString(16).padStart(16, "0")}`;
    this.#logger = (options.logger ?? silentLogger).child({ ring: `${options.namespace}/${options.name}` });
    this.#now = options.now ?? Date.now;
    this.#api = leaseApiOf(client, options.namespace);
    this.#observer = new LeaseObserver({
      now: this.#now,
      defaultDurationSeconds: Math.ceil(leaseDurationMs / 1000),
    });
    this.#writer = {
      api: this.#api,
      namespace: options.namespace,
      identity,
      leaseDurationMs,
      now: this.#now,
      observer: this.#observer,
      unsettled: new Set(),
    };
  }

  /** The name of bucket `index`'s Lease. */
  bucketLeaseName(index: number): string {
    return `${this.name}-bucket-${index}`;
  }

  /** Whether this replica holds `bucket` and may sync it now (false while it is being released). */
  holds(bucket: number): boolean {
    return this.#holdings.get(bucket)?.phase === "held";
  }

  /** The signal of a held bucket (aborts when it is lost or given up); undefined when not held. */
  signalOf(bucket: number): AbortSignal | undefined {
    const holding = this.#holdings.get(bucket);
    return holding?.phase === "held" ? holding.term.signal : undefined;
  }

  get state(): ShardRingState {
    return {
      held: [...this.#holdings]
        .filter(([, h]) => h.phase === "held")
        .map(([b]) => b)
        .sort((a, b) => a - b),
      members: Math.max(1, this.#members.length),
      target: this.#target,
    };
  }

  /** Takes part until `stop()` (or `signal` aborts). Resolves once every bucket is released. */
  run(callbacks: ShardRingCallbacks, signal?: AbortSignal): Promise<void> {
    return this.#lifecycle.run(() => this.#loop(callbacks), signal);
  }

  /** Leaves the ring (deletes the member Lease) while it drains and releases every bucket. Idempotent. */
  stop(): Promise<void> {
    return this.#lifecycle.stop();
  }

  async #loop(callbacks: ShardRingCallbacks): Promise<void> {
    this.#callbacks = callbacks;
    const stop = this.#lifecycle.signal;
    while (!stop.aborted) {
      // Rounds start every period (jittered), however long the last one took: a slow API server must not
      // stretch the time in which others observe our renewals, nor ours in which we notice their expiry.
      const started = this.#now();
      await this.#round();
      const period = jittered(this.retryPeriodMs);
      await pause(Math.max(0, period - (this.#now() - started)), stop);
    }
    // Leave first, while the buckets drain: the others then raise their shares at their next round and take
    // each bucket as soon as it is released, instead of waiting for the slowest drain. Safe, as a bucket's
    // Lease names us until its own release.
    const releases = [
      ...this.#releasing,
      ...[...this.#holdings.keys()].map((b) => this.#release(b, "stopping")),
    ];
    await Promise.all([this.#leave(), ...releases]);
    // Only now, with every holding released and no claim in flight: a Lease naming us is then one we did not know
    // we held. First the claims whose answers were cut off (lease-term.ts keeps them), then a sweep for any other.
    await this.#releaseUnsettled();
    await this.#releaseStrays();
  }

  /** One round: renew, look, rebalance. Never throws: a failed request is retried next round. */
  async #round(): Promise<void> {
    this.#rounds++;
    const signal = AbortSignal.any([this.#lifecycle.signal, AbortSignal.timeout(this.renewDeadlineMs)]);
    await Promise.all([
      this.#renewMember(signal),
      ...[...this.#holdings.keys()].map((b) => this.#renew(b, signal)),
    ]);
    let leases: Lease[];
    try {
      const list = await this.#api.list({ labelSelector: `${SHARD_RING_LABEL}=${this.name}`, signal });
      leases = list.items as Lease[];
    } catch (err) {
      if (!this.#lifecycle.signal.aborted)
        this.#logger.warn({ err: errorMessage(err) }, "could not list the ring's leases");
      return;
    }
    if (this.#lifecycle.signal.aborted) return;
    const now = this.#now();
    const byName = new Map<string, Lease>();
    for (const lease of leases) {
      byName.set(lease.metadata.name ?? "", lease);
      this.#observer.observe(lease, false);
    }
    // Members: live member Leases (expired ones belong to replicas that died without leaving), ourselves always.
    const members = new Set<string>([this.identity]);
    for (const lease of leases) {
      if (lease.metadata.labels?.[SHARD_ROLE_LABEL] !== "member") continue;
      const holder = lease.spec?.holderIdentity ?? "";
      if (holder && !this.#observer.expired(lease.metadata.name ?? "", now)) members.add(holder);
    }
    this.#members = [...members].sort();
    const rank = this.#members.indexOf(this.identity);
    const n = this.#members.length;
    this.#target = Math.floor(this.buckets / n) + (rank < this.buckets % n ? 1 : 0);
    // The first round only announces us: replicas starting together then see each other before acquiring,
    // instead of one grabbing everything and handing most of it back a round later.
    if (this.#rounds > 1) {
      const held = [...this.#holdings].filter(([, h]) => h.phase === "held").map(([b]) => b);
      if (held.length > this.#target) {
        // Give back the highest buckets first: deterministic, and easy to read in a log.
        for (const bucket of held.sort((a, b) => b - a).slice(0, held.length - this.#target)) {
          this.#startRelease(bucket, "rebalance");
        }
      } else if (held.length < this.#target) {
        await this.#acquireSome(this.#target - held.length, byName, now, signal);
      }
    }
    this.#notify();
  }

  async #acquireSome(
    wanted: number,
    byName: Map<string, Lease>,
    now: number,
    signal: AbortSignal,
  ): Promise<void> {
    const free: number[] = [];
    for (let b = 0; b < this.buckets; b++) {
      if (this.#holdings.has(b)) continue;
      const lease = byName.get(this.bucketLeaseName(b));
      const holder = lease?.spec?.holderIdentity ?? "";
      // Naming us without our holding it: an acquire whose answer we never got (timeout). Still ours to take.
      if (
        !lease ||
        !holder ||
        holder === this.identity ||
        this.#observer.expired(this.bucketLeaseName(b), now)
      )
        free.push(b);
    }
    // Random order: replicas short of buckets at the same time mostly try different ones.
    for (let i = free.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [free[i], free[j]] = [free[j] ?? 0, free[i] ?? 0];
    }
    let acquired = 0;
    for (const bucket of free) {
      if (acquired >= wanted || signal.aborted) break;
      if (await this.#acquire(bucket, byName.get(this.bucketLeaseName(bucket)), signal)) acquired++;
    }
  }

  async #acquire(bucket: number, current: Lease | undefined, round: AbortSignal): Promise<boolean> {
    const name = this.bucketLeaseName(bucket);
    // Cut off by stop(), which must not wait for a hung server: a claim the server committed all the same is one
    // lease-term.ts records as unsettled, and stop() hands it back.
    const signal = AbortSignal.any([this.#lifecycle.signal, AbortSignal.timeout(this.renewDeadlineMs)]);
    if (round.aborted) return false;
    const sentAt = this.#now();
    try {
      const written = await claimLease(this.#writer, name, current, signal, this.#labels("bucket"));
      if (this.#lifecycle.signal.aborted) {
        // Stopping while the write was in flight: hold it just long enough to hand it back.
        this.#hold(bucket, written, sentAt, false);
        return true;
      }
      this.#hold(bucket, written, sentAt, true);
      return true;
    } catch (err) {
      if (!isConflict(err) && !isAlreadyExists(err) && !this.#lifecycle.signal.aborted) {
        this.#logger.warn({ bucket, err: errorMessage(err) }, "could not acquire a bucket");
      }
      return false;
    }
  }

  #hold(bucket: number, lease: Lease, sentAt: number, start: boolean): void {
    const term: LeaseTerm = new LeaseTerm(
      this.#writer,
      lease,
      this.renewDeadlineMs,
      () => {
        if (this.#holdings.get(bucket)?.term === term)
          this.#lose(bucket, `not renewed for ${this.renewDeadlineMs} ms`);
      },
      sentAt,
    );
    const holding: Holding = { term, phase: "held" };
    this.#holdings.set(bucket, holding);
    this.#logger.info({ bucket, identity: this.identity }, "bucket acquired");
    if (!start) return;
    void Promise.resolve()
      .then(() => this.#callbacks?.onAcquired(bucket, term.signal))
      .catch((err: unknown) => {
        this.#logger.error({ bucket, err: errorMessage(err) }, "onAcquired failed; giving the bucket back");
        if (this.#holdings.get(bucket) === holding) this.#startRelease(bucket, "rebalance");
      });
    this.#notify();
  }

  async #renew(bucket: number, signal: AbortSignal): Promise<void> {
    const holding = this.#holdings.get(bucket);
    if (!holding) return;
    const outcome = await holding.term.renew(signal);
    if (this.#holdings.get(bucket) !== holding) return;
    if (outcome.kind === "lost") this.#lose(bucket, `another holder: ${outcome.holder || "none"}`);
    else if (outcome.kind === "missing") this.#lose(bucket, "another holder: none");
    else if (outcome.kind === "failed" && !this.#lifecycle.signal.aborted)
      this.#logger.warn({ bucket, err: errorMessage(outcome.err) }, "could not renew a bucket");
  }

  /** A loss: stop at once (the signal aborts now), tell the owner, forget the bucket. Nothing to release. */
  #lose(bucket: number, why: string): void {
    const holding = this.#holdings.get(bucket);
    if (!holding) return;
    this.#holdings.delete(bucket);
    holding.term.end(new TsOperatorError("TSOP_SHUTDOWN", `bucket ${bucket} lost (${why})`));
    this.#logger.warn({ bucket, identity: this.identity, reason: why }, "bucket lost");
    if (holding.phase === "held") void this.#callReleased(bucket, "lost");
    this.#notify();
  }

  #startRelease(bucket: number, reason: BucketReleaseReason): void {
    const done = this.#release(bucket, reason).finally(() => this.#releasing.delete(done));
    this.#releasing.add(done);
  }

  /** Stop first (awaited), then hand the Lease back; the Lease is renewed meanwhile, so the fence holds. */
  async #release(bucket: number, reason: BucketReleaseReason): Promise<void> {
    const holding = this.#holdings.get(bucket);
    if (!holding || holding.phase === "draining") return;
    holding.phase = "draining";
    this.#notify();
    await this.#callReleased(bucket, reason);
    if (this.#holdings.get(bucket) !== holding) return; // lost while draining: nothing left to release
    holding.term.end(new TsOperatorError("TSOP_SHUTDOWN", `bucket ${bucket} released (${reason})`));
    this.#holdings.delete(bucket);
    if (await this.#handBack(holding.term.lease)) {
      this.#logger.info({ bucket, identity: this.identity, reason }, "bucket released");
    }
    this.#notify();
  }

  async #callReleased(bucket: number, reason: BucketReleaseReason): Promise<void> {
    try {
      await this.#callbacks?.onReleased(bucket, reason);
    } catch (err) {
      this.#logger.error({ bucket, err: errorMessage(err) }, "onReleased failed");
    }
  }

  /** The member Lease says we are alive; it fences nothing, so it has no term: a failed renewal just retries. */
  async #renewMember(signal: AbortSignal): Promise<void> {
    try {
      if (!this.#member) {
        const existing = (await this.#api.getOrUndefined(
          { namespace: this.namespace, name: this.#memberLease },
          { signal },
        )) as Lease | undefined;
        this.#member = await claimLease(
          this.#writer,
          this.#memberLease,
          existing,
          signal,
          this.#labels("member"),
        );
        return;
      }
      this.#member = await renewLease(this.#writer, this.#member, signal);
    } catch (err) {
      if (isConflict(err) || isNotFound(err) || isAlreadyExists(err))
        this.#member = undefined; // read it again next round
      else if (!this.#lifecycle.signal.aborted)
        this.#logger.warn({ err: errorMessage(err) }, "could not renew the member lease");
    }
  }

  /** Deletes the member Lease so the others rebalance at their next round instead of after its expiry. */
  async #leave(): Promise<void> {
    try {
      await this.#api.delete(
        { namespace: this.namespace, name: this.#memberLease },
        { signal: AbortSignal.timeout(this.retryPeriodMs * 2) },
      );
    } catch (err) {
      if (!isNotFound(err))
        this.#logger.warn({ err: errorMessage(err) }, "could not delete the member lease");
    }
    this.#members = [];
    this.#notify();
  }

  /** Hands a bucket Lease back if it still names us; on failure the next holder waits for its expiry. */
  async #handBack(lease: Lease): Promise<boolean> {
    try {
      return await handBackLease(this.#writer, lease, AbortSignal.timeout(this.renewDeadlineMs));
    } catch (err) {
      this.#logger.warn(
        { lease: lease.metadata.name, err: errorMessage(err) },
        "could not release a bucket; the next holder waits for its expiry",
      );
      return false;
    }
  }

  /** Claims whose answers we never got (cut off by the stop, or timed out): hand back those the server committed. */
  async #releaseUnsettled(): Promise<void> {
    const { released, failed } = await releaseUnsettledClaims(this.#writer, this.retryPeriodMs * 2);
    for (const lease of released)
      this.#logger.info(
        { lease, identity: this.identity },
        "lease handed back after a claim whose answer was cut off",
      );
    for (const { name, err } of failed)
      this.#logger.warn(
        { lease: name, err: errorMessage(err) },
        "could not check a lease after a claim whose answer was cut off; the next holder may wait for its expiry",
      );
  }

  /**
   * Bucket Leases still naming us that we do not hold and did not know we had claimed (an earlier process with
   * our identity, a claim committed after the check above): hand them back.
   */
  async #releaseStrays(): Promise<void> {
    try {
      const signal = AbortSignal.timeout(this.retryPeriodMs * 2);
      const list = await this.#api.list({ labelSelector: `${SHARD_RING_LABEL}=${this.name}`, signal });
      for (const lease of list.items as Lease[]) {
        if (lease.metadata.labels?.[SHARD_ROLE_LABEL] !== "bucket") continue;
        if ((lease.spec?.holderIdentity ?? "") === this.identity) await this.#handBack(lease);
      }
    } catch (err) {
      this.#logger.warn({ err: errorMessage(err) }, "could not check for bucket leases still naming us");
    }
  }

  #labels(role: "bucket" | "member"): Record<string, string> {
    return { [SHARD_RING_LABEL]: this.name, [SHARD_ROLE_LABEL]: role };
  }

  #notify(): void {
    const state = this.state;
    const key = `${state.held.join(",")}|${state.members}|${state.target}`;
    if (key === this.#lastState) return;
    this.#lastState = key;
    try {
      this.#callbacks?.onChange?.(state);
    } catch (err) {
      this.#logger.warn({ err: errorMessage(err) }, "onChange failed");
    }
  }
}

function invalid(message: string): never {
  throw new TsOperatorError("TSOP_CONFIG_INVALID", `shard ring: ${message}`);
}
