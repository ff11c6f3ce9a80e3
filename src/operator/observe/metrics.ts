/**
 * Prometheus metrics of one operator, on its own prom-client `Registry` (never the global one, so several
 * operators or tests in one process do not clash over metric names).
 *
 * Cardinality is bounded by construction: labels are the controller name, fixed enums (result, kind, verb), the
 * queue name, HTTP codes/methods and child type names. Never a parent's name or uid. Names follow
 * controller-runtime / client-go where a convention exists (`controller_runtime_*`, `workqueue_*`,
 * `rest_client_*`); the rest are `tsoperator_*`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ClientMetrics, RequestMetricEvent } from "../../client/transport.js";
import type { WorkQueueMetricsHooks } from "../../runtime/work-queue.js";
import type { SyncErrorKind } from "../engine/reconciler.js";

export type ReconcileResult = "success" | "error" | "requeue" | "requeue_after";
export type FinalizeResult = "success" | "retry" | "error";
/** The `verb` label of controller_child_writes_total (the HTTP-level name of a child write). */
export type ChildWriteMetricVerb = "create" | "apply" | "update" | "patch" | "delete";
export type EventOutcome = "created" | "aggregated" | "dropped" | "failed";

/** What a work queue can report on scrape (implemented by `WorkQueue`). */
export interface ObservableQueue {
  readonly name: string;
  unfinishedWorkSeconds(): number;
  longestRunningProcessorSeconds(): number;
}

/** Cached object counts per type, read on every scrape. */
export type CachedObjectsSource = () => Iterable<readonly [type: string, count: number]>;

export interface OperatorMetricsOptions {
  /** The `controller` label: the operator name. */
  controller: string;
  /** Also collect Node.js process metrics (CPU, memory, event loop lag, GC) into this registry. Default false. */
  processMetrics?: boolean | undefined;
}

// controller-runtime's reconcile buckets: sub-millisecond no-op syncs up to minute-long handlers.
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
// client-go's workqueue buckets: 1 µs .. 10 s, powers of ten.
const QUEUE_BUCKETS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];
// client-go's request latency buckets.
const REQUEST_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/**
 * What a running operator exposes of its metrics: the Prometheus registry (to add your own metrics, served on
 * the same `/metrics`), the exposition text, and the client's request count by method and status code.
 */
export interface OperatorMetricsView {
  readonly registry: Registry;
  metricsText(): Promise<string>;
  /** rest_client_requests_total summed over the requests matching the filter (method "PATCH", code "404"). */
  requestCount(filter?: { method?: string; code?: string }): Promise<number>;
}

/**
 * @example
 * const metrics = new OperatorMetrics({ controller: "echo-operator" });
 * const queue = new WorkQueue({ name: "echo-operator", metrics: metrics.queueHooks() });
 * metrics.observeQueue(queue);
 * const client = await KubeClient.fromConfig(config, { metrics: metrics.clientMetrics() });
 * const end = metrics.startSync(); ...; end("success");
 */
export class OperatorMetrics implements OperatorMetricsView {
  readonly registry: Registry;
  readonly controller: string;

  readonly #reconcileTotal: Counter<"controller" | "result">;
  readonly #reconcileErrors: Counter<"controller">;
  readonly #reconcileTime: Histogram<"controller">;
  readonly #syncErrors: Counter<"controller" | "kind">;
  readonly #finalizeTotal: Counter<"controller" | "result">;
  readonly #childWrites: Counter<"controller" | "verb">;
  readonly #statusWrites: Counter<"controller">;
  readonly #events: Counter<"controller" | "outcome">;

  readonly #queueDepth: Gauge<"name">;
  readonly #queueAdds: Counter<"name">;
  readonly #queueRetries: Counter<"name">;
  readonly #queueDuration: Histogram<"name">;
  readonly #workDuration: Histogram<"name">;

  readonly #restRequests: Counter<"code" | "method">;
  readonly #restDuration: Histogram<"verb">;

  readonly #queues = new Map<string, ObservableQueue>();
  readonly #cacheSources = new Set<CachedObjectsSource>();

  constructor(options: OperatorMetricsOptions) {
    this.controller = options.controller;
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];

