/**
 * Drift is read from the objects, not from the operator's memory: while the operator is down, another field
 * manager changes a field we set, removes a label we set, or deletes children; on start, exactly those children
 * are written and every other child costs no request, also with values the server normalises (cpu: 1000m).
 * The same holds when a new leader takes over.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig, type OperatorConfig } from "../../src/operator/api/config.js";
import { useTestEnvironment } from "../support/integration-env.js";
import { widgetCrd } from "../support/crds.js";
import { eventually, sleep, syncedOf } from "../support/operator-harness.js";
import { startScenario, type Scenario } from "../support/operator-scenario.js";

const Deployment = k8sTypes.apps.v1.Deployment;
const N = 100;

const shared = useTestEnvironment([widgetCrd]);

function deployment(name: string): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { ...labels, tier: "web" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "main",
              image: "registry.example/echo:1",
              ports: [{ containerPort: 8080 }],
              resources: { requests: { cpu: "1000m", memory: "64Mi" }, limits: { cpu: "2000m" } },
            },
          ],
        },
      },
    },
  };
}

const name = (i: number) => `d${String(i).padStart(3, "0")}`;

async function converge(s: Scenario): Promise<void> {
  await eventually(
    "every parent Synced=True",
    async () => {
      const list = await s.parents.list();
      const done = list.items.filter((p) => syncedOf(p)?.status === "True");
      return done.length === N;
    },
    90_000,
  );
}

/** While the operator is down: 10 fields changed, 5 labels removed, 5 children deleted, by another manager. */
async function driftWhileDown(s: Scenario): Promise<Set<string>> {
  const api = shared.admin.resource(Deployment, s.ns);
  const touched = new Set<string>();
  for (let i = 0; i < 10; i++) {
    await api.patch(name(i), "merge", { spec: { replicas: 3 } }, { fieldManager: "intruder" });
    touched.add(name(i));
  }
  for (let i = 10; i < 15; i++) {
    await api.patch(name(i), "json", [{ op: "remove", path: "/metadata/labels/tier" }], {
      fieldManager: "intruder",
    });
    touched.add(name(i));
  }
  for (let i = 15; i < 20; i++) {
    await api.delete(name(i));
    touched.add(name(i));
  }
  return touched;
}

async function scenarioWith(configure: (c: OperatorConfig) => OperatorConfig): Promise<Scenario> {
  return startScenario(
    shared.env,
    shared.admin,
    (c) => configure(c.withChild(Deployment, ChildConfig.apply()).withConcurrency(8)),
    { prefix: "drift" },
  );
}

async function runDriftScenario(s: Scenario, restart: () => Promise<void>): Promise<void> {
  for (let i = 0; i < N; i++) await s.createParent(`p-${name(i)}`, { children: [deployment(name(i))] });
  await converge(s);
  await sleep(1_000);
  await s.op.stop();
  const touched = await driftWhileDown(s);
  s.writes.length = 0;
  s.statusWrites.length = 0;
  await restart();
  const api = shared.admin.resource(Deployment, s.ns);
  await eventually(
    "drift repaired",
    async () => {
      for (let i = 0; i < 20; i++) {
        const d = await api.getOrUndefined(name(i));
        if (!d) return false;
        if ((d.spec as { replicas?: number }).replicas !== 1) return false;
        if (d.metadata.labels?.tier !== "web") return false;
      }
      return true;
    },
    60_000,
  );
  await sleep(3_000);
  const written = new Map<string, number>();
  // A child created with a POST gets its managedFields entry claimed (a JSON patch) before its first apply.
  let claims = 0;
  for (const w of s.writes) {
    const child = /Deployment\.apps\/v1 [^/]+\/(\S+)$/.exec(w)?.[1];
    assert.ok(child, `only Deployments are written: ${w}`);
    if (w.startsWith("claim ")) claims++;
    else written.set(child, (written.get(child) ?? 0) + 1);
  }
  assert.deepEqual([...written.keys()].sort(), [...touched].sort(), `writes: ${s.writes.join(", ")}`);
  for (const [child, count] of written) assert.equal(count, 1, `${child} written once`);
  assert.ok(claims <= 15, `at most one claim per changed (not deleted) child: ${claims}`);
  // Counted on the wire too: child writes (server-side apply), claims and status writes are PATCHes; nothing
  // else is patched or deleted, so nothing was sent for the 80 untouched children. (POST and PUT are left out: a
  // new leader creates or renews its Lease with them.)
  const patches = await s.op.metrics.requestCount({ method: "PATCH" });
  assert.equal(
    patches,
    15 + claims + s.statusWrites.length,
    `PATCH requests (${claims} claims, ${s.statusWrites.length} status writes)`,
  );
  assert.equal(await s.op.metrics.requestCount({ method: "DELETE" }), 0);
}

describe("drift made while the operator was down", () => {
  it("is repaired on restart, writing exactly the 20 drifted children and nothing for the other 80", async () => {
    const s = await scenarioWith((c) => c);
    try {
      await runDriftScenario(s, () => s.restart());
    } finally {
      await s.stop();
    }
  });

  it("is repaired the same way by a new leader", async () => {
    const s = await scenarioWith((c) =>
      c.withLeaderElection({ leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 }),
    );
    try {
      await runDriftScenario(s, () => s.restart());
    } finally {
      await s.stop();
    }
  });
});
