/**
 * Safety and truth against a real control plane: the engine never modifies or deletes an object its parent does
 * not control (adoption only on opt-in, keeping other owners), a failing parent's status is stable and truthful,
 * and no request loops (a delete that finds nothing is done; an idle converged operator sends nothing).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig } from "../../src/operator/api/config.js";
import { useTestEnvironment } from "../support/integration-env.js";
import { widgetCrd } from "../support/crds.js";
import type { Handler } from "../../src/operator/api/handler.js";
import {
  ConfigMap,
  Secret,
  cm,
  eventually,
  newCallLog,
  scenarioSync,
  sleep,
  syncedOf,
  type ScenarioParent,
} from "../support/operator-harness.js";
import { grantUserClusterRole } from "../support/user-rbac.js";
import { startScenario, type Scenario } from "../support/operator-scenario.js";

const shared = useTestEnvironment([widgetCrd]);

async function eventsFor(ns: string, name: string): Promise<KubeObject[]> {
  const list = await shared.admin.resource(k8sTypes.core.v1.Event, ns).list();
  return list.items.filter(
    (e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === name,
  );
}

/** A ConfigMap controlled by another object (a real one, so the garbage collector leaves it alone). */
async function foreignConfigMap(s: Scenario, name: string): Promise<KubeObject> {
  const owner = await shared.admin.resource(ConfigMap, s.ns).create(cm(`${name}-owner`, {}));
  return shared.admin.resource(ConfigMap, s.ns).create({
    ...cm(name, { owner: "someone-else" }),
    metadata: {
      name,
      ownerReferences: [
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          name: owner.metadata.name!,
          uid: owner.metadata.uid!,
          controller: true,
        },
      ],
    },
  });
}

describe("never touch what is not ours", () => {
  it("leaves a ConfigMap controlled by another owner unchanged, says so on the parent, and keeps it after the parent goes", async () => {
    const s = await startScenario(shared.env, shared.admin, (c) => c, { prefix: "safety" });
    try {
      const foreign = await foreignConfigMap(s, "taken");
      await s.createParent("p", { children: [cm("taken", { mine: "1" }), cm("free", { mine: "1" })] });
      await eventually("the valid child is applied", () => s.get(ConfigMap, "free"));
      const parent = await eventually("ChildConflict on the parent", async () => {
        const p = await s.parents.get("p");
        return syncedOf(p)?.reason === "ChildConflict" ? p : undefined;
      });
      assert.equal(syncedOf(parent)?.status, "False");
      assert.match(
        syncedOf(parent)?.message ?? "",
        new RegExp(
          `ConfigMap.v1 ${s.ns}/taken exists and is controlled by ConfigMap taken-owner, not by this Widget`,
        ),
      );
      await eventually("a Warning Event names the object", async () =>
        (await eventsFor(s.ns, "p")).some(
          (e) =>
            (e as { type?: string }).type === "Warning" &&
            /taken exists/.test(String((e as { message?: string }).message)),
        ),
      );
      const after = await s.get(ConfigMap, "taken");
      assert.deepEqual(after?.data, { owner: "someone-else" });
      assert.equal(after?.metadata.resourceVersion, foreign.metadata.resourceVersion, "never written");
      assert.ok(!s.writes.some((w) => w.includes("/taken")), `no write to it: ${s.writes.join(", ")}`);

      await s.parents.delete("p");
      await eventually(
        "our own child is garbage-collected",
        async () => (await s.get(ConfigMap, "free")) === undefined,
        30_000,
      );
      const survivor = await s.get(ConfigMap, "taken");
      assert.equal(
        survivor?.metadata.resourceVersion,
        foreign.metadata.resourceVersion,
        "still there, untouched",
      );
    } finally {
      await s.stop();
    }
  });

  it("refuses to adopt an object with no controller unless asked, and never deletes it", async () => {
    const s = await startScenario(shared.env, shared.admin, (c) => c, { prefix: "safety" });
    try {
      const orphan = await shared.admin.resource(ConfigMap, s.ns).create(cm("orphan", { precious: "data" }));
      await s.createParent("p", { children: [cm("orphan", { mine: "1" })] });
      await eventually(
        "ChildConflict",
        async () => syncedOf(await s.parents.get("p"))?.reason === "ChildConflict",
      );
      assert.match(
        syncedOf(await s.parents.get("p"))?.message ?? "",
        /orphan exists and is not owned by this Widget/,
      );
      // The handler stops wanting it: still not deleted (it was never ours).
      await s.setSpec("p", { children: [] });
      await eventually("Synced=True", async () => syncedOf(await s.parents.get("p"))?.status === "True");
      const still = await s.get(ConfigMap, "orphan");
      assert.equal(still?.metadata.resourceVersion, orphan.metadata.resourceVersion);
      assert.ok(!s.writes.some((w) => w.includes("/orphan")), s.writes.join(", "));
    } finally {
      await s.stop();
    }
  });

  it("adopts an orphan on opt-in, adding our controller reference and keeping the others", async () => {
    const s = await startScenario(shared.env, shared.admin, (c) => c, {
      prefix: "safety",
      configMaps: ChildConfig.apply().adoptOrphans(),
    });
    try {
      const other = await shared.admin
        .resource(Secret, s.ns)
        .create({ metadata: { name: "keeper" }, data: {} });
      await shared.admin.resource(ConfigMap, s.ns).create({
        ...cm("adoptee", { old: "x" }),
        metadata: {
          name: "adoptee",
          ownerReferences: [{ apiVersion: "v1", kind: "Secret", name: "keeper", uid: other.metadata.uid! }],
        },
      });
      const parent = await s.createParent("p", { children: [cm("adoptee", { mine: "1" })] });
      const adopted = await eventually("adopted and applied", async () => {
        const obj = await s.get(ConfigMap, "adoptee");
        return (obj?.data as Record<string, string> | undefined)?.mine === "1" ? obj : undefined;
      });
      assert.deepEqual(
        adopted.metadata.ownerReferences?.map((r) => [r.uid, r.controller ?? false]),
        [
          [other.metadata.uid, false],
          [parent.metadata.uid, true],
        ],
      );
      // Server-side apply: the field another writer set stays theirs, ours is added.
      assert.deepEqual(adopted.data, { mine: "1", old: "x" });
    } finally {
      await s.stop();
    }
  });
});

