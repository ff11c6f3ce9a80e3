/**
 * Crash safety against a real control plane:
 * - two leader-elected instances: only one ever writes; SIGKILL the leader and the other takes over within the
 *   lease duration and converges every parent;
 * - trials (TSOP_CRASH_TRIALS, default 3; 30 for the full run) of SIGKILLing the operator at a random moment
 *   while parents are created, updated and deleted, then restarting it: every trial converges to exactly the
 *   desired children (no duplicates, no orphans), no stuck finalizer, statuses correct.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { Widget, widgetCrd } from "../support/crds.js";
import { eventually, sleep } from "../support/operator-harness.js";

const TRIALS = Number(process.env.TSOP_CRASH_TRIALS ?? 3);
const PARENTS = Number(process.env.TSOP_CRASH_PARENTS ?? 200);
const ConfigMap = k8sTypes.core.v1.ConfigMap;

let env: TestEnvironment;
let admin: KubeClient;

before(async () => {
  env = await TestEnvironment.start({ crds: [widgetCrd] });
  admin = await KubeClient.fromConfig(env.clientConfig("crash-driver"));
});
after(async () => {
  await admin?.close();
  await env?.stop();
});

interface OperatorProcess {
  child: ChildProcess;
  output(): string;
  writes(): number;
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

function runOperator(namespace: string, extraEnv: Record<string, string> = {}): OperatorProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/crash-operator.ts"], {
    env: { ...process.env, KUBECONFIG_PATH: env.kubeconfigPath, WATCH_NAMESPACE: namespace, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => out,
    writes: () => out.split("\n").filter((l) => l === "write").length,
    async waitFor(text, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (child.exitCode !== null) assert.fail(`operator exited (${child.exitCode}): ${err.slice(-2000)}`);
        if (Date.now() > deadline) assert.fail(`operator never printed ${text}; stderr: ${err.slice(-2000)}`);
        await sleep(50);
      }
    },
  };
}

async function kill(p: OperatorProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited;
}

async function newNamespace(name: string): Promise<void> {
  await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name } });
}

function widget(name: string, version: number): KubeObject {
  return { apiVersion: Widget.apiVersion, kind: Widget.kind, metadata: { name }, spec: { version } };
}

/** Runs `fn` over items with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/**
 * The cluster matches the desired state exactly: for each remaining parent, status follows its spec and it has
 * exactly its 3 children with the right data and owner; no other labelled ConfigMap exists; no parent is stuck
 * deleting. Returns a description of the first difference, or undefined when converged.
 */
async function difference(namespace: string, expected: Map<string, number>): Promise<string | undefined> {
  const parents = (await admin.resource(Widget, namespace).list()).items;
  const children = (await admin.resource(ConfigMap, namespace).list({ labelSelector: "tsoperator.dev/operator" }))
    .items;
  const names = new Set(parents.map((p) => p.metadata.name));
  for (const name of expected.keys()) if (!names.has(name)) return `parent ${name} missing`;
  for (const p of parents) {
    const name = p.metadata.name ?? "";
    if (!expected.has(name)) return `parent ${name} should be gone (finalizers: ${p.metadata.finalizers?.join(",")})`;
    const status = p.status as { observedGeneration?: number; version?: number; children?: number } | undefined;
    if (status?.observedGeneration !== p.metadata.generation) return `${name}: observedGeneration behind`;
    if (status?.version !== expected.get(name)) return `${name}: status.version ${status?.version}`;
    if (status?.children !== 3) return `${name}: status.children ${status?.children}`;
    const mine = children.filter((c) => c.metadata.labels?.["tsoperator.dev/parent-uid"] === p.metadata.uid);
    if (mine.length !== 3) return `${name}: ${mine.length} children`;
    for (const c of mine) {
      if ((c.data as Record<string, string>)?.version !== String(expected.get(name))) return `${c.metadata.name}: stale data`;
      if (c.metadata.ownerReferences?.[0]?.uid !== p.metadata.uid) return `${c.metadata.name}: wrong owner`;
    }
  }
  const uids = new Set(parents.map((p) => p.metadata.uid));
  const orphan = children.find((c) => !uids.has(c.metadata.labels?.["tsoperator.dev/parent-uid"]));
  return orphan ? `orphan ${orphan.metadata.name}` : undefined;
}

