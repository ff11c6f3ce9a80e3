import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../../src/core/errors.js";
import type { KubeObject } from "../../src/core/types.js";
import { EventRecorder, MAX_MESSAGE_BYTES, truncateUtf8 } from "../../src/operator/observe/events.js";
import type { EventOutcome } from "../../src/operator/observe/metrics.js";
import { FakeEventApi } from "../support/fake-event-api.js";

const parent: KubeObject = {
  apiVersion: "example.com/v1",
  kind: "EchoServer",
  metadata: { name: "my-echo", namespace: "team-a", uid: "uid-parent", resourceVersion: "42" },
};

function setup(options: { burst?: number; refillIntervalMs?: number; aggregationWindowMs?: number } = {}) {
  const api = new FakeEventApi();
  let clock = Date.parse("2030-01-01T00:00:00Z");
  const outcomes: EventOutcome[] = [];
  const recorder = new EventRecorder({
    events: api,
    component: "echo-operator",
    now: () => clock,
    onOutcome: (o) => outcomes.push(o),
    ...options,
  });
  return { api, recorder, outcomes, advance: (ms: number) => (clock += ms) };
}

describe("EventRecorder", () => {
  it("creates a core/v1 Event about the object in its namespace", async () => {
    const { api, recorder } = setup();
    await recorder.record(parent, "Warning", "SyncFailed", "handler threw: boom");
    const [event] = api.events();
    assert.ok(event);
    assert.equal(event.metadata.namespace, "team-a");
    assert.match(event.metadata.name ?? "", /^my-echo\.[0-9a-f]+$/);
    assert.deepEqual(event["involvedObject"], {
      apiVersion: "example.com/v1",
      kind: "EchoServer",
      name: "my-echo",
      namespace: "team-a",
      uid: "uid-parent",
      resourceVersion: "42",
    });
    assert.equal(event["type"], "Warning");
    assert.equal(event["reason"], "SyncFailed");
    assert.equal(event["message"], "handler threw: boom");
    assert.equal(event["count"], 1);
    assert.equal(event["reportingComponent"], "echo-operator");
    assert.equal((event["source"] as { component: string }).component, "echo-operator");
    assert.equal(event["firstTimestamp"], "2030-01-01T00:00:00.000Z");
  });

  it("puts events about cluster-scoped objects in the default namespace", async () => {
    const { api, recorder } = setup();
    const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "tmp", uid: "u-ns" } };
    await recorder.record(ns, "Normal", "Created", "namespace created");
    const [event] = api.events();
    assert.equal(event?.metadata.namespace, "default");
    assert.equal((event?.["involvedObject"] as { namespace?: string }).namespace, undefined);
  });

  it("aggregates repeats within the window into one Event with a growing count", async () => {
    const { api, recorder, outcomes, advance } = setup();
    await recorder.record(parent, "Warning", "SyncFailed", "boom");
    advance(1000);
    await recorder.record(parent, "Warning", "SyncFailed", "boom");
    advance(1000);
    await recorder.record(parent, "Warning", "SyncFailed", "boom");
    await recorder.record(parent, "Warning", "SyncFailed", "other message");
    const events = api.events();
    assert.equal(events.length, 2);
    const boom = events.find((e) => e.message === "boom");
    assert.equal(boom?.count, 3);
    assert.equal(boom?.["lastTimestamp"], "2030-01-01T00:00:02.000Z");
    assert.equal(boom?.["firstTimestamp"], "2030-01-01T00:00:00.000Z");
    assert.deepEqual(
      api.calls.map((c) => c.verb),
      ["create", "patch", "patch", "create"],
    );
    assert.deepEqual(outcomes, ["created", "aggregated", "aggregated", "created"]);
  });

  it("aggregates concurrent repeats in order (no lost count)", async () => {
    const { api, recorder } = setup();
    await Promise.all([1, 2, 3, 4].map(() => recorder.record(parent, "Warning", "SyncFailed", "boom")));
    assert.equal(api.events().length, 1);
    assert.equal(api.events()[0]?.count, 4);
  });

  it("starts a new Event after the window, or when the old one is gone", async () => {
    const { api, recorder, advance } = setup({ aggregationWindowMs: 60_000 });
    await recorder.record(parent, "Normal", "Synced", "ok");
    advance(61_000);
    await recorder.record(parent, "Normal", "Synced", "ok");
    assert.equal(api.events().length, 2);
    api.objects.clear(); // the API server's event TTL expired them
    await recorder.record(parent, "Normal", "Synced", "ok");
    assert.equal(api.events().length, 1);
    assert.equal(api.events()[0]?.count, 1);
  });

  it("rate-limits per object with a token bucket; dropped repeats still count", async () => {
    const { api, recorder, outcomes, advance } = setup({ burst: 3, refillIntervalMs: 10_000 });
    for (let i = 0; i < 5; i++) await recorder.record(parent, "Warning", "SyncFailed", "boom");
    assert.equal(api.calls.length, 3);
    assert.equal(recorder.dropped, 2);
    assert.deepEqual(outcomes.slice(3), ["dropped", "dropped"]);
    assert.equal(api.events()[0]?.count, 3);

    // Another object has its own bucket.
    const other = { ...parent, metadata: { ...parent.metadata, name: "other", uid: "uid-other" } };
    await recorder.record(other, "Warning", "SyncFailed", "boom");
    assert.equal(api.calls.length, 4);

    advance(10_000); // one token back
    await recorder.record(parent, "Warning", "SyncFailed", "boom");
    await recorder.record(parent, "Warning", "SyncFailed", "boom");
    assert.equal(api.calls.length, 5);
    // 3 written + 2 dropped before, then this write: the stored count includes the dropped repeats.
    const mine = api.events().find((e) => e.metadata.name?.startsWith("my-echo."));
    assert.equal(mine?.count, 6);
    assert.equal(recorder.dropped, 3);
  });

  it("never throws: failures are logged and reported as failed", async () => {
    const { api, recorder, outcomes } = setup();
    api.createFailures.push(
      new ApiError("POST", "/api/v1/namespaces/team-a/events", 403, { reason: "Forbidden" }),
    );
    await recorder.record(parent, "Warning", "SyncFailed", "boom");
    api.patchFailures.push(new Error("connection reset"));
    await recorder.record(parent, "Warning", "SyncFailed", "boom"); // creates (the first failed)
    await recorder.record(parent, "Warning", "SyncFailed", "boom"); // patch fails
    assert.deepEqual(outcomes, ["failed", "created", "failed"]);
    await recorder.flush();
  });

  it("truncates messages to 1 KiB without splitting characters", async () => {
    const { api, recorder } = setup();
    await recorder.record(parent, "Warning", "SyncFailed", "é".repeat(2000));
    const message = api.events()[0]?.message ?? "";
    assert.ok(Buffer.byteLength(message) <= MAX_MESSAGE_BYTES);
    assert.ok(message.endsWith("..."));
    assert.ok(!message.includes("\uFFFD"));
    assert.equal(truncateUtf8("short", 10), "short");
  });
});
