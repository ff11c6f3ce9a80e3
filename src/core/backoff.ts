/**
 * The one capped exponential backoff of tsoperator, with jitter: the work queue's per-key retries, the
 * reflector's reconnects and the failable handlers' error backoff (`ErrorBackoff`) all compute their delays here.
 * Jitter spreads retries of many keys / many processes so they do not hit the API server in step. It lives in
 * core (pure arithmetic, no I/O) so that every layer, the client's request retries included, can use it.
 */
import { TsOperatorError } from "./errors.js";

export interface BackoffOptions {
  /** Delay of the first retry (> 0). */
  initialMs?: number | undefined;
  /** Upper bound of any delay, jitter included. */
  maxMs?: number | undefined;
  /** Growth per failure (>= 1). Default 2. */
  multiplier?: number | undefined;
  /**
   * Random spread, as a fraction either way: the delay is drawn from [base * (1 - jitter), base * (1 + jitter)]
   * and then capped at `maxMs`, which stays a hard bound. In [0, 1]; default 0.2; 0 gives deterministic delays.
   */
  jitter?: number | undefined;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: (() => number) | undefined;
}

export interface ResolvedBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
  readonly jitter: number;
  readonly random: () => number;
}

/** Fills in defaults and validates; throws TSOP_CONFIG_INVALID for a backoff that could not work. */
export function resolveBackoff(
  options: BackoffOptions | undefined,
  defaults: { initialMs: number; maxMs: number; multiplier?: number; jitter?: number },
): ResolvedBackoff {
  const resolved: ResolvedBackoff = {
    initialMs: options?.initialMs ?? defaults.initialMs,
    maxMs: options?.maxMs ?? defaults.maxMs,
    multiplier: options?.multiplier ?? defaults.multiplier ?? 2,
    jitter: options?.jitter ?? defaults.jitter ?? 0.2,
    random: options?.random ?? Math.random,
  };
  // A zero first delay would stay zero however often it is multiplied: a hot loop, not a backoff.
  if (!(resolved.initialMs > 0)) invalid(`initialMs must be positive, got ${resolved.initialMs}`);
  if (!(resolved.maxMs >= resolved.initialMs)) invalid(`maxMs must be >= initialMs, got ${resolved.maxMs}`);
  if (!(resolved.multiplier >= 1)) invalid(`multiplier must be >= 1, got ${resolved.multiplier}`);
  if (!(resolved.jitter >= 0 && resolved.jitter <= 1))
    invalid(`jitter must be in [0, 1], got ${resolved.jitter}`);
  return resolved;
}

function invalid(message: string): never {
  throw new TsOperatorError("TSOP_CONFIG_INVALID", `invalid backoff: ${message}`);
}

/** The delay before retry number `failures` (0 = first retry): `initialMs * multiplier^failures`, jittered, capped. */
export function backoffDelay(backoff: ResolvedBackoff, failures: number): number {
  // Math.pow overflows to Infinity for large exponents, which Math.min then caps: no special case needed.
  const base = Math.min(
    backoff.maxMs,
    backoff.initialMs * Math.pow(backoff.multiplier, Math.max(0, failures)),
  );
  const spread = 1 + backoff.jitter * (2 * backoff.random() - 1);
  return Math.max(1, Math.round(Math.min(backoff.maxMs, base * spread)));
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
