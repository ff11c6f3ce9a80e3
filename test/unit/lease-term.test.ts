import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { LeaseObserver } from "../../src/runtime/lease-observer.js";
import {
  LeaseTerm,
  claimLease,
  handBackLease,
  microTime,
  releaseUnsettledClaims,
  type Lease,
  type LeaseWriter,
} from "../../src/runtime/lease-term.js";
import { FakeLeases } from "../support/fake-leases.js";
import { FakeLeaseRing } from "../support/fake-lease-ring.js";

function lease(rv: string, spec: Lease["spec"]): Lease {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "op", namespace: "ns", resourceVersion: rv },
    spec,
  };
}

/** A clock the test moves by hand. */
function manualClock(start: number) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function writer(leases: FakeLeases, identity = "a"): LeaseWriter {
  return {
    api: leases,
    namespace: "ns",
    identity,
    leaseDurationMs: 1000,
    now: Date.now,
    observer: new LeaseObserver({ now: Date.now, defaultDurationSeconds: 1 }),
    unsettled: new Set(),
  };
}

const never = new AbortController().signal;

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

void describe("LeaseObserver: expiry on our clock", () => {
  void it("a record that keeps changing is live whatever its renewTime says", () => {
    const clock = manualClock(1_000_000_000);
    const observer = new LeaseObserver({ now: clock.now, defaultDurationSeconds: 10 });
    // The holder's clock is an hour behind: every renewTime it writes is long past on ours.
    const skewed = (rv: number) =>
      lease(String(rv), {
        holderIdentity: "b",
        leaseDurationSeconds: 1,
        renewTime: microTime(clock.now() - 3_600_000),
      });
    observer.observe(skewed(1), false);
    for (let rv = 2; rv < 10; rv++) {
      clock.advance(500);
      observer.observe(skewed(rv), false);
      assert.equal(observer.expired("op"), false, `renewal ${rv} seen 500 ms ago on our clock`);
    }
  });

  void it("an unchanged record expires its duration after we last saw it change, not after its renewTime", () => {
    const clock = manualClock(1_000_000_000);
    const observer = new LeaseObserver({ now: clock.now, defaultDurationSeconds: 10 });
    // A renewTime ahead of our clock (the holder's runs fast) must not keep the lease alive longer.
    const ahead = lease("1", {
      holderIdentity: "b",
      leaseDurationSeconds: 2,
      renewTime: microTime(clock.now() + 60_000),
    });
    observer.observe(ahead, false);
    clock.advance(1500);
    observer.observe(structuredClone(ahead), false); // read again, unchanged: the clock does not restart
    clock.advance(400);
    assert.equal(observer.expired("op"), false, "1.9 s of a 2 s lease");
    clock.advance(200);
    assert.equal(observer.expired("op"), true, "2.1 s unchanged on our clock");
    assert.equal(observer.expired("never-seen"), true);
  });

  void it("a changed holder restarts the clock and is reported once", () => {
    const clock = manualClock(1_000_000_000);
    const changes: string[] = [];
    const observer = new LeaseObserver({
      now: clock.now,
      defaultDurationSeconds: 1,
      onHolderChange: (_name, holder) => changes.push(holder),
    });
    const renewTime = microTime(clock.now());
    observer.observe(lease("1", { holderIdentity: "b", renewTime }), false);
    clock.advance(900);
    // Same renewTime, another holder: a change all the same.
    observer.observe(lease("2", { holderIdentity: "c", renewTime }), false);
    observer.observe(lease("2", { holderIdentity: "c", renewTime }), false);
    clock.advance(900);
    assert.equal(observer.expired("op"), false, "duration from the record default (1 s), from the change");
    assert.deepEqual(changes, ["b", "c"]);
    assert.equal(observer.holder("op"), "c");
  });
});

