/**
 * The reflector keeps a Store equal to the API server's view of one resource type: a paginated LIST, then a
 * WATCH from the list's resourceVersion (with bookmarks). On 410 Gone it relists and replaces the store in one
 * step, emitting only what changed while it was disconnected. Every other failure (connection refused, server
 * restart, a watch that goes silent) is retried with capped exponential backoff and jitter: the loop only ends
 * when `stop()` is called, and its state is observable for health checks and metrics.
 *
 * Its selectors can change while it runs (`reselect`: sharding, whose held buckets change): the current LIST or
 * WATCH is cut, and a LIST with the new selectors replaces the store in one step, so objects that left the
 * selection are forgotten (as DELETED events) and new ones arrive (as ADDED) exactly as after a 410.
 */
import { hasCode, isGone, TsOperatorError } from "../core/errors.js";
import type { KubeObject } from "../core/types.js";
import type { ResourceApi, WatchEvent } from "../client/resource-api.js";
import { Backoff, type BackoffOptions } from "../core/backoff.js";
import { sleep } from "../core/sleep.js";
import { compactObject, type CompactOptions } from "./compact.js";
import { keyOf, type Store, type StoreEvent } from "./store.js";

/**
 * - `listing`: first LIST in progress (not synced yet).
 * - `watching`: synced and following the watch.
 * - `relisting`: LIST after a 410 Gone (the store still serves the last known state).
 * - `backingOff`: waiting before a retry after an error.
 * - `stopped`: `stop()` was called (or `start()` not yet).
 */
export type ReflectorState = "stopped" | "listing" | "watching" | "relisting" | "backingOff";

export interface ReflectorStatus {
  readonly state: ReflectorState;
  readonly hasSynced: boolean;
  /** The resourceVersion the store reflects. */
  readonly resourceVersion: string | undefined;
  readonly lastError: unknown;
  /** Failures since the last successful LIST or watch event. */
  readonly consecutiveFailures: number;
  /** LISTs done after the first (410 Gone or a failed resume). */
  readonly relists: number;
  /** Watch (re)connections made. */
  readonly watches: number;
}

/**
 * What a reflector lists and watches. `nothing`: no request at all, an empty synced store (a sharded replica
 * holding no bucket; the server refuses an empty shard selector).
 */
export interface ReflectorSelectors {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** KEP-5866 hash ranges (see ListOptions.shardSelector). */
  shardSelector?: string | undefined;
  nothing?: boolean | undefined;
}

export interface ReflectorOptions<T extends KubeObject = KubeObject> extends ReflectorSelectors {
  /** LIST page size. Default 500 (client-go's). */
  pageSize?: number | undefined;
  /** Reconnect backoff. Defaults: 800 ms initial, 30 s max (client-go's). */
  backoff?: BackoffOptions | undefined;
  /**
   * A watch that delivers nothing (not even a bookmark) for this long is considered dead and reopened.
   * Default 5 minutes; 0 disables.
   */
  inactivityTimeoutMs?: number | undefined;
  /**
   * Server-side timeout of each watch request. Default: random between 5 and 10 minutes, so the watches of many
   * processes do not all reconnect together.
   */
  watchTimeoutSeconds?: number | undefined;
  /** managedFields stripping and freezing, applied to each object before it is stored. */
  compact?: CompactOptions | undefined;
  /**
   * Whether an object belongs to the current selectors. A relist keeps the objects `recordWrite` stored that are
   * newer than its snapshot (written while it ran, so it cannot contain them) only when this says they still
   * belong: the watch that follows covers only the selection. Without it, a reflector whose selectors never
   * changed keeps them all, and one that was `reselect`ed keeps none.
   */
  inSelection?: ((obj: T) => boolean) | undefined;
  /** Receives every change of the store, in order. Exceptions are reported to onError, never stop the loop. */
  onEvent?: ((event: StoreEvent<T>) => void) | undefined;
  onStateChange?: ((status: ReflectorStatus) => void) | undefined;
  /** Errors the reflector recovered from (it always retries). */
  onError?: ((error: unknown, phase: "list" | "watch" | "handler") => void) | undefined;
}

/** The reason an iteration is cut by reselect(): not a failure, so no backoff and no error report. */
const RESELECTED = new TsOperatorError("TSOP_ABORTED", "selectors changed");

/** Why a watch loop iteration ended without an exception. */
interface WatchOutcome {
  events: number;
  durationMs: number;
}

