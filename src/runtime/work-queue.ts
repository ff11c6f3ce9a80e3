/**
 * The keyed work queue between watch events and the sync engine (client-go's workqueue, as a processing loop).
 *
 * Guarantees, by construction: a key queued many times is processed once; at most one worker runs per key
 * (a key is never handed out twice because workers are only called by `run`); a key dirtied while in flight is
 * processed again right after; at most `concurrency` workers run; failures are retried after the larger of two
 * delays, as client-go's default controller rate limiter: the key's own capped exponential backoff (which a
 * success resets) and a token bucket shared by every retry of the queue (so a thousand failing keys cannot retry
 * a thousand times a second); delayed adds keep the earliest deadline; `shutdown` stops taking work and waits for
 * in-flight workers, up to an optional deadline after which it abandons them.
 */
import { TsOperatorError } from "../core/errors.js";
import { sleep } from "../core/sleep.js";
import { TokenBucket } from "../client/rate-limiter.js";
import { backoffDelay, resolveBackoff, type BackoffOptions, type ResolvedBackoff } from "../core/backoff.js";

/** What a worker may ask for after processing a key. Returning nothing means "done, forget its failures". */
export interface WorkResult {
  /** Process the key again after this delay (a resync); failures are still forgotten. */
  requeueAfterMs?: number | undefined;
  /** Treat as a failure without throwing: retry with this key's backoff. */
  retry?: boolean | undefined;
}

export interface WorkContext {
  /** Aborted when the queue shuts down; long workers may stop early. */
  readonly signal: AbortSignal;
  /** How many times in a row this key failed before this attempt (0 on a first try). */
  readonly failures: number;
}

export type Worker = (key: string, context: WorkContext) => Promise<WorkResult | void> | WorkResult | void;

/**
 * Metric hooks, one call per event, named after client-go's `workqueue_*` metrics. Every hook is optional; a
 * prom-client adapter passes the queue name as the `name` label. `workqueue_unfinished_work_seconds` and
 * `workqueue_longest_running_processor_seconds` are gauges better read on scrape: see
 * `WorkQueue.unfinishedWorkSeconds()` / `longestRunningProcessorSeconds()`.
 */
export interface WorkQueueMetricsHooks {
  /** workqueue_depth: keys waiting to be processed (set on every change). */
  depth?(name: string, depth: number): void;
  /** workqueue_adds_total: one per add that reached the queue (deduplicated adds included). */
  add?(name: string): void;
  /** workqueue_retries_total: one per backoff retry scheduled. */
  retry?(name: string): void;
  /** workqueue_queue_duration_seconds: how long a key waited between being queued and being processed. */
  queueDuration?(name: string, seconds: number): void;
  /** workqueue_work_duration_seconds: how long one worker call took. */
  workDuration?(name: string, seconds: number): void;
}

/** The client-go metric names, for adapters. */
export const WORKQUEUE_METRIC_NAMES = Object.freeze({
  depth: "workqueue_depth",
  adds: "workqueue_adds_total",
  retries: "workqueue_retries_total",
  queueDuration: "workqueue_queue_duration_seconds",
  workDuration: "workqueue_work_duration_seconds",
  unfinishedWork: "workqueue_unfinished_work_seconds",
  longestRunningProcessor: "workqueue_longest_running_processor_seconds",
});

/** The overall retry budget of a queue: a token bucket every `addRateLimited` draws from. */
export interface RetryRateLimit {
  /** Sustained retries per second. */
  qps: number;
  /** Retries allowed at once before the rate applies. */
  burst: number;
}

/** client-go's default controller rate limiter's bucket: 10 retries per second, bursts of 100. */
export const DEFAULT_RETRY_RATE_LIMIT: Readonly<RetryRateLimit> = Object.freeze({ qps: 10, burst: 100 });

export interface WorkQueueOptions {
  /** Used as the metrics label. Default "default". */
  name?: string | undefined;
  /** Workers running at once. Default 4. */
  concurrency?: number | undefined;
  /** Per-key retry backoff. Defaults: 5 ms initial, 600 000 ms max (the operator's `maxErrorBackoffMs`). */
  backoff?: BackoffOptions | undefined;
  /**
   * Overall bucket for retries (`addRateLimited`), combined with the per-key backoff by taking the larger delay.
   * Default DEFAULT_RETRY_RATE_LIMIT (10 qps, burst 100); `false` turns it off (per-key backoff only).
   */
  retryRateLimit?: RetryRateLimit | false | undefined;
  metrics?: WorkQueueMetricsHooks | undefined;
  /** Called when a worker throws (the key is retried with backoff either way). */
  onError?: ((key: string, error: unknown) => void) | undefined;
  /** Monotonic clock in ms; injectable for tests. */
  now?: (() => number) | undefined;
}

