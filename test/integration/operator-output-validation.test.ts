/**
 * Invalid handler output is refused as a whole: nothing is applied, the parent shows a Synced=False condition
 * naming the child and the rule, and a Warning Event is recorded. Also: a cluster-scoped parent owning a
 * Namespace and objects inside it (roperator issue #12), and the metrics/health server of a running operator.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { silentLogger } from "../../src/core/logger.js";
import { startOperator, type RunningOperator } from "../../src/operator/manager/runner.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { ClusterWidget, Widget, clusterWidgetCrd, widgetCrd } from "../support/crds.js";
import {
  ConfigMap,
  cm,
  eventually,
  newCallLog,
  scenarioHandler,
  sleep,
} from "../support/operator-harness.js";

let env: TestEnvironment;
let admin: KubeClient;
let op: RunningOperator;
const ns = "validation";

before(async () => {
  env = await TestEnvironment.start({ crds: [widgetCrd, clusterWidgetCrd] });
  admin = await KubeClient.fromConfig(env.clientConfig("test-admin"));
  await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
  const config = new OperatorConfig("validating-operator", Widget)
    .withChild(ConfigMap, ChildConfig.apply())
    .withChild(k8sTypes.core.v1.Namespace, ChildConfig.apply())
    .withNamespace(ns)
    .withServerPort(0);
  op = startOperator(config, scenarioHandler(newCallLog()), {
    clientConfig: env.clientConfig("validating-operator"),
    logger: silentLogger,
  });
  await op.ready;
});
after(async () => {
  await op?.stop();
  await admin?.close();
  await env?.stop();
});

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

const rules: Array<{ rule: string; children: KubeObject[]; mentions: RegExp }> = [
  {
    rule: "missing-apiVersion",
    children: [{ kind: "ConfigMap", metadata: { name: "x" } }],
    mentions: /ConfigMap x: apiVersion is missing/,
  },
  {
    rule: "missing-kind",
    children: [{ apiVersion: "v1", metadata: { name: "x" } }],
    mentions: /\? x: kind is missing/,
  },
  {
    rule: "missing-name",
    children: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "x-" } }],
    mentions: /metadata.name is missing \(generateName is not supported/,
  },
  {
    rule: "undeclared-type",
    children: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "s" } }],
    mentions: /Secret s: Secret \(v1\) is not a declared child type/,
  },
  {
    rule: "wrong-namespace",
    children: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "elsewhere" } }],
    mentions: /ConfigMap x: namespace elsewhere differs from the parent's validation/,
  },
  {
    rule: "status-on-child",
    children: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, status: {} }],
    mentions: /ConfigMap x: children must not carry a status/,
  },
  {
    rule: "duplicate-child",
    children: [cm("twice", { a: "1" }), cm("twice", { a: "2" })],
    mentions: /ConfigMap twice: is returned twice/,
  },
  {
    rule: "foreign-controller",
    children: [
      {
        ...cm("adopted", { a: "1" }),
        metadata: {
          name: "adopted",
          ownerReferences: [
            { apiVersion: "v1", kind: "Thing", name: "other", uid: "0000", controller: true },
          ],
        },
      },
    ],
    mentions: /ConfigMap adopted: already has a controller ownerReference to Thing other/,
  },
  {
    rule: "cluster-scoped-child-of-namespaced-parent",
    children: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "nope" } }],
    mentions: /Namespace nope: a cluster-scoped child cannot be owned by a namespaced parent/,
  },
];

describe("invalid handler output", () => {
  for (const { rule, children, mentions } of rules) {
    it(`refuses ${rule}: nothing applied, a condition and an Event name the child and the rule`, async () => {
      const name = `bad-${rule}`.toLowerCase().slice(0, 60);
      // A valid child next to the invalid one: it must not be applied either (all or nothing).
      const parent = await admin.resource(Widget, ns).create({
        apiVersion: Widget.apiVersion,
        kind: Widget.kind,
        metadata: { name },
        spec: { children: [cm(`${name}-valid`, { ok: "1" }), ...children] },
      });
      const condition = await eventually(`Synced=False on ${name}`, async () => {
        const p = await admin.resource(Widget, ns).get(name);
        return ((p.status as { conditions?: Condition[] })?.conditions ?? []).find(
          (c) => c.type === "Synced",
        );
      });
      assert.equal(condition.status, "False");
      assert.equal(condition.reason, "InvalidHandlerOutput");
      assert.match(condition.message, mentions);
      assert.match(condition.message, new RegExp(`\\[${rule}\\]`));
      const event = await eventually(`Warning event on ${name}`, async () => {
        const list = await admin.resource(k8sTypes.core.v1.Event, ns).list({
          fieldSelector: `involvedObject.uid=${parent.metadata.uid}`,
        });
        return list.items.find((e) => (e as { reason?: string }).reason === "InvalidHandlerOutput");
      });
      assert.equal((event as { type?: string }).type, "Warning");
      assert.match((event as { message?: string }).message ?? "", mentions);
      assert.equal(await admin.resource(ConfigMap, ns).getOrUndefined(`${name}-valid`), undefined);
    });
  }

  it("recovers once the output is valid: the condition turns True, the children appear", async () => {
    const name = "fixable";
    await admin.resource(Widget, ns).create({
      apiVersion: Widget.apiVersion,
      kind: Widget.kind,
      metadata: { name },
      spec: { children: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fixed" }, status: {} }] },
    });
    await eventually("error shown", async () => {
      const p = await admin.resource(Widget, ns).get(name);
      return ((p.status as { conditions?: Condition[] })?.conditions ?? []).some(
        (c) => c.type === "Synced" && c.status === "False",
      );
    });
    await admin.resource(Widget, ns).patch(name, "merge", { spec: { children: [cm("fixed", { a: "1" })] } });
    await eventually("child created", () => admin.resource(ConfigMap, ns).getOrUndefined("fixed"), 20_000);
    await eventually("Synced=True", async () => {
      const p = await admin.resource(Widget, ns).get(name);
      return ((p.status as { conditions?: Condition[] })?.conditions ?? []).some(
        (c) => c.type === "Synced" && c.status === "True",
      );
    });
  });
});

describe("cluster-scoped parent", () => {
  it("owns a Namespace and a ConfigMap inside it, and both are garbage-collected with it", async () => {
    const config = new OperatorConfig("cluster-operator", ClusterWidget)
      .withChild(k8sTypes.core.v1.Namespace, ChildConfig.apply())
      .withChild(ConfigMap, ChildConfig.apply())
      .withServerPort(0);
    const clusterOp = startOperator(config, scenarioHandler(newCallLog()), {
      clientConfig: env.clientConfig("cluster-operator"),
      logger: silentLogger,
    });
    try {
      await clusterOp.ready;
      await admin.resource(ClusterWidget).create({
        apiVersion: ClusterWidget.apiVersion,
        kind: ClusterWidget.kind,
        metadata: { name: "tenant" },
        spec: {
          children: [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "tenant-space" } },
            { ...cm("inside", { a: "1" }), metadata: { name: "inside", namespace: "tenant-space" } },
          ],
        },
      });
      await eventually("namespace", () =>
        admin.resource(k8sTypes.core.v1.Namespace).getOrUndefined("tenant-space"),
      );
      const inside = await eventually("configmap inside", () =>
        admin.resource(ConfigMap, "tenant-space").getOrUndefined("inside"),
      );
      assert.equal(inside.metadata.ownerReferences?.[0]?.kind, "ClusterWidget");
      // A namespaced child of a cluster-scoped parent must say where it goes.
      await admin.resource(ClusterWidget).create({
        apiVersion: ClusterWidget.apiVersion,
        kind: ClusterWidget.kind,
        metadata: { name: "vague" },
        spec: { children: [cm("where", { a: "1" })] },
      });
      const condition = await eventually("missing-namespace reported", async () => {
        const p = await admin.resource(ClusterWidget).get("vague");
        return ((p.status as { conditions?: Condition[] })?.conditions ?? []).find(
          (c) => c.type === "Synced",
        );
      });
      assert.match(condition.message, /must name its namespace \[missing-namespace\]/);

      await admin.resource(ClusterWidget).delete("tenant");
      await eventually(
        "namespace deleted by the garbage collector (and emptied by the namespace controller)",
        async () =>
          (await admin.resource(k8sTypes.core.v1.Namespace).getOrUndefined("tenant-space")) === undefined,
        60_000,
      );
    } finally {
      await clusterOp.stop();
    }
  });
});

describe("metrics and health", () => {
  it("serves /metrics with reconcile, workqueue and client metrics, and /healthz, /readyz, /health", async () => {
    const port = op.serverPort;
    assert.ok(port);
    await sleep(200);
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, text: await res.text() };
    };
    assert.equal((await get("/healthz")).status, 200);
    assert.equal((await get("/health")).status, 200);
    assert.equal((await get("/readyz")).status, 200);
    const metrics = (await get("/metrics")).text;
    for (const name of [
      "controller_runtime_reconcile_total",
      "controller_runtime_reconcile_time_seconds",
      "workqueue_depth",
      "workqueue_adds_total",
      "rest_client_requests_total",
      "tsoperator_cached_objects",
      "tsoperator_sync_errors_total",
    ]) {
      assert.match(metrics, new RegExp(`^${name}`, "m"), name);
    }
    assert.match(metrics, /tsoperator_sync_errors_total\{[^}]*kind="validation"[^}]*\} [1-9]/);
    // Bounded cardinality: no label carries a parent's name.
    assert.doesNotMatch(metrics, /bad-missing/);
  });
});
