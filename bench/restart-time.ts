/**
 * Time to ready after a restart, old code against new, without the full e2e run: one control plane, N parents and
 * their K ConfigMaps created once (by the tsoperator peer itself, so a restart writes nothing), then R rounds of
 * fresh processes: the raw paginated LIST (bench/e2e/lister.ts), the same LIST keeping every object it listed
 * (lister-keep: what holding them costs any Node.js cache) and each variant of the peer, in an order that
 * rotates every round. Per process: ready (READY - STARTED) and the CPU it used until READY, which the 2 shared
 * cores disturb less than wall time.
 *
 *   tsx bench/restart-time.ts --n=5000 --k=4 --rounds=5 --variant=old=/path/to/old-peer.mjs [--node=22]
 *
 * The current tree's peer is always the variant "new"; --variant=name=file.mjs[=NODE_OPTIONS] adds prebuilt
 * bundles as tsoperator@name (e.g. the peer bundled from another commit's tree; bench/e2e/contenders.ts), run with
 * the generated Deployment's NODE_OPTIONS unless given. --prof-dir=DIR adds a last round, left out of the figures, whose
 * processes write CPU profiles to DIR/<variant>.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeClient } from "../src/client/kube-client.js";
import { TestEnvironment } from "../src/testing/test-environment.js";
import {
  ContenderProcess,
  lister,
  listerKeep,
  tsoperator,
  variantsFromArgs,
  type Contender,
} from "./e2e/contenders.js";
import { useNode } from "./e2e/node-runtime.js";
import { cpuSeconds } from "./e2e/proc.js";
import { kubeconfigFor } from "./e2e/scenario.js";
import { BenchParent, benchParentCrd, parentName } from "./e2e/workload.js";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(arg("n") ?? 5000);
const k = Number(arg("k") ?? 4);
const rounds = Number(arg("rounds") ?? 5);
const profDir = arg("prof-dir");
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
if (arg("node")) useNode(arg("node") ?? "current", log);

const variants: Contender[] = [{ ...tsoperator, name: "new" }, ...variantsFromArgs(process.argv)];
for (const c of [lister, listerKeep, ...variants]) {
  const error = await c.prepare(log);
  if (error) throw new Error(`${c.name}: ${error}`);
}

const env = await TestEnvironment.start({ crds: [benchParentCrd] });
const workDir = await mkdtemp(join(tmpdir(), "restart-time-"));
const h = { env, workDir };
const namespace = "restart";
try {
  const client = await KubeClient.fromConfig(env.clientConfig("restart-time"));
  await client
    .resource({ apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false })
    .create({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  log(`creating ${n} parents`);
  const parents = client.resource(BenchParent, namespace);
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, j) =>
        parents.create({
          apiVersion: BenchParent.apiVersion,
          kind: BenchParent.kind,
          metadata: { name: parentName(i + j), namespace },
          spec: { k },
        }),
      ),
    );
  }
  log(`converging (${n * k} ConfigMaps, written by the peer)`);
  const configMaps = client.resource(
    { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
    namespace,
  );
  const first = new ContenderProcess(variants[0] as Contender, namespace, {
    KUBECONFIG: await kubeconfigFor(h, "converge"),
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 5_000));
    let count = 0;
    for await (const page of configMaps.listPages({
      limit: 500,
      labelSelector: "bench.tsoperator.dev/parent",
    }))
      count += page.items.length;
    log(`  ${count} ConfigMaps`);
    if (count >= n * k) break;
    if (first.exited) throw new Error(`peer exited: ${first.stderrTail}`);
  }
  // The statuses land after the children: give the queue time to drain, so restarts write nothing.
  await new Promise((r) => setTimeout(r, 15_000));
  await first.stop();
  await client.close();

  const results = new Map<string, { ready: number[]; cpu: number[] }>();
  const all = [lister, listerKeep, ...variants];
  for (let round = 0; round < rounds + (profDir ? 1 : 0); round++) {
    const order = all.map((_, i) => all[(i + round) % all.length] as Contender);
    for (const c of order) {
      // The contenders read BENCH_NODE_ARGS when they spawn.
      if (round === rounds) process.env.BENCH_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${profDir}/${c.name}`;
      const proc = new ContenderProcess(c, namespace, {
        KUBECONFIG: await kubeconfigFor(h, `${c.name}-${round}`),
      });
      let cpu = 0;
      await proc.until(() => {
        if (proc.readyAt !== undefined && cpu === 0) cpu = cpuSeconds(proc.pid);
        return proc.readyAt !== undefined;
      }, 120_000);
      if (proc.readyAt === undefined || proc.startedAt === undefined)
        throw new Error(`${c.name} not ready: ${proc.stderrTail}`);
      const ready = (proc.readyAt - proc.startedAt) / 1000;
      // A profile is written at exit: let the lister end by itself, and the peer stop gracefully.
      if (round === rounds) await proc.until(() => proc.exited !== undefined, 3_000);
      await proc.stop(round === rounds ? 60_000 : undefined);
      log(`round ${round + 1} ${c.name}: ready ${ready.toFixed(3)} s, CPU until ready ${cpu.toFixed(2)} s`);
      if (round === rounds) continue;
      const r = results.get(c.name) ?? { ready: [], cpu: [] };
      r.ready.push(ready);
      r.cpu.push(cpu);
      results.set(c.name, r);
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const raw = median(results.get("lister")?.ready ?? []);
  for (const [name, r] of results) {
    console.log(
      `${name.padEnd(11)} ready median ${median(r.ready).toFixed(3)} s (${r.ready.map((x) => x.toFixed(2)).join(" ")})` +
        `  /lister ${(median(r.ready) / raw).toFixed(2)}  CPU median ${median(r.cpu).toFixed(2)} s`,
    );
  }
} finally {
  await env.stop();
  await rm(workDir, { recursive: true, force: true });
}
