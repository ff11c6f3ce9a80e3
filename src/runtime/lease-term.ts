/**
 * Holding one coordination.k8s.io/v1 Lease: the writes (claim, renew, hand back) and the term they fence, shared
 * by leader election and the shard ring so that the fencing rules live in one place.
 *
 * Every write is a PUT carrying the resourceVersion we read (or a create), so of two writers racing for one Lease
 * exactly one succeeds and the other gets 409 Conflict. A term ends on its own (the `onDeadline` hook) when it has
 * not been renewed for `renewDeadlineMs`, which is shorter than the lease duration, so the holder stops before the
 * Lease can expire for anyone else; the timer fires even while a renew request hangs.
 *
 * The deadline runs from when the successful write was SENT, not from its answer: the others start their expiry
 * clock when they see the write, which is after the server committed it and so after we sent it, but possibly
 * long before a slow answer reaches us. Counted from the answer, a reply slower than leaseDuration −
 * renewDeadline would let us act after the Lease expired for the others.
 *
 * A claim whose answer never came (cut off by stop(), timed out, connection lost) may have been committed all the
 * same: the Lease then names us though we hold no term on it, and nobody would release it, so the next holder
 * would wait a full lease duration. Claims record such Leases in `LeaseWriter.unsettled`, and a stopping user
 * hands them back with `releaseUnsettledClaims` once its terms are over; this is here, not in each user, so
 * leader election and every bucket of the shard ring get it alike.
 */
import { ApiError, isConflict, isNotFound } from "../core/errors.js";
import type { KubeObject, ObjectId } from "../core/types.js";
import type { RequestOptions, WriteOptions } from "../client/resource-api.js";
import type { LeaseObserver } from "./lease-observer.js";

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

/** Formats a time as a Kubernetes MicroTime ("2006-01-02T15:04:05.000000Z"): Go parses exactly six digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Who writes, where, and what it has seen: what every Lease write below needs. */
export interface LeaseWriter {
  api: LeaseApi;
  namespace: string;
  identity: string;
  leaseDurationMs: number;
  now: () => number;
  /** Every Lease read or written here is recorded, so expiry judgements see our own writes too. */
  observer: LeaseObserver;
  /**
   * Names of the Leases a claim of ours was sent to without our learning whether the server committed it. Kept
   * by `claimLease`, emptied by `releaseUnsettledClaims`; start with an empty set.
   */
  unsettled: Set<string>;
}

/**
 * Whether a failed write's error proves the server did not commit it: an answer below 500 is the server's
 * refusal (409, 404, 403, 422...). An abort, a timeout, a lost connection or a 5xx (a 504 from the API server
 * can come after etcd committed) leaves the outcome unknown.
 */
function refused(err: unknown): boolean {
  return err instanceof ApiError && err.statusCode < 500;
}

/** The record a holder writes: its identity, the duration in whole seconds, renewTime now. */
export function holderSpec(writer: LeaseWriter, acquireTime?: string | null): LeaseSpec {
  const now = microTime(writer.now());
  return {
    holderIdentity: writer.identity,
    leaseDurationSeconds: Math.max(1, Math.ceil(writer.leaseDurationMs / 1000)),
    acquireTime: acquireTime ?? now,
    renewTime: now,
  };
}

/**
 * Starts a term on `current` (undefined: the Lease does not exist, so create it). The caller decided that the
 * Lease is free, expired or ours. As client-go, leaseTransitions counts changes of holder only, so re-acquiring
 * a Lease that still names us (a restart with a fixed identity, an answer lost in a timeout) is none. Throws the
 * API error: 409 (Conflict or AlreadyExists) means someone else wrote first and won.
 */
export async function claimLease(
  writer: LeaseWriter,
  name: string,
  current: Lease | undefined,
  signal: AbortSignal,
  labels?: Record<string, string>,
): Promise<Lease> {
  // Recorded before the send: from then on, until an answer says otherwise, the Lease may name us. A refusal
  // clears only this claim: an earlier one still unknown may have been committed late, and be what it hit.
  const earlier = writer.unsettled.has(name);
  writer.unsettled.add(name);
  let written: Lease;
  try {
    written = await writeClaim(writer, name, current, signal, labels);
  } catch (err) {
    if (refused(err) && !earlier) writer.unsettled.delete(name);
    throw err;
  }
  writer.unsettled.delete(name);
  writer.observer.observe(written, true);
  return written;
}

