/**
 * Capped exponential backoff with jitter, shared by the work queue (per-key retries) and the reflector
 * (reconnects). Jitter spreads retries of many keys / many processes so they do not hit the API server in step.
 */

export interface BackoffOptions {
  /** Delay of the first retry. */
  initialMs?: number | undefined;
  /** Upper bound of any delay, jitter included. */
  maxMs?: number | undefined;
  /** Growth per failure. Default 2. */
  factor?: number | undefined;
  /**
   * Fraction of the delay that is randomised: the delay is drawn from [base * (1 - jitter), base]. Default 0.2.
   * 0 gives deterministic delays. Jitter only ever shortens a delay so `maxMs` stays a hard bound.
   */
  jitter?: number | undefined;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: (() => number) | undefined;
}

export interface ResolvedBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly jitter: number;
  readonly random: () => number;
}

export function resolveBackoff(
  options: BackoffOptions | undefined,
  defaults: { initialMs: number; maxMs: number },
) {
  const resolved: ResolvedBackoff = {
    initialMs: options?.initialMs ?? defaults.initialMs,
    maxMs: options?.maxMs ?? defaults.maxMs,
    factor: options?.factor ?? 2,
    jitter: Math.min(1, Math.max(0, options?.jitter ?? 0.2)),
    random: options?.random ?? Math.random,
  };
  if (!(resolved.initialMs >= 0) || !(resolved.maxMs >= resolved.initialMs) || !(resolved.factor >= 1)) {
    throw new RangeError(
      `invalid backoff: initialMs=${resolved.initialMs} maxMs=${resolved.maxMs} factor=${resolved.factor}`,
    );
  }
  return resolved;
}

/** The delay before retry number `failures` (0 = first retry). */
export function backoffDelay(backoff: ResolvedBackoff, failures: number): number {
  // Math.pow overflows to Infinity for large exponents, which Math.min then caps: no special case needed.
  const base = Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.factor, Math.max(0, failures)));
  return Math.round(base * (1 - backoff.jitter * backoff.random()));
}

/** A failure counter with its backoff: `next()` after a failure, `reset()` after a success. */
export class Backoff {
  readonly options: ResolvedBackoff;
  #failures = 0;
  constructor(options?: BackoffOptions, defaults = { initialMs: 800, maxMs: 30_000 }) {
    this.options = resolveBackoff(options, defaults);
  }
  get failures(): number {
    return this.#failures;
  }
  next(): number {
    return backoffDelay(this.options, this.#failures++);
  }
  reset(): void {
    this.#failures = 0;
  }
}

/**
 * Resolves after `ms`, or rejects with the signal's reason when aborted (which clears the timer). With
 * `keepAlive: false` the timer does not hold the process open.
 */
export function sleep(ms: number, signal?: AbortSignal, keepAlive = true): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (!keepAlive) timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