export class Reflector<T extends KubeObject = KubeObject> {
  readonly api: ResourceApi<T>;
  readonly store: Store<T>;
  readonly #options: ReflectorOptions<T>;
  readonly #backoff: Backoff;
  #state: ReflectorState = "stopped";
  #lastError: unknown = undefined;
  #relists = 0;
  #watches = 0;
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #selectors: ReflectorSelectors;
  /** Bumped by reselect(); the generation of the selectors the store was last listed with. */
  #generation = 0;
  #listedGeneration = 0;
  /** Cuts the current WATCH (reselect). */
  #iteration: AbortController | undefined;
  #listing = false;
  readonly #waiters = new Set<{ generation: number; resolve: () => void; reject: (e: unknown) => void }>();

  constructor(api: ResourceApi<T>, store: Store<T>, options: ReflectorOptions<T> = {}) {
    this.api = api;
    this.store = store;
    this.#options = options;
    const { labelSelector, fieldSelector, shardSelector, nothing } = options;
    this.#selectors = { labelSelector, fieldSelector, shardSelector, nothing };
    this.#backoff = new Backoff(options.backoff, { initialMs: 800, maxMs: 30_000 });
  }

  get state(): ReflectorState {
    return this.#state;
  }

  get status(): ReflectorStatus {
    return {
      state: this.#state,
      hasSynced: this.store.hasSynced,
      resourceVersion: this.store.resourceVersion,
      lastError: this.#lastError,
      consecutiveFailures: this.#backoff.failures,
      relists: this.#relists,
      watches: this.#watches,
    };
  }

