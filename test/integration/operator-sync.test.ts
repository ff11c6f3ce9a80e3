/**
 * The sync engine against a real control plane: children created, updated and deleted; re-created after someone
 * else deletes them; status with observedGeneration; removals; other writers' fields; resync-after; handler
 * errors with backoff that never delays other parents. Each test runs its own operator in its own namespace.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { DESIRED_HASH_ANNOTATION } from "../../src/operator/engine/desired-state.js";
import { silentLogger } from "../../src/core/logger.js";
import { startOperator } from "../../src/operator/manager/runner.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { Widget, widgetCrd } from "../support/crds.js";
import { startScenario, type Scenario } from "../support/operator-scenario.js";
import {
  ConfigMap,
  PodTemplate,
  Secret,
  ServiceAccount,
  cm,
  eventually,
  newCallLog,
  scenarioHandler,
  sleep,
} from "../support/operator-harness.js";

let env: TestEnvironment;
let admin: KubeClient;

before(async () => {
  env = await TestEnvironment.start({ crds: [widgetCrd] });
  admin = await KubeClient.fromConfig(env.clientConfig("test-admin"));
});
after(async () => {
  await admin?.close();
  await env?.stop();
});

function scenario(
  configure: (c: OperatorConfig) => OperatorConfig = (c) => c,
  options: { finalize?: boolean } = {},
): Promise<Scenario> {
  return startScenario(env, admin, configure, options);
}

describe("operator sync", () => {
  it("creates, updates and deletes children, and writes status with observedGeneration", async () => {
    const s = await scenario();
    try {
      const created = await s.createParent("p1", { children: [cm("a", { v: "1" }), cm("b", { v: "1" })] });
      const a = await eventually("child a", () => s.get(ConfigMap, "a"));
      assert.deepEqual(a.data, { v: "1" });
      assert.equal(a.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
      assert.equal(a.metadata.ownerReferences?.[0]?.controller, true);
      assert.equal(a.metadata.labels?.["tsoperator.dev/parent-uid"], created.metadata.uid);
      assert.equal(a.metadata.labels?.["tsoperator.dev/operator"], "scenario-operator");
      await eventually("status counts both children", async () => {
        const p = await s.parents.get("p1");
        return (p.status as { childCount?: number })?.childCount === 2 ? p : undefined;
      });

      // Update one, drop the other.
      const updated = await s.setSpec("p1", { children: [cm("a", { v: "2" })] });
      assert.equal(updated.metadata.generation, 2);
      await eventually(
        "a updated",
        async () => ((await s.get(ConfigMap, "a"))?.data as { v?: string } | undefined)?.v === "2",
      );
      await eventually("b deleted", async () => (await s.get(ConfigMap, "b")) === undefined);
      const p = await eventually("observedGeneration 2", async () => {
        const obj = await s.parents.get("p1");
        const status = obj.status as { observedGeneration?: number; childCount?: number };
        return status?.observedGeneration === 2 && status.childCount === 1 ? obj : undefined;
      });
      assert.equal((p.status as { observedGeneration: number }).observedGeneration, p.metadata.generation);

      // Parent deleted: the garbage collector removes the children through the ownerReference.
      await s.parents.delete("p1");
      await eventually(
        "a garbage-collected",
        async () => (await s.get(ConfigMap, "a")) === undefined,
        30_000,
      );
    } finally {
      await s.stop();
    }
  });

  it("re-creates a child that someone else deleted", async () => {
    const s = await scenario();
    try {
      await s.createParent("p", { children: [cm("victim", { x: "y" })] });
      const first = await eventually("child", () => s.get(ConfigMap, "victim"));
      await admin.resource(ConfigMap, s.ns).delete("victim");
      const second = await eventually("re-created", async () => {
        const obj = await s.get(ConfigMap, "victim");
        return obj && obj.metadata.uid !== first.metadata.uid ? obj : undefined;
      });
      assert.deepEqual(second.data, { x: "y" });
    } finally {
      await s.stop();
    }
  });

  it("removes a field and a label that the desired state no longer has, and keeps other writers' fields (apply)", async () => {
    const s = await scenario();
    try {
      await s.createParent("p", {
        children: [
          cm("c", { keep: "1", drop: "2" }, { metadata: { name: "c", labels: { mine: "x", gone: "y" } } }),
        ],
      });
      await eventually("child", () => s.get(ConfigMap, "c"));
      // Another controller adds its own label and data key with its own field manager.
      await admin
        .resource(ConfigMap, s.ns)
        .apply(
          {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "c", labels: { other: "z" } },
            data: { theirs: "t" },
          },
          { fieldManager: "someone-else" },
        );
      await s.setSpec("p", {
        children: [cm("c", { keep: "1" }, { metadata: { name: "c", labels: { mine: "x" } } })],
      });
      const c = await eventually("drop and gone removed", async () => {
        const obj = await s.get(ConfigMap, "c");
        const data = (obj?.data ?? {}) as Record<string, string>;
        return obj && data.keep && data.drop === undefined && !obj.metadata.labels?.gone ? obj : undefined;
      });
      assert.deepEqual(c.data, { keep: "1", theirs: "t" });
      assert.equal(c.metadata.labels?.other, "z");
      assert.equal(c.metadata.labels?.mine, "x");
    } finally {
      await s.stop();
    }
  });

  it("update strategies: replace PUTs the whole object, recreate makes a new one, onDelete leaves it alone", async () => {
    const s = await scenario();
    try {
      const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { a: "1" } };
      const sa = (v: string) => ({
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "sa", labels: { v } },
      });
      const template = (v: string) => ({
        apiVersion: "v1",
        kind: "PodTemplate",
        metadata: { name: "pt" },
        template: { metadata: { labels: { v } }, spec: { containers: [{ name: "c", image: `img:${v}` }] } },
      });
      await s.createParent("p", { children: [secret, sa("1"), template("1")] });
      const sa1 = await eventually("sa", () => s.get(ServiceAccount, "sa"));
      const pt1 = await eventually("pt", () => s.get(PodTemplate, "pt"));
      await eventually("secret", () => s.get(Secret, "s"));
      // Someone else labels the Secret: replace (PUT) will wipe it on the next change.
      await admin.resource(Secret, s.ns).patch("s", "merge", { metadata: { labels: { foreign: "1" } } });

      await s.setSpec("p", {
        children: [{ ...secret, stringData: { a: "2" } }, sa("2"), template("2")],
      });
      const s2 = await eventually("secret replaced", async () => {
        const obj = await s.get(Secret, "s");
        return obj && (obj.data as Record<string, string>)?.a === Buffer.from("2").toString("base64")
          ? obj
          : undefined;
      });
      assert.equal(s2.metadata.labels?.foreign, undefined, "replace wipes fields set by others");
      const sa2 = await eventually("sa recreated", async () => {
        const obj = await s.get(ServiceAccount, "sa");
        return obj && obj.metadata.uid !== sa1.metadata.uid ? obj : undefined;
      });
      assert.equal(sa2.metadata.labels?.v, "2");
      // onDelete: the changed template is not applied while the old one exists.
      await sleep(1500);
      const ptSame = await s.get(PodTemplate, "pt");
      assert.equal(ptSame?.metadata.uid, pt1.metadata.uid);
      assert.equal(ptSame?.metadata.resourceVersion, pt1.metadata.resourceVersion);
      // ... and is re-created with the new content once someone deletes it.
      await admin.resource(PodTemplate, s.ns).delete("pt");
      const pt2 = await eventually("pt re-created", async () => {
        const obj = await s.get(PodTemplate, "pt");
        return obj && obj.metadata.uid !== pt1.metadata.uid ? obj : undefined;
      });
      assert.equal((pt2.template as { metadata: { labels: Record<string, string> } }).metadata.labels.v, "2");
    } finally {
      await s.stop();
    }
  });

  it("re-invokes sync after resyncAfterMs without any change", async () => {
    const s = await scenario();
    try {
      await s.createParent("ticker", { resyncAfterMs: 300, children: [] });
      await eventually("five syncs", async () => (s.log.syncs.get("ticker")?.length ?? 0) >= 5, 10_000);
      const times = s.log.syncs.get("ticker") ?? [];
      const gaps = times.slice(2).map((t, i) => t - (times[i + 1] ?? t));
      assert.ok(
        gaps.every((g) => g >= 250),
        `gaps ${gaps.join(",")}`,
      );
    } finally {
      await s.stop();
    }
  });

  it("retries a failing parent with growing delays while other parents proceed", async () => {
    const s = await scenario();
    try {
      await s.createParent("bad", { fail: "boom", children: [cm("never", { a: "b" })] });
      await s.createParent("good", { children: [cm("fine", { a: "b" })] });
      await eventually("good's child", () => s.get(ConfigMap, "fine"));
      await eventually("bad retried 5 times", async () => (s.log.syncs.get("bad")?.length ?? 0) >= 6, 15_000);
      const times = s.log.syncs.get("bad") ?? [];
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
      // Exponential with jitter: the later gaps are clearly longer than the first ones.
      assert.ok((gaps.at(-1) ?? 0) > (gaps[0] ?? 0) * 3, `gaps ${gaps.join(",")}`);
      assert.equal(await s.get(ConfigMap, "never"), undefined, "a failing sync writes no child");
      const bad = await s.parents.get("bad");
      const condition = (bad.status as { conditions?: Array<Record<string, string>> }).conditions?.find(
        (c) => c.type === "Synced",
      );
      assert.equal(condition?.status, "False");
      assert.equal(condition?.reason, "HandlerError");
      assert.match(condition?.message ?? "", /boom/);
      // Fixed: the child appears and the condition turns True.
      await s.setSpec("bad", { fail: "", children: [cm("never", { a: "b" })] });
      await eventually("recovered child", () => s.get(ConfigMap, "never"), 15_000);
      await eventually("Synced=True", async () => {
        const p = await s.parents.get("bad");
        const conditions =
          (p.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? [];
        return conditions.some((c) => c.type === "Synced" && c.status === "True");
      });
    } finally {
      await s.stop();
    }
  });

  it("calls finalize until it allows deletion, then the children are garbage-collected", async () => {
    const s = await scenario((c) => c, { finalize: true });
    try {
      await s.createParent("fin", {
        finalizeRetries: 2,
        finalizeRetryMs: 400,
        children: [cm("owned", { a: "b" })],
      });
      const parent = await eventually("finalizer added", async () => {
        const p = await s.parents.get("fin");
        return p.metadata.finalizers?.includes("tsoperator.dev/scenario-operator") ? p : undefined;
      });
      await eventually("child", () => s.get(ConfigMap, "owned"));
      await s.parents.delete("fin");
      await eventually(
        "parent gone",
        async () => (await s.parents.getOrUndefined("fin")) === undefined,
        20_000,
      );
      const calls = s.log.finalizes.get("fin") ?? [];
      assert.equal(calls.length, 3, "two retries, then done: each retry honoured once");
      const gaps = calls.slice(1).map((t, i) => t - (calls[i] ?? t));
      assert.ok(
        gaps.every((g) => g >= 350),
        `retry gaps ${gaps.join(",")}`,
      );
      assert.ok(parent.metadata.uid);
      await eventually(
        "child garbage-collected",
        async () => (await s.get(ConfigMap, "owned")) === undefined,
        30_000,
      );
    } finally {
      await s.stop();
    }
  });
});

describe("no wasted writes", () => {
  it("issues no write in steady state nor after a restart; resourceVersions do not move", async () => {
    let s = await scenario();
    const children = (i: number) => [
      cm(`cm-${i}`, { n: String(i), quantity: "1000m" }),
      { apiVersion: "v1", kind: "Secret", metadata: { name: `secret-${i}` }, stringData: { k: "v" } },
    ];
    for (let i = 0; i < 5; i++) await s.createParent(`steady-${i}`, { children: children(i) });
    await eventually("all converged", async () => {
      const list = await s.parents.list();
      return list.items.length === 5 &&
        list.items.every((p) => (p.status as { childCount?: number })?.childCount === 2)
        ? true
        : undefined;
    });
    await sleep(1000);
    const snapshot = async () => {
      const [p, c, sec] = await Promise.all([
        s.parents.list(),
        admin.resource(ConfigMap, s.ns).list({ labelSelector: "tsoperator.dev/operator" }),
        admin.resource(Secret, s.ns).list({ labelSelector: "tsoperator.dev/operator" }),
      ]);
      return [...p.items, ...c.items, ...sec.items]
        .map((o: KubeObject) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`)
        .sort();
    };
    const before = await snapshot();
    const writesBefore = s.op.client.writeCount();
    await sleep(Number(process.env.TSOP_STEADY_MS ?? 30_000));
    assert.equal(s.op.client.writeCount() - writesBefore, 0, "no writes in steady state");
    assert.deepEqual(await snapshot(), before);

    // Restart the operator: it resyncs every parent, and writes nothing.
    await s.stop();
    const secretHash = (await admin.resource(Secret, s.ns).get("secret-0")).metadata.annotations?.[
      DESIRED_HASH_ANNOTATION
    ];
    assert.ok(secretHash);
    const ns = s.ns;
    const log = newCallLog();
    const config = new OperatorConfig("scenario-operator", Widget)
      .withChild(ConfigMap, ChildConfig.apply())
      .withChild(Secret, ChildConfig.replace())
      .withChild(ServiceAccount, ChildConfig.recreate())
      .withChild(PodTemplate, ChildConfig.onDelete())
      .withNamespace(ns)
      .withServerPort(0);
    const op = startOperator(config, scenarioHandler(log), {
      clientConfig: env.clientConfig("scenario-operator"),
      logger: silentLogger,
    });
    s = { ...s, op, log, stop: () => op.stop() };
    try {
      await op.ready;
      await eventually("every parent synced after restart", async () => log.syncs.size === 5);
      await sleep(1000);
      assert.equal(
        op.client.writeCount(),
        0,
        `writes after restart: ${JSON.stringify(op.client.requestCounts())}`,
      );
      assert.deepEqual(await snapshot(), before);
    } finally {
      await op.stop();
    }
  });
});
