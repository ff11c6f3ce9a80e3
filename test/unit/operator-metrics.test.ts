import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OperatorMetrics } from "../../src/operator/observe/metrics.js";
import { WorkQueue } from "../../src/runtime/work-queue.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (enough of it for these assertions). */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      if (name && type) types.set(name, type);
      continue;
    }
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable line ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1]!] = pair[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

const labelSet = (samples: Sample[], name: string) =>
  new Set(
    find(samples, name).map((s) =>
      Object.keys(s.labels)
        .filter((k) => k !== "le")
        .sort()
        .join(","),
    ),
  );

describe("OperatorMetrics", () => {
  it("exposes the reconcile, sync, child, status and event metrics with bounded label sets", async () => {
    const m = new OperatorMetrics({ controller: "echo" });
    m.recordSync("success", 0.01);
    m.recordSync("error", 0.2);
    m.recordSync("requeue_after", 0.003);
    m.recordError("validation");
    m.recordFinalize("retry");
    m.recordChildWrite("apply");
    m.recordChildWrite("apply");
    m.recordStatusWrite();
    m.recordEvent("aggregated");
    const { samples, types } = parse(await m.metricsText());

    assert.equal(
      find(samples, "controller_runtime_reconcile_total", { controller: "echo", result: "success" })[0]
        ?.value,
      1,
    );
    assert.equal(find(samples, "controller_runtime_reconcile_total", { result: "error" })[0]?.value, 1);
    assert.equal(
      find(samples, "controller_runtime_reconcile_errors_total", { controller: "echo" })[0]?.value,
      1,
    );
    assert.equal(types.get("controller_runtime_reconcile_time_seconds"), "histogram");
    assert.equal(
      find(samples, "controller_runtime_reconcile_time_seconds_count", { controller: "echo" })[0]?.value,
      3,
    );
    assert.equal(find(samples, "tsoperator_sync_errors_total", { kind: "validation" })[0]?.value, 1);
    assert.equal(find(samples, "tsoperator_finalize_total", { result: "retry" })[0]?.value, 1);
    assert.equal(find(samples, "tsoperator_child_writes_total", { verb: "apply" })[0]?.value, 2);
    assert.equal(find(samples, "tsoperator_status_writes_total", { controller: "echo" })[0]?.value, 1);
    assert.equal(find(samples, "tsoperator_events_total", { outcome: "aggregated" })[0]?.value, 1);

    assert.deepEqual(labelSet(samples, "controller_runtime_reconcile_total"), new Set(["controller,result"]));
    assert.deepEqual(
      labelSet(samples, "controller_runtime_reconcile_time_seconds_bucket"),
      new Set(["controller"]),
    );
    assert.deepEqual(labelSet(samples, "tsoperator_sync_errors_total"), new Set(["controller,kind"]));
    assert.deepEqual(labelSet(samples, "tsoperator_child_writes_total"), new Set(["controller,verb"]));
  });

  it("reads cached object counts on scrape", async () => {
    const m = new OperatorMetrics({ controller: "echo" });
    let pods = 3;
    const stop = m.observeCache(() => [
      ["EchoServer.example.com/v1", 1],
      ["Pod/v1", pods],
    ]);
    const first = parse(await m.metricsText());
    let samples = first.samples;
    assert.equal(first.types.get("tsoperator_cached_objects"), "gauge");
    assert.equal(
      find(samples, "tsoperator_cached_objects", { controller: "echo", type: "Pod/v1" })[0]?.value,
      3,
    );
    pods = 5;
    samples = parse(await m.metricsText()).samples;
    assert.equal(find(samples, "tsoperator_cached_objects", { type: "Pod/v1" })[0]?.value, 5);
    stop();
    samples = parse(await m.metricsText()).samples;
    assert.equal(find(samples, "tsoperator_cached_objects").length, 0);
  });

  it("feeds the workqueue_* metrics from a real WorkQueue", async () => {
    const m = new OperatorMetrics({ controller: "echo" });
    const queue = new WorkQueue({
      name: "echo",
      metrics: m.queueHooks(),
      backoff: { initialMs: 1, maxMs: 1 },
    });
    m.observeQueue(queue);
    let failOnce = true;
    const done = new Promise<void>((resolve) => {
      void queue.run((key) => {
        if (key === "a" && failOnce) {
          failOnce = false;
          throw new Error("first try fails");
        }
        if (key === "b") resolve();
      });
    });
    queue.add("a");
    queue.add("a");
    await new Promise((r) => setTimeout(r, 20));
    queue.add("b");
    await done;
    await queue.shutdown();
    const { samples, types } = parse(await m.metricsText());
    for (const name of [
      "workqueue_depth",
      "workqueue_adds_total",
      "workqueue_retries_total",
      "workqueue_unfinished_work_seconds",
      "workqueue_longest_running_processor_seconds",
    ]) {
      assert.ok(find(samples, name, { name: "echo" }).length === 1, `${name} missing`);
    }
    assert.equal(types.get("workqueue_queue_duration_seconds"), "histogram");
    assert.equal(types.get("workqueue_work_duration_seconds"), "histogram");
    assert.ok(find(samples, "workqueue_adds_total", { name: "echo" })[0]!.value >= 3);
    assert.ok(find(samples, "workqueue_retries_total", { name: "echo" })[0]!.value >= 1);
    assert.ok(find(samples, "workqueue_work_duration_seconds_count", { name: "echo" })[0]!.value >= 3);
  });

  it("counts client requests by code and method, durations by verb", async () => {
    const m = new OperatorMetrics({ controller: "echo" });
    const hooks = m.clientMetrics();
    hooks.onRequest({ method: "GET", verb: "list", resource: "Pod/v1", code: "200", durationMs: 12 });
    hooks.onRequest({ method: "PATCH", verb: "patch", resource: "Pod/v1", code: "200", durationMs: 30 });
    hooks.onRequest({ method: "PATCH", verb: "patch", resource: "Pod/v1", code: "409", durationMs: 5 });
    hooks.onRequest({ method: "GET", verb: "get", resource: undefined, code: "<error>", durationMs: 1 });
    const { samples } = parse(await m.metricsText());
    assert.equal(find(samples, "rest_client_requests_total", { code: "200", method: "PATCH" })[0]?.value, 1);
    assert.equal(
      find(samples, "rest_client_requests_total", { code: "<error>", method: "GET" })[0]?.value,
      1,
    );
    assert.deepEqual(labelSet(samples, "rest_client_requests_total"), new Set(["code,method"]));
    assert.deepEqual(labelSet(samples, "rest_client_request_duration_seconds_bucket"), new Set(["verb"]));
    assert.equal(find(samples, "rest_client_request_duration_seconds_count", { verb: "patch" })[0]?.value, 2);
    assert.equal(await m.requestCount(), 4);
    assert.equal(await m.requestCount({ method: "PATCH" }), 2);
  });

  it("keeps registries separate: two operators in one process do not clash", async () => {
    const a = new OperatorMetrics({ controller: "a", processMetrics: true });
    const b = new OperatorMetrics({ controller: "b", processMetrics: true });
    a.recordStatusWrite();
    const textB = await b.metricsText();
    assert.ok(!textB.includes('controller="a"'));
    assert.ok((await a.metricsText()).includes("process_cpu_user_seconds_total"));
    assert.match(a.contentType, /text\/plain/);
  });
});
