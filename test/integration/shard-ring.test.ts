/**
 * The shard ring on the real API server's Leases: three rings split the buckets within one of each other, the
 * Leases record exactly what each ring believes it holds, and a ring that stops hands its buckets over at the
 * others' next rounds (not after expiry) and deletes its member Lease.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { useTestEnvironment } from "../support/integration-env.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { ShardRing, SHARD_RING_LABEL } from "../../src/runtime/shard-ring.js";
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
});