describe("crash safety", () => {
  it("two instances with leader election: only the leader writes; SIGKILL of the leader hands over", async () => {
    const ns = "leaders";
    await newNamespace(ns);
    const a = runOperator(ns, { LEADER_ELECTION: "1", IDENTITY: "a" });
    await a.waitFor("ready");
    // Let a win the Lease before b starts, so we know who leads.
    await eventually("a holds the lease", async () => {
      const lease = await admin.resource(k8sTypes.coordination.v1.Lease, ns).getOrUndefined("crash-operator");
      return (lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity === "a";
    });
    const b = runOperator(ns, { LEADER_ELECTION: "1", IDENTITY: "b" });
    try {
      await b.waitFor("ready");
      const expected = new Map<string, number>();
      for (let i = 0; i < 10; i++) {
        await admin.resource(Widget, ns).create(widget(`w${i}`, 1));
        expected.set(`w${i}`, 1);
      }
      await eventually("converged under a", async () => (await difference(ns, expected)) === undefined, 30_000);
      assert.ok(a.writes() > 0, "the leader wrote");
      assert.equal(b.writes(), 0, "the follower never wrote");

      const killedAt = Date.now();
      await kill(a);
      for (let i = 10; i < 15; i++) {
        await admin.resource(Widget, ns).create(widget(`w${i}`, 2));
        expected.set(`w${i}`, 2);
      }
      await eventually("b took over and converged", async () => (await difference(ns, expected)) === undefined, 30_000);
      const tookOverMs = Date.now() - killedAt;
      const lease = await admin.resource(k8sTypes.coordination.v1.Lease, ns).get("crash-operator");
      const spec = lease.spec as { holderIdentity?: string; leaseTransitions?: number };
      assert.equal(spec.holderIdentity, "b");
      assert.ok((spec.leaseTransitions ?? 0) >= 1, "the Lease counts the transition");
      // Lease duration 4 s, retry period 0.5 s, plus convergence of 5 parents.
      assert.ok(tookOverMs < 15_000, `took over and converged in ${tookOverMs} ms`);
      assert.ok(b.writes() > 0);
    } finally {
      await kill(a);
      await kill(b, "SIGTERM");
    }
  });

  for (let trial = 1; trial <= TRIALS; trial++) {
    it(`trial ${trial}/${TRIALS}: SIGKILL at a random moment during ${PARENTS} parents' churn, restart, converge exactly`, async () => {
      const ns = `crash-${trial}`;
      await newNamespace(ns);
      const expected = new Map<string, number>();
      let op = runOperator(ns);
      await op.waitFor("ready");
      const names = Array.from({ length: PARENTS }, (_, i) => `p${i}`);
      const killAfterMs = Math.floor(Math.random() * 4000);
      const killer = sleep(killAfterMs).then(() => kill(op));
      // Churn: create all, update every other one, delete every fourth.
      await pool(names, 16, async (name) => {
        await admin.resource(Widget, ns).create(widget(name, 1));
        expected.set(name, 1);
      });
      await pool(
        names.filter((_, i) => i % 2 === 0),
        16,
        async (name) => {
          await admin.resource(Widget, ns).patch(name, "merge", { spec: { version: 2 } });
          expected.set(name, 2);
        },
      );
      await pool(
        names.filter((_, i) => i % 4 === 1),
        16,
        async (name) => {
          await admin.resource(Widget, ns).delete(name);
          expected.delete(name);
        },
      );
      await killer;
      const writesBeforeKill = op.writes();
      op = runOperator(ns);
      try {
        await op.waitFor("ready");
        const started = Date.now();
        let last: string | undefined;
        await eventually(
          "converged after restart",
          async () => (last = await difference(ns, expected)) === undefined,
          90_000,
        ).catch((err: Error) => assert.fail(`${err.message}; last difference: ${last}`));
        process.stdout.write(
          `# trial ${trial}: killed after ${killAfterMs} ms (${writesBeforeKill} writes before), ` +
            `converged ${Date.now() - started} ms after restart\n`,
        );
      } finally {
        await kill(op, "SIGTERM");
      }
    });
  }
});
