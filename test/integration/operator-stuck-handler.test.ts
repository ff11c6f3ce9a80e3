/**
 * Issue 12 section 4 against a real control plane: a stuck handler is visible and stopping is bounded.
 * - A parent whose sync never resolves (and ignores its AbortSignal) does not block the others, even with a
 *   single worker; it times out, and `/healthz` fails (500, durations only) while it is stuck.
 * - `op.stop()` returns within stopGracePeriodMs + STOP_ABORT_WAIT_MS with such a sync in flight.
 * - When another identity takes the Lease, the old leader makes no write after the renew deadline (counted with
 *   the observer, the client's request metrics and the children's resourceVersions on the server), stops, does
 *   not re-contend, and its `done` rejects with TSOP_LEADERSHIP_LOST.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { silentLogger } from "../../src/core/logger.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { STOP_ABORT_WAIT_MS } from "../../src/operator/manager/controller.js";
import { startOperator, type RunningOperator } from "../../src/operator/manager/runner.js";
import { microTime, type Lease } from "../../src/runtime/leader-election.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { Widget, widgetCrd } from "../support/crds.js";
import { ConfigMap, cm, eventually, sleep, type ScenarioParent } from "../support/operator-harness.js";

let env: TestEnvironment;
let admin: KubeClient;
let counter = 0;

before(async () => {
  env = await TestEnvironment.start({ crds: [widgetCrd], controllerManager: false });
  admin = await KubeClient.fromConfig(env.clientConfig("test-admin"));
});
after(async () => {
  await admin?.close();
  await env?.stop();
});

async function namespace(prefix: string): Promise<string> {
  const ns = `${prefix}-${++counter}-${Date.now() % 100000}`;
  await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
  return ns;
}

async function createParent(ns: string, name: string, spec: Record<string, unknown> = {}): Promise<void> {
  await admin
    .resource(Widget, ns)
    .create({ apiVersion: Widget.apiVersion, kind: Widget.kind, metadata: { name, namespace: ns }, spec });
}

async function healthz(op: RunningOperator): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${op.serverPort}/healthz`);
  return { status: res.status, body: await res.text() };
}

/** A handler that never settles for parents named "stuck*" and ignores its signal; children from the spec otherwise. */
function stuckHandler(calls: Map<string, number>) {
  return (request: { parent: ScenarioParent }) => {
    const name = request.parent.metadata.name ?? "";
    calls.set(name, (calls.get(name) ?? 0) + 1);
    if (name.startsWith("stuck")) return new Promise<never>(() => {});
    return { status: { ok: true }, children: request.parent.spec?.children ?? [] };
  };
}

