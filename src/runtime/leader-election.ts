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
 *
 * This file is the campaign only; what it shares with the shard ring is in lease-observer.ts (expiry on our
 * clock), lease-term.ts (the writes and the renew deadline) and lease-loop.ts (run/stop, timing checks).
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { TsOperatorError, isAlreadyExists, isConflict } from "../core/errors.js";
import type { k8sTypes } from "../core/k8s-types.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { LeaseObserver } from "./lease-observer.js";
import { LeaseLoop, checkLeaseTiming, errorMessage, jittered, leaseApiOf, pause } from "./lease-loop.js";
import {
  LeaseTerm,
  claimLease,
  handBackLease,
  releaseUnsettledClaims,
  type Lease,
  type LeaseApi,
  type LeaseWriter,
} from "./lease-term.js";

export { microTime, type Lease, type LeaseApi, type LeaseSpec } from "./lease-term.js";

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
  readonly #logger: Logger;
  readonly #release: boolean;
  readonly #observer: LeaseObserver;
  readonly #writer: LeaseWriter;
  readonly #loop = new LeaseLoop("LeaderElector");
  /** The current term while leading. */
  #term: LeaseTerm | undefined;
  #termEnded: Promise<void> | undefined;
  #callbacks: LeaderCallbacks | undefined;

  constructor(client: LeaseApi | LeaseApiSource, options: LeaderElectorOptions) {
    const leaseDurationMs = options.leaseDurationMs ?? LEADER_ELECTION_DEFAULTS.leaseDurationMs;
    const renewDeadlineMs = options.renewDeadlineMs ?? LEADER_ELECTION_DEFAULTS.renewDeadlineMs;
    const retryPeriodMs = options.retryPeriodMs ?? LEADER_ELECTION_DEFAULTS.retryPeriodMs;
    checkLeaseTiming({ leaseDurationMs, renewDeadlineMs, retryPeriodMs }, invalid);
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
    const now = options.now ?? Date.now;
    this.#observer = new LeaseObserver({
      now,
      defaultDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      onHolderChange: (_name, holder) => this.#newLeader(holder),
    });
    this.#writer = {
      api: leaseApiOf(client, options.namespace),
      namespace: options.namespace,
      identity,
      leaseDurationMs,
      now,
      observer: this.#observer,
      unsettled: new Set(),
    };
  }

  /** True while this replica holds the lease and has renewed it within the renew deadline. */
  get isLeader(): boolean {
    return this.#term !== undefined;
  }

  /** The holder we last observed ("" after a release; undefined before the first read). */
  get leader(): string | undefined {
    return this.#observer.holder(this.leaseName);
  }

  /** The last Lease read or written (for diagnostics and tests). */
  get lease(): Lease | undefined {
    return this.#observer.lease(this.leaseName);
  }

  /**
   * Campaigns until `stop()` (or `signal` aborts). Resolves once stopped and released; rejects only on a
   * misconfiguration the API server reports (e.g. 403 Forbidden on leases is retried and logged, not thrown).
   */
  run(callbacks: LeaderCallbacks, signal?: AbortSignal): Promise<void> {
    return this.#loop.run(() => this.#campaign(callbacks), signal);
  }

  /**
   * Stops campaigning. If leading: aborts the term's signal, awaits onStoppedLeading, then releases the lease.
   * Resolves when all of that is done. Idempotent.
   */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #campaign(callbacks: LeaderCallbacks): Promise<void> {
    this.#callbacks = callbacks;
    const stopSignal = this.#loop.signal;
    while (!stopSignal.aborted) {
      const term = this.#term;
      if (!term) {
        const claim = await this.#tryAcquire();
        if (claim) {
          this.#startTerm(claim.lease, claim.sentAt);
          continue;
        }
        await pause(jittered(this.retryPeriodMs), stopSignal);
        continue;
      }
      await pause(this.retryPeriodMs, stopSignal);
      if (stopSignal.aborted || this.#term !== term) continue;
      await this.#renew(term);
    }
    const term = this.#term;
    if (term) {
      this.#endTerm(term, "stopping");
      await this.#termEnded;
      if (this.#release) await this.#releaseLease(term.lease);
    } else {
      await this.#termEnded;
    }
    // A claim whose answer the stop (or a timeout) cut off may still have been committed: see lease-term.ts.
    if (this.#release) await this.#releaseUnsettled();
  }

  async #releaseUnsettled(): Promise<void> {
    const { released, failed } = await releaseUnsettledClaims(this.#writer, this.retryPeriodMs * 2);
    if (released.length > 0)
      this.#logger.info({ identity: this.identity }, "lease released (a claim whose answer was cut off)");
    for (const { err } of failed)
      this.#logger.warn(
        { err: errorMessage(err) },
        "could not check the lease after a claim whose answer was cut off; the next leader may wait for expiry",
      );
  }

  #startTerm(lease: Lease, sentAt: number): void {
    const term = new LeaseTerm(
      this.#writer,
      lease,
      this.renewDeadlineMs,
      () => this.#endTerm(term, `lost: not renewed for ${this.renewDeadlineMs} ms`),
      sentAt,
    );
    this.#term = term;
    this.#logger.info({ identity: this.identity }, "became leader");
    // A throwing callback must not kill the campaign: it ends the term (the work did not start).
    void Promise.resolve()
      .then(() => this.#callbacks?.onStartedLeading(term.signal))
      .catch((err: unknown) => {
        this.#logger.error({ err: errorMessage(err) }, "onStartedLeading failed; giving up leadership");
        this.#endTerm(term, "onStartedLeading failed");
      });
  }

  async #renew(term: LeaseTerm): Promise<void> {
    const outcome = await term.renew(this.#loop.signal);
    switch (outcome.kind) {
      case "lost":
        // Someone else holds it (our lease expired for them): we must not act another moment.
        this.#endTerm(term, "lost: another holder took the lease");
        break;
      case "missing":
        // Deleted under us, so nobody else holds it: write it again, as client-go does, and lead on.
        await this.#recreate(term);
        break;
      case "failed":
        // Keep trying until the renew deadline ends the term.
        if (!this.#loop.signal.aborted)
          this.#logger.warn(
            { identity: this.identity, err: errorMessage(outcome.err) },
            "could not renew the lease",
          );
        break;
      default:
    }
  }

  async #recreate(term: LeaseTerm): Promise<void> {
    try {
      const signal = AbortSignal.any([term.signal, this.#loop.signal]);
      const sentAt = this.#writer.now();
      const lease = await claimLease(this.#writer, this.leaseName, undefined, signal);
      term.adopt(lease, sentAt);
    } catch (err) {
      if (!isAlreadyExists(err) && !term.ended && !this.#loop.signal.aborted)
        this.#logger.warn(
          { identity: this.identity, err: errorMessage(err) },
          "could not recreate the lease",
        );
    }
  }

  #endTerm(term: LeaseTerm, why: string): void {
    if (this.#term !== term) return;
    this.#term = undefined;
    term.end(new TsOperatorError("TSOP_SHUTDOWN", `leadership ended (${why})`));
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

  /**
   * One attempt to start a term, as client-go's tryAcquireOrRenew when not leading: read the Lease, take it if
   * it is free, ours, or expired on our clock. Resolves the Lease written and when the write was sent, or
   * undefined.
   */
  async #tryAcquire(): Promise<{ lease: Lease; sentAt: number } | undefined> {
    const signal = AbortSignal.any([this.#loop.signal, AbortSignal.timeout(this.renewDeadlineMs)]);
    const now = this.#writer.now();
    try {
      const current = (await this.#writer.api.getOrUndefined(
        { namespace: this.namespace, name: this.leaseName },
        { signal },
      )) as Lease | undefined;
      if (current) {
        this.#observer.observe(current, false);
        const holder = current.spec?.holderIdentity ?? "";
        if (holder && holder !== this.identity && !this.#observer.expired(this.leaseName, now))
          return undefined;
      }
      const sentAt = this.#writer.now();
      return { lease: await claimLease(this.#writer, this.leaseName, current, signal), sentAt };
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err)) {
        // Someone wrote the lease between our read and write: they won this round.
        this.#logger.debug({ identity: this.identity }, "lease changed concurrently");
      } else if (!this.#loop.signal.aborted) {
        this.#logger.warn(
          { identity: this.identity, err: errorMessage(err) },
          "could not acquire or renew the lease",
        );
      }
      return undefined;
    }
  }

  #newLeader(holder: string): void {
    if (holder) this.#logger.info({ leader: holder }, "new leader observed");
    try {
      this.#callbacks?.onNewLeader?.(holder);
    } catch (err) {
      this.#logger.warn({ err: errorMessage(err) }, "onNewLeader failed");
    }
  }

  /** Gives the lease up if we still hold it; best effort, one round. */
  async #releaseLease(lease: Lease): Promise<void> {
    try {
      if (await handBackLease(this.#writer, lease, AbortSignal.timeout(this.retryPeriodMs * 2)))
        this.#logger.info({ identity: this.identity }, "lease released");
    } catch (err) {
      this.#logger.warn(
        { err: errorMessage(err) },
        "could not release the lease; the next leader waits for expiry",
      );
    }
  }
}

function invalid(message: string): never {
  throw new TsOperatorError("TSOP_CONFIG_INVALID", `leader election: ${message}`);
}
