import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { LeaderElector, microTime, type LeaderElectorOptions } from "../../src/runtime/leader-election.js";
import { FakeLeases } from "../support/fake-leases.js";

// Fast but valid timings: the lease is 1 s on the wire (whole seconds), the deadline fires well before it.
const FAST: Omit<LeaderElectorOptions, "identity"> = {
  leaseName: "op",
  namespace: "ns",
  leaseDurationMs: 1000,
  renewDeadlineMs: 400,
  retryPeriodMs: 50,
};

interface Recorder {
  started: number;
  stopped: number;
  signals: AbortSignal[];
  leaders: string[];
}

function callbacks(rec: Recorder) {
  return {
    onStartedLeading(signal: AbortSignal) {
      rec.started++;
      rec.signals.push(signal);
    },
    onStoppedLeading() {
      rec.stopped++;
    },
    onNewLeader(identity: string) {
      rec.leaders.push(identity);
    },
  };
}
const recorder = (): Recorder => ({ started: 0, stopped: 0, signals: [], leaders: [] });

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

void describe("leader election", () => {
  void it("creates the lease and leads, with client-go's record fields", async () => {
    const leases = new FakeLeases();
    const rec = recorder();
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const running = a.run(callbacks(rec));
    await until("a leads", () => a.isLeader && rec.started === 1);
    const spec = leases.lease?.spec;
    assert.equal(spec?.holderIdentity, "a");
    assert.equal(spec?.leaseDurationSeconds, 1);
    assert.equal(spec?.leaseTransitions, 0);
    assert.match(spec?.renewTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.deepEqual(rec.leaders, ["a"]);
    await a.stop();
    await running;
  });

  void it("renews while leading, keeping acquireTime and moving renewTime", async () => {
    const leases = new FakeLeases();
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const running = a.run(callbacks(recorder()));
    await until("a leads", () => a.isLeader);
    const first = structuredClone(leases.lease?.spec);
    await delay(200);
    const later = leases.lease?.spec;
    assert.equal(later?.acquireTime, first?.acquireTime);
    assert.notEqual(later?.renewTime, first?.renewTime);
    assert.ok(leases.writes >= 3, `renewed ${leases.writes} times`);
    await a.stop();
    await running;
  });

  void it("lets only one of two candidates lead", async () => {
    const leases = new FakeLeases();
    const ra = recorder();
    const rb = recorder();
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const b = new LeaderElector(leases, { ...FAST, identity: "b" });
    const runs = [a.run(callbacks(ra)), b.run(callbacks(rb))];
    await until("someone leads", () => a.isLeader || b.isLeader);
    for (let i = 0; i < 40; i++) {
      assert.ok(!(a.isLeader && b.isLeader), "two leaders at once");
      await delay(10);
    }
    assert.equal(ra.started + rb.started, 1);
    await a.stop();
    await b.stop();
    await Promise.all(runs);
  });

  void it("releases on stop so the other candidate takes over at its next retry, counting the transition", async () => {
    const leases = new FakeLeases();
    const ra = recorder();
    const rb = recorder();
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const runA = a.run(callbacks(ra));
    await until("a leads", () => a.isLeader);
    const b = new LeaderElector(leases, { ...FAST, identity: "b" });
    const runB = b.run(callbacks(rb));
    await delay(100);
    assert.equal(b.isLeader, false);
    const stoppedAt = Date.now();
    await a.stop();
    await runA;
    assert.equal(ra.stopped, 1);
    assert.equal(ra.signals[0]?.aborted, true);
    await until("b leads", () => b.isLeader);
    // Well before the 1 s lease would have expired.
    assert.ok(Date.now() - stoppedAt < 500, `took over after ${Date.now() - stoppedAt} ms`);
    assert.equal(leases.lease?.spec?.holderIdentity, "b");
    assert.equal(leases.lease?.spec?.leaseTransitions, 1);
    assert.ok(rb.leaders.includes(""), "b saw the release");
    await b.stop();
    await runB;
  });

  void it("awaits onStoppedLeading before releasing the lease", async () => {
    const leases = new FakeLeases();
    let holderDuringStop: string | null | undefined;
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const running = a.run({
      onStartedLeading() {},
      async onStoppedLeading() {
        await delay(50);
        holderDuringStop = leases.lease?.spec?.holderIdentity;
      },
    });
    await until("a leads", () => a.isLeader);
    await a.stop();
    await running;
    assert.equal(holderDuringStop, "a", "the lease was still ours while work finished");
    assert.equal(leases.lease?.spec?.holderIdentity, "");
  });

  void it("waits for a lease held by a live holder and takes over an expired one", async () => {
    const leases = new FakeLeases();
    const now = Date.now();
    leases.set({
      holderIdentity: "crashed",
      leaseDurationSeconds: 1,
      renewTime: microTime(now),
      acquireTime: microTime(now),
      leaseTransitions: 4,
    });
    const rb = recorder();
    const b = new LeaderElector(leases, { ...FAST, identity: "b" });
    const running = b.run(callbacks(rb));
    await delay(500);
    assert.equal(b.isLeader, false, "the lease is still valid");
    await until("b takes over after expiry", () => b.isLeader, 2000);
    const waited = Date.now() - now;
    assert.ok(waited >= 1000 && waited < 1400, `took over ${waited} ms after the last renewal`);
    assert.equal(leases.lease?.spec?.leaseTransitions, 5);
    await b.stop();
    await running;
  });

  void it("takes over a crashed holder's lease one duration after first seeing it, whatever its renewTime says", async () => {
    const leases = new FakeLeases();
    const old = Date.now() - 60_000;
    leases.set({
      holderIdentity: "gone",
      leaseDurationSeconds: 1,
      renewTime: microTime(old),
      acquireTime: microTime(old),
      leaseTransitions: 0,
    });
    const b = new LeaderElector(leases, { ...FAST, identity: "b" });
    const started = Date.now();
    const running = b.run(callbacks(recorder()));
    await until("b leads", () => b.isLeader, 3000);
    const waited = Date.now() - started;
    // The renewTime is on the holder's clock: only our own clock tells that the record stopped changing.
    assert.ok(waited >= 1000 && waited < 1600, `took over ${waited} ms after first sight`);
    await b.stop();
    await running;
  });

  void it("never robs a live holder whose clock lags, even on first sight", async () => {
    const leases = new FakeLeases();
    // The holder's clock is an hour behind: every renewTime it writes, the first one we see included, looks
    // long expired on ours.
    const skewed = () => microTime(Date.now() - 3_600_000 + Math.random() * 1000);
    leases.set({
      holderIdentity: "slow-clock",
      leaseDurationSeconds: 1,
      renewTime: skewed(),
      leaseTransitions: 0,
    });
    const renewer = setInterval(() => leases.set({ ...leases.lease?.spec, renewTime: skewed() }), 30);
    const rec = recorder();
    const b = new LeaderElector(leases, { ...FAST, identity: "b" });
    const running = b.run(callbacks(rec));
    try {
      await delay(1500);
      assert.equal(rec.started, 0, "b never started leading");
    } finally {
      clearInterval(renewer);
      await b.stop();
      await running;
    }
  });

  void it("releases on stop a lease whose claim the server committed but whose answer the stop cut off", async () => {
    const leases = new FakeLeases();
    leases.answersLost = true;
    const rec = recorder();
    const b = new LeaderElector(leases, { ...FAST, identity: "b" });
    const running = b.run(callbacks(rec));
    await until("the claim is committed", () => leases.lease?.spec?.holderIdentity === "b");
    // The server answers again, but this claim's answer is gone: only stop() ends it.
    leases.answersLost = false;
    await b.stop();
    await running;
    assert.equal(rec.started, 0, "b never led: it never saw its claim succeed");
    assert.equal(leases.lease?.spec?.holderIdentity, "", "the lease is handed back, not left to expire");
  });

  void it("keeps waiting while the holder keeps renewing, even with renewTimes far in the past (clock skew)", async () => {
    const leases = new FakeLeases();
    leases.set({
      holderIdentity: "slow-clock",
      leaseDurationSeconds: 1,
      renewTime: microTime(Date.now()),
      leaseTransitions: 0,
    });
    const b = new LeaderElector(leases, { ...FAST, identity: "b" });
    const running = b.run(callbacks(recorder()));
    await delay(100);
    // The holder's clock is an hour behind: its renewTimes look expired, but they keep changing.
    const skewed = Date.now() - 3_600_000;
    const renewer = setInterval(
      () => leases.set({ ...leases.lease?.spec, renewTime: microTime(skewed + Math.random() * 1000) }),
      30,
    );
    try {
      await delay(1500);
      assert.equal(b.isLeader, false, "a renewing holder is never robbed, whatever its clock says");
    } finally {
      clearInterval(renewer);
      await b.stop();
      await running;
    }
  });

  void it("stops leading at once when it cannot renew within the renew deadline", async () => {
    const leases = new FakeLeases();
    const rec = recorder();
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const running = a.run(callbacks(rec));
    await until("a leads", () => a.isLeader);
    const cutAt = Date.now();
    leases.hanging = true;
    await until("a gives up", () => !a.isLeader, 1500);
    const after = Date.now() - cutAt;
    assert.ok(after <= FAST.renewDeadlineMs! + 100, `gave up after ${after} ms`);
    assert.ok(after < FAST.leaseDurationMs!, "before the lease expires for the others");
    assert.equal(rec.stopped, 1);
    assert.equal(rec.signals[0]?.aborted, true);
    // Requests work again: it campaigns and wins a new term.
    leases.hanging = false;
    await until("a leads again", () => a.isLeader && rec.started === 2, 3000);
    assert.equal(rec.signals[1]?.aborted, false);
    await a.stop();
    await running;
  });

  void it("stops leading when another holder took the lease", async () => {
    const leases = new FakeLeases();
    const rec = recorder();
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const running = a.run(callbacks(rec));
    await until("a leads", () => a.isLeader);
    leases.set({
      holderIdentity: "usurper",
      leaseDurationSeconds: 1,
      renewTime: microTime(Date.now()),
      leaseTransitions: 1,
    });
    await until("a steps down", () => !a.isLeader, 200);
    assert.equal(rec.stopped, 1);
    await a.stop();
    await running;
    assert.equal(
      leases.lease?.spec?.holderIdentity,
      "usurper",
      "stop() does not release a lease it does not hold",
    );
  });

  void it("keeps campaigning through API errors without throwing", async () => {
    const leases = new FakeLeases();
    leases.failing = true;
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const running = a.run(callbacks(recorder()));
    await delay(150);
    assert.equal(a.isLeader, false);
    leases.failing = false;
    await until("a leads", () => a.isLeader);
    await a.stop();
    await running;
  });

  void it("rejects timings that could give two leaders at once", () => {
    const leases = new FakeLeases();
    assert.throws(
      () => new LeaderElector(leases, { ...FAST, renewDeadlineMs: 1000 }),
      /leaseDurationMs must be greater/,
    );
    assert.throws(
      () => new LeaderElector(leases, { ...FAST, retryPeriodMs: 400 }),
      /renewDeadlineMs must be greater/,
    );
  });

  void it("stops via an AbortSignal", async () => {
    const leases = new FakeLeases();
    const controller = new AbortController();
    const a = new LeaderElector(leases, { ...FAST, identity: "a" });
    const running = a.run(callbacks(recorder()), controller.signal);
    await until("a leads", () => a.isLeader);
    controller.abort();
    await running;
    assert.equal(leases.lease?.spec?.holderIdentity, "");
  });
});