  /** Starts the list/watch loop (idempotent). Wait for `store.synced` to know the first LIST is in. */
  start(): void {
    if (this.#loop) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#loop = this.#run(controller.signal).finally(() => {
      this.#setState("stopped");
    });
  }

  /** Stops the loop and closes the watch; resolves when it has ended. */
  async stop(): Promise<void> {
    const stopped = new TsOperatorError("TSOP_ABORTED", "reflector stopped");
    this.#controller?.abort(stopped);
    await this.#loop;
    this.#loop = undefined;
    this.#controller = undefined;
    for (const waiter of this.#waiters) waiter.reject(stopped);
    this.#waiters.clear();
  }

  get selectors(): Readonly<ReflectorSelectors> {
    return this.#selectors;
  }

  /**
   * Lists and watches with new selectors from now on: the LIST or WATCH in progress is cut, and the next LIST
   * replaces the store (what left the selection is removed with DELETED events). Resolves once a LIST with these
   * selectors (or later ones) is in the store; rejects with TSOP_ABORTED when the reflector stops first. Before
   * start() it only sets what the first LIST uses.
   */
  reselect(selectors: ReflectorSelectors): Promise<void> {
    this.#selectors = { ...selectors };
    const generation = ++this.#generation;
    if (!this.#loop) return Promise.resolve();
    // A LIST in progress finishes (its waiters get their answer) and is followed at once by one with the new
    // selectors: cutting it would let a burst of changes starve every waiter on a large collection.
    if (!this.#listing) this.#iteration?.abort(RESELECTED);
    return new Promise<void>((resolve, reject) => {
      this.#waiters.add({ generation, resolve, reject });
    });
  }

  #listed(generation: number): void {
    this.#listedGeneration = Math.max(this.#listedGeneration, generation);
    for (const waiter of this.#waiters) {
      if (waiter.generation > this.#listedGeneration) continue;
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }

  #setState(state: ReflectorState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#options.onStateChange?.(this.status);
  }

  async #run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let relistNow = false;
    while (!signal.aborted) {
      const iteration = new AbortController();
      this.#iteration = iteration;
      const cut = AbortSignal.any([signal, iteration.signal]);
      try {
        if (needList || this.#listedGeneration < this.#generation) {
          this.#setState(this.store.hasSynced ? "relisting" : "listing");
          this.#listing = true;
          try {
            do await this.#list(cut);
            while (this.#listedGeneration < this.#generation && !cut.aborted);
          } finally {
            this.#listing = false;
          }
          needList = false;
        }
        if (this.#selectors.nothing) {
          // Nothing to watch: wait for reselect() or stop().
          this.#setState("watching");
          await new Promise<void>((resolve) => {
            if (cut.aborted) resolve();
            else cut.addEventListener("abort", () => resolve(), { once: true });
          });
          needList = true;
          continue;
        }
        this.#setState("watching");
        const outcome = await this.#watch(cut);
        // A server that closes watches right away without sending anything would make us spin: back off then.
        if (outcome.events === 0 && outcome.durationMs < 1000) {
          throw new TsOperatorError("TSOP_WATCH_PROTOCOL", "watch closed immediately without events");
        }
        relistNow = false;
      } catch (error) {
        if (signal.aborted) break;
        if (iteration.signal.aborted) {
          // reselect(): list again with the new selectors, at once.
          needList = true;
          continue;
        }
        this.#lastError = error;
        const expired = hasCode(error, "TSOP_WATCH_EXPIRED") || isGone(error);
        this.#report(error, needList ? "list" : "watch");
        if (expired) {
          needList = true;
          // The first 410 is routine (history compacted while we were away): relist at once. A relist that itself
          // expires (continue token too old) goes through backoff like any other failure.
          if (!relistNow) {
            relistNow = true;
            continue;
          }
        }
        this.#setState("backingOff");
        try {
          // A running reflector keeps the process alive while it backs off, as its open watch does otherwise:
          // `await informer.synced` with the API server down must wait, not let Node exit. stop() clears it.
          await sleep(this.#backoff.next(), signal);
        } catch {
          break;
        }
      }
    }
  }

  async #list(signal: AbortSignal): Promise<void> {
    if (this.store.hasSynced) this.#relists++;
    const { apiVersion, kind } = this.api.type;
    const generation = this.#generation;
    const selectors = this.#selectors;
    const items: T[] = [];
    let resourceVersion: string | undefined;
    if (selectors.nothing) {
      this.#backoff.reset();
      for (const event of this.store.replaceAll([], undefined)) this.#emit(event);
      this.#listed(generation);
      return;
    }
    const list = this.api.listPages({
      limit: this.#options.pageSize ?? 500,
      labelSelector: selectors.labelSelector,
      fieldSelector: selectors.fieldSelector,
      shardSelector: selectors.shardSelector,
      signal,
    });
    const pages = list[Symbol.asyncIterator]();
    let next = pages.next();
    try {
      for (;;) {
        const result = await next;
        if (result.done) break;
        const page = result.value;
        // The next page is requested before this one is compacted: the server prepares it while we work, instead of
        // the two taking turns (compaction and freezing of a 500-object page take milliseconds of CPU each).
        next = pages.next();
        for (const item of page.items) {
          // LIST items of built-in types come without apiVersion/kind; watch events have them. Make them uniform.
          item.apiVersion ??= apiVersion;
          item.kind ??= kind;
          items.push(compactObject(item, this.#options.compact));
        }
        resourceVersion = page.metadata.resourceVersion;
        if (signal.aborted) return;
      }
    } finally {
      // Left early (abort, error): the request in flight is the iterator's to close; its failure is nobody's.
      next.catch(() => undefined);
      void pages.return?.().catch(() => undefined);
    }
    // Reset before the store resolves `synced`, so whoever awaits it sees a healthy status.
    this.#backoff.reset();
    const events = this.store.replaceAll(this.#withLaterWrites(items, resourceVersion), resourceVersion);
    for (const event of events) this.#emit(event);
    this.#listed(generation);
  }

  /**
   * The LIST's items, with the objects our own writes stored (recordWrite) after its snapshot in place of what it
   * saw. Without this a relist would drop an object created while it ran (a DELETED event: its parent's next
   * sync POSTs it again and gets 409) or put back the version before an update (a MODIFIED event backwards),
   * until the watch from the snapshot delivered the write again. Nothing else can be newer: the watch's events
   * all precede a consistent LIST's snapshot.
   */
  #withLaterWrites(items: T[], snapshot: string | undefined): T[] {
    if (snapshot === undefined || this.store.size === 0) return items;
    const belongs = this.#options.inSelection ?? (this.#generation === 0 ? () => true : () => false);
    const later = new Map<string, T>();
    for (const obj of this.store.values()) {
      if (isNewer(obj.metadata.resourceVersion, snapshot) && belongs(obj)) later.set(keyOf(obj), obj);
    }
    if (later.size === 0) return items;
    const merged = items.map((item) => {
      const key = keyOf(item);
      const written = later.get(key);
      if (!written) return item;
      later.delete(key);
      return written;
    });
    merged.push(...later.values());
    return merged;
  }

  async #watch(signal: AbortSignal): Promise<WatchOutcome> {
    const started = performance.now();
    const inactivityMs = this.#options.inactivityTimeoutMs ?? 300_000;
    const watchController = new AbortController();
    // stop() and the watchdog interrupt the read in progress, and every later one. Not a long-lived promise raced
    // against each read: every race would leave a reaction on it holding that read's event (and its object) until
    // the watch ends, minutes and thousands of events later.
    let interruption: { error: Error } | undefined;
    let interruptRead: ((error: Error) => void) | undefined;
    const interrupt = (reason: unknown) => {
      const error = reason instanceof Error ? reason : new TsOperatorError("TSOP_ABORTED", String(reason));
      interruption ??= { error };
      interruptRead?.(error);
    };
    const onAbort = () => {
      watchController.abort(signal.reason);
      interrupt(signal.reason);
    };
    // stop() may have been called while the LIST finished: an abort listener added now would never fire.
    if (signal.aborted) throw signal.reason;
    signal.addEventListener("abort", onAbort, { once: true });

    // Our own watchdog, independent of the client's: a stalled stream is detected even if the transport misses
    // it. Every received event (bookmarks included) pushes the deadline back.
    const inactiveError = () =>
      new TsOperatorError("TSOP_WATCH_INACTIVE", `watch silent for ${inactivityMs} ms`);
    let inactive = false;
    const watchdog =
      inactivityMs > 0
        ? setTimeout(() => {
            inactive = true;
            watchController.abort(inactiveError());
            interrupt(inactiveError());
          }, inactivityMs).unref()
        : undefined;

    this.#watches++;
    const stream = this.api.watch({
      resourceVersion: this.store.resourceVersion,
      allowWatchBookmarks: true,
      labelSelector: this.#selectors.labelSelector,
      fieldSelector: this.#selectors.fieldSelector,
      shardSelector: this.#selectors.shardSelector,
      timeoutSeconds: this.#options.watchTimeoutSeconds ?? Math.floor(300 + Math.random() * 300),
      inactivityTimeoutMs: inactivityMs,
      signal: watchController.signal,
    });
    const iterator = stream[Symbol.asyncIterator]();
    const read = () =>
      new Promise<IteratorResult<WatchEvent<T>>>((resolve, reject) => {
        if (interruption) {
          reject(interruption.error);
          return;
        }
        interruptRead = reject;
        void iterator
          .next()
          .then(resolve, reject)
          .finally(() => {
            if (interruptRead === reject) interruptRead = undefined;
          });
      });
    let events = 0;
    try {
      for (;;) {
        // A read that stop() or the watchdog interrupts ends at once: a client that ignores its signal still
        // cannot hang the reflector.
        let next: IteratorResult<WatchEvent<T>>;
        try {
          next = await read();
        } catch (error) {
          if (inactive) throw inactiveError();
          throw error;
        }
        if (next.done) break;
        events++;
        watchdog?.refresh();
        this.#apply(next.value);
        if (events === 1) this.#backoff.reset();
      }
    } finally {
      if (watchdog) clearTimeout(watchdog);
      signal.removeEventListener("abort", onAbort);
      watchController.abort(new TsOperatorError("TSOP_ABORTED", "watch closed"));
      // Do not await: a broken client could hang in return(); the abort above frees the connection.
      iterator.return?.().catch(() => undefined);
    }
    return { events, durationMs: performance.now() - started };
  }

  /** See SharedInformer.recordWrite. */
  recordWrite(obj: T): boolean {
    if (!this.store.hasSynced) return false;
    const rv = obj.metadata.resourceVersion;
    const existing = this.store.get({ namespace: obj.metadata.namespace, name: obj.metadata.name ?? "" });
    if (existing && !isNewer(rv, existing.metadata.resourceVersion)) {
      return existing.metadata.uid === obj.metadata.uid;
    }
    // Not stored although the watch is already past this version: it was deleted (or left our scope) after the
    // write, and the answer to the write arrived after the watch said so. Storing it would resurrect it.
    const seen = this.store.resourceVersion;
    if (!existing && (rv === seen || isNewer(seen, rv))) return false;
    this.store.upsert(compactObject(obj, this.#options.compact));
    return true;
  }

  #apply(event: WatchEvent<T>): void {
    const obj = event.object;
    const resourceVersion = obj.metadata?.resourceVersion;
    switch (event.type) {
      case "ADDED":
      case "MODIFIED": {
        const existing = this.store.get({ namespace: obj.metadata.namespace, name: obj.metadata.name ?? "" });
        // Older than what we hold: a write of ours (recordWrite) got ahead of the watch; the watch will catch up.
        if (existing && isNewer(existing.metadata.resourceVersion, resourceVersion)) break;
        if (existing?.metadata.resourceVersion !== resourceVersion || !existing) {
          this.#emit(this.store.upsert(compactObject(obj, this.#options.compact)));
        }
        break;
      }
      case "DELETED": {
        const change = this.store.remove(compactObject(obj, this.#options.compact));
        if (change) this.#emit(change);
        break;
      }
      case "BOOKMARK":
        break;
    }
    this.store.setResourceVersion(resourceVersion);
  }

  #emit(event: StoreEvent<T>): void {
    const onEvent = this.#options.onEvent;
    if (!onEvent) return;
    try {
      onEvent(event);
    } catch (error) {
      this.#report(error, "handler");
    }
  }

  #report(error: unknown, phase: "list" | "watch" | "handler"): void {
    try {
      this.#options.onError?.(error, phase);
    } catch {
      // Reporting must never break the loop.
    }
  }
}

/**
 * Whether resourceVersion `a` is newer than `b`. Kubernetes calls them opaque, but the apiserver's are etcd
 * revisions (decimal integers); anything else is treated as "not comparable" and never considered newer.
 */
export function isNewer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return a.length !== b.length ? a.length > b.length : a > b;
}