describe("status tells the truth", () => {
  it("shows a child the apiserver rejects as Synced=False on every read, with one status write, and recovers", async () => {
    const s = await startScenario(shared.env, shared.admin, (c) => c, { prefix: "truth" });
    try {
      await s.createParent("p", { children: [cm("bad", { "bad key!": "v" })] });
      await eventually("Synced=False", async () => syncedOf(await s.parents.get("p"))?.status === "False");
      const writesBefore = s.statusWrites.length;
      const deadline = Date.now() + 10_000;
      let reads = 0;
      while (Date.now() < deadline) {
        const p = await s.parents.get("p");
        const condition = syncedOf(p);
        assert.equal(condition?.status, "False", `read ${reads}: ${JSON.stringify(p.status)}`);
        assert.match(condition?.message ?? "", /bad key!/);
        assert.equal(
          (p.status as { observedGeneration?: number }).observedGeneration,
          undefined,
          "not applied",
        );
        reads++;
        await sleep(200);
      }
      assert.ok(reads > 20);
      assert.ok(
        s.statusWrites.length - writesBefore <= 0,
        `no more status writes while unchanged (${s.statusWrites.length})`,
      );
      assert.equal(s.statusWrites.length, 1);

      const fixed = await s.setSpec("p", { children: [cm("bad", { good: "v" })] });
      const p = await eventually("Synced=True", async () => {
        const obj = await s.parents.get("p");
        return syncedOf(obj)?.status === "True" ? obj : undefined;
      });
      assert.equal(
        (p.status as { observedGeneration?: number }).observedGeneration,
        fixed.metadata.generation,
      );
    } finally {
      await s.stop();
    }
  });

  it("shows a 403 on a child as Synced=False with the server's message", async () => {
    // A user that may read Secrets but not create them.
    const user = "truth-limited-operator";
    await grantUserClusterRole(shared.admin, user, [
      { apiGroups: ["test.tsoperator.dev"], resources: ["widgets", "widgets/status"], verbs: ["*"] },
      { apiGroups: [""], resources: ["configmaps", "serviceaccounts", "podtemplates"], verbs: ["*"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch"] },
    ]);
    const s = await startScenario(shared.env, shared.admin, (c) => c, {
      prefix: "truth",
      clientConfig: shared.env.clientConfig("scenario-operator").with({ impersonate: user }),
    });
    try {
      await s.createParent("p", {
        children: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "nope" }, stringData: { a: "b" } }],
      });
      const p = await eventually("Synced=False", async () => {
        const obj = await s.parents.get("p");
        return syncedOf(obj)?.status === "False" ? obj : undefined;
      });
      assert.equal(syncedOf(p)?.reason, "ApiForbidden");
      assert.match(syncedOf(p)?.message ?? "", /forbidden/i);
      await sleep(3_000);
      assert.equal(s.statusWrites.length, 1, "one status write while the failure is unchanged");
    } finally {
      await s.stop();
    }
  });
});