/** What `shutdown` did. */
export interface ShutdownResult {
  /** Keys whose worker was still running at the deadline; it settles on its own and its result is ignored. */
  readonly abandoned: readonly string[];
}

interface Delayed {
  readyAt: number;
  timer: NodeJS.Timeout;
}

/** A FIFO of keys with O(1) push/shift; compacts its backing array once the consumed head dominates. */
class KeyFifo {
  #items: string[] = [];
  #head = 0;
  get length(): number {
    return this.#items.length - this.#head;
  }
  push(key: string): void {
    this.#items.push(key);
  }
  shift(): string | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const key = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return key;
  }
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

export class WorkQueue {
  readonly name: string;
  readonly concurrency: number;
  readonly #backoff: ResolvedBackoff;
  readonly #retryBucket: TokenBucket | undefined;
  readonly #metrics: WorkQueueMetricsHooks;
  readonly #onError: ((key: string, error: unknown) => void) | undefined;
  readonly #now: () => number;

  /** Keys ready to be handed to a worker, in order. Invariant: key in #ready <=> in #dirty and not #processing. */
  readonly #ready = new KeyFifo();
  /** Keys that need processing (queued, or dirtied while in flight). Value: when it was queued, for metrics. */
  readonly #dirty = new Map<string, number>();
  /** Keys being processed. Value: when processing started. */
  readonly #processing = new Map<string, number>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #failures = new Map<string, number>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #shutdownController = new AbortController();

