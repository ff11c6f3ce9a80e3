/**
 * Prometheus metrics of one operator, on its own prom-client `Registry` (never the global one, so tests in one
 * process do not clash over metric names). Operators run together by `startOperators` share one registry
 * (`forController`), so one `/metrics` carries them all, told apart by their `controller` label.
 *
 * Cardinality is bounded by construction: labels are the controller name, fixed enums (result, kind, verb), the
 * queue name, HTTP codes/methods and child type names. Never a parent's name or uid. Names follow
 * controller-runtime / client-go where a convention exists (`controller_runtime_*`, `workqueue_*`,
 * `rest_client_*`); the rest are `tsoperator_*`.
 */
// prom-client's entry module also loads its process metrics (collectDefaultMetrics and its collectors), Summary,
// Pushgateway (http, https) and cluster aggregation: about 100 ms of CPU at start-up where these four cost about
// 40 (measured on the bench machine). The package has no exports map, so they can be imported by path (types in
// prom-client-modules.d.ts); the process metrics load only when asked for.
// Types come from the entry module, so declarations emitted from here name "prom-client", not a path.
import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import CounterClass from "prom-client/lib/counter.js";
import GaugeClass from "prom-client/lib/gauge.js";
import HistogramClass from "prom-client/lib/histogram.js";
import RegistryClass from "prom-client/lib/registry.js";
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
  /**
   * Also collect Node.js process metrics (CPU, memory, event loop lag, GC) into this registry. Default false.
   * They are loaded on demand: `metricsText()` waits for them; a reader of `registry` itself sees them a moment
   * after construction.
   */
  processMetrics?: boolean | undefined;
}

// controller-runtime's reconcile buckets: sub-millisecond no-op syncs up to minute-long handlers.
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
// client-go's workqueue buckets: 1 µs .. 10 s, powers of ten.
const QUEUE_BUCKETS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];
// client-go's request latency buckets.
const REQUEST_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** The metric objects of one registry, shared by the operators that report into it (one `/metrics`). */
interface Instruments {
  readonly registry: Registry;
  /** Settles once the process metrics asked for are in the registry. */
  readonly processMetricsLoaded: Promise<void> | undefined;
  readonly queues: Map<string, ObservableQueue>;
  readonly cacheSources: Set<{ controller: string; source: CachedObjectsSource }>;
  readonly reconcileTotal: Counter<"controller" | "result">;
  readonly reconcileErrors: Counter<"controller">;
  readonly reconcileTime: Histogram<"controller">;
  readonly syncErrors: Counter<"controller" | "kind">;
  readonly finalizeTotal: Counter<"controller" | "result">;
  readonly childWrites: Counter<"controller" | "verb">;
  readonly statusWrites: Counter<"controller">;
  readonly events: Counter<"controller" | "outcome">;
  readonly queueDepth: Gauge<"name">;
  readonly queueAdds: Counter<"name">;
  readonly queueRetries: Counter<"name">;
  readonly queueDuration: Histogram<"name">;
  readonly workDuration: Histogram<"name">;
  readonly restRequests: Counter<"code" | "method">;
  readonly restDuration: Histogram<"verb">;
}

/**
 * Adds Node.js process metrics to `registry`. Loaded on demand: they are most of prom-client's start-up cost and
 * off by default.
 */
function collectProcessMetrics(registry: Registry): Promise<void> {
  const loaded = import("prom-client/lib/defaultMetrics.js").then(({ default: collect }) => {
    collect({ register: registry });
  });
  // A failed load surfaces in metricsText(); not also as an unhandled rejection.
  loaded.catch(() => undefined);
  return loaded;
}

