/**
 * The audit-log readings the sharding integration tests rely on (test/support/sharding-scenario.ts), on
 * hand-written audit events: the writer check flags a write outside the writer's bucket-lease term, handoffs are
 * timed from the release and count the new holder's rounds (waiting for a leaving replica when it left later),
 * and a holder change without a release is reported as a takeover, with the new holder's rounds counted from
 * when the old holder's Lease could have run out.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type { AuditEvent } from "../../src/testing/audit-log.js";
import { checkWriters, handoffs, takeovers } from "../support/sharding-scenario.js";

/** One bucket: every parent falls in bucket 0. */
const BUCKETS = 1;
const uids = new Map([["w-1", "uid-1"]]);
let rv = 0;

/** Seconds after a fixed start as an audit MicroTime. */
const at = (s: number) => new Date(Date.UTC(2026, 10, 30) + s * 1000).toISOString().replace("Z", "000Z");

function lease(name: string, holder: string, recv: number, done = recv + 0.01, verb = "update"): AuditEvent {
  return {
    stage: "ResponseComplete",
    verb,
    requestURI: `/apis/coordination.k8s.io/v1/namespaces/ns/leases/${name}`,
    userAgent: holder ? `test shard/${holder}` : "test",
    objectRef: { resource: "leases", namespace: "ns", name },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: at(recv),
    stageTimestamp: at(done),
    responseObject: { metadata: { name, resourceVersion: String(++rv) }, spec: { holderIdentity: holder } },
  } as AuditEvent;
}

const bucket = (holder: string, recv: number, done?: number) => lease("sharded-bucket-0", holder, recv, done);
const member = (holder: string, recv: number) => lease(`sharded-member-${holder}`, holder, recv);

function leave(replica: string, s: number): AuditEvent {
  return {
    ...lease(`sharded-member-${replica}`, replica, s),
    verb: "delete",
    userAgent: `test shard/${replica}`,
  };
}

function childWrite(replica: string, recv: number, done = recv + 0.01): AuditEvent {
  return {
    stage: "ResponseComplete",
    verb: "patch",
    requestURI: "/api/v1/namespaces/ns/configmaps/w-1-a",
    userAgent: `test shard/${replica}`,
    objectRef: { resource: "configmaps", namespace: "ns", name: "w-1-a" },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: at(recv),
    stageTimestamp: at(done),
  };
}

void describe("sharding audit readings", () => {
  it("times an orderly handoff and counts the new holder's rounds", () => {
    const events = [
      bucket("a", 0),
      childWrite("a", 0.5),
      bucket("", 2),
      member("b", 2.1),
      member("b", 2.4),
      bucket("b", 2.5),
      childWrite("b", 3),
    ];
    const [h, ...rest] = handoffs(events, uids, BUCKETS);
    assert.deepEqual(rest, []);
    assert.equal(h?.from, "a");
    assert.equal(h?.to, "b");
    assert.ok(Math.abs((h?.acquireMs ?? 0) - 500) < 1e-6, String(h?.acquireMs));
    assert.ok(Math.abs((h?.firstWriteMs ?? 0) - 1000) < 1e-6, String(h?.firstWriteMs));
    assert.equal(h?.acquirerRounds, 2);
    assert.equal(h?.waitedForLeaveMs, 0);
    assert.deepEqual(takeovers(events), []);
    assert.deepEqual(checkWriters(events, uids, BUCKETS).violations, []);
  });

  it("counts the wait for a leaving replica, and its rounds only after it left", () => {
    const events = [
      bucket("a", 0),
      bucket("", 2),
      member("b", 2.1),
      leave("a", 2.3),
      member("b", 2.4),
      bucket("b", 2.5),
    ];
    const [h] = handoffs(events, uids, BUCKETS);
    assert.ok(Math.abs((h?.waitedForLeaveMs ?? 0) - 300) < 1e-6, String(h?.waitedForLeaveMs));
    assert.equal(h?.acquirerRounds, 1);
  });

  it("flags a write made after the writer's term ended", () => {
    const events = [bucket("a", 0), bucket("", 2), bucket("b", 2.5), childWrite("a", 2.8)];
    const report = checkWriters(events, uids, BUCKETS);
    assert.equal(report.violations.length, 1);
    assert.match(report.violations[0] ?? "", /by a .*held by nobody from before the write/);
  });

  it("flags a write begun before the writer acquired the bucket", () => {
    const events = [bucket("a", 0), childWrite("b", 0.5, 1.2), bucket("b", 1, 1.1)];
    assert.match(
      checkWriters(events, uids, BUCKETS).violations[0] ?? "",
      /acquired only after the write began/,
    );
  });

  it("reports a holder change without a release as a takeover, not a handoff", () => {
    const events = [bucket("a", 0), bucket("b", 5)];
    assert.deepEqual(handoffs(events, uids, BUCKETS), []);
    assert.deepEqual(
      takeovers(events).map((t) => [t.from, t.to]),
      [["a", "b"]],
    );
  });

  it("counts the new holder's rounds after the old holder's Lease could have run out", () => {
    // a renews at 0 and dies; b's rounds every 0.5 s; lease 4 s: b takes at 4.6, after two rounds past 4.01.
    const events = [
      bucket("a", 0),
      ...[0.3, 0.8, 1.3, 1.8, 2.3, 2.8, 3.3, 3.8, 4.1, 4.55].map((t) => member("b", t)),
      bucket("b", 4.58, 4.6),
    ];
    const [t, ...rest] = takeovers(events, 4000);
    assert.deepEqual(rest, []);
    assert.equal(t?.roundsAfterExpiry, 2);
    assert.equal(t?.lastRenewalReceived, Date.UTC(2026, 10, 30));
    // Without a lease duration nothing is counted.
    assert.ok(Number.isNaN(takeovers(events)[0]?.roundsAfterExpiry));
  });
});