  #worker: Worker | undefined;
  #pumpScheduled = false;
  #shuttingDown = false;
  #running: Promise<void> | undefined;
  #resolveRun: (() => void) | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.name = options.name ?? "default";
    this.concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new TsOperatorError(
        "TSOP_CONFIG_INVALID",
        `work queue ${this.name}: concurrency must be a positive integer, got ${this.concurrency}`,
      );
    }
    this.#backoff = resolveBackoff(options.backoff, { initialMs: 5, maxMs: 600_000 });
    const limit = options.retryRateLimit ?? DEFAULT_RETRY_RATE_LIMIT;
    this.#retryBucket = limit === false ? undefined : new TokenBucket(limit.qps, limit.burst);
    this.#metrics = options.metrics ?? {};
    this.#onError = options.onError;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Marks a key as needing processing now. Idempotent while the key waits. Ignored after shutdown. */
  add(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics.add?.(this.name);
    if (this.#dirty.has(key)) return;
    this.#dirty.set(key, this.#now());
    // A key in flight stays out of #ready: it is re-queued when its worker finishes (one in flight per key).
    if (this.#processing.has(key)) return;
    this.#ready.push(key);
    this.#reportDepth();
    this.#schedulePump();
  }

  /**
   * Adds the key after `delayMs`. When the key already has a pending delayed add, the earlier deadline wins:
   * a resync far away never postpones a retry that is due sooner, and vice versa.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    const readyAt = this.#now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending) {
      if (pending.readyAt <= readyAt) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    // The queue must never keep a process alive on its own: watches or the server do.
    timer.unref();
    this.#delayed.set(key, { readyAt, timer });
  }

  /**
   * Adds the key after its retry delay and counts one more failure for it. The delay is the larger of the key's
   * backoff and the wait for a token of the queue-wide retry bucket (client-go's MaxOfRateLimiter of an
   * ItemExponentialFailureRateLimiter and a BucketRateLimiter): one key's failures slow that key down, and many
   * failing keys together are held to the bucket's rate.
   */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    this.addAfter(key, this.#retryDelay(key));
  }

  /** Counts a failure of `key` and returns the delay before its retry (see addRateLimited). */
  #retryDelay(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    this.#metrics.retry?.(this.name);
    // Every retry takes a token, as client-go's bucket does: the reservation is the rate, not a suggestion.
    const bucketWait = this.#retryBucket ? Math.ceil(this.#retryBucket.reserve()) : 0;
    return Math.max(backoffDelay(this.#backoff, failures), bucketWait);
  }

  /** Forgets a key's failures: its next retry starts from the initial backoff again. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Consecutive failures recorded for a key. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Keys waiting to be processed (not counting delayed adds or keys in flight). */
  get depth(): number {
    return this.#ready.length;
  }
  /** Keys whose worker is running. */
  get inFlight(): number {
    return this.#processing.size;
  }
  /** Keys with a pending delayed add. */
  get delayedCount(): number {
    return this.#delayed.size;
  }
  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }
  /** True when the key is currently being processed. */
  isProcessing(key: string): boolean {
    return this.#processing.has(key);
  }

  /** workqueue_unfinished_work_seconds: total time in-flight workers have been running so far. */
  unfinishedWorkSeconds(): number {
    const now = this.#now();
    let total = 0;
    for (const started of this.#processing.values()) total += now - started;
    return total / 1000;
  }

  /** workqueue_longest_running_processor_seconds. */
  longestRunningProcessorSeconds(): number {
    const now = this.#now();
    let longest = 0;
    for (const started of this.#processing.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }

  /**
   * Processes keys with `worker` until `shutdown()`; resolves once shutdown has drained in-flight work.
   * A worker that throws (or returns `{ retry: true }`) gets its key retried with backoff; one that returns
   * normally has its failures forgotten and may ask for a later resync with `requeueAfterMs`.
   */
  run(worker: Worker): Promise<void> {
    if (this.#running)
      throw new TsOperatorError("TSOP_CONFIG_INVALID", `work queue ${this.name} is already running`);
    if (this.#shuttingDown) return Promise.resolve();
    this.#worker = worker;
    this.#running = new Promise<void>((resolve) => (this.#resolveRun = resolve));
    this.#schedulePump();
    return this.#running;
  }

  /** Keys whose worker is running, with how long it has run so far in ms (diagnostics: what is stuck). */
  processing(): Array<{ key: string; runningMs: number }> {
    const now = this.#now();
    return [...this.#processing].map(([key, started]) => ({ key, runningMs: now - started }));
  }

  /**
   * Stops taking work, drops waiting and delayed keys, and resolves when in-flight workers have finished, or
   * after `waitMs` (default: no limit), whichever comes first. Workers still running at that deadline are
   * abandoned: nothing waits for them any more (`run()` resolves too) and whatever they return later is ignored;
   * their keys are reported so the caller can say what it gave up on. A worker must stop its side effects when
   * told to (its caller's signal): the queue cannot cancel a promise.
   */
  async shutdown(options: { waitMs?: number | undefined } = {}): Promise<ShutdownResult> {
    if (!this.#shuttingDown) {
      this.#shuttingDown = true;
      this.#shutdownController.abort(
        new TsOperatorError("TSOP_SHUTDOWN", `work queue ${this.name} shut down`),
      );
      for (const { timer } of this.#delayed.values()) clearTimeout(timer);
      this.#delayed.clear();
      this.#ready.clear();
      for (const key of this.#dirty.keys()) if (!this.#processing.has(key)) this.#dirty.delete(key);
      this.#reportDepth();
    }
    const drained = (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    })();
    const waitMs = options.waitMs;
    if (waitMs === undefined || this.#inFlight.size === 0) {
      await drained;
    } else {
      const deadline = new AbortController();
      // Cleared below as soon as the workers drain, so it never holds a finished process open.
      const timedOut = sleep(waitMs, deadline.signal).then(
        () => true,
        () => false,
      );
      const late = await Promise.race([drained.then(() => false), timedOut]);
      deadline.abort();
      if (late) {
        this.#resolveRun?.();
        return { abandoned: [...this.#processing.keys()] };
      }
    }
    this.#resolveRun?.();
    return { abandoned: [] };
  }

  #reportDepth(): void {
    this.#metrics.depth?.(this.name, this.#ready.length);
  }

  // Workers start from a microtask, never inside add(): an event handler calling add() must not run sync code
  // re-entrantly on its own stack.
  #schedulePump(): void {
    if (this.#pumpScheduled || !this.#worker) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    const worker = this.#worker;
    if (!worker) return;
    while (!this.#shuttingDown && this.#processing.size < this.concurrency) {
      const key = this.#ready.shift();
      if (key === undefined) break;
      const queuedAt = this.#dirty.get(key) ?? this.#now();
      this.#dirty.delete(key);
      const startedAt = this.#now();
      this.#processing.set(key, startedAt);
      this.#metrics.queueDuration?.(this.name, (startedAt - queuedAt) / 1000);
      const task = this.#process(worker, key, startedAt);
      this.#inFlight.add(task);
      void task.finally(() => this.#inFlight.delete(task));
    }
    this.#reportDepth();
  }

  async #process(worker: Worker, key: string, startedAt: number): Promise<void> {
    let result: WorkResult | void = undefined;
    let failed = false;
    try {
      result = await worker(key, { signal: this.#shutdownController.signal, failures: this.failures(key) });
    } catch (error) {
      failed = true;
      try {
        this.#onError?.(key, error);
      } catch {
        // A throwing error hook must not break the one-in-flight bookkeeping below.
      }
    }
    this.#metrics.workDuration?.(this.name, (this.#now() - startedAt) / 1000);
    this.#processing.delete(key);
    if (failed || result?.retry) {
      this.addRateLimited(key);
    } else {
      this.forget(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    }
    // Dirtied while in flight: now it may run again.
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      this.#ready.push(key);
      this.#reportDepth();
    }
    this.#schedulePump();
  }
}
