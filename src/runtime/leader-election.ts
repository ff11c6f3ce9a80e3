/**
 * Lease-based leader election (coordination.k8s.io/v1), with client-go's semantics so a tsoperator replica and
 * a client-go one would agree on who leads: the Lease's spec holds holderIdentity, leaseDurationSeconds,
 * acquireTime, renewTime and leaseTransitions; every write is a PUT carrying the resourceVersion we read, so two
 * candidates can never both win (the loser gets 409 Conflict).
 *
 * Timing (defaults as client-go / controller-runtime): the leader renews every `retryPeriodMs` (2 s); if it has
 * not renewed for `renewDeadlineMs` (10 s) it stops leading at once, before the lease (15 s) can expire for the
 * others, so two leaders never act at the same time as long as clocks tick at the same rate. A graceful stop
 * releases the lease (holderIdentity "", as client-go's ReleaseOnCancel) so the next candidate takes over at its
 * next retry instead of waiting for expiry.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { TsOperatorError, isAlreadyExists, isConflict } from "../core/errors.js";
import { k8sTypes } from "../core/k8s-types.js";
import type { KubeObject, ObjectId } from "../core/types.js";
import type { RequestOptions, WriteOptions } from "../client/resource-api.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { sleep } from "../core/sleep.js";

/** coordination.k8s.io/v1 LeaseSpec. Times are MicroTime strings (RFC 3339 with microseconds). */
export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number | null;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number | null;
}

export type Lease = KubeObject<LeaseSpec, never> & { spec?: LeaseSpec };