    this.#reconcileTotal = new Counter({
      name: "controller_runtime_reconcile_total",
      help: "Total number of reconciliations per controller, by result.",
      labelNames: ["controller", "result"],
      registers,
    });
    this.#reconcileErrors = new Counter({
      name: "controller_runtime_reconcile_errors_total",
      help: "Total number of reconciliation errors per controller.",
      labelNames: ["controller"],
      registers,
    });
    this.#reconcileTime = new Histogram({
      name: "controller_runtime_reconcile_time_seconds",
      help: "Length of time per reconciliation per controller.",
      labelNames: ["controller"],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.#syncErrors = new Counter({
      name: "tsoperator_sync_errors_total",
      help: "Failed syncs by cause: the handler threw, its output was invalid, or an API request failed.",
      labelNames: ["controller", "kind"],
      registers,
    });
    this.#finalizeTotal = new Counter({
      name: "tsoperator_finalize_total",
      help: "Finalize calls by result (success: finalizer removed; retry: handler asked to be called again).",
      labelNames: ["controller", "result"],
      registers,
    });
    this.#childWrites = new Counter({
      name: "tsoperator_child_writes_total",
      help: "Writes to child objects by verb. Zero growth in steady state means no wasted writes.",
      labelNames: ["controller", "verb"],
      registers,
    });
    this.#statusWrites = new Counter({
      name: "tsoperator_status_writes_total",
      help: "Writes of parent status.",
      labelNames: ["controller"],
      registers,
    });
    this.#events = new Counter({
      name: "tsoperator_events_total",
      help: "Kubernetes Events recorded by outcome (aggregated: count bumped; dropped: rate limited).",
      labelNames: ["controller", "outcome"],
      registers,
    });
    const cacheSources = this.#cacheSources;
    const controller = this.controller;
    // Registered in the registry; values come from its collect callback.
    new Gauge({
      name: "tsoperator_cached_objects",
      help: "Objects held in the operator's cache, by type.",
      labelNames: ["controller", "type"],
      registers,
      // Read on scrape: the cache is the source of truth, a pushed gauge would drift.
      collect(this: Gauge<"controller" | "type">) {
        this.reset();
        for (const source of cacheSources) {
          for (const [type, count] of source()) this.set({ controller, type }, count);
        }
      },
    });

    this.#queueDepth = new Gauge({
      name: "workqueue_depth",
      help: "Current depth of workqueue.",
      labelNames: ["name"],
      registers,
    });
    this.#queueAdds = new Counter({
      name: "workqueue_adds_total",
      help: "Total number of adds handled by workqueue.",
      labelNames: ["name"],
      registers,
    });
    this.#queueRetries = new Counter({
      name: "workqueue_retries_total",
      help: "Total number of retries handled by workqueue.",
      labelNames: ["name"],
      registers,
    });
    this.#queueDuration = new Histogram({
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested.",
      labelNames: ["name"],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.#workDuration = new Histogram({
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes.",
      labelNames: ["name"],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    const queues = this.#queues;
    // Registered in the registry; values come from its collect callback.
    new Gauge({
      name: "workqueue_unfinished_work_seconds",
      help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration.",
      labelNames: ["name"],
      registers,
      collect(this: Gauge<"name">) {
        for (const queue of queues.values()) this.set({ name: queue.name }, queue.unfinishedWorkSeconds());
      },
    });
    // Registered in the registry; values come from its collect callback.
    new Gauge({
      name: "workqueue_longest_running_processor_seconds",
      help: "How many seconds has the longest running processor for workqueue been running.",
      labelNames: ["name"],
      registers,
      collect(this: Gauge<"name">) {
        for (const queue of queues.values())
          this.set({ name: queue.name }, queue.longestRunningProcessorSeconds());
      },
    });

    this.#restRequests = new Counter({
      name: "rest_client_requests_total",
      help: "Number of HTTP requests to the API server, partitioned by status code and method.",
      labelNames: ["code", "method"],
      registers,
    });
    this.#restDuration = new Histogram({
      name: "rest_client_request_duration_seconds",
      help: "Request latency (to response headers) in seconds, by Kubernetes verb (get, list, watch, create, ...).",
      labelNames: ["verb"],
      buckets: REQUEST_BUCKETS,
      registers,
    });

    if (options.processMetrics) collectDefaultMetrics({ register: registry });
  }

  /** Prometheus text exposition of every metric in this registry. */
  metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // ---- reconcile ----

  /** One finished sync: counts it by result and observes its duration. Errors also count in `_errors_total`. */
  recordSync(result: ReconcileResult, seconds: number): void {
    this.#reconcileTotal.inc({ controller: this.controller, result });
    if (result === "error") this.#reconcileErrors.inc({ controller: this.controller });
    this.#reconcileTime.observe({ controller: this.controller }, seconds);
  }

  /** Starts timing a sync; call the returned function with its result. */
  startSync(): (result: ReconcileResult) => void {
    const started = performance.now();
    return (result) => this.recordSync(result, (performance.now() - started) / 1000);
  }

  /** Why a sync failed (counted in addition to `recordSync("error", ...)`). */
  recordError(kind: SyncErrorKind): void {
    this.#syncErrors.inc({ controller: this.controller, kind });
  }

  recordFinalize(result: FinalizeResult): void {
    this.#finalizeTotal.inc({ controller: this.controller, result });
  }

  recordChildWrite(verb: ChildWriteMetricVerb): void {
    this.#childWrites.inc({ controller: this.controller, verb });
  }

  recordStatusWrite(): void {
    this.#statusWrites.inc({ controller: this.controller });
  }

  recordEvent(outcome: EventOutcome): void {
    this.#events.inc({ controller: this.controller, outcome });
  }

  /** Hook for `EventRecorder`'s `onOutcome`. */
  eventHook(): (outcome: EventOutcome) => void {
    return (outcome) => this.recordEvent(outcome);
  }

  /** Reports `tsoperator_cached_objects` from `source` on every scrape. Returns an unregister function. */
  observeCache(source: CachedObjectsSource): () => void {
    this.#cacheSources.add(source);
    return () => {
      this.#cacheSources.delete(source);
    };
  }

  // ---- work queue ----

  /**
   * `WorkQueueMetricsHooks` feeding the `workqueue_*` metrics. The queue passes its own name; `name` overrides
   * it (to report several queues under one name).
   */
  queueHooks(name?: string): WorkQueueMetricsHooks {
    const label = (queueName: string) => ({ name: name ?? queueName });
    return {
      depth: (queueName, depth) => this.#queueDepth.set(label(queueName), depth),
      add: (queueName) => this.#queueAdds.inc(label(queueName)),
      retry: (queueName) => this.#queueRetries.inc(label(queueName)),
      queueDuration: (queueName, seconds) => this.#queueDuration.observe(label(queueName), seconds),
      workDuration: (queueName, seconds) => this.#workDuration.observe(label(queueName), seconds),
    };
  }

  /** Reads the in-progress gauges (`unfinished_work`, `longest_running_processor`) from `queue` on scrape. */
  observeQueue(queue: ObservableQueue): () => void {
    this.#queues.set(queue.name, queue);
    return () => {
      if (this.#queues.get(queue.name) === queue) this.#queues.delete(queue.name);
    };
  }

  // ---- client ----

  /** `ClientMetrics` for the transport: `rest_client_requests_total` and `rest_client_request_duration_seconds`. */
  clientMetrics(): ClientMetrics {
    return {
      onRequest: (event: RequestMetricEvent) => {
        this.#restRequests.inc({ code: event.code, method: event.method });
        // The Kubernetes verb (list vs get vs watch) says more than the HTTP method client-go uses here.
        this.#restDuration.observe({ verb: event.verb }, event.durationMs / 1000);
      },
    };
  }

  /** Requests counted so far, optionally only those with `method` (e.g. "PATCH"): for "no wasted writes" tests. */
  async requestCount(filter: { method?: string; code?: string } = {}): Promise<number> {
    const { values } = await this.#restRequests.get();
    return values
      .filter((v) => filter.method === undefined || v.labels.method === filter.method)
      .filter((v) => filter.code === undefined || v.labels.code === filter.code)
      .reduce((sum, v) => sum + v.value, 0);
  }
}
