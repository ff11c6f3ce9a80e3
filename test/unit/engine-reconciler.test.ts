import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { K8sType, KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import type { Handler } from "../../src/operator/api/handler.js";
import { Reconciler, SyncError, type ReconcileObserver } from "../../src/operator/engine/reconciler.js";
import { FakeWriteApi, apiError } from "../support/fake-write-api.js";

const Parent: K8sType = { apiVersion: "example.com/v1", kind: "Widget", plural: "widgets", namespaced: true };
const ConfigMap = k8sTypes.core.v1.ConfigMap;

interface Harness {
  fake: FakeWriteApi;
  reconciler: Reconciler;
  errors: string[];
  parent(): KubeObject;
  statusWrites(): number;
}

function harness(
  handler: Handler,
  config = new OperatorConfig("test-operator", Parent).withChild(ConfigMap, ChildConfig.apply()),
  /** What the cache says after recording a write: false = the object was deleted meanwhile. */
  cacheHolds = () => true,
): Harness {
  const fake = new FakeWriteApi();
  fake.put({
    apiVersion: Parent.apiVersion,
    kind: Parent.kind,
    metadata: { name: "w", namespace: "ns", uid: "p-uid", generation: 2 },
  });
  const errors: string[] = [];
  const observer: ReconcileObserver = {
    onWrite() {},
    onStatusWrite() {},
    onSyncError: (_p, kind) => errors.push(kind),
    onFinalize() {},
    onRecovered() {},
  };
  const reconciler = new Reconciler({
    config,
    handler,
    isNamespaced: () => true,
    api: (type) => fake.api(type),
    getParent: () => fake.objects.get("ns/w"),
    childrenOf: () =>
      new Map([[ConfigMap, [...fake.objects.values()].filter((o) => o.kind === "ConfigMap")]]),
    recordWrite: () => cacheHolds(),
    observer,
  });
  return {
    fake,
    reconciler,
    errors,
    parent: () => fake.objects.get("ns/w")!,
    statusWrites: () => fake.requests.filter((r) => r.verb === "applyStatus").length,
  };
}

const child = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data: { a: "1" },
});
const synced = (p: KubeObject) =>
  (
    p.status as { conditions?: Array<{ type: string; status: string; message?: string }> } | undefined
  )?.conditions?.find((c) => c.type === "Synced");
const signal = () => new AbortController().signal;