void describe("LeaseTerm", () => {
  void it("ends at the renew deadline while a renewal hangs, before the lease could expire for others", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    const claimed = await claimLease(w, "op", undefined, never);
    let deadlineAt = 0;
    const started = Date.now();
    const term: LeaseTerm = new LeaseTerm(w, claimed, 150, () => {
      deadlineAt = Date.now();
      term.end(new Error("deadline"));
    });
    // One renewal on time moves the deadline.
    await delay(80);
    // The deadline runs from when the renewal was sent (its answer may come late on a busy machine).
    const sentAt = Date.now();
    assert.equal((await term.renew(never)).kind, "renewed");
    leases.hanging = true;
    const hanging = term.renew(never);
    await delay(300);
    assert.ok(deadlineAt > 0, "the deadline fired though the request never answered");
    // Not before the moved deadline; late only by as much as the event loop (it fired within the 300 ms wait).
    assert.ok(deadlineAt - sentAt >= 145, `${deadlineAt - sentAt} ms after the renewal was sent`);
    assert.ok(deadlineAt - started < w.leaseDurationMs, "well within the lease duration");
    assert.equal(term.signal.aborted, true);
    const outcome = (await hanging).kind;
    assert.ok(outcome === "ended" || outcome === "failed", `the hanging request was cut off (${outcome})`);
  });

  void it("runs the deadline from when a renewal was sent, not from its slow answer", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    // The server commits at once (others see the renewal from then on), the answer takes 300 ms to come back.
    w.api = {
      getOrUndefined: (id, options) => leases.getOrUndefined(id, options),
      create: (obj, options) => leases.create(obj, options),
      replace: async (obj, options) => {
        const written = await leases.replace(obj, options);
        await delay(300);
        return written;
      },
    };
    const claimed = await claimLease(w, "op", undefined, never);
    let deadlineAt = 0;
    const term: LeaseTerm = new LeaseTerm(w, claimed, 400, () => {
      deadlineAt = Date.now();
      term.end(new Error("deadline"));
    });
    const sentAt = Date.now();
    assert.equal((await term.renew(never)).kind, "renewed");
    await delay(600);
    assert.ok(deadlineAt > 0, "the deadline fired");
    // From the answer it would be ~700 ms after the send: 300 ms later than the others' view allows.
    assert.ok(deadlineAt - sentAt < 550, `ended ${deadlineAt - sentAt} ms after the renewal was sent`);
  });

  void it("a 409 on renew, with another holder in the record, is a loss", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    const term = new LeaseTerm(w, await claimLease(w, "op", undefined, never), 5000, () => {});
    try {
      leases.set({ holderIdentity: "b", leaseDurationSeconds: 1, renewTime: microTime(Date.now()) });
      const writes = leases.writes;
      assert.deepEqual(await term.renew(never), { kind: "lost", holder: "b" });
      assert.equal(leases.writes, writes, "nothing written over the new holder");
      assert.equal(leases.lease?.spec?.holderIdentity, "b");
    } finally {
      term.end(new Error("test over"));
    }
  });

  void it("a 409 on renew with the record still naming us takes the fresh version and renews next time", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    const term = new LeaseTerm(w, await claimLease(w, "op", undefined, never), 5000, () => {});
    try {
      // A renewal of ours whose answer was lost: the server has a newer version naming us.
      leases.set({ ...leases.lease?.spec });
      assert.deepEqual(await term.renew(never), { kind: "stale" });
      assert.equal((await term.renew(never)).kind, "renewed");
      assert.equal(leases.lease?.spec?.holderIdentity, "a");
    } finally {
      term.end(new Error("test over"));
    }
  });
});

