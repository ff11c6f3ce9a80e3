/**
 * Client-side rate limit (client-go's `QPS`/`Burst`): a token bucket that lets `burst` requests through at once
 * and then `qps` per second. Waiters are served in arrival order because each caller reserves its slot up front
 * (the token count may go negative), which also makes the common no-wait path allocation-free.
 */
import { TsOperatorError } from "../core/errors.js";
import { sleep } from "../core/sleep.js";

export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  private tokens: number;
  private lastRefillMs: number;

  constructor(qps: number, burst?: number) {
    if (!(qps > 0) || !Number.isFinite(qps)) {
      throw new TsOperatorError("TSOP_CONFIG_INVALID", `qps must be a positive number, got ${qps}`);
    }
    const b = burst ?? Math.max(1, Math.ceil(qps));
    if (!(b >= 1)) throw new TsOperatorError("TSOP_CONFIG_INVALID", `burst must be >= 1, got ${burst}`);
    this.qps = qps;
    this.burst = b;
    this.tokens = b;
    this.lastRefillMs = performance.now();
  }

  /**
   * Milliseconds the caller must wait before its request may go; the token is already taken. 0 = go now.
   * Callers that give up while waiting must call `release()`.
   */
  reserve(): number {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefillMs) * this.qps) / 1000);
    this.lastRefillMs = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  /** Gives back a reserved token (the request was abandoned before it was sent). */
  release(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /**
   * Waits for a token. Returns undefined (not a promise) when no wait is needed, so the hot path costs nothing.
   */
  acquire(signal?: AbortSignal): Promise<void> | undefined {
    const waitMs = this.reserve();
    if (waitMs === 0) return undefined;
    return sleep(waitMs, signal).catch(() => {
      this.release();
      throw abortedError(signal);
    });
  }
}

export function abortedError(signal: AbortSignal | undefined): TsOperatorError {
  return new TsOperatorError("TSOP_ABORTED", "request aborted", {
    cause: signal?.reason as unknown,
  });
}