function createInstruments(processMetrics: boolean): Instruments {
  const registry = new RegistryClass();
  const registers = [registry];

  const reconcileTotal = new CounterClass({
    name: "controller_runtime_reconcile_total",
    help: "Total number of reconciliations per controller, by result.",
    labelNames: ["controller", "result"],
    registers,
  });
  const reconcileErrors = new CounterClass({
    name: "controller_runtime_reconcile_errors_total",
    help: "Total number of reconciliation errors per controller.",
    labelNames: ["controller"],
    registers,
  });
  const reconcileTime = new HistogramClass({
    name: "controller_runtime_reconcile_time_seconds",
    help: "Length of time per reconciliation per controller.",
    labelNames: ["controller"],
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const syncErrors = new CounterClass({
    name: "tsoperator_sync_errors_total",
    help: "Failed syncs by cause: the handler threw, its output was invalid, or an API request failed.",
    labelNames: ["controller", "kind"],
    registers,
  });
  const finalizeTotal = new CounterClass({
    name: "tsoperator_finalize_total",
    help: "Finalize calls by result (success: finalizer removed; retry: handler asked to be called again).",
    labelNames: ["controller", "result"],
    registers,
  });
  const childWrites = new CounterClass({
    name: "tsoperator_child_writes_total",
    help: "Writes to child objects by verb. Zero growth in steady state means no wasted writes.",
    labelNames: ["controller", "verb"],
    registers,
  });
  const statusWrites = new CounterClass({
    name: "tsoperator_status_writes_total",
    help: "Writes of parent status.",
    labelNames: ["controller"],
    registers,
  });
  const events = new CounterClass({
    name: "tsoperator_events_total",
    help: "Kubernetes Events recorded by outcome (aggregated: count bumped; dropped: rate limited).",
    labelNames: ["controller", "outcome"],
    registers,
  });
  const cacheSources = new Set<{ controller: string; source: CachedObjectsSource }>();
  // Registered in the registry; values come from its collect callback.
  new GaugeClass({
    name: "tsoperator_cached_objects",
    help: "Objects held in the operator's cache, by type.",
    labelNames: ["controller", "type"],
    registers,
    // Read on scrape: the cache is the source of truth, a pushed gauge would drift.
    collect(this: Gauge<"controller" | "type">) {
      this.reset();
      for (const source of cacheSources) {
        for (const [type, count] of source.source()) this.set({ controller: source.controller, type }, count);
      }
    },
  });

  const queueDepth = new GaugeClass({
    name: "workqueue_depth",
    help: "Current depth of workqueue.",
    labelNames: ["name"],
    registers,
  });
  const queueAdds = new CounterClass({
    name: "workqueue_adds_total",
    help: "Total number of adds handled by workqueue.",
    labelNames: ["name"],
    registers,
  });
  const queueRetries = new CounterClass({
    name: "workqueue_retries_total",
    help: "Total number of retries handled by workqueue.",
    labelNames: ["name"],
    registers,
  });
  const queueDuration = new HistogramClass({
    name: "workqueue_queue_duration_seconds",
    help: "How long in seconds an item stays in workqueue before being requested.",
    labelNames: ["name"],
    buckets: QUEUE_BUCKETS,
    registers,
  });
  const workDuration = new HistogramClass({
    name: "workqueue_work_duration_seconds",
    help: "How long in seconds processing an item from workqueue takes.",
    labelNames: ["name"],
    buckets: QUEUE_BUCKETS,
    registers,
  });
  const queues = new Map<string, ObservableQueue>();
  // Registered in the registry; values come from its collect callback.
  new GaugeClass({
    name: "workqueue_unfinished_work_seconds",
    help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration.",
    labelNames: ["name"],
    registers,
    collect(this: Gauge<"name">) {
      for (const queue of queues.values()) this.set({ name: queue.name }, queue.unfinishedWorkSeconds());
    },
  });
  // Registered in the registry; values come from its collect callback.
  new GaugeClass({
    name: "workqueue_longest_running_processor_seconds",
    help: "How many seconds has the longest running processor for workqueue been running.",
    labelNames: ["name"],
    registers,
    collect(this: Gauge<"name">) {
      for (const queue of queues.values())
        this.set({ name: queue.name }, queue.longestRunningProcessorSeconds());
    },
  });

  const restRequests = new CounterClass({
    name: "rest_client_requests_total",
    help: "Number of HTTP requests to the API server, partitioned by status code and method.",
    labelNames: ["code", "method"],
    registers,
  });
  const restDuration = new HistogramClass({
    name: "rest_client_request_duration_seconds",
    help: "Request latency (to response headers) in seconds, by Kubernetes verb (get, list, watch, create, ...).",
    labelNames: ["verb"],
    buckets: REQUEST_BUCKETS,
    registers,
  });

  return {
    registry,
    processMetricsLoaded: processMetrics ? collectProcessMetrics(registry) : undefined,
    queues,
    cacheSources,
    reconcileTotal,
    reconcileErrors,
    reconcileTime,
    syncErrors,
    finalizeTotal,
    childWrites,
    statusWrites,
    events,
    queueDepth,
    queueAdds,
    queueRetries,
    queueDuration,
    workDuration,
    restRequests,
    restDuration,
  };
}

/** Set by forController() for the constructor it calls: the instruments the new view shares. */
let sharedInstruments: Instruments | undefined;

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
  readonly #m: Instruments;

  constructor(options: OperatorMetricsOptions) {
    this.controller = options.controller;
    const shared = sharedInstruments;
    sharedInstruments = undefined;
    this.#m = shared ?? createInstruments(options.processMetrics === true);
    this.registry = this.#m.registry;
  }

  /**
   * The metrics of another controller in the same registry: several operators in one process serve one
   * `/metrics`, their series told apart by the `controller` (and queue `name`) label.
   */
  forController(controller: string): OperatorMetrics {
    sharedInstruments = this.#m;
    return new OperatorMetrics({ controller });
  }

  /** Prometheus text exposition of every metric in this registry. */
  async metricsText(): Promise<string> {
    await this.#m.processMetricsLoaded;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // ---- reconcile ----

  /** One finished sync: counts it by result and observes its duration. Errors also count in `_errors_total`. */
  recordSync(result: ReconcileResult, seconds: number): void {
    this.#m.reconcileTotal.inc({ controller: this.controller, result });
    if (result === "error") this.#m.reconcileErrors.inc({ controller: this.controller });
    this.#m.reconcileTime.observe({ controller: this.controller }, seconds);
  }

  /** Starts timing a sync; call the returned function with its result. */
  startSync(): (result: ReconcileResult) => void {
    const started = performance.now();
    return (result) => this.recordSync(result, (performance.now() - started) / 1000);
  }

  /** Why a sync failed (counted in addition to `recordSync("error", ...)`). */
  recordError(kind: SyncErrorKind): void {
    this.#m.syncErrors.inc({ controller: this.controller, kind });
  }

  recordFinalize(result: FinalizeResult): void {
    this.#m.finalizeTotal.inc({ controller: this.controller, result });
  }

  recordChildWrite(verb: ChildWriteMetricVerb): void {
    this.#m.childWrites.inc({ controller: this.controller, verb });
  }

  recordStatusWrite(): void {
    this.#m.statusWrites.inc({ controller: this.controller });
  }

  recordEvent(outcome: EventOutcome): void {
    this.#m.events.inc({ controller: this.controller, outcome });
  }

  /** Hook for `EventRecorder`'s `onOutcome`. */
  eventHook(): (outcome: EventOutcome) => void {
    return (outcome) => this.recordEvent(outcome);
  }

  /** Reports `tsoperator_cached_objects` from `source` on every scrape. Returns an unregister function. */
  observeCache(source: CachedObjectsSource): () => void {
    const entry = { controller: this.controller, source };
    this.#m.cacheSources.add(entry);
    return () => {
      this.#m.cacheSources.delete(entry);
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
      depth: (queueName, depth) => this.#m.queueDepth.set(label(queueName), depth),
      add: (queueName) => this.#m.queueAdds.inc(label(queueName)),
      retry: (queueName) => this.#m.queueRetries.inc(label(queueName)),
      queueDuration: (queueName, seconds) => this.#m.queueDuration.observe(label(queueName), seconds),
      workDuration: (queueName, seconds) => this.#m.workDuration.observe(label(queueName), seconds),
    };
  }

  /** Reads the in-progress gauges (`unfinished_work`, `longest_running_processor`) from `queue` on scrape. */
  observeQueue(queue: ObservableQueue): () => void {
    this.#m.queues.set(queue.name, queue);
    return () => {
      if (this.#m.queues.get(queue.name) === queue) this.#m.queues.delete(queue.name);
    };
  }

  // ---- client ----

  /** `ClientMetrics` for the transport: `rest_client_requests_total` and `rest_client_request_duration_seconds`. */
  clientMetrics(): ClientMetrics {
    return {
      onRequest: (event: RequestMetricEvent) => {
        this.#m.restRequests.inc({ code: event.code, method: event.method });
        // The Kubernetes verb (list vs get vs watch) says more than the HTTP method client-go uses here.
        this.#m.restDuration.observe({ verb: event.verb }, event.durationMs / 1000);
      },
    };
  }

  /** Requests counted so far, optionally only those with `method` (e.g. "PATCH"): for "no wasted writes" tests. */
  async requestCount(filter: { method?: string; code?: string } = {}): Promise<number> {
    const { values } = await this.#m.restRequests.get();
    return values
      .filter((v) => filter.method === undefined || v.labels.method === filter.method)
      .filter((v) => filter.code === undefined || v.labels.code === filter.code)
      .reduce((sum, v) => sum + v.value, 0);
  }
}
