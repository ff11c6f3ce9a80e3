/**
 * What a replica has seen of its Leases, and when on its own clock: the one place that decides whether another
 * holder's Lease has expired, for leader election and for the shard ring alike.
 *
 * Expiry is judged from the observed change, as client-go's observedTime: a Lease is expired for us only when we
 * have seen its record (resourceVersion, holder, renewTime) unchanged for its leaseDuration on OUR clock. The
 * holder's renewTime is written on the holder's clock, so trusting it would let a replica whose clock runs ahead
 * rob a live holder whose clock lags.
 */
import type { Lease } from "./lease-term.js";

interface Observation {
  lease: Lease;
  /** Local time from which the holder's lease runs (client-go's observedTime). */
  at: number;
}

export interface LeaseObserverOptions {
  /** Wall clock (the replica's own). */
  now: () => number;
  /** Used when a record carries no leaseDurationSeconds. */
  defaultDurationSeconds: number;
  /** The observed holder of a Lease changed, including on first sight and to "" after a release. */
  onHolderChange?: ((name: string, holder: string) => void) | undefined;
}

export class LeaseObserver {
  readonly #seen = new Map<string, Observation>();
  readonly #options: LeaseObserverOptions;

  constructor(options: LeaseObserverOptions) {
    this.#options = options;
  }

  /**
   * Records a Lease read or written (`ourWrite`). The expiry clock restarts whenever the record changes, and
   * starts on first sight too, as client-go's: a record's renewTime is on its holder's clock, so judging a Lease
   * seen for the first time by it would let a replica just started rob a live holder whose clock lags by more
   * than the lease duration (both would act until the holder's next renewal failed). The price is that a Lease
   * left by a crashed process is taken over one full duration after a new replica first sees it.
   */
  observe(lease: Lease, _ourWrite: boolean): void {
    const name = lease.metadata.name ?? "";
    const previous = this.#seen.get(name);
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    const previousHolder = previous ? (previous.lease.spec?.holderIdentity ?? "") : undefined;
    const changed =
      !previous ||
      previous.lease.metadata.resourceVersion !== lease.metadata.resourceVersion ||
      previousHolder !== holder ||
      previous.lease.spec?.renewTime !== spec.renewTime;
    const at = changed ? this.#options.now() : (previous?.at ?? 0);
    this.#seen.set(name, { lease, at });
    if (holder !== previousHolder) this.#options.onHolderChange?.(name, holder);
  }

  /**
   * client-go's isLeaseValid inverted, with the observed record's own duration. A Lease never seen counts as
   * expired: the caller has just read it, or it does not exist.
   */
  expired(name: string, now: number = this.#options.now()): boolean {
    const seen = this.#seen.get(name);
    if (!seen) return true;
    const seconds = seen.lease.spec?.leaseDurationSeconds ?? this.#options.defaultDurationSeconds;
    return seen.at + seconds * 1000 < now;
  }

  /** The last record seen of `name`. */
  lease(name: string): Lease | undefined {
    return this.#seen.get(name)?.lease;
  }

  /** The holder last seen of `name` ("" after a release; undefined before the first sight). */
  holder(name: string): string | undefined {
    const seen = this.#seen.get(name);
    return seen ? (seen.lease.spec?.holderIdentity ?? "") : undefined;
  }
}