/** The three calls leader election needs: a `ResourceApi` for Leases satisfies it, so do fakes. */
export interface LeaseApi {
  getOrUndefined(id: ObjectId | string, options?: RequestOptions): Promise<KubeObject | undefined>;
  create(obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  replace(obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;
}

/** Anything that can hand out a Lease API (a `KubeClient`). */
export interface LeaseApiSource {
  resource(type: typeof k8sTypes.coordination.v1.Lease, namespace?: string): LeaseApi;
}

export interface LeaderElectorOptions {
  leaseName: string;
  namespace: string;
  /** Unique per replica (default: hostname + random suffix). Two replicas with one identity both "lead". */
  identity?: string | undefined;
  /** How long a lease is valid after its last renewal, for the others (default 15 000; whole seconds on the wire). */
  leaseDurationMs?: number | undefined;
  /** The leader gives up when it could not renew for this long (default 10 000; < leaseDurationMs). */
  renewDeadlineMs?: number | undefined;
  /** Interval between attempts to acquire or renew (default 2 000). */
  retryPeriodMs?: number | undefined;
  /** Release the lease on stop() so the next candidate takes over at once (default true). */
  releaseOnStop?: boolean | undefined;
  logger?: Logger | undefined;
  /** Wall clock, injectable for tests. */
  now?: (() => number) | undefined;
}

export interface LeaderCallbacks {
  /**
   * Called when this replica becomes leader. `signal` aborts the moment leadership ends (lost or stopping):
   * work started here must stop writing when it fires.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /**
   * Called once per term when leadership ends: immediately when the lease is lost; on stop() before the lease is
   * released, and awaited, so in-flight writes can finish before another replica may start.
   */
  onStoppedLeading(): void | Promise<void>;
  /** Called when the observed holder changes (including to ourselves, and to "" after a release). */
  onNewLeader?(identity: string): void;
}

export const LEADER_ELECTION_DEFAULTS = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** client-go's JitterFactor: acquire attempts are spread over [retry, 1.2 × retry]. */
const JITTER = 1.2;

/** Formats a time as a Kubernetes MicroTime ("2006-01-02T15:04:05.000000Z"): Go parses exactly six digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** A replica identity like client-go's default: hostname plus a random suffix (pod names are unique anyway). */
export function defaultIdentity(): string {
  return `${hostname()}_${randomBytes(4).toString("hex")}`;
}

/**
 * Campaigns for a Lease and calls back when leadership starts and ends. `run` keeps campaigning after a lost
 * term (each term gets its own AbortSignal) until `stop()`.
 *
 * @example
 * const elector = new LeaderElector(client, { leaseName: "echo-operator", namespace: "operators" });
 * const running = elector.run({
 *   onStartedLeading: (signal) => startWorkers(signal),
 *   onStoppedLeading: () => stopWorkers(),
 * });
 * // on SIGTERM:
 * await elector.stop(); // stops the workers (awaited), then releases the lease
 * await running;
 */
export class LeaderElector {
  readonly identity: string;
  readonly leaseName: string;
  readonly namespace: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly #api: LeaseApi;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #release: boolean;

  /** The last Lease we read or wrote. */
  #observed: Lease | undefined;
  /** Local time from which the observed holder's lease runs (client-go's observedTime; see #observe). */
  #observedAt = 0;
  #observedHolder: string | undefined;
  #leading = false;
  #term: AbortController | undefined;
  #termEnded: Promise<void> | undefined;
  #lastRenew = 0;
  #deadlineTimer: NodeJS.Timeout | undefined;
  readonly #stopping = new AbortController();
  #running: Promise<void> | undefined;
  #callbacks: LeaderCallbacks | undefined;

  constructor(client: LeaseApi | LeaseApiSource, options: LeaderElectorOptions) {
    const leaseDurationMs = options.leaseDurationMs ?? LEADER_ELECTION_DEFAULTS.leaseDurationMs;
    const renewDeadlineMs = options.renewDeadlineMs ?? LEADER_ELECTION_DEFAULTS.renewDeadlineMs;
    const retryPeriodMs = options.retryPeriodMs ?? LEADER_ELECTION_DEFAULTS.retryPeriodMs;
    // The same checks as client-go's NewLeaderElector: otherwise a leader could still act after others take over.
    if (!(leaseDurationMs > renewDeadlineMs)) invalid("leaseDurationMs must be greater than renewDeadlineMs");
    if (!(renewDeadlineMs > JITTER * retryPeriodMs))
      invalid(`renewDeadlineMs must be greater than ${JITTER} × retryPeriodMs`);
    if (!(retryPeriodMs > 0)) invalid("retryPeriodMs must be positive");
    if (!options.leaseName) invalid("leaseName is required");
    if (!options.namespace) invalid("namespace is required");
    const identity = options.identity ?? defaultIdentity();
    if (!identity) invalid("identity must not be empty");
    this.identity = identity;
    this.leaseName = options.leaseName;
    this.namespace = options.namespace;
    this.leaseDurationMs = leaseDurationMs;
    this.renewDeadlineMs = renewDeadlineMs;
    this.retryPeriodMs = retryPeriodMs;
    this.#release = options.releaseOnStop ?? true;
    this.#logger = (options.logger ?? silentLogger).child({
      lease: `${options.namespace}/${options.leaseName}`,
    });
    this.#now = options.now ?? Date.now;
    this.#api = isSource(client)
      ? client.resource(k8sTypes.coordination.v1.Lease, options.namespace)
      : client;
  }

  /** True while this replica holds the lease and has renewed it within the renew deadline. */
  get isLeader(): boolean {
    return this.#leading;
  }

  /** The holder we last observed ("" after a release; undefined before the first read). */
  get leader(): string | undefined {
    return this.#observedHolder;
  }

  /** The last Lease read or written (for diagnostics and tests). */
  get lease(): Lease | undefined {
    return this.#observed;
  }

