/**
 * The one `sleep` of tsoperator: a timer as a promise that an AbortSignal cancels. Every layer waits through it
 * (reflector reconnects, the leader-election loop, the operator's stop deadline), so an abort always clears the
 * timer and a stopping process is never held open by a pending wait.
 */

export interface SleepOptions {
  /**
   * Whether the timer keeps the process alive (default true). False for waits that must not delay an exit on
   * their own, such as a deadline raced against work that may finish first.
   */
  keepAlive?: boolean | undefined;
}

/**
 * Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts (at once if it already has),
 * clearing the timer. Callers that only want to stop waiting can `.catch(() => {})` and check the signal.
 *
 * @example
 * await sleep(backoff.next(), signal); // throws signal.reason when stopped
 */
export function sleep(ms: number, signal?: AbortSignal, options: SleepOptions = {}): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    if (options.keepAlive === false) timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
