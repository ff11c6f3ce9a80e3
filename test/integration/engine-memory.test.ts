/**
 * Bounded memory under parent churn (the temp-namespace pattern): 2,000 parents with 2 children each are created
 * and deleted; once their children are gone (removed by the garbage collector or by someone else), the engine's
 * per-object bookkeeping is back to its size before, and the heap after a forced GC is within 10% of where it
 * started.
 *
 * "Where it started" is measured after a warm-up round of the same churn at a tenth of the size, so one-time
 * costs (code compiled on first use, connection pools, metric series) are not mistaken for growth; growth that
 * scales with the number of parents churned is what a leak looks like.
 */
import assert from "node:assert/strict";
import { setFlagsFromString, writeHeapSnapshot } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, it } from "node:test";
import { widgetCrd } from "../support/crds.js";
import { useTestEnvironment } from "../support/integration-env.js";
import { ConfigMap, cm, eventually, sleep } from "../support/operator-harness.js";
import { startScenario, type Scenario } from "../support/operator-scenario.js";

const PARENTS = Number(process.env.TSOP_CHURN_PARENTS ?? 2_000);

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** The heap after a forced GC, without the test's own records of the run (writes and sync calls it logged). */
async function heapAfterGc(s: Scenario): Promise<number> {
  s.writes.length = 0;
  s.statusWrites.length = 0;
  s.log.syncs.clear();
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
}

const shared = useTestEnvironment([widgetCrd]);

/** Runs `fn` over 0..n-1, `limit` at a time. */
async function inBatches(n: number, limit: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** Creates `count` parents with 2 children each, waits for them, deletes them all, waits until the cache is empty. */
async function churn(s: Scenario, round: string, count: number): Promise<void> {
  const controller = s.op.controller;
  const cachedConfigMaps = () =>
    controller.cachedObjects().find((c) => c.type.startsWith("ConfigMap"))?.count;
  await inBatches(count, 16, (i) =>
    s.createParent(`${round}-${i}`, {
      children: [cm(`${round}-a${i}`, { i: String(i) }), cm(`${round}-b${i}`, { i: String(i) })],
    }),
  );
  await eventually("all children cached", async () => cachedConfigMaps() === count * 2, 240_000);
  const during = controller.engineMemorySizes();
  // Statuses stored as written hold no entry (engine-reconciler.test.ts covers the ones the server normalises).
  assert.ok(during.childWrites >= count * 2, `in use: ${JSON.stringify(during)}`);

  await inBatches(count, 16, (i) => s.parents.delete(`${round}-${i}`));
  // The garbage collector deletes the children of deleted parents; here someone else also deletes them (a
  // collection delete), so both paths are taken and the test does not wait ~20 objects/s of GC.
  const selector = encodeURIComponent("tsoperator.dev/operator=scenario-operator");
  await shared.admin.request({
    method: "DELETE",
    path: `/api/v1/namespaces/${s.ns}/configmaps?labelSelector=${selector}`,
    verb: "deletecollection",
  });
  await eventually(
    "parents and children gone from the cache",
    async () => controller.cachedObjects().every((c) => c.count === 0),
    240_000,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; cache: ${JSON.stringify(controller.cachedObjects())}`);
  });
  await eventually(
    "nothing left on the server",
    async () => (await shared.admin.resource(ConfigMap, s.ns).list({ limit: 1 })).items.length === 0,
    60_000,
  );
  await sleep(500);
}

describe("parent churn", () => {
  it(`frees the engine's per-object state of ${PARENTS} deleted parents and their children`, async () => {
    const s = await startScenario(shared.env, shared.admin, (c) => c.withConcurrency(8), {
      prefix: "churn",
      clientConfig: shared.env.clientConfig("scenario-operator").with({ qps: Infinity }),
    });
    try {
      const controller = s.op.controller;
      const sizesAtStart = controller.engineMemorySizes();
      await churn(s, "warm", Math.max(1, Math.round(PARENTS / 10)));
      assert.deepEqual(controller.engineMemorySizes(), sizesAtStart, "warm-up round freed");
      const heapBefore = await heapAfterGc(s);
      if (process.env.TSOP_HEAP_SNAPSHOTS) writeHeapSnapshot("/tmp/churn-before.heapsnapshot");

      await churn(s, "main", PARENTS);
      assert.deepEqual(controller.engineMemorySizes(), sizesAtStart);
      const heapAfter = await heapAfterGc(s);
      if (process.env.TSOP_HEAP_SNAPSHOTS) writeHeapSnapshot("/tmp/churn-after.heapsnapshot");
      const growth = (heapAfter - heapBefore) / heapBefore;
      console.log(
        `churn of ${PARENTS} parents: heap ${(heapBefore / 1e6).toFixed(1)} MB -> ${(heapAfter / 1e6).toFixed(1)} MB` +
          ` (${(growth * 100).toFixed(1)}%)`,
      );
      assert.ok(growth <= 0.1, `heap grew ${(growth * 100).toFixed(1)}%`);
    } finally {
      await s.stop();
    }
  });
});
