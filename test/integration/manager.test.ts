/**
 * Two operators in one process (startOperators) against a real apiserver. Both read ConfigMaps in the same
 * namespace as related objects: the process lists and watches ConfigMaps once (counted on the client's requests).
 * Both converge; one /metrics carries both; a handler that throws in one never affects the other; stop() stops
 * both (no handler call after it, the server is closed).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { silentLogger } from "../../src/core/logger.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import type { Handler } from "../../src/operator/api/handler.js";
import { RelatedConfig } from "../../src/operator/api/related-config.js";
import { startOperators } from "../../src/operator/manager/manager.js";
import { Widget, testCrd, widgetCrd } from "../support/crds.js";
import { useTestEnvironment } from "../support/integration-env.js";
import { eventually, sleep } from "../support/operator-harness.js";

const Gadget = { apiVersion: "test.tsoperator.dev/v1", kind: "Gadget", plural: "gadgets" };
const shared = useTestEnvironment([widgetCrd, testCrd("Gadget", "gadgets")]);

type Parent = KubeObject<{ configMapRef?: string; fail?: boolean }>;

/** Copies the referenced ConfigMap's `value` into a Secret child named after the parent. */
function copyingHandler(calls: Map<string, number>): Handler<Parent> {
  return {
    sync(request) {
      const name = request.parent.metadata.name ?? "";
      calls.set(name, (calls.get(name) ?? 0) + 1);
      if (request.parent.spec?.fail) throw new Error(`${name} is told to fail`);
      const ref = request.parent.spec?.configMapRef ?? "";
      const cm = request.related.ofType(k8sTypes.core.v1.ConfigMap).get(ref);
      const value = (cm?.data)?.value ?? "absent";
      return {
        children: [
          { apiVersion: "v1", kind: "Secret", metadata: { name: `${name}-copy` }, stringData: { value } },
        ],
      };
    },
  };
}

