import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { LeaderElector, microTime } from "../../src/runtime/leader-election.js";
import { runWithLeadership, type LeadershipTarget } from "../../src/operator/manager/leadership.js";
import { FakeLeases } from "../support/fake-leases.js";

const TIMING = {
  leaseName: "op",
  namespace: "ns",
  leaseDurationMs: 1000,
  renewDeadlineMs: 400,
  retryPeriodMs: 50,
};

/** A controller stand-in recording the calls, with a cache sync the test releases. */
function fakeTarget(leases: FakeLeases) {
  let releaseSync!: () => void;
  const synced = new Promise<void>((r) => (releaseSync = r));
  const calls: string[] = [];
  let workerSignal: AbortSignal | undefined;
  const target: LeadershipTarget = {
    async startCaches() {
      calls.push("startCaches");
      await synced;
    },
    startWorkers(signal) {
      calls.push("startWorkers");
      workerSignal = signal;
    },
    async stopWorkers(graceful) {
      calls.push(
        `stopWorkers(${graceful ? "graceful" : "now"}) holder=${leases.lease?.spec?.holderIdentity}`,
      );
    },
    async stopCaches() {
      calls.push("stopCaches");
    },
  };
  return { target, calls, releaseSync, signal: () => workerSignal };
}

async function until(what: string, check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

/** One replica, caches synced, leading with its workers started. */
async function leadingAlone() {
  const leases = new FakeLeases();
  const a = fakeTarget(leases);
  a.releaseSync();
  const run = runWithLeadership(a.target, new LeaderElector(leases, { ...TIMING, identity: "a" }));
  await until("workers", () => a.calls.includes("startWorkers"));
  return { leases, a, run };
}

void describe("leadership wiring", () => {
  void it("starts caches on every replica, workers only on the leader, and only after the caches synced", async () => {
    const leases = new FakeLeases();
    const a = fakeTarget(leases);
    const b = fakeTarget(leases);
    const runA = runWithLeadership(a.target, new LeaderElector(leases, { ...TIMING, identity: "a" }));
    await until("a holds the lease", () => leases.lease?.spec?.holderIdentity === "a");
    const runB = runWithLeadership(b.target, new LeaderElector(leases, { ...TIMING, identity: "b" }));
    await delay(100);
    assert.deepEqual(a.calls, ["startCaches"], "leading, but the caches have not synced: no workers yet");
    a.releaseSync();
    b.releaseSync();
    await runA.cachesSynced;
    await runB.cachesSynced;
    await until("a's workers", () => a.calls.includes("startWorkers"));
    assert.equal(runA.isLeader, true);
    await delay(100);
    assert.deepEqual(b.calls, ["startCaches"], "the follower keeps warm caches and runs no workers");
    assert.equal(runB.isLeader, false);

    // Graceful stop: workers finish while the Lease is still ours, then it is released and b takes over.
    await runA.stop();
    assert.deepEqual(a.calls, [
      "startCaches",
      "startWorkers",
      "stopWorkers(graceful) holder=a",
      "stopCaches",
    ]);
    await until("b's workers", () => b.calls.includes("startWorkers"), 500);
    await runB.stop();
    await runA.done;
    await runB.done;
  });

  void it("on a lost lease stops the workers at once, without grace, then ends the run (no re-contending)", async () => {
    const { leases, a, run } = await leadingAlone();
    const cut = Date.now();
    leases.hanging = true;
    await until("workers stopped", () => a.calls.some((c) => c.startsWith("stopWorkers(now)")), 1000);
    assert.ok(Date.now() - cut <= TIMING.renewDeadlineMs + 100);
    assert.equal(a.signal()?.aborted, true);
    assert.equal(run.isLeader, false);
    leases.hanging = false;
    // controller-runtime's "leader election lost": the run ends with an error, so the process exits non-zero.
    await assert.rejects(run.done, { code: "TSOP_LEADERSHIP_LOST" });
    assert.equal(a.calls.at(-1), "stopCaches");
    const writes = leases.writes;
    await delay(TIMING.leaseDurationMs + 3 * TIMING.retryPeriodMs);
    assert.equal(a.calls.filter((c) => c === "startWorkers").length, 1, "never leads again");
    assert.equal(leases.writes, writes, "and no longer touches the lease (no renewal, no campaign)");
    await run.stop();
  });

  void it("ends the run as soon as another identity takes the lease", async () => {
    const { leases, a, run } = await leadingAlone();
    const cut = Date.now();
    leases.set({
      holderIdentity: "intruder",
      leaseDurationSeconds: 1,
      renewTime: microTime(Date.now()),
      leaseTransitions: 1,
    });
    await assert.rejects(run.done, (err: Error & { code?: string }) => {
      assert.equal(err.code, "TSOP_LEADERSHIP_LOST");
      assert.match(err.message, /another holder/);
      return true;
    });
    assert.ok(Date.now() - cut <= TIMING.retryPeriodMs * 2 + 100, "noticed at the next renewal");
    assert.ok(a.calls.includes("stopWorkers(now) holder=intruder"));
    assert.equal(leases.lease?.spec?.holderIdentity, "intruder", "the new holder's lease is left alone");
  });

  void it("stops campaigning (lease released if won) and rejects done when the caches fail to start", async () => {
    const leases = new FakeLeases();
    const target: LeadershipTarget = {
      startCaches: () => Promise.reject(new Error("no list permission")),
      startWorkers: () => assert.fail("no workers without caches"),
      stopWorkers: async () => {},
      stopCaches: async () => {},
    };
    const run = runWithLeadership(target, new LeaderElector(leases, { ...TIMING, identity: "a" }));
    await assert.rejects(run.done, /caches failed to start/);
    assert.notEqual(leases.lease?.spec?.holderIdentity, "a");
  });
});