void describe("handBackLease", () => {
  void it("hands a Lease that names us back: holder empty, 1 s, transitions kept", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    const claimed = await claimLease(w, "op", undefined, never);
    assert.equal(await handBackLease(w, claimed, never), true);
    assert.equal(leases.lease?.spec?.holderIdentity, "");
    assert.equal(leases.lease?.spec?.leaseDurationSeconds, 1);
    assert.equal(leases.lease?.spec?.leaseTransitions, 0);
    assert.equal(w.observer.holder("op"), "", "the release is observed");
  });

  void it("retries once from a fresh read when our view is stale, and never releases someone else's", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    const claimed = await claimLease(w, "op", undefined, never);
    leases.set({ ...leases.lease?.spec }); // a renewal of ours we did not see the answer of
    assert.equal(await handBackLease(w, claimed, never), true);
    assert.equal(leases.lease?.spec?.holderIdentity, "");

    const again = await claimLease(w, "op", leases.lease, never);
    leases.set({ holderIdentity: "b", leaseDurationSeconds: 1, renewTime: microTime(Date.now()) });
    const writes = leases.writes;
    assert.equal(await handBackLease(w, again, never), false);
    assert.equal(leases.writes, writes);
    assert.equal(leases.lease?.spec?.holderIdentity, "b");
  });

  void it("claims count a change of holder as a transition, re-claiming our own as none", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    await claimLease(w, "op", undefined, never);
    await claimLease(w, "op", leases.lease, never);
    assert.equal(leases.lease?.spec?.leaseTransitions, 0);
    await claimLease(writer(leases, "b"), "op", leases.lease, never);
    assert.equal(leases.lease?.spec?.leaseTransitions, 1);
  });
});

/** A claim by "a" that the server commits and whose answer the stop cuts off; answers flow again afterwards. */
async function cutOffClaim(): Promise<{ leases: FakeLeases; w: LeaseWriter }> {
  const leases = new FakeLeases();
  const w = writer(leases);
  leases.answersLost = true;
  const stopping = new AbortController();
  const claim = claimLease(w, "op", undefined, stopping.signal);
  await until("the claim is committed", () => leases.lease?.spec?.holderIdentity === "a");
  stopping.abort();
  await assert.rejects(claim);
  leases.answersLost = false;
  return { leases, w };
}

