import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { ShardRing, type ShardRingOptions } from "../../src/runtime/shard-ring.js";
import { FakeLeaseRing } from "../support/fake-lease-ring.js";

// Fast but valid timings: the lease is 1 s on the wire (whole seconds), the deadline fires well before it.
const FAST: Omit<ShardRingOptions, "identity" | "buckets"> = {
  name: "op",
  namespace: "ns",
  leaseDurationMs: 1000,
  renewDeadlineMs: 400,
  retryPeriodMs: 50,
};

/**
 * Owners of each bucket as the callbacks see them: onAcquired of a bucket someone else still runs is the
 * double-writer bug this whole module exists to prevent, so it fails the test on the spot.
 */
class Witness {
  readonly owner = new Map<number, string>();
  readonly violations: string[] = [];
  readonly log: Array<{
    event: "acquired" | "released";
    bucket: number;
    who: string;
    at: number;
    reason?: string;
  }> = [];
  releaseDelayMs = 0;

  callbacks(who: string) {
    return {
      onAcquired: (bucket: number, signal: AbortSignal) => {
        const current = this.owner.get(bucket);
        if (current !== undefined) this.violations.push(`${who} acquired ${bucket} while ${current} runs it`);
        if (signal.aborted) this.violations.push(`${who} got an aborted signal for ${bucket}`);
        this.owner.set(bucket, who);
        this.log.push({ event: "acquired", bucket, who, at: Date.now() });
      },
      onReleased: async (bucket: number, reason: string) => {
        if (this.releaseDelayMs) await delay(this.releaseDelayMs);
        if (this.owner.get(bucket) === who) this.owner.delete(bucket);
        this.log.push({ event: "released", bucket, who, at: Date.now(), reason });
      },
    };
  }

  counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const who of this.owner.values()) out.set(who, (out.get(who) ?? 0) + 1);
    return out;
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

function balanced(counts: Map<string, number>, members: number, buckets: number): boolean {
  const values = [...counts.values()];
  const total = values.reduce((a, b) => a + b, 0);
  return values.length === members && total === buckets && Math.max(...values) - Math.min(...values) <= 1;
}

