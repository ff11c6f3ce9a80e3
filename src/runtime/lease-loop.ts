/**
 * The lifecycle and the settings shared by the Lease users (leader election, the shard ring): one run() per
 * instance, a stop() that waits for the loop to hand its Leases back, and the timing rules that keep two holders
 * from acting at once.
 */
import { TsOperatorError } from "../core/errors.js";
import { k8sTypes } from "../core/k8s-types.js";
import { sleep } from "../core/sleep.js";
import type { LeaseApi } from "./lease-term.js";

/** client-go's JitterFactor: attempts are spread over [retry, 1.2 × retry]. */
export const LEASE_JITTER = 1.2;

export interface LeaseTimingOptions {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/**
 * The same checks as client-go's NewLeaderElector: with a renew deadline not shorter than the lease, a holder
 * could still act after the others see its Lease expire; with too short a deadline, one slow retry ends a term.
 */
export function checkLeaseTiming(timing: LeaseTimingOptions, invalid: (message: string) => never): void {
  if (!(timing.leaseDurationMs > timing.renewDeadlineMs))
    invalid("leaseDurationMs must be greater than renewDeadlineMs");
  if (!(timing.renewDeadlineMs > LEASE_JITTER * timing.retryPeriodMs))
    invalid(`renewDeadlineMs must be greater than ${LEASE_JITTER} × retryPeriodMs`);
  if (!(timing.retryPeriodMs > 0)) invalid("retryPeriodMs must be positive");
}

/** A retry period spread by client-go's jitter, so replicas started together do not keep colliding. */
export function jittered(retryPeriodMs: number): number {
  return retryPeriodMs * (1 + Math.random() * (LEASE_JITTER - 1));
}

/** A Lease API, or anything that hands one out for a namespace (a `KubeClient`). */
export function leaseApiOf<Api extends LeaseApi>(
  client: Api | { resource(type: typeof k8sTypes.coordination.v1.Lease, namespace?: string): Api },
  namespace: string,
): Api {
  return "resource" in client && typeof client.resource === "function"
    ? client.resource(k8sTypes.coordination.v1.Lease, namespace)
    : (client as Api);
}

/**
 * run()/stop() of a loop: run starts it once (a second call is a programming error), stop aborts `signal` and
 * waits for the loop, which is expected to release what it holds before it returns.
 */
export class LeaseLoop {
  readonly #what: string;
  readonly #stopping = new AbortController();
  #running: Promise<void> | undefined;

  /** `what` names the owner in the error of a second run(). */
  constructor(what: string) {
    this.#what = what;
  }

  /** Aborts when stopping. */
  get signal(): AbortSignal {
    return this.#stopping.signal;
  }

  run(loop: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    if (this.#running)
      throw new TsOperatorError("TSOP_CONFIG_INVALID", `${this.#what}.run() was already called`);
    if (signal?.aborted) this.#stopping.abort();
    signal?.addEventListener("abort", () => void this.stop(), { once: true });
    this.#running = loop();
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
  }
}

/** Waits `ms`, or less when stopping: the loop checks the signal itself, so an abort just ends the wait. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch(() => {});
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
