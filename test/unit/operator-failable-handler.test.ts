import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../src/core/types.js";
import {
  DefaultFailableHandler,
  ErrorBackoff,
  type FailableOutcome,
} from "../../src/operator/api/failable-handler.js";
import { toHandler, UNCHANGED_CHILDREN, type SyncRequest } from "../../src/operator/api/handler.js";
import { syncRequestFor, testSyncContext } from "../../src/testing/sync-request.js";

/** A SyncRequest over fixed objects, built as tests of user handlers build theirs. */
function request(parent: KubeObject, children: KubeObject[] = []): SyncRequest {
  return syncRequestFor(parent, { children });
}

const parent = (uid = "p1", spec: unknown = { replicas: 1 }): KubeObject => ({
  apiVersion: "example.com/v1",
  kind: "EchoServer",
  metadata: { name: `echo-${uid}`, namespace: "ns", uid },
  spec,
});

const existingChild: KubeObject = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "cm",
    namespace: "ns",
    uid: "c1",
    resourceVersion: "7",
    labels: { "tsoperator.dev/parent-uid": "p1" },
    managedFields: [{ manager: "echo" }],
    ownerReferences: [{ apiVersion: "example.com/v1", kind: "EchoServer", name: "echo-p1", uid: "p1" }],
  },
  data: { a: "1" },
};

const desiredChild: KubeObject = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "cm" },
  data: { a: "2" },
};

interface Status {
  ok: boolean;
  phase: string;
  error?: string;
}

function failable(state: { validateFails?: boolean; syncFails?: boolean; finalizeFails?: boolean }) {
  const calls: string[] = [];
  const outcomes: Array<FailableOutcome<number>> = [];
  const handler = {
    validate(req: SyncRequest): number {
      calls.push("validate");
      if (state.validateFails) throw new Error("spec.replicas must be positive");
      return (req.parent.spec as { replicas: number }).replicas;
    },
    async syncChildren(_req: SyncRequest, replicas: number): Promise<KubeObject[]> {
      calls.push(`syncChildren(${replicas})`);
      if (state.syncFails) throw new Error("template failed");
      return [desiredChild];
    },
    determineStatus(_req: SyncRequest, error: Error | undefined, outcome: FailableOutcome<number>): Status {
      calls.push("determineStatus");
      outcomes.push(outcome);
      return { ok: !error, phase: outcome.phase, ...(error ? { error: error.message } : {}) };
    },
  };
  return { handler, calls, outcomes };
}

const context = testSyncContext();