describe("reconciler: status tells the truth", () => {
  it("writes the status after the children, with observedGeneration and Synced=True", async () => {
    const h = harness({ sync: () => ({ status: { ready: true }, children: [child("a")] }) });
    await h.reconciler.reconcile("ns/w", signal());
    assert.deepEqual(
      h.fake.writes().map((r) => r.verb),
      ["create", "applyStatus"],
    );
    const status = h.parent().status as Record<string, unknown>;
    assert.equal(status.ready, true);
    assert.equal(status.observedGeneration, 2);
    assert.equal(synced(h.parent())?.status, "True");
  });

  it("keeps a rejected child's failure stable: Synced=False every time, one status write, generation not advanced", async () => {
    const h = harness({ sync: () => ({ status: { ready: true }, children: [child("a")] }) });
    for (let i = 0; i < 5; i++) {
      h.fake.failures.set("create", [apiError(422, "Invalid", 'ConfigMap "a" is invalid: data[bad key!]')]);
      await assert.rejects(h.reconciler.reconcile("ns/w", signal()), SyncError);
      const condition = synced(h.parent());
      assert.equal(condition?.status, "False", `attempt ${i}`);
      assert.match(condition?.message ?? "", /bad key!/);
      assert.equal((h.parent().status as Record<string, unknown>).observedGeneration, undefined);
    }
    assert.equal(h.statusWrites(), 1);
    // Fixed: the children apply, then Synced=True and the generation advances.
    await h.reconciler.reconcile("ns/w", signal());
    assert.equal(synced(h.parent())?.status, "True");
    assert.equal((h.parent().status as Record<string, unknown>).observedGeneration, 2);
  });

  it("treats a 429 the client gave up on as weather: no condition, no Event, a quiet retry", async () => {
    const h = harness({ sync: () => ({ status: { ready: true }, children: [child("a")] }) });
    h.fake.failures.set("create", [apiError(429, "TooManyRequests")]);
    await assert.rejects(
      h.reconciler.reconcile("ns/w", signal()),
      (e: unknown) => e instanceof SyncError && e.kind === "transient",
    );
    assert.deepEqual(h.errors, []);
    assert.equal(h.statusWrites(), 0);
  });

  it("shows a transient failure that outlasts transientFailureGraceMs, keeps retrying, and recovers", async () => {
    const config = new OperatorConfig("test-operator", Parent)
      .withChild(ConfigMap, ChildConfig.apply())
      .withTransientFailureGraceMs(50);
    const h = harness({ sync: () => ({ status: { ready: true }, children: [child("a")] }) }, config);
    const webhookDown = () => apiError(500, "InternalError", "failed calling webhook");
    h.fake.failures.set("create", [webhookDown(), webhookDown()]);
    const isTransient = (e: unknown) => e instanceof SyncError && e.kind === "transient";
    await assert.rejects(h.reconciler.reconcile("ns/w", signal()), isTransient);
    assert.deepEqual(h.errors, [], "the first failure is quiet");
    assert.equal(h.reconciler.memorySizes().transientStreaks, 1);
    await new Promise((r) => setTimeout(r, 60));
    await assert.rejects(h.reconciler.reconcile("ns/w", signal()), isTransient);
    assert.deepEqual(h.errors, ["api"], "a failure that lasted past the grace is shown");
    assert.equal(synced(h.parent())?.status, "False");
    assert.match(synced(h.parent())?.message ?? "", /failed calling webhook/);
    await h.reconciler.reconcile("ns/w", signal());
    assert.equal(synced(h.parent())?.status, "True");
    assert.equal(h.reconciler.memorySizes().transientStreaks, 0, "success ends the streak");
  });

  it("reports a child held by another controller as ChildConflict and still applies the other children", async () => {
    const h = harness({ sync: () => ({ status: {}, children: [child("taken"), child("free")] }) });
    h.fake.put({
      ...child("taken"),
      metadata: {
        name: "taken",
        namespace: "ns",
        ownerReferences: [{ apiVersion: "v1", kind: "Other", name: "o", uid: "o", controller: true }],
      },
    });
    await assert.rejects(
      h.reconciler.reconcile("ns/w", signal()),
      (e: unknown) => e instanceof SyncError && e.kind === "conflict",
    );
    assert.ok(h.fake.objects.get("ns/free"), "the valid child is applied");
    assert.equal(h.fake.objects.get("ns/taken")?.metadata.ownerReferences?.length, 1);
    const condition = synced(h.parent()) as { reason?: string; message?: string } | undefined;
    assert.equal(condition?.reason, "ChildConflict");
    assert.match(
      condition?.message ?? "",
      /ConfigMap.v1 ns\/taken exists and is controlled by Other o, not by this Widget/,
    );
    assert.deepEqual(h.errors, ["conflict"]);
  });
});

describe("reconciler: stopping", () => {
  it("does not write a failure to the parent once the sync's signal has aborted (stop, lost lease)", async () => {
    const h = harness({ sync: () => ({ status: { ready: true }, children: [child("a")] }) });
    const stop = new AbortController();
    // The operator stops while the child write is on the wire; the server then rejects the write.
    h.fake.onRequest = (verb) => {
      if (verb === "create") stop.abort(new Error("stopping"));
    };
    h.fake.failures.set("create", [apiError(422, "Invalid", "rejected")]);
    await assert.rejects(h.reconciler.reconcile("ns/w", stop.signal));
    assert.equal(h.statusWrites(), 0, "no status write after the stop");
    assert.equal(synced(h.parent()), undefined);
  });
});

