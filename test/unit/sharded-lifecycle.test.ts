/**
 * The sharded lifecycle over in-memory Leases: the server's answer decides whether caches follow the shard; with
 * it, a bucket's syncs start only after its objects are cached, and a released bucket's objects are dropped only
 * after its syncs are over; without it, one warning and tsoperator_shard_client_side_filtering 1.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { Registry } from "prom-client";
import type { ListOptions } from "../../src/client/resource-api.js";
import type { KubeList, KubeObject } from "../../src/core/types.js";
import { OperatorConfig } from "../../src/operator/api/config.js";
import { ParentShards, shardedLifecycle, type ShardedTarget } from "../../src/operator/manager/sharding.js";
import type { ShardRingLeaseApi } from "../../src/runtime/shard-ring.js";
import { recordingLogger } from "../../src/testing/recording-logger.js";
import { FakeLeaseRing } from "../support/fake-lease-ring.js";

const Widget = { apiVersion: "test.tsoperator.dev/v1", kind: "Widget", plural: "widgets", namespaced: true };

/** In-memory Leases; with `gate`, a list with a shardSelector echoes it in shardInfo like the real server. */
function leaseSource(gate: boolean) {
  const api = new FakeLeaseRing().client();
  const list = api.list.bind(api);
  const withGate: ShardRingLeaseApi = Object.assign(api, {
    async list(options?: ListOptions): Promise<KubeList> {
      const answer = await list(options);
      if (!gate || !options?.shardSelector) return answer;
      return { ...answer, metadata: { ...answer.metadata, shardInfo: { selector: options.shardSelector } } };
    },
  });
  return { resource: () => withGate };
}

function setup(gate: boolean) {
  const shards = new ParentShards("uid", 2);
  const follows: number[][] = [];
  let release!: () => void;
  let cached = new Promise<void>((resolve) => (release = resolve));
  /** The `labelOf` of each labelling pass of pre-sharding children. */
  const passes: Array<(parent: KubeObject) => string | undefined> = [];
  const target: ShardedTarget = {
    startCaches: async () => {},
    cachesFollowShard: () => shards.serverSide,
    followBuckets: (held) => {
      follows.push([...held]);
      // Held back until the test lets the LIST "arrive"; releases resolve at once.
      return held.length > 0 ? cached : Promise.resolve();
    },
    startWorkers: () => {},
    stopWorkers: async () => {},
    stopCaches: async () => {},
    requeueParents: () => {},
    cachedParents: () => [],
    labelUnlabelledChildren: async (labelOf) => {
      passes.push(labelOf);
      await delay(50);
      return 0;
    },
  };
  const config = new OperatorConfig("op", Widget).withSharding({
    buckets: 2,
    identity: "a",
    leaseDurationMs: 1000,
    renewDeadlineMs: 800,
    retryPeriodMs: 100,
  });
  const { logger, lines } = recordingLogger();
  const registry = new Registry();
  const lifecycle = shardedLifecycle({
    target,
    shards,
    client: leaseSource(gate),
    config,
    identity: "a",
    namespace: "ns",
    logger,
    registry,
  });
  const metric = async () =>
    (await registry.getSingleMetric("tsoperator_shard_client_side_filtering")?.get())?.values[0]?.value;
  return {
    shards,
    follows,
    passes,
    lifecycle,
    lines,
    metric,
    arrive: () => {
      release();
      cached = new Promise<void>((resolve) => (release = resolve));
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

void describe("sharded lifecycle: caches follow the shard", () => {
  void it("with the gate: a bucket syncs only once its objects are cached, and is forgotten after its drain", async (ctx) => {
    const t = setup(true);
    // Stopped again after a failed assertion too: a ring left running would keep the test process alive.
    ctx.after(() => t.lifecycle.stop());
    await t.lifecycle.start();
    assert.equal(await t.metric(), 0);
    await until(() => t.follows.length > 0, "the first acquisition asks for the bucket's objects");
    await delay(300); // a few ring rounds: the bucket is held, its objects are not in yet
    assert.deepEqual(t.shards.held, [], "no sync before the bucket's objects are cached");
    t.arrive();
    await until(() => t.shards.held.length === 2, "both buckets started");
    assert.deepEqual(t.follows.at(-1)?.sort(), [0, 1]);
    // Children made before sharding are labelled once their parents' buckets are held: one pass per burst of
    // acquisitions (two buckets: one pass, or a second one asked for during the first), labels of held parents.
    await until(() => t.passes.length > 0, "a labelling pass after the acquisitions");
    await delay(200);
    assert.ok(t.passes.length <= 2, `${t.passes.length} passes for 2 acquisitions`);
    const parent = (uid: string): KubeObject => ({ apiVersion: "v1", kind: "Widget", metadata: { uid } });
    const labelOf = t.passes.at(-1);
    for (const uid of ["a", "b", "c", "d"]) {
      assert.equal(labelOf?.(parent(uid)), String(t.shards.bucketOf(parent(uid))));
    }
    await t.lifecycle.stop();
    assert.equal(labelOf?.(parent("a")), undefined, "no label for a parent of a bucket not held");
    assert.deepEqual(t.shards.held, []);
    assert.deepEqual(t.follows.at(-1), [], "the released buckets' objects are dropped");
    assert.ok(
      t.lines.some(
        (l) => l.level === "info" && /caching only the parents and children of held buckets/.test(l.message),
      ),
    );
  });

  void it("without the gate: one warning, client-side filtering reported, buckets start at once", async (ctx) => {
    const t = setup(false);
    ctx.after(() => t.lifecycle.stop());
    await t.lifecycle.start();
    await until(() => t.shards.held.length === 2, "both buckets started");
    assert.deepEqual(t.follows, [], "the caches hold everything: nothing to follow");
    assert.equal(t.passes.length, 0, "every child is cached: no labelling pass");
    assert.equal(await t.metric(), 1);
    const warnings = t.lines.filter(
      (l) => l.level === "warn" && /does not select hash ranges/.test(l.message),
    );
    assert.equal(warnings.length, 1);
    await t.lifecycle.stop();
  });
});