function writeClaim(
  writer: LeaseWriter,
  name: string,
  current: Lease | undefined,
  signal: AbortSignal,
  labels: Record<string, string> | undefined,
): Promise<Lease> {
  if (!current) {
    return writer.api.create(
      {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace: writer.namespace, ...(labels ? { labels } : {}) },
        spec: { ...holderSpec(writer), leaseTransitions: 0 },
      },
      { signal },
    ) as Promise<Lease>;
  }
  const spec = current.spec ?? {};
  const ours = (spec.holderIdentity ?? "") === writer.identity;
  return writer.api.replace(
    {
      ...current,
      metadata: { ...current.metadata, managedFields: undefined },
      spec: { ...holderSpec(writer), leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1) },
    },
    { signal },
  ) as Promise<Lease>;
}

/**
 * Renews `current` as we last saw it: one PUT, no read first (client-go's fast path), keeping acquireTime and
 * leaseTransitions. Throws the API error; a 409 or 404 means our view is stale.
 */
export async function renewLease(writer: LeaseWriter, current: Lease, signal: AbortSignal): Promise<Lease> {
  const renewed = (await writer.api.replace(
    {
      ...current,
      metadata: { ...current.metadata, managedFields: undefined },
      spec: { ...current.spec, ...holderSpec(writer, current.spec?.acquireTime) },
    },
    { signal },
  )) as Lease;
  writer.observer.observe(renewed, true);
  return renewed;
}

/**
 * Hands a Lease back (holder "", duration 1 s, as client-go's ReleaseOnCancel) if it still names us, so the next
 * holder takes it at once instead of waiting for expiry. A renewal racing with it makes the first PUT conflict:
 * read again and retry once. Resolves false when the Lease no longer names us; throws on a failed request (the
 * next holder then waits for expiry, which is safe, only slow).
 */
export async function handBackLease(
  writer: LeaseWriter,
  lease: Lease,
  signal: AbortSignal,
): Promise<boolean> {
  let current: Lease | undefined = lease;
  for (let attempt = 0; attempt < 2 && current; attempt++) {
    if ((current.spec?.holderIdentity ?? "") !== writer.identity) return false;
    const now = microTime(writer.now());
    try {
      const released = (await writer.api.replace(
        {
          ...current,
          metadata: { ...current.metadata, managedFields: undefined },
          spec: {
            ...current.spec,
            holderIdentity: "",
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
          },
        },
        { signal },
      )) as Lease;
      writer.observer.observe(released, true);
      return true;
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (attempt > 0) return false;
      current = (await writer.api.getOrUndefined(
        { namespace: writer.namespace, name: current.metadata.name ?? "" },
        { signal },
      )) as Lease | undefined;
    }
  }
  return false;
}

/** What `releaseUnsettledClaims` did: the Leases handed back, and those it could not check or release. */
export interface UnsettledRelease {
  released: string[];
  failed: Array<{ name: string; err: unknown }>;
}

/**
 * Hands back every Lease in `writer.unsettled` that names us: claims whose answer we never got, which the server
 * may have committed. For a stopping user, once its terms are over and no claim is in flight: a Lease it still
 * holds a term on would be handed back from under it. Reads the Lease first and releases only when it names us,
 * through `handBackLease` (a PUT on the version read, so a newer holder's write is never overwritten). Each read
 * and each hand-back is bounded by `timeoutMs`, so a hung server cannot hang a stop. Never throws; a Lease it could
 * not check stays in `unsettled` and its next holder waits for its expiry (safe, only slow).
 */
export async function releaseUnsettledClaims(
  writer: LeaseWriter,
  timeoutMs: number,
): Promise<UnsettledRelease> {
  const result: UnsettledRelease = { released: [], failed: [] };
  await Promise.all(
    [...writer.unsettled].map(async (name) => {
      try {
        const current = (await writer.api.getOrUndefined(
          { namespace: writer.namespace, name },
          { signal: AbortSignal.timeout(timeoutMs) },
        )) as Lease | undefined;
        // Not observed: a holder change to us, for a term we never had, would be news to no one.
        if (current && (await handBackLease(writer, current, AbortSignal.timeout(timeoutMs))))
          result.released.push(name);
        writer.unsettled.delete(name);
      } catch (err) {
        result.failed.push({ name, err });
      }
    }),
  );
  return result;
}

