/**
 * The shard ring on the real API server's Leases: three rings split the buckets within one of each other, the
 * Leases record exactly what each ring believes it holds, and a ring that stops hands its buckets over at the
 * others' next rounds (not after expiry) and deletes its member Lease; a ring stopped while the answer to its
 * claim of a bucket is lost (the server committed it) hands that bucket back too, without waiting for the claim.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { useTestEnvironment } from "../support/integration-env.js";
import { TsOperatorError } from "../../src/core/errors.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import type { WriteOptions } from "../../src/client/resource-api.js";
import { ShardRing, SHARD_RING_LABEL, type ShardRingLeaseApi } from "../../src/runtime/shard-ring.js";
import type { Lease } from "../../src/runtime/leader-election.js";

const BUCKETS = 8;
const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

void describe("ShardRing (real API server)", () => {
  const shared = useTestEnvironment([], { controllerManager: false });

  it("balances, agrees with the Leases, and hands over on a graceful stop", async () => {
    const rings = ["r-a", "r-b", "r-c"].map(
      (identity) =>
        new ShardRing(shared.admin, {
          name: "ring",
          namespace: "default",
          buckets: BUCKETS,
          identity,
          ...TIMING,
        }),
    );
    const running = rings.map((r) => r.run({ onAcquired: () => {}, onReleased: () => {} }));
    const leasesApi = shared.admin.resource<Lease>(k8sTypes.coordination.v1.Lease, "default");
    const holders = async () => {
      const list = await leasesApi.list({ labelSelector: `${SHARD_RING_LABEL}=ring` });
      return new Map(list.items.map((l) => [l.metadata.name ?? "", l.spec?.holderIdentity ?? ""]));
    };
    await until("balance", () => {
      const counts = rings.map((r) => r.state.held.length).sort();
      return counts.join() === "2,3,3";
    });
    const recorded = await holders();
    for (const ring of rings) {
      for (const bucket of ring.state.held)
        assert.equal(recorded.get(`ring-bucket-${bucket}`), ring.identity);
    }
    assert.equal([...recorded.keys()].filter((n) => n.startsWith("ring-member-")).length, 3);

    const [leaving, ...staying] = rings as [ShardRing, ShardRing, ShardRing];
    const stoppedAt = Date.now();
    await leaving.stop();
    await until(
      "the two others hold everything",
      () => staying.reduce((n, r) => n + r.state.held.length, 0) === BUCKETS,
    );
    const handoffMs = Date.now() - stoppedAt;
    assert.ok(handoffMs < TIMING.leaseDurationMs, `handoff took ${handoffMs} ms, less than the lease`);
    assert.deepEqual(
      staying.map((r) => r.state.held.length),
      [4, 4],
    );
    assert.equal([...(await holders()).keys()].filter((n) => n.startsWith("ring-member-")).length, 2);
    await Promise.all(staying.map((r) => r.stop()));
    await Promise.all(running);
    assert.ok([...(await holders()).entries()].every(([n, h]) => !n.includes("bucket") || h === ""));
  });

  it("a ring stopped while its bucket claim's answer is lost releases the bucket; a successor takes it at once", async (t) => {
    // A renew deadline long enough that waiting for the claim to time out would show in stop()'s duration.
    const SLOW = { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryPeriodMs: 250 };
    const real = shared.admin.resource<Lease>(k8sTypes.coordination.v1.Lease, "default");
    // The API server commits the claim of cut-bucket-1, but its answer never reaches the ring (until aborted),
    // as when a reply is lost after the server acted.
    let committed = false;
    // While the answer is withheld nothing but AbortSignal timers is pending, and those do not keep the process
    // alive (the socket of a real request in flight would).
    const alive = setInterval(() => {}, 1000);
    t.after(() => clearInterval(alive));
    const withheld = async (write: Promise<KubeObject>, options?: WriteOptions): Promise<KubeObject> => {
      const written = await write;
      if (written.metadata.name !== "cut-bucket-1" || committed) return written;
      committed = true;
      await new Promise<never>((_, reject) => {
        const fail = () => reject(new TsOperatorError("TSOP_ABORTED", "aborted"));
        if (options?.signal?.aborted) fail();
        options?.signal?.addEventListener("abort", fail, { once: true });
      });
      return written;
    };
    const lossy: ShardRingLeaseApi = {
      getOrUndefined: (id, options) => real.getOrUndefined(id, options),
      list: (options) => real.list(options),
      delete: (id, options) => real.delete(id, options),
      create: (obj, options) => withheld(real.create(obj as Lease, options), options),
      replace: (obj, options) => withheld(real.replace(obj as Lease, options), options),
    };
    const started: number[] = [];
    const leaving = new ShardRing(lossy, {
      name: "cut",
      namespace: "default",
      buckets: 2,
      identity: "cut-a",
      ...SLOW,
    });
    const runLeaving = leaving.run({
      onAcquired: (bucket) => void started.push(bucket),
      onReleased: () => {},
    });
    await until("the claim of bucket 1 is committed", () => committed);
    const stoppedAt = Date.now();
    await leaving.stop();
    await runLeaving;
    const stopMs = Date.now() - stoppedAt;
    assert.ok(
      stopMs < SLOW.renewDeadlineMs / 2,
      `stop() took ${stopMs} ms: it waited for the claim's timeout`,
    );
    assert.ok(
      !started.includes(1),
      "the leaving ring never started bucket 1: it never saw its claim succeed",
    );
    const released = await real.get({ namespace: "default", name: "cut-bucket-1" });
    assert.equal(released.spec?.holderIdentity, "", "bucket 1 is handed back, not left to expire");
    assert.equal(released.spec?.leaseDurationSeconds, 1);

    const successor = new ShardRing(shared.admin, {
      name: "cut",
      namespace: "default",
      buckets: 2,
      identity: "cut-b",
      ...SLOW,
    });
    const joinedAt = Date.now();
    const runSuccessor = successor.run({ onAcquired: () => {}, onReleased: () => {} });
    await until("the successor holds both buckets", () => successor.state.held.length === 2);
    const takeoverMs = Date.now() - joinedAt;
    // Its first round only announces it, the second acquires: had the Lease still named cut-a, the successor
    // would have waited a lease duration from its first sight of it.
    assert.ok(takeoverMs < SLOW.leaseDurationMs, `the successor took ${takeoverMs} ms`);
    const taken = await real.get({ namespace: "default", name: "cut-bucket-1" });
    assert.equal(taken.spec?.holderIdentity, "cut-b");
    assert.equal(taken.spec?.leaseTransitions, 1, "cut-a to cut-b; the hand-back is no change of holder");
    await successor.stop();
    await runSuccessor;
  });
});