void describe("ShardRing (fake leases)", () => {
  it("replicas starting together split the buckets within one of each other, each bucket once", async () => {
    const leases = new FakeLeaseRing();
    const witness = new Witness();
    const rings = ["a", "b", "c"].map(
      (id) => new ShardRing(leases.client(), { ...FAST, buckets: 10, identity: id }),
    );
    const runs = rings.map((r) => r.run(witness.callbacks(r.identity)));
    await until("balance", () => balanced(witness.counts(), 3, 10));
    // The Leases say the same as the callbacks.
    const holders = leases.holders("op", 10);
    for (let b = 0; b < 10; b++) assert.equal(holders[b], witness.owner.get(b));
    // And it stays that way: no churn once balanced.
    const before = witness.log.length;
    await delay(300);
    assert.equal(witness.log.length, before);
    assert.deepEqual(rings.map((r) => r.state.held.length).sort(), [3, 3, 4]);
    await Promise.all(rings.map((r) => r.stop()));
    await Promise.all(runs);
    assert.deepEqual(witness.violations, []);
    assert.deepEqual(leases.holders("op", 10), Array(10).fill(""), "stopping releases every bucket");
    assert.equal([...leases.leases.keys()].filter((n) => n.includes("member")).length, 0, "members left");
  });

  it("a joining replica gets its share only after the old holder stopped each bucket (awaited)", async () => {
    const leases = new FakeLeaseRing();
    const witness = new Witness();
    witness.releaseDelayMs = 100; // in-flight work that takes a while to finish
    const a = new ShardRing(leases.client(), { ...FAST, buckets: 8, identity: "a" });
    const runA = a.run(witness.callbacks("a"));
    await until("a holds all", () => a.state.held.length === 8);
    const b = new ShardRing(leases.client(), { ...FAST, buckets: 8, identity: "b" });
    const runB = b.run(witness.callbacks("b"));
    await until("balance", () => balanced(witness.counts(), 2, 8) && b.state.held.length === 4);
    for (const { bucket, at } of witness.log.filter((e) => e.who === "b" && e.event === "acquired")) {
      const released = witness.log.find(
        (e) => e.who === "a" && e.event === "released" && e.bucket === bucket,
      );
      assert.ok(released && released.at <= at, `bucket ${bucket}: a released before b acquired`);
      assert.equal(released.reason, "rebalance");
    }
    // a leaves gracefully: b takes everything at its next rounds, not after lease expiry.
    const leftAt = Date.now();
    await a.stop();
    await runA;
    await until("b holds all", () => b.state.held.length === 8);
    assert.ok(Date.now() - leftAt < 900, `handoff took ${Date.now() - leftAt} ms (lease is 1000 ms)`);
    await b.stop();
    await runB;
    assert.deepEqual(witness.violations, []);
  });

  it("a partitioned replica stops its buckets at the renew deadline, before anyone else may take them", async () => {
    const leases = new FakeLeaseRing();
    const witness = new Witness();
    const clientA = leases.client();
    const a = new ShardRing(clientA, { ...FAST, buckets: 6, identity: "a" });
    const b = new ShardRing(leases.client(), { ...FAST, buckets: 6, identity: "b" });
    const signals = new Map<number, AbortSignal>();
    const callbacksA = witness.callbacks("a");
    const runA = a.run({
      ...callbacksA,
      onAcquired: (bucket, signal) => {
        signals.set(bucket, signal);
        callbacksA.onAcquired(bucket, signal);
      },
    });
    const runB = b.run(witness.callbacks("b"));
    await until("balance", () => balanced(witness.counts(), 2, 6));
    const aBuckets = a.state.held;
    clientA.failing = true;
    const cutAt = Date.now();
    await until("b holds all", () => b.state.held.length === 6, 5000);
    for (const bucket of aBuckets) {
      const lost = witness.log.find((e) => e.who === "a" && e.event === "released" && e.bucket === bucket);
      const taken = witness.log.find((e) => e.who === "b" && e.event === "acquired" && e.bucket === bucket);
      assert.ok(lost && taken, `bucket ${bucket} moved`);
      assert.equal(lost.reason, "lost");
      assert.ok(signals.get(bucket)?.aborted, "a's signal for the bucket aborted");
      assert.ok(lost.at - cutAt < 400 + 100, `a stopped ${bucket} ${lost.at - cutAt} ms after the cut`);
      assert.ok(taken.at - lost.at >= 400, `b took ${bucket} ${taken.at - lost.at} ms after a stopped it`);
    }
    assert.equal(a.state.held.length, 0);
    clientA.failing = false;
    // Healed: a rejoins and gets its share back through b's orderly releases.
    await until("rebalanced", () => balanced(witness.counts(), 2, 6));
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([runA, runB]);
    assert.deepEqual(witness.violations, []);
  });

  it("a crashed replica's buckets are taken over after its leases expire", async () => {
    const leases = new FakeLeaseRing();
    const witness = new Witness();
    const a = new ShardRing(leases.client(), { ...FAST, buckets: 4, identity: "a" });
    const b = new ShardRing(leases.client(), { ...FAST, buckets: 4, identity: "b" });
    // "Crash": a's process stops renewing without releasing (its loop is abandoned, its leases stay).
    const clientC = leases.client();
    const crashing = new ShardRing(clientC, { ...FAST, buckets: 4, identity: "c" });
    const runs = [a.run(witness.callbacks("a")), b.run(witness.callbacks("b"))];
    const runC = crashing.run({ onAcquired: () => {}, onReleased: () => {} });
    await until(
      "c has a share",
      () => crashing.state.held.length >= 1 && a.state.held.length + b.state.held.length === 3,
    );
    const crashed = crashing.state.held;
    clientC.failing = true;
    const crashAt = Date.now();
    await until("a and b hold all", () => a.state.held.length + b.state.held.length === 4, 5000);
    const took = Date.now() - crashAt;
    assert.ok(took >= 900, `took over after ${took} ms, not before the 1 s lease expired`);
    assert.ok(took < 2500, `took over after ${took} ms`);
    assert.ok(crashed.every((bucket) => a.holds(bucket) || b.holds(bucket)));
    await Promise.all([a.stop(), b.stop(), crashing.stop()]);
    await Promise.all([...runs, runC]);
    assert.deepEqual(witness.violations, []);
  });

  it("a replica stopped while its claim of a bucket has no answer hands the bucket back, without waiting for the claim", async (t) => {
    // A renew deadline long enough that waiting for the claim to time out shows in stop()'s duration.
    const SLOW = { ...FAST, leaseDurationMs: 3000, renewDeadlineMs: 2000 };
    // A claim waiting for its answer holds only AbortSignal timers, which do not keep the process alive (a real
    // request's socket would).
    const alive = setInterval(() => {}, 1000);
    t.after(() => clearInterval(alive));
    const leases = new FakeLeaseRing();
    const witness = new Witness();
    const clientA = leases.client();
    clientA.answersLost = (name) => name === "op-bucket-1";
    const a = new ShardRing(clientA, { ...SLOW, buckets: 2, identity: "a" });
    const runA = a.run(witness.callbacks("a"));
    await until("a's claim of bucket 1 is committed", () => leases.holders("op", 2)[1] === "a");
    // The server answers again, but this claim's answer is gone: only stop() ends it.
    clientA.answersLost = () => false;
    const stoppedAt = Date.now();
    await a.stop();
    await runA;
    const stopMs = Date.now() - stoppedAt;
    assert.ok(
      stopMs < SLOW.renewDeadlineMs / 2,
      `stop() took ${stopMs} ms: it waited for the claim's timeout`,
    );
    assert.deepEqual(leases.holders("op", 2), ["", ""], "bucket 1 handed back, not left to expire");
    assert.equal(leases.leases.get("op-bucket-1")?.spec?.leaseDurationSeconds, 1);
    assert.ok(
      !witness.log.some((e) => e.who === "a" && e.bucket === 1),
      "a never started bucket 1: it never saw its claim succeed",
    );
    // A successor takes both at its first acquiring round, not a lease duration after it first saw them.
    const b = new ShardRing(leases.client(), { ...SLOW, buckets: 2, identity: "b" });
    const startedAt = Date.now();
    const runB = b.run(witness.callbacks("b"));
    await until("b holds both", () => b.state.held.length === 2);
    const tookMs = Date.now() - startedAt;
    assert.ok(tookMs < SLOW.leaseDurationMs, `b took ${tookMs} ms`);
    await b.stop();
    await runB;
    assert.deepEqual(witness.violations, []);
  });

  it("rejects timings that would let two holders overlap, and bad names", () => {
    const leases = new FakeLeaseRing();
    assert.throws(
      () => new ShardRing(leases.client(), { ...FAST, buckets: 4, renewDeadlineMs: 1000 }),
      /leaseDurationMs must be greater/,
    );
    assert.throws(() => new ShardRing(leases.client(), { ...FAST, buckets: 0 }), /buckets/);
    assert.throws(() => new ShardRing(leases.client(), { ...FAST, name: "Op_1", buckets: 4 }), /DNS label/);
  });
});
