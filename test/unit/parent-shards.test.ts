import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { ParentShards } from "../../src/operator/manager/sharding.js";
import { bucketOf } from "../../src/core/shard-hash.js";
import type { KubeObject } from "../../src/core/types.js";

const parent = (uid: string): KubeObject => ({ apiVersion: "v1", kind: "W", metadata: { name: uid, uid } });
/** A parent in bucket `b` of 4. */
function parentIn(b: number): KubeObject {
  for (let i = 0; ; i++) if (bucketOf(`uid-${i}`, 4) === b) return parent(`uid-${i}`);
}

void describe("ParentShards (the per-bucket fence of the syncs)", () => {
  it("runs syncs only for held buckets, and with a signal that follows the ring's", async () => {
    const shards = new ParentShards("uid", 4);
    const ring = new AbortController();
    const p = parentIn(2);
    assert.equal(shards.owns(p), false);
    assert.equal(
      shards.run(p, new AbortController().signal, async () => "ran"),
      undefined,
    );
    shards.start(2, ring.signal);
    assert.equal(shards.owns(p), true);
    assert.equal(shards.owns(parentIn(1)), false);
    let seen: AbortSignal | undefined;
    assert.equal(
      await shards.run(p, new AbortController().signal, async (signal) => ((seen = signal), "ran")),
      "ran",
    );
    ring.abort();
    assert.equal(seen?.aborted, true, "losing the bucket aborts its syncs' signal");
  });

  it("stop: no new sync starts, in-flight ones finish within the grace, then the rest are aborted", async () => {
    const shards = new ParentShards("uid", 4);
    shards.start(0, new AbortController().signal);
    const p = parentIn(0);
    const order: string[] = [];
    const quick = shards.run(p, new AbortController().signal, async () => {
      await delay(30);
      order.push("quick done");
    });
    const stopping = shards.stop(0, 1000).then((abandoned) => order.push(`stopped (${abandoned} abandoned)`));
    assert.equal(shards.owns(p), false, "not owned from the moment stop begins");
    assert.equal(
      shards.run(p, new AbortController().signal, async () => order.push("late")),
      undefined,
    );
    await Promise.all([quick, stopping]);
    assert.deepEqual(order, ["quick done", "stopped (0 abandoned)"]);

    shards.start(0, new AbortController().signal);
    let aborted = false;
    const slow = shards.run(
      p,
      new AbortController().signal,
      (signal) =>
        new Promise<void>((resolve) => signal.addEventListener("abort", () => ((aborted = true), resolve()))),
    );
    const started = Date.now();
    assert.equal(await shards.stop(0, 50), 0);
    await slow;
    assert.ok(aborted && Date.now() - started < 500, "aborted after the grace, then awaited");

    shards.start(0, new AbortController().signal);
    void shards.run(p, new AbortController().signal, () => new Promise<void>(() => {}));
    assert.equal(await shards.stop(0, 0, 30), 1, "a sync ignoring its signal is abandoned, and counted");
  });

  it("namespace key: a namespace's parents share a bucket", () => {
    const shards = new ParentShards("namespace", 8);
    const a: KubeObject = {
      apiVersion: "v1",
      kind: "W",
      metadata: { name: "a", namespace: "team", uid: "1" },
    };
    const b: KubeObject = {
      apiVersion: "v1",
      kind: "W",
      metadata: { name: "b", namespace: "team", uid: "2" },
    };
    assert.equal(shards.bucketOf(a), shards.bucketOf(b));
    assert.equal(shards.bucketOf(a), bucketOf("team", 8));
  });
});