  /**
   * Campaigns until `stop()` (or `signal` aborts). Resolves once stopped and released; rejects only on a
   * misconfiguration the API server reports (e.g. 403 Forbidden on leases is retried and logged, not thrown).
   */
  run(callbacks: LeaderCallbacks, signal?: AbortSignal): Promise<void> {
    if (this.#running)
      throw new TsOperatorError("TSOP_CONFIG_INVALID", "LeaderElector.run() was already called");
    this.#callbacks = callbacks;
    if (signal?.aborted) this.#stopping.abort();
    signal?.addEventListener("abort", () => void this.stop(), { once: true });
    this.#running = this.#loop();
    return this.#running;
  }

  /**
   * Stops campaigning. If leading: aborts the term's signal, awaits onStoppedLeading, then releases the lease.
   * Resolves when all of that is done. Idempotent.
   */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const stopSignal = this.#stopping.signal;
    while (!stopSignal.aborted) {
      if (!this.#leading) {
        if (await this.#tryAcquireOrRenew()) {
          this.#startTerm();
          continue;
        }
        await pause(this.retryPeriodMs * (1 + Math.random() * (JITTER - 1)), stopSignal);
        continue;
      }
      await pause(this.retryPeriodMs, stopSignal);
      if (stopSignal.aborted || !this.#leading) continue;
      if (await this.#tryAcquireOrRenew()) {
        this.#renewed();
      } else if (this.#observedHolder !== undefined && this.#observedHolder !== this.identity) {
        // Someone else holds it (our lease expired for them): we must not act another moment.
        this.#endTerm("lost: another holder took the lease");
      }
      // Otherwise a failed request: keep trying until the renew deadline timer ends the term.
    }
    if (this.#leading) {
      this.#endTerm("stopping");
      await this.#termEnded;
      if (this.#release) await this.#releaseLease();
    } else {
      await this.#termEnded;
    }
  }

  #startTerm(): void {
    this.#leading = true;
    const term = new AbortController();
    this.#term = term;
    this.#renewed();
    this.#logger.info({ identity: this.identity }, "became leader");
    // A throwing callback must not kill the campaign: it ends the term (the work did not start).
    void Promise.resolve()
      .then(() => this.#callbacks?.onStartedLeading(term.signal))
      .catch((err: unknown) => {
        this.#logger.error({ err: errorMessage(err) }, "onStartedLeading failed; giving up leadership");
        if (this.#term === term) this.#endTerm("onStartedLeading failed");
      });
  }

  #renewed(): void {
    this.#lastRenew = this.#now();
    clearTimeout(this.#deadlineTimer);
    // The deadline fires even when a renew request hangs: leadership must end on time, not when a socket does.
    this.#deadlineTimer = setTimeout(() => {
      if (this.#leading) this.#endTerm(`lost: not renewed for ${this.renewDeadlineMs} ms`);
    }, this.renewDeadlineMs);
  }

  #endTerm(why: string): void {
    if (!this.#leading) return;
    this.#leading = false;
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    this.#term?.abort(new TsOperatorError("TSOP_SHUTDOWN", `leadership ended (${why})`));
    this.#term = undefined;
    if (why === "stopping") this.#logger.info({ identity: this.identity }, "stopping leading");
    else this.#logger.warn({ identity: this.identity, reason: why }, "leadership lost");
    const previous = this.#termEnded ?? Promise.resolve();
    this.#termEnded = previous.then(async () => {
      try {
        await this.#callbacks?.onStoppedLeading();
      } catch (err) {
        this.#logger.error({ err: errorMessage(err) }, "onStoppedLeading failed");
      }
    });
  }