/** Completes a promise or says it did not within `ms`. */
async function within<T>(ms: number, promise: Promise<T>): Promise<{ value?: T; timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
  try {
    const outcome = await Promise.race([promise.then((value) => ({ value })), timeout]);
    return outcome === "timeout" ? { timedOut: true } : { value: outcome.value, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

describe("a stuck handler is visible, and stopping is bounded", () => {
  it("a sync that never resolves does not block other parents, times out, and fails /healthz", async () => {
    const ns = await namespace("stuck");
    const calls = new Map<string, number>();
    const config = new OperatorConfig("stuck-operator", Widget)
      .withChild(ConfigMap, ChildConfig.apply())
      .withNamespace(ns)
      .withServerPort(0)
      // One worker: without a timeout the stuck parent would hold it for ever.
      .withConcurrency(1)
      .withSyncTimeoutMs(1_000)
      .withStuckThresholdMs(2_500)
      .withStopGracePeriodMs(500);
    const op = startOperator(config, stuckHandler(calls), {
      clientConfig: env.clientConfig("stuck-operator"),
      logger: silentLogger,
    });
    try {
      await op.ready;
      assert.equal((await healthz(op)).status, 200, "idle: live");
      await createParent(ns, "stuck-1");
      await eventually("the stuck parent's handler runs", async () => (calls.get("stuck-1") ?? 0) >= 1);
      const others = ["a", "b", "c", "d", "e"];
      for (const name of others)
        await createParent(ns, name, { children: [cm(`${name}-child`, { v: name })] });
      for (const name of others) {
        await eventually(
          `${name}'s child exists although stuck-1 never resolves`,
          async () => (await admin.resource(ConfigMap, ns).getOrUndefined(`${name}-child`)) !== undefined,
          20_000,
        );
      }
      // The lead's sync timeout shows on the parent (issue 12 §4) and the parent is retried.
      await eventually("stuck-1 says it timed out", async () => {
        const parent = await admin.resource(Widget, ns).get("stuck-1");
        const conditions = (
          parent.status as { conditions?: Array<{ type: string; status: string; reason?: string }> }
        )?.conditions;
        return conditions?.some(
          (c) => c.type === "Synced" && c.status === "False" && c.reason === "SyncTimeout",
        );
      });
      await eventually("stuck-1 is retried", async () => (calls.get("stuck-1") ?? 0) >= 2);

      // Its first call never settles: past the threshold, liveness fails with durations, never object data.
      const failing = await eventually(
        "/healthz fails",
        async () => {
          const h = await healthz(op);
          return h.status === 500 ? h : undefined;
        },
        10_000,
      );
      const detail = JSON.parse(failing.body) as Record<string, unknown>;
      assert.equal(detail.status, "not live");
      assert.equal(detail.reason, "SyncStuck");
      assert.equal(detail.thresholdSeconds, 2.5);
      assert.ok((detail.longestBusySeconds as number) >= 2, failing.body);
      assert.doesNotMatch(
        failing.body,
        /stuck-1|stuck-operator|Widget/,
        "no object data in the probe answer",
      );
    } finally {
      const stopped = await within(500 + STOP_ABORT_WAIT_MS + 5_000, op.stop());
      assert.equal(stopped.timedOut, false, "op.stop() returned");
    }
  });

  it("stop() returns within its deadline with a sync in flight that never resolves", async () => {
    const ns = await namespace("stop");
    const calls = new Map<string, number>();
    const graceMs = 1_000;
    const config = new OperatorConfig("stop-operator", Widget)
      .withChild(ConfigMap, ChildConfig.apply())
      .withNamespace(ns)
      .withServerPort(0)
      // The timeout is far away: only stop's own deadline can end this sync.
      .withSyncTimeoutMs(600_000)
      .withStopGracePeriodMs(graceMs);
    const op = startOperator(config, stuckHandler(calls), {
      clientConfig: env.clientConfig("stop-operator"),
      logger: silentLogger,
    });
    await op.ready;
    await createParent(ns, "stuck-forever");
    await eventually("the handler is in flight", async () => (calls.get("stuck-forever") ?? 0) >= 1);
    await sleep(200);
    assert.equal(op.controller.queue.inFlight, 1, "the sync is in flight when stop() is called");
    const started = Date.now();
    const stopped = await within(graceMs + STOP_ABORT_WAIT_MS + 5_000, op.stop());
    const took = Date.now() - started;
    assert.equal(
      stopped.timedOut,
      false,
      `op.stop() did not return within ${graceMs + STOP_ABORT_WAIT_MS + 5_000} ms`,
    );
    assert.ok(took >= graceMs - 50, `the in-flight sync was given its grace period (${took} ms)`);
    await op.done;
  });

  it("when another identity takes the Lease, the old leader makes no write after the renew deadline", async () => {
    const ns = await namespace("lost");
    const leaseName = `lost-operator-${counter}`;
    const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 250 };
    // Busy writing: every sync changes a child, and asks to be synced again soon.
    let n = 0;
    const writes: number[] = [];
    const config = new OperatorConfig("lost-operator", Widget)
      .withChild(ConfigMap, ChildConfig.apply())
      .withNamespace(ns)
      .withServerPort(0)
      .withLeaderElection({ leaseName, leaseNamespace: ns, identity: "old-leader", ...timing });
    const op = startOperator(
      config,
      (request: { parent: ScenarioParent }) => ({
        status: { n },
        children: [cm(`${request.parent.metadata.name}-child`, { n: String(++n) })],
        resyncAfterMs: 50,
      }),
      {
        clientConfig: env.clientConfig("lost-operator"),
        logger: silentLogger,
        observer: {
          onWrite: () => writes.push(Date.now()),
          onStatusWrite: () => writes.push(Date.now()),
        },
      },
    );
    // done rejects once leadership is lost: observe it from the start.
    const outcome = op.done.then(
      () => undefined,
      (err: unknown) => err,
    );
    try {
      await op.ready;
      for (const name of ["w1", "w2", "w3"]) await createParent(ns, name);
      await eventually("the leader is writing", async () => writes.length >= 20);

      // Another identity takes the Lease, as a newer leader would (retrying if the old one renews in between).
      const leases = admin.resource(k8sTypes.coordination.v1.Lease, ns);
      await eventually("the Lease is taken", async () => {
        const current = (await leases.get(leaseName)) as Lease;
        assert.equal(current.spec?.holderIdentity, "old-leader");
        const now = Date.now();
        return leases.replace({
          ...current,
          metadata: { ...current.metadata, managedFields: undefined },
          spec: {
            ...current.spec,
            holderIdentity: "new-leader",
            leaseDurationSeconds: 30,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: (current.spec?.leaseTransitions ?? 0) + 1,
          },
        });
      });
      const takenAt = Date.now();
      const deadline = takenAt + timing.renewDeadlineMs;

      const err = await within(timing.renewDeadlineMs + STOP_ABORT_WAIT_MS + 5_000, outcome);
      assert.equal(err.timedOut, false, "done settles after losing the Lease");
      assert.equal((err.value as { code?: string } | undefined)?.code, "TSOP_LEADERSHIP_LOST");

      // Wait past the deadline, then look at everything the old leader could have written.
      const waitUntil = Math.max(deadline + 500, Date.now());
      await sleep(waitUntil - Date.now());
      const rvsAtDeadline = await childVersions(ns);
      const writeRequestsAtDeadline = await writeRequests(op);
      await sleep(3_000);

      assert.deepEqual(
        writes.filter((t) => t > deadline),
        [],
        "no child or status write after the renew deadline (observer)",
      );
      assert.equal(
        await writeRequests(op),
        writeRequestsAtDeadline,
        "no write request after the renew deadline",
      );
      assert.deepEqual(await childVersions(ns), rvsAtDeadline, "no child changed on the server");
      const lease = (await leases.get(leaseName)) as Lease;
      assert.equal(lease.spec?.holderIdentity, "new-leader", "the old leader does not take the Lease back");
    } finally {
      await within(10_000, op.stop());
    }
  });
});

/** resourceVersion of every child in the namespace, by name. */
async function childVersions(ns: string): Promise<Record<string, string | undefined>> {
  const list = await admin.resource(ConfigMap, ns).list();
  const out: Record<string, string | undefined> = {};
  for (const obj of list.items) {
    if (obj.metadata.name?.endsWith("-child")) out[obj.metadata.name] = obj.metadata.resourceVersion;
  }
  return out;
}

/** The operator client's write requests so far (rest_client_requests_total, every method but GET). */
async function writeRequests(op: RunningOperator): Promise<number> {
  const text = await op.metrics.metricsText();
  let total = 0;
  for (const line of text.split("\n")) {
    const m = /^rest_client_requests_total\{([^}]*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (m && !/method="GET"/.test(m[1] ?? "")) total += Number(m[2]);
  }
  return total;
}