describe("several operators in one process", () => {
  it("share one ConfigMap informer, converge, report on one /metrics, stay isolated and stop together", async () => {
    const { env, admin } = shared;
    const ns = `manager-${Date.now() % 100000}`;
    await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
    const configMaps = admin.resource(k8sTypes.core.v1.ConfigMap, ns);
    await configMaps.create({ metadata: { name: "settings", namespace: ns }, data: { value: "one" } });
    const related = RelatedConfig.referencedBy<Parent>((p) => p.spec?.configMapRef);
    const alpha = new OperatorConfig("alpha", Widget)
      .withChild(k8sTypes.core.v1.Secret, ChildConfig.apply())
      .withRelated(k8sTypes.core.v1.ConfigMap, related)
      .withNamespace(ns);
    const beta = new OperatorConfig("beta", Gadget)
      .withChild(k8sTypes.core.v1.Secret, ChildConfig.apply())
      .withRelated(k8sTypes.core.v1.ConfigMap, related)
      .withNamespace(ns);
    const alphaCalls = new Map<string, number>();
    const betaCalls = new Map<string, number>();
    const configMapRequests: string[] = [];
    const ops = startOperators(
      [
        { config: alpha, handler: copyingHandler(alphaCalls) },
        { config: beta, handler: copyingHandler(betaCalls) },
      ],
      {
        clientConfig: env.clientConfig("two-operators"),
        logger: silentLogger,
        serverPort: 0,
        onRequest: (event) => {
          if (event.resource?.startsWith("ConfigMap")) configMapRequests.push(event.verb);
        },
      },
    );
    let stopped = false;
    try {
      await ops.ready;
      const secretValue = async (name: string) => {
        const secret = await admin.resource(k8sTypes.core.v1.Secret, ns).getOrUndefined(`${name}-copy`);
        const data = secret?.data as Record<string, string> | undefined;
        return data?.value ? Buffer.from(data.value, "base64").toString() : undefined;
      };
      const create = (type: typeof Widget, name: string, spec: Parent["spec"]) =>
        admin.resource(type, ns).create({
          apiVersion: type.apiVersion,
          kind: type.kind,
          metadata: { name, namespace: ns },
          spec,
        });
      await create(Widget, "w1", { configMapRef: "settings" });
      await create(Gadget, "g1", { configMapRef: "settings" });
      await create(Gadget, "g-bad", { configMapRef: "settings", fail: true });
      await eventually(
        "both converge",
        async () => (await secretValue("w1")) === "one" && (await secretValue("g1")) === "one",
      );
      await eventually("the failing parent was tried", async () => (betaCalls.get("g-bad") ?? 0) >= 2);

      // One change of the shared ConfigMap reaches both operators, beta's failing parent notwithstanding.
      await configMaps.patch("settings", "merge", { data: { value: "two" } });
      await eventually(
        "both follow the ConfigMap",
        async () => (await secretValue("w1")) === "two" && (await secretValue("g1")) === "two",
      );

      assert.deepEqual(
        configMapRequests.filter((verb) => verb === "list" || verb === "watch").sort(),
        ["list", "watch"],
        `ConfigMap requests: ${configMapRequests.join(", ")}`,
      );

      const text = await (await fetch(`http://127.0.0.1:${ops.serverPort}/metrics`)).text();
      assert.match(text, /controller_runtime_reconcile_total\{controller="alpha",result="success"\} [1-9]/);
      assert.match(text, /controller_runtime_reconcile_total\{controller="beta",result="success"\} [1-9]/);
      assert.match(text, /controller_runtime_reconcile_errors_total\{controller="beta"\} [1-9]/);
      assert.doesNotMatch(text, /controller_runtime_reconcile_errors_total\{controller="alpha"\}/);
      assert.match(text, /workqueue_adds_total\{name="alpha"\} [1-9]/);
      assert.match(text, /workqueue_adds_total\{name="beta"\} [1-9]/);
      assert.match(text, /tsoperator_cached_objects\{controller="alpha",type="ConfigMap[^"]*"\} 1/);
      assert.match(text, /tsoperator_cached_objects\{controller="beta",type="ConfigMap[^"]*"\} 1/);

      const port = ops.serverPort;
      await ops.stop();
      stopped = true;
      await ops.done;
      const callsAtStop = [...alphaCalls.values(), ...betaCalls.values()].reduce((a, b) => a + b, 0);
      await create(Widget, "w-late", { configMapRef: "settings" });
      await create(Gadget, "g-late", { configMapRef: "settings" });
      await configMaps.patch("settings", "merge", { data: { value: "three" } });
      await sleep(1_500);
      assert.equal(
        [...alphaCalls.values(), ...betaCalls.values()].reduce((a, b) => a + b, 0),
        callsAtStop,
      );
      await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), "the server is closed");
      for (const controller of ops.controllers.values()) assert.ok(controller.queue.isShuttingDown);
    } finally {
      if (!stopped) await ops.stop();
    }
  });

  it("elect one leader for the lot: one Lease; only the leader's operators sync; the other takes over on stop", async () => {
    const { env, admin } = shared;
    const ns = `manager-le-${Date.now() % 100000}`;
    await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
    const replica = (identity: string, calls: Map<string, number>) =>
      startOperators(
        [
          { config: new OperatorConfig("alpha", Widget).withNamespace(ns), handler: countingSync(calls) },
          { config: new OperatorConfig("beta", Gadget).withNamespace(ns), handler: countingSync(calls) },
        ],
        {
          clientConfig: env.clientConfig(identity),
          logger: silentLogger,
          serverPort: 0,
          leaderElection: {
            leaseName: "pair",
            leaseNamespace: ns,
            identity,
            leaseDurationMs: 3_000,
            renewDeadlineMs: 2_000,
            retryPeriodMs: 250,
          },
        },
      );
    const firstCalls = new Map<string, number>();
    const secondCalls = new Map<string, number>();
    const first = replica("replica-1", firstCalls);
    await first.ready;
    const second = replica("replica-2", secondCalls);
    try {
      await second.ready;
      const create = (type: typeof Widget, name: string) =>
        admin
          .resource(type, ns)
          .create({ apiVersion: type.apiVersion, kind: type.kind, metadata: { name, namespace: ns } });
      await create(Widget, "w1");
      await create(Gadget, "g1");
      await eventually(
        "the leader's two operators sync",
        async () => firstCalls.has("alpha/w1") && firstCalls.has("beta/g1"),
      );
      await sleep(1_000);
      assert.equal(secondCalls.size, 0, "the follower runs no workers");
      const leases = await admin.resource(k8sTypes.coordination.v1.Lease, ns).list();
      assert.deepEqual(
        leases.items.map((l) => [l.metadata.name, (l.spec as { holderIdentity?: string }).holderIdentity]),
        [["pair", "replica-1"]],
        "one Lease for both operators",
      );

      await first.stop(); // graceful: releases the Lease
      await create(Widget, "w2");
      await create(Gadget, "g2");
      await eventually(
        "the new leader's two operators sync",
        async () => secondCalls.has("alpha/w2") && secondCalls.has("beta/g2"),
      );
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});

/** Counts calls per "operator/parent". */
function countingSync(calls: Map<string, number>) {
  return (request: { parent: KubeObject }, context: { operatorName: string }) => {
    const key = `${context.operatorName}/${request.parent.metadata.name}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return { children: [] };
  };
}