  /** One attempt, as client-go's tryAcquireOrRenew. True when we hold the lease afterwards. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const timeout = this.#leading
      ? Math.max(1, this.#lastRenew + this.renewDeadlineMs - this.#now())
      : this.renewDeadlineMs;
    const signal = AbortSignal.any([this.#stopping.signal, AbortSignal.timeout(timeout)]);
    const now = this.#now();
    const desired: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseDurationMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      const current = (await this.#api.getOrUndefined(
        { namespace: this.namespace, name: this.leaseName },
        { signal },
      )) as Lease | undefined;
      if (!current) {
        const created = (await this.#api.create(
          {
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name: this.leaseName, namespace: this.namespace },
            spec: desired,
          },
          { signal },
        )) as Lease;
        this.#observe(created, true);
        return true;
      }
      this.#observe(current, false);
      const spec = current.spec ?? {};
      const holder = spec.holderIdentity ?? "";
      const iHold = holder === this.identity;
      if (holder && !iHold && !this.#expired(now)) return false;
      // A leader that finds someone else in the record has lost, whatever the times say.
      if (this.#leading && !iHold) return false;
      if (iHold && this.#leading) {
        desired.acquireTime = spec.acquireTime ?? desired.acquireTime;
        desired.leaseTransitions = spec.leaseTransitions ?? 0;
      } else {
        // A new term. Re-acquiring under our own identity (a restart with a fixed identity) is no transition.
        desired.leaseTransitions = (spec.leaseTransitions ?? 0) + (iHold ? 0 : 1);
      }
      const updated = (await this.#api.replace(
        { ...current, metadata: { ...current.metadata, managedFields: undefined }, spec: desired },
        { signal },
      )) as Lease;
      this.#observe(updated, true);
      return true;
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err)) {
        // Someone wrote the lease between our read and write: they won this round.
        this.#logger.debug({ identity: this.identity }, "lease changed concurrently");
      } else if (!this.#stopping.signal.aborted) {
        this.#logger.warn(
          { identity: this.identity, err: errorMessage(err) },
          "could not acquire or renew the lease",
        );
      }
      return false;
    }
  }

  /**
   * Records a Lease we saw. The expiry clock (observedAt) restarts whenever the record changes, as client-go's
   * observedTime does, so a leader whose clock is behind ours is not robbed. On the very first sight we start it
   * from the record's renewTime (not from now, as client-go does), so a new replica facing a lease left by a
   * crashed process takes over once renewTime + leaseDuration has passed instead of waiting another full duration.
   */
  #observe(lease: Lease, ourWrite: boolean): void {
    const previous = this.#observed;
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    const changed =
      !previous ||
      previous.metadata.resourceVersion !== lease.metadata.resourceVersion ||
      (previous.spec?.holderIdentity ?? "") !== holder ||
      previous.spec?.renewTime !== spec.renewTime;
    if (changed) {
      const now = this.#now();
      const renewed = spec.renewTime ? Date.parse(spec.renewTime) : Number.NaN;
      this.#observedAt = previous || ourWrite || !Number.isFinite(renewed) ? now : Math.min(renewed, now);
    }
    this.#observed = lease;
    if (holder !== this.#observedHolder) {
      this.#observedHolder = holder;
      if (holder) this.#logger.info({ leader: holder }, "new leader observed");
      try {
        this.#callbacks?.onNewLeader?.(holder);
      } catch (err) {
        this.#logger.warn({ err: errorMessage(err) }, "onNewLeader failed");
      }
    }
  }

  /** client-go's isLeaseValid inverted, using the observed record's own duration. */
  #expired(now: number): boolean {
    const seconds = this.#observed?.spec?.leaseDurationSeconds ?? Math.ceil(this.leaseDurationMs / 1000);
    return this.#observedAt + seconds * 1000 < now;
  }

  /** Gives the lease up (holder "", duration 1 s) if we still hold it; best effort, one attempt. */
  async #releaseLease(): Promise<void> {
    try {
      const signal = AbortSignal.timeout(this.retryPeriodMs * 2);
      const current = (await this.#api.getOrUndefined(
        { namespace: this.namespace, name: this.leaseName },
        { signal },
      )) as Lease | undefined;
      if (!current || (current.spec?.holderIdentity ?? "") !== this.identity) return;
      const now = microTime(this.#now());
      const released = (await this.#api.replace(
        {
          ...current,
          metadata: { ...current.metadata, managedFields: undefined },
          spec: {
            holderIdentity: "",
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: current.spec?.leaseTransitions ?? 0,
          },
        },
        { signal },
      )) as Lease;
      this.#observe(released, true);
      this.#logger.info({ identity: this.identity }, "lease released");
    } catch (err) {
      this.#logger.warn(
        { err: errorMessage(err) },
        "could not release the lease; the next leader waits for expiry",
      );
    }
  }
}

function isSource(client: LeaseApi | LeaseApiSource): client is LeaseApiSource {
  return typeof (client as Partial<LeaseApiSource>).resource === "function";
}

function invalid(message: string): never {
  throw new TsOperatorError("TSOP_CONFIG_INVALID", `leader election: ${message}`);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Waits `ms`, or less when stopping: the loop checks the signal itself, so an abort just ends the wait. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch(() => {});
}