describe("reconciler: a stuck handler", () => {
  it("times out a sync that never resolves, says so on the parent, and keeps counting it as pending", async () => {
    let seen: AbortSignal | undefined;
    const h = harness(
      {
        sync: (_request, context) => {
          seen = context.signal;
          return new Promise(() => {});
        },
      },
      new OperatorConfig("test-operator", Parent).withChild(ConfigMap).withSyncTimeoutMs(50),
    );
    await assert.rejects(
      h.reconciler.reconcile("ns/w", signal()),
      (e: unknown) => e instanceof SyncError && e.kind === "timeout",
    );
    assert.equal(seen?.aborted, true);
    assert.equal((synced(h.parent()) as { reason?: string } | undefined)?.reason, "SyncTimeout");
    assert.equal(h.reconciler.pendingHandlerCalls().length, 1, "the abandoned call is still running");
  });

  it("stops waiting for the handler when the operator stops, without reporting a failure", async () => {
    const h = harness({ sync: () => new Promise(() => {}) });
    const stop = new AbortController();
    const running = h.reconciler.reconcile("ns/w", stop.signal);
    setTimeout(() => stop.abort(new Error("stopping")), 20);
    await assert.rejects(running, /stopping/);
    assert.deepEqual(h.errors, []);
    assert.equal(h.statusWrites(), 0);
  });

  it("keeps no bookkeeping for objects deleted before the answers to our writes came", async () => {
    const h = harness(
      { sync: () => ({ status: { ok: 1 }, children: [child("a")] }) },
      undefined,
      () => false,
    );
    await h.reconciler.reconcile("ns/w", signal());
    assert.equal(h.fake.writes().length, 2, "a child and a status written");
    assert.deepEqual(h.reconciler.memorySizes(), {
      statuses: 0,
      childWrites: 0,
      finalizeRetries: 0,
      transientStreaks: 0,
    });
  });

  it("writes a status the server normalises once, and keeps an entry only for such a parent", async () => {
    const sync = () => ({ status: { ok: 1, dropped: "x" }, children: [] });
    const asWritten = harness({ sync });
    for (let i = 0; i < 3; i++) await asWritten.reconciler.reconcile("ns/w", signal());
    assert.equal(asWritten.statusWrites(), 1);
    assert.equal(asWritten.reconciler.memorySizes().statuses, 0, "stored as written: nothing to remember");
    // The schema prunes `dropped`: what is stored never equals what is asked for.
    const pruned = harness({ sync });
    pruned.fake.normalizeStatus = (status) => {
      const { dropped: _dropped, ...kept } = status as Record<string, unknown>;
      return kept;
    };
    for (let i = 0; i < 3; i++) await pruned.reconciler.reconcile("ns/w", signal());
    assert.equal(pruned.statusWrites(), 1, "no write loop");
    assert.equal(pruned.reconciler.memorySizes().statuses, 1);
  });

  it("forgets the per-object bookkeeping of a deleted parent and its children", async () => {
    const h = harness({ sync: () => ({ status: { ok: 1, dropped: "x" }, children: [child("a")] }) });
    h.fake.normalizeStatus = (status) => {
      const { dropped: _dropped, ...kept } = status as Record<string, unknown>;
      return kept;
    };
    await h.reconciler.reconcile("ns/w", signal());
    // The child's write and the parent's status write are both remembered (the own-event filter), and the
    // normalised status's pair.
    assert.deepEqual(h.reconciler.memorySizes(), {
      statuses: 1,
      childWrites: 2,
      finalizeRetries: 0,
      transientStreaks: 0,
    });
    h.reconciler.forget(h.parent(), [h.fake.objects.get("ns/a")!]);
    assert.deepEqual(h.reconciler.memorySizes(), {
      statuses: 0,
      childWrites: 0,
      finalizeRetries: 0,
      transientStreaks: 0,
    });
  });
});