describe("a 5xx that lasts is a failure", () => {
  it("shows an admission webhook that is down as Synced=False once transientFailureGraceMs has passed, and recovers", async () => {
    const graceMs = 3_000;
    const s = await startScenario(shared.env, shared.admin, (c) => c.withTransientFailureGraceMs(graceMs), {
      prefix: "webhook-down",
    });
    // A real admission webhook nobody serves: the apiserver answers every ConfigMap write in this namespace with
    // 500 "failed calling webhook", as when a webhook's pods are down.
    const Webhooks = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingWebhookConfiguration",
      plural: "validatingwebhookconfigurations",
      namespaced: false,
    };
    const webhooks = shared.admin.resource(Webhooks);
    await webhooks.create({
      apiVersion: Webhooks.apiVersion,
      kind: Webhooks.kind,
      metadata: { name: s.ns },
      webhooks: [
        {
          name: "down.test.tsoperator.dev",
          clientConfig: { url: "https://127.0.0.1:1/validate" },
          rules: [
            {
              apiGroups: [""],
              apiVersions: ["v1"],
              operations: ["CREATE", "UPDATE"],
              resources: ["configmaps"],
            },
          ],
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": s.ns } },
          failurePolicy: "Fail",
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          timeoutSeconds: 2,
        },
      ],
    });
    try {
      const created = Date.now();
      await s.createParent("p", { children: [cm("guarded", { a: "1" })] });
      const failed = await eventually(
        "Synced=False naming the webhook",
        async () => {
          const obj = await s.parents.get("p");
          return syncedOf(obj)?.status === "False" ? obj : undefined;
        },
        30_000,
      );
      const shownAfterMs = Date.now() - created;
      assert.ok(shownAfterMs >= graceMs, `quiet for the grace period, shown after ${shownAfterMs} ms`);
      assert.equal(syncedOf(failed)?.reason, "ApiInternalError");
      assert.match(syncedOf(failed)?.message ?? "", /failed calling webhook/);

      await webhooks.delete(s.ns);
      const recovered = await eventually(
        "Synced=True once the webhook is gone",
        async () => {
          const obj = await s.parents.get("p");
          return syncedOf(obj)?.status === "True" ? obj : undefined;
        },
        30_000,
      );
      assert.equal(
        (recovered.status as { observedGeneration?: number }).observedGeneration,
        recovered.metadata.generation,
      );
      assert.ok(await s.get(ConfigMap, "guarded"), "the child is applied");
    } finally {
      await webhooks.delete(s.ns).catch(() => undefined);
      await s.stop();
    }
  });
});

describe("no request loops", () => {
  it("a child deleted by someone else after the cache was read costs exactly one DELETE", async () => {
    let deleteBehindTheEngine: (() => Promise<void>) | undefined;
    const handler: Handler<ScenarioParent> = {
      async sync(request) {
        // The request (and the engine's view of the children) is taken; now someone else deletes "b" and the
        // handler no longer wants it: the engine will delete an object that is already gone (404).
        await deleteBehindTheEngine?.();
        return scenarioSync(newCallLog())(request);
      },
    };
    const s = await startScenario(shared.env, shared.admin, (c) => c, { prefix: "loops", handler });
    try {
      await s.createParent("p", { children: [cm("a", { v: "1" }), cm("b", { v: "1" })] });
      await eventually("both children", async () => (await s.get(ConfigMap, "b")) !== undefined);
      await eventually("converged", async () => syncedOf(await s.parents.get("p"))?.status === "True");
      await sleep(500);
      const deletesBefore = await s.op.metrics.requestCount({ method: "DELETE" });
      deleteBehindTheEngine = async () => {
        deleteBehindTheEngine = undefined;
        await shared.admin.resource(ConfigMap, s.ns).delete("b");
      };
      await s.setSpec("p", { children: [cm("a", { v: "1" })] });
      await eventually("b gone", async () => (await s.get(ConfigMap, "b")) === undefined);
      await sleep(3_000);
      assert.equal((await s.op.metrics.requestCount({ method: "DELETE" })) - deletesBefore, 1, "one DELETE");
      assert.equal(
        await s.op.metrics.requestCount({ method: "DELETE", code: "404" }),
        1,
        "and it found nothing",
      );
      assert.ok(
        !s.writes.some((w) => w.startsWith("delete")),
        `a 404 is not a write: ${s.writes.join(", ")}`,
      );
    } finally {
      await s.stop();
    }
  });

  it("an idle converged operator with 100 parents sends no request but its watches for 30 s", async () => {
    const s = await startScenario(shared.env, shared.admin, (c) => c.withConcurrency(8), { prefix: "idle" });
    try {
      for (let i = 0; i < 100; i++)
        await s.createParent(`p${i}`, { children: [cm(`c${i}`, { i: String(i) })] });
      await eventually(
        "all converged",
        async () => {
          const list = await s.parents.list();
          return list.items.filter((p) => syncedOf(p)?.status === "True").length === 100;
        },
        60_000,
      );
      await sleep(2_000);
      const before = await requestCounts(s);
      await sleep(30_000);
      const after = await requestCounts(s);
      assert.deepEqual(after, before, "no request besides the watches");
    } finally {
      await s.stop();
    }
  });
});

/** The operator's requests so far, by HTTP method (watches are long-lived GETs that do not reconnect in 30 s). */
async function requestCounts(s: Scenario): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"])
    out[method] = await s.op.metrics.requestCount({ method });
  return out;
}