describe("DefaultFailableHandler", () => {
  it("on success: children from syncChildren, status from determineStatus, no resync by default", async () => {
    const { handler, calls, outcomes } = failable({});
    const h = DefaultFailableHandler.wrap(handler);
    const res = await h.sync(request(parent(), [existingChild]));
    assert.deepEqual(calls, ["validate", "syncChildren(1)", "determineStatus"]);
    assert.deepEqual(outcomes[0], { ok: true, phase: "sync", validated: 1 });
    assert.deepEqual(res.children, [desiredChild]);
    assert.deepEqual(res.status, { ok: true, phase: "sync" });
    assert.equal(res.resyncAfterMs, undefined);
    assert.equal(h.finalize, undefined, "no finalize: no finalizer");
  });

  it("a validate error skips syncChildren, reaches determineStatus and keeps the existing children", async () => {
    const { handler, calls, outcomes } = failable({ validateFails: true });
    const h = DefaultFailableHandler.wrap(handler).withBackoff({ initialMs: 100, jitter: 0 });
    const res = await h.sync(request(parent(), [existingChild]));
    assert.deepEqual(calls, ["validate", "determineStatus"]);
    assert.deepEqual(outcomes[0], { ok: false, phase: "validate" });
    assert.deepEqual(res.status, { ok: false, phase: "validate", error: "spec.replicas must be positive" });
    assert.equal(res.resyncAfterMs, 100);
    assert.equal(res.children, UNCHANGED_CHILDREN, "existing children are left alone, never deleted");
  });

  it("a syncChildren error reaches determineStatus with the validated value", async () => {
    const { handler, outcomes } = failable({ syncFails: true });
    const res = await DefaultFailableHandler.wrap(handler)
      .withBackoff({ jitter: 0 })
      .sync(request(parent(), [existingChild]));
    assert.deepEqual(outcomes[0], { ok: false, phase: "syncChildren", validated: 1 });
    assert.equal((res.status as Status).error, "template failed");
    assert.equal(res.children, UNCHANGED_CHILDREN);
    assert.equal(res.resyncAfterMs, 500);
  });

  it("backoff grows per parent, is capped, and resets after a success", async () => {
    const state = { syncFails: true };
    const { handler } = failable(state);
    const h = DefaultFailableHandler.wrap(handler)
      .withBackoff({ initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0 })
      .withRegularResync(60_000);
    const delays: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) delays.push((await h.sync(request(parent("p1")))).resyncAfterMs);
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
    // Another parent has its own backoff.
    assert.equal((await h.sync(request(parent("p2")))).resyncAfterMs, 100);

    state.syncFails = false;
    assert.equal((await h.sync(request(parent("p1")))).resyncAfterMs, 60_000, "success: regular resync");
    assert.equal(h.errorBackoff.failures("p1"), 0);
    state.syncFails = true;
    assert.equal((await h.sync(request(parent("p1")))).resyncAfterMs, 100, "reset after success");
  });

  it("jitter spreads delays within the configured fraction", () => {
    const low = new ErrorBackoff({ initialMs: 1000, jitter: 0.5 }, () => 0);
    const high = new ErrorBackoff({ initialMs: 1000, jitter: 0.5 }, () => 0.999999);
    assert.equal(low.next("a"), 500);
    assert.equal(high.next("a"), 1500);
    const capped = new ErrorBackoff({ initialMs: 1000, maxMs: 1000, jitter: 0.5 }, () => 0.99);
    assert.equal(capped.next("a"), 1000, "never above maxMs");
    assert.throws(() => new ErrorBackoff({ multiplier: 0.5 }), { code: "TSOP_CONFIG_INVALID" });
  });

  it("finalize: errors reach determineStatus and retry with backoff; success resets; the finalizer exists only with finalize", async () => {
    const state = { finalizeFails: true };
    const outcomes: Array<FailableOutcome<undefined>> = [];
    const h = DefaultFailableHandler.wrap({
      syncChildren: () => [],
      determineStatus: (_req: SyncRequest, error: Error | undefined, outcome: FailableOutcome<undefined>) => {
        outcomes.push(outcome);
        return { error: error?.message ?? null };
      },
      finalize: () => {
        if (state.finalizeFails) throw new Error("external cleanup failed");
        return undefined;
      },
    }).withBackoff({ initialMs: 10, multiplier: 3, jitter: 0 });
    assert.equal(typeof h.finalize, "function");
    const handler = toHandler(h);
    const first = await handler.finalize!(request(parent()), context);
    assert.deepEqual(first, { status: { error: "external cleanup failed" }, retryAfterMs: 10 });
    assert.equal((await handler.finalize!(request(parent()), context))?.retryAfterMs, 30);
    state.finalizeFails = false;
    assert.deepEqual(await handler.finalize!(request(parent()), context), {
      status: { error: null },
      retryAfterMs: undefined,
    });
    assert.deepEqual(outcomes.at(-1), { ok: true, phase: "finalize" });
  });

  it("finalize may ask to be called again without an error", async () => {
    const h = DefaultFailableHandler.wrap({
      syncChildren: () => [],
      determineStatus: () => null,
      finalize: () => ({ retryAfterMs: 5_000 }),
    });
    assert.deepEqual(await h.finalize!(request(parent())), { status: null, retryAfterMs: 5_000 });
  });

  it("works without validate and rejects incomplete handlers", async () => {
    const h = DefaultFailableHandler.wrap({
      syncChildren: () => [desiredChild],
      determineStatus: () => ({}),
    });
    assert.deepEqual((await h.sync(request(parent()))).children, [desiredChild]);
    assert.throws(() => DefaultFailableHandler.wrap({} as never), { code: "TSOP_CONFIG_INVALID" });
    assert.throws(() => h.withRegularResync(0), { code: "TSOP_CONFIG_INVALID" });
  });

});
