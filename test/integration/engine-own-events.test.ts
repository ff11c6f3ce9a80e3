/**
 * The engine's own writes do not call the handler again: the watch events that only report a write of ours are
 * recognised (the resourceVersion our write returned), also when they arrive before the write's answer, while the
 * sync still runs. Anyone else's change (a different resourceVersion, a deletion), even right after our write,
 * still brings a sync, and a handler that looks at its children is still shown the ones it created.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../src/core/types.js";
import type { Handler } from "../../src/operator/api/handler.js";
import { useTestEnvironment } from "../support/integration-env.js";
import { widgetCrd } from "../support/crds.js";
import {
  ConfigMap,
  eventually,
  newCallLog,
  scenarioSync,
  sleep,
  syncedOf,
  type ScenarioParent,
} from "../support/operator-harness.js";
import { startScenario, type Scenario } from "../support/operator-scenario.js";

const shared = useTestEnvironment([widgetCrd]);

/** Handler calls per parent name. */
type Calls = Map<string, number>;

/** K ConfigMaps per parent and a status that does not look at the children (like bench/peers/tsoperator). */
function blindHandler(calls: Calls, k: number): Handler<ScenarioParent> {
  return {
    sync: ({ parent }) => {
      const name = parent.metadata.name ?? "";
      calls.set(name, (calls.get(name) ?? 0) + 1);
      const children: KubeObject[] = Array.from({ length: k }, (_, i) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${name}-${i}` },
        data: { index: String(i), v: "ours" },
      }));
      return { status: { children: k }, children };
    },
  };
}

async function allSynced(s: Scenario, n: number): Promise<void> {
  await eventually(
    `${n} parents Synced=True`,
    async () => (await s.parents.list()).items.filter((p) => syncedOf(p)?.status === "True").length === n,
    60_000,
  );
}

describe("own writes do not call the handler again", () => {
  it("calls the handler exactly once per parent when N parents with K children each are created", async () => {
    const N = 40;
    const K = 3;
    const calls: Calls = new Map();
    const s = await startScenario(shared.env, shared.admin, (c) => c, {
      prefix: "own",
      handler: blindHandler(calls, K),
    });
    try {
      await Promise.all(Array.from({ length: N }, (_, i) => s.createParent(`p${i}`, {})));
      await allSynced(s, N);
      // Quiet period: every watch event of our own writes has arrived by now.
      await sleep(3_000);
      assert.equal((await shared.admin.resource(ConfigMap, s.ns).list()).items.length, N * K);
      const perParent = [...calls.values()];
      assert.equal(perParent.length, N);
      assert.deepEqual(
        perParent.filter((c) => c !== 1),
        [],
        `handler calls per parent: ${perParent.join(",")}`,
      );
      assert.equal(s.writes.length, N * K, "each child written once");
    } finally {
      await s.stop();
    }
  });

  it("shows a handler that reads its children the ones it created, once", async () => {
    const log = newCallLog();
    const s = await startScenario(shared.env, shared.admin, (c) => c, {
      prefix: "own",
      handler: { sync: scenarioSync(log) },
    });
    try {
      const children = [0, 1].map((i) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `c${i}` },
        data: { i: String(i) },
      }));
      await s.createParent("reader", { children });
      // scenarioSync reports request.children.all().length: the second call sees both children.
      await eventually("status.childCount = 2", async () => {
        const p = await s.parents.get("reader");
        return (p.status as { childCount?: number } | undefined)?.childCount === 2;
      });
      await sleep(2_000);
      assert.equal(log.syncs.get("reader")?.length, 2, "one call to create, one to see what it created");
    } finally {
      await s.stop();
    }
  });

  it("syncs again for someone else's change or deletion right after our write", async () => {
    const calls: Calls = new Map();
    const intrusions: Array<Promise<unknown>> = [];
    const s = await startScenario(shared.env, shared.admin, (c) => c, {
      prefix: "own",
      handler: blindHandler(calls, 2),
      observer: {
        // As soon as our write's answer is in (the sync is still running: the status write comes next), another
        // manager changes the first child and deletes the second. `what` is "ConfigMap.v1 <ns>/<name>".
        onWrite: (key, verb, what) => {
          if (verb !== "create" || (calls.get(key.split("/")[1] ?? "") ?? 0) > 1) return;
          const [ns = "", name = ""] = (what.split(" ")[1] ?? "").split("/");
          const api = shared.admin.resource(ConfigMap, ns);
          if (name.endsWith("-0")) {
            intrusions.push(
              api.patch(name, "merge", { data: { v: "intruder" } }, { fieldManager: "intruder" }),
            );
          } else if (name.endsWith("-1")) {
            intrusions.push(api.delete(name));
          }
        },
      },
    });
    try {
      const N = 5;
      await Promise.all(Array.from({ length: N }, (_, i) => s.createParent(`f${i}`, {})));
      await allSynced(s, N);
      await eventually("both intrusions sent", async () => intrusions.length === 2 * N);
      await Promise.all(intrusions);
      const api = shared.admin.resource(ConfigMap, s.ns);
      await eventually("every changed child repaired, every deleted one recreated", async () => {
        for (let i = 0; i < N; i++) {
          const changed = await api.getOrUndefined(`f${i}-0`);
          const deleted = await api.getOrUndefined(`f${i}-1`);
          if ((changed?.data as Record<string, string> | undefined)?.v !== "ours" || !deleted) return false;
        }
        return true;
      });
      for (let i = 0; i < N; i++) assert.ok((calls.get(`f${i}`) ?? 0) >= 2, `f${i} synced again`);
    } finally {
      await s.stop();
    }
  });
});
