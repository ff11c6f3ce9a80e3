/**
 * Leader election against a real control plane, with candidates in separate processes: only one leads; a
 * leader stopped with SIGTERM releases the Lease and the other takes over at its next retry; a leader killed
 * with SIGKILL is replaced within the lease duration; leaseTransitions counts every change of holder.
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import type { LeaseSpec } from "../../src/runtime/leader-election.js";

const NAMESPACE = "default";
const DURATION_MS = 3000;
const RENEW_DEADLINE_MS = 2000;
const RETRY_MS = 250;

interface Candidate {
  identity: string;
  proc: ChildProcess;
  events: Array<{ event: string; at: number; leader?: string }>;
  exited: Promise<number | null>;
}

void describe("leader election (real control plane, candidates in child processes)", () => {
  let env: TestEnvironment;
  const candidates: Candidate[] = [];

  before(async () => {
    env = await TestEnvironment.start({ controllerManager: false });
  });
  after(async () => {
    for (const c of candidates)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
    await env?.stop();
  });

  function candidate(identity: string, lease: string): Candidate {
    const proc = spawn(process.execPath, ["--import", "tsx", "test/support/leader-elector-process.ts"], {
      env: {
        ...process.env,
        LE_KUBECONFIG: env.kubeconfigPath,
        LE_LEASE: lease,
        LE_NAMESPACE: NAMESPACE,
        LE_IDENTITY: identity,
        LE_DURATION_MS: String(DURATION_MS),
        LE_RENEW_DEADLINE_MS: String(RENEW_DEADLINE_MS),
        LE_RETRY_MS: String(RETRY_MS),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const c: Candidate = {
      identity,
      proc,
      events: [],
      exited: new Promise((resolve) => proc.once("exit", (code) => resolve(code))),
    };
    createInterface({ input: proc.stdout }).on("line", (line) => {
      try {
        c.events.push(JSON.parse(line) as Candidate["events"][number]);
      } catch {
        // not ours
      }
    });
    candidates.push(c);
    return c;
  }

  const leading = (c: Candidate) => {
    const relevant = c.events.filter((e) => e.event === "started" || e.event === "stopped");
    return relevant.at(-1)?.event === "started";
  };
  const startedAt = (c: Candidate) => c.events.find((e) => e.event === "started")?.at;

  async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await delay(20);
    }
  }

  async function leaseSpec(name: string): Promise<LeaseSpec> {
    const { body } = await env.adminJson(
      "GET",
      `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/${name}`,
    );
    return (body as { spec: LeaseSpec }).spec;
  }

  void it("lets one of two candidates lead; SIGTERM releases the lease and the other takes over at once", async () => {
    const a = candidate("a", "graceful");
    const b = candidate("b", "graceful");
    await until("a leader", () => leading(a) || leading(b), 15_000);
    // Watch for a while: never two leaders.
    for (let i = 0; i < 40; i++) {
      assert.ok(!(leading(a) && leading(b)), "two leaders at once");
      await delay(50);
    }
    const [leader, follower] = leading(a) ? [a, b] : [b, a];
    const before = await leaseSpec("graceful");
    assert.equal(before.holderIdentity, leader.identity);
    assert.equal(before.leaseDurationSeconds, DURATION_MS / 1000);
    assert.equal(before.leaseTransitions, 0);

    const stoppedAt = Date.now();
    leader.proc.kill("SIGTERM");
    assert.equal(await leader.exited, 0);
    assert.ok(
      leader.events.some((e) => e.event === "stopped"),
      "the leader called onStoppedLeading",
    );
    await until("the follower leads", () => leading(follower), DURATION_MS);
    const takeover = (startedAt(follower) ?? 0) - stoppedAt;
    // Released: the follower does not wait for expiry, only for its next retry (+ jitter and request time).
    assert.ok(takeover < 1000, `took over ${takeover} ms after SIGTERM`);
    const after = await leaseSpec("graceful");
    assert.equal(after.holderIdentity, follower.identity);
    assert.equal(after.leaseTransitions, 1);
    follower.proc.kill("SIGTERM");
    await follower.exited;
  });

  void it("replaces a SIGKILLed leader within the lease duration", async () => {
    const a = candidate("x", "crash");
    await until("x leads", () => leading(a), 15_000);
    const b = candidate("y", "crash");
    await until("y campaigns", () => b.events.some((e) => e.event === "leader" && e.leader === "x"), 15_000);
    await delay(500);
    assert.equal(leading(b), false);
    const killedAt = Date.now();
    a.proc.kill("SIGKILL");
    await a.exited;
    await until("y leads", () => leading(b), DURATION_MS + 3 * RETRY_MS + 2000);
    const takeover = (startedAt(b) ?? 0) - killedAt;
    // The lease runs out at most DURATION after the last renewal (which came before the kill); y notices at its
    // next retry (jittered up to 1.2 x retry).
    assert.ok(takeover <= DURATION_MS + 2 * RETRY_MS, `took over ${takeover} ms after SIGKILL`);
    assert.ok(
      takeover >= DURATION_MS - RETRY_MS - 500,
      `took over too early (${takeover} ms): the lease was still valid`,
    );
    const spec = await leaseSpec("crash");
    assert.equal(spec.holderIdentity, "y");
    assert.equal(spec.leaseTransitions, 1);
    b.proc.kill("SIGTERM");
    await b.exited;
    assert.equal((await leaseSpec("crash")).holderIdentity, "", "released on SIGTERM");
  });
});