/** What one renewal of a term came to. */
export type RenewOutcome =
  /** Renewed; the deadline starts again. */
  | { kind: "renewed" }
  /** Our view was stale (a write of ours whose answer we missed): re-read, still ours, renewed next time. */
  | { kind: "stale" }
  /** The request failed; the term goes on until its deadline. */
  | { kind: "failed"; err: unknown }
  /** Someone else holds the Lease: stop at once. */
  | { kind: "lost"; holder: string }
  /** The Lease is gone (deleted): nobody holds it. */
  | { kind: "missing" }
  /** The term ended while the request was in flight: its answer no longer matters. */
  | { kind: "ended" };

/**
 * One term of holding a Lease: from a successful claim until it is lost, given up, or not renewed within
 * `renewDeadlineMs`. `signal` aborts when the term ends; work fenced by the Lease must stop writing then.
 */
export class LeaseTerm {
  readonly #writer: LeaseWriter;
  readonly #renewDeadlineMs: number;
  readonly #onDeadline: () => void;
  readonly #abort = new AbortController();
  #lease: Lease;
  #renewedAt = 0;
  #deadline: NodeJS.Timeout | undefined;

  /**
   * `lease` is the claim just written, `sentAt` when that write was sent (see the module comment); `onDeadline`
   * runs (once, unless the term ended first) when the term was not renewed in time.
   */
  constructor(
    writer: LeaseWriter,
    lease: Lease,
    renewDeadlineMs: number,
    onDeadline: () => void,
    sentAt: number = writer.now(),
  ) {
    this.#writer = writer;
    this.#renewDeadlineMs = renewDeadlineMs;
    this.#onDeadline = onDeadline;
    this.#lease = lease;
    this.#armDeadline(sentAt);
  }

  /** Aborts when the term ends, with the reason given to `end`. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get ended(): boolean {
    return this.#abort.signal.aborted;
  }

  /** The Lease as last written or re-read by this term. */
  get lease(): Lease {
    return this.#lease;
  }

  /**
   * One renewal. The request is cut off at the deadline at the latest: an answer after it is worthless. A 409 or
   * 404 is checked with a read: the Lease may name us still (a write whose answer we missed), someone else, or
   * nobody. Never throws.
   */
  async renew(signal: AbortSignal): Promise<RenewOutcome> {
    if (this.ended) return { kind: "ended" };
    const remaining = Math.max(1, this.#renewedAt + this.#renewDeadlineMs - this.#writer.now());
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(remaining)]);
    const sentAt = this.#writer.now();
    try {
      const renewed = await renewLease(this.#writer, this.#lease, bounded);
      if (this.ended) return { kind: "ended" };
      this.adopt(renewed, sentAt);
      return { kind: "renewed" };
    } catch (err) {
      if (this.ended) return { kind: "ended" };
      if (!isConflict(err) && !isNotFound(err)) return { kind: "failed", err };
    }
    let fresh: Lease | undefined;
    try {
      fresh = (await this.#writer.api.getOrUndefined(
        { namespace: this.#writer.namespace, name: this.#lease.metadata.name ?? "" },
        { signal: bounded },
      )) as Lease | undefined;
    } catch (err) {
      return this.ended ? { kind: "ended" } : { kind: "failed", err };
    }
    if (this.ended) return { kind: "ended" };
    if (!fresh) return { kind: "missing" };
    this.#writer.observer.observe(fresh, false);
    const holder = fresh.spec?.holderIdentity ?? "";
    if (holder !== this.#writer.identity) return { kind: "lost", holder };
    // Ours after all: the next renewal starts from this version. Not a renewal: the deadline keeps running.
    this.#lease = fresh;
    return { kind: "stale" };
  }

  /** Takes `lease`, written by a request of ours sent at `sentAt`, as this term's renewal. */
  adopt(lease: Lease, sentAt: number): void {
    if (this.ended) return;
    this.#lease = lease;
    this.#armDeadline(sentAt);
  }

  /** Ends the term: the signal aborts with `reason`, the deadline is cleared. Idempotent. */
  end(reason: unknown): void {
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
    if (!this.ended) this.#abort.abort(reason);
  }

  #armDeadline(sentAt: number): void {
    this.#renewedAt = sentAt;
    clearTimeout(this.#deadline);
    // The deadline fires even when a renew request hangs: a term must end on time, not when a socket does.
    const left = Math.max(0, sentAt + this.#renewDeadlineMs - this.#writer.now());
    this.#deadline = setTimeout(() => {
      if (!this.ended) this.#onDeadline();
    }, left);
  }
}