void describe("claims whose answer was cut off", () => {
  void it("a claim the server committed but whose answer the stop cut off is handed back", async () => {
    const { leases, w } = await cutOffClaim();
    const result = await releaseUnsettledClaims(w, 1000);
    assert.deepEqual(result, { released: ["op"], failed: [] });
    assert.equal(leases.lease?.spec?.holderIdentity, "", "a successor takes it at once");
    assert.equal(leases.lease?.spec?.leaseDurationSeconds, 1);
    assert.equal(leases.lease?.spec?.leaseTransitions, 0, "a hand-back is no change of holder");
    assert.equal(w.unsettled.size, 0);
    const writes = leases.writes;
    assert.deepEqual(await releaseUnsettledClaims(w, 1000), { released: [], failed: [] });
    assert.equal(leases.writes, writes, "settled once, not again");
  });

  void it("a claim the server refused leaves nothing to release; one that succeeded is the term's to hand back", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    const held = await claimLease(w, "op", undefined, never);
    assert.equal(w.unsettled.size, 0, "answered: settled");
    await claimLease(writer(leases, "b"), "op", leases.lease, never);
    await assert.rejects(claimLease(w, "op", held, never), /409/);
    assert.equal(w.unsettled.size, 0, "a 409 is the server's refusal: nothing was committed");
    const writes = leases.writes;
    assert.deepEqual(await releaseUnsettledClaims(w, 1000), { released: [], failed: [] });
    assert.equal(leases.writes, writes);
  });

  void it("never releases a Lease someone else took after our cut-off claim, nor one rewritten under the check", async () => {
    const { leases, w } = await cutOffClaim();
    // b writes between our read (which still names us) and our hand-back: the PUT on the version read conflicts.
    let raced = false;
    w.api = {
      getOrUndefined: async (id, options) => {
        const read = await leases.getOrUndefined(id, options);
        if (!raced) {
          raced = true;
          await claimLease(writer(leases, "b"), "op", leases.lease, never);
        }
        return read;
      },
      create: (obj, options) => leases.create(obj, options),
      replace: (obj, options) => leases.replace(obj, options),
    };
    const writes = leases.writes;
    assert.deepEqual(await releaseUnsettledClaims(w, 1000), { released: [], failed: [] });
    assert.equal(leases.writes, writes + 1, "b's claim only: nothing written over it");
    assert.equal(leases.lease?.spec?.holderIdentity, "b");
    assert.equal(leases.lease?.spec?.leaseTransitions, 1, "one change of holder, a to b");
  });

  void it("is bounded in time when the server hangs, and keeps what it could not check", async () => {
    const leases = new FakeLeases();
    const w = writer(leases);
    leases.failing = true;
    await assert.rejects(claimLease(w, "op", undefined, never), /connection refused/);
    assert.deepEqual([...w.unsettled], ["op"], "a lost connection leaves the outcome unknown");
    leases.failing = false;
    leases.hanging = true;
    // AbortSignal.timeout does not keep the process alive (a real request's socket would).
    const alive = setInterval(() => {}, 1000);
    const started = Date.now();
    const result = await releaseUnsettledClaims(w, 100).finally(() => clearInterval(alive));
    const took = Date.now() - started;
    assert.ok(took >= 90 && took < 1000, `gave up after ${took} ms`);
    assert.deepEqual(result.released, []);
    assert.deepEqual(
      result.failed.map((f) => f.name),
      ["op"],
    );
    assert.deepEqual([...w.unsettled], ["op"]);
  });

  void it("the shard ring's path: of many bucket Leases, only those our cut-off claims committed are handed back", async () => {
    const ring = new FakeLeaseRing();
    const client = ring.client();
    const observer = new LeaseObserver({ now: Date.now, defaultDurationSeconds: 1 });
    const w: LeaseWriter = {
      api: client,
      namespace: "ns",
      identity: "a",
      leaseDurationMs: 1000,
      now: Date.now,
      observer,
      unsettled: new Set(),
    };
    const labels = { "tsoperator.io/shard-ring": "op", "tsoperator.io/shard-role": "bucket" };
    const bucket = (i: number) => `op-bucket-${i}`;
    // Bucket 0: claimed and answered, a live term holds it.
    await claimLease(w, bucket(0), undefined, never, labels);
    // Buckets 1 and 2: committed, answers lost, cut off by the stop; b then takes bucket 2 (expired for it).
    client.answersLost = (name) => name === bucket(1) || name === bucket(2);
    const stopping = new AbortController();
    const claims = [1, 2].map((i) => claimLease(w, bucket(i), undefined, stopping.signal, labels));
    await until("both claims committed", () => ring.holders("op", 4).join() === "a,a,a,");
    stopping.abort();
    for (const claim of claims) await assert.rejects(claim);
    client.answersLost = () => false;
    const b: LeaseWriter = { ...w, api: ring.client(), identity: "b", unsettled: new Set() };
    await claimLease(b, bucket(2), ring.leases.get(bucket(2)), never, labels);
    // Bucket 3: the connection failed before the server saw the claim.
    client.failing = true;
    await assert.rejects(claimLease(w, bucket(3), undefined, never, labels));
    client.failing = false;
    assert.deepEqual([...w.unsettled].sort(), [bucket(1), bucket(2), bucket(3)]);

    const writes = ring.writes.length;
    const result = await releaseUnsettledClaims(w, 1000);
    assert.deepEqual(result, { released: [bucket(1)], failed: [] });
    assert.deepEqual(ring.holders("op", 4), ["a", "", "b", ""], "the term's bucket and b's are untouched");
    assert.equal(ring.leases.has(bucket(3)), false, "nothing created for a claim never committed");
    assert.deepEqual(
      ring.writes.slice(writes).map((x) => `${x.name}:${x.holder}`),
      [`${bucket(1)}:`],
      "one write: the hand-back",
    );
    assert.equal(ring.leases.get(bucket(1))?.spec?.leaseDurationSeconds, 1);
    assert.equal(ring.leases.get(bucket(1))?.metadata.labels?.["tsoperator.io/shard-role"], "bucket");
    assert.equal(w.unsettled.size, 0);
  });
});
