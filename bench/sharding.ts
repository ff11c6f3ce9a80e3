/**
 * Sharding: N BenchParents with K ConfigMaps each, converged by R replicas of the sharded tsoperator peer
 * (bench/peers/tsoperator, bundled by esbuild and run by plain node, one process per replica), for each R asked.
 * Each R runs in a fresh namespace on one local control plane (no controller manager) after the parents were
 * created; measured: time from spawning the replicas to every parent observed with all its children (the e2e
 * ConvergenceWatcher), each replica's CPU (utime + stime from /proc) and RSS (at convergence and the most seen),
 * its buckets and handler calls, and the CPU of kube-apiserver + etcd over the same interval. Saved as
 * bench/results/sharding.json; RESULTS.md shows the table and the projection computed from it.
 *
 * With --gate the API server runs with ShardedListAndWatch, so each replica lists, watches and caches only its
 * buckets' parents and children (saved as bench/results/sharding-sharded-caches.json); without it the replicas
 * cache everything and filter on the client.
 *
 *   npx tsx bench/sharding.ts [--n=5000] [--k=4] [--replicas=1,3] [--buckets=32] [--gate] [--quick] [--no-write]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { KubeClient } from "../src/client/kube-client.js";
import { k8sTypes } from "../src/core/k8s-types.js";
import type { Lease } from "../src/runtime/leader-election.js";
import { SHARD_RING_LABEL } from "../src/runtime/shard-ring.js";
import { TestEnvironment } from "../src/testing/test-environment.js";
import { ContenderProcess, tsoperator } from "./e2e/contenders.js";
import { cpuSeconds, rssBytes, totalCpuSeconds } from "./e2e/proc.js";
import { controlPlanePids, createParents, deleteNamespace, kubeconfigFor } from "./e2e/scenario.js";
import { ConvergenceWatcher } from "./e2e/watcher.js";
import { benchParentCrd } from "./e2e/workload.js";
import { publish, type ShardingData, type ShardingRun } from "./report-sections.js";

const argv = process.argv.slice(2);
const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const quick = argv.includes("--quick");
const n = Number(arg("n") ?? (quick ? 300 : 5000));
const k = Number(arg("k") ?? (quick ? 2 : 4));
const replicaCounts = (arg("replicas") ?? "1,3").split(",").map(Number);
const buckets = Number(arg("buckets") ?? 32);
const write = !quick && !argv.includes("--no-write");
/** --gate: the API server's ShardedListAndWatch on, so each replica lists and caches only its buckets. */
const gate = argv.includes("--gate");
/** The peer's ring: Leases labelled with the operator's name. */
const RING = "tsoperator-peer";
const log = (line: string) => console.error(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runWith(
  env: TestEnvironment,
  admin: KubeClient,
  workDir: string,
  replicas: number,
): Promise<ShardingRun> {
  const namespace = `shard-r${replicas}`;
  await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: namespace } });
  const t0 = performance.now();
  await createParents({ admin }, namespace, n, k);
  const createS = (performance.now() - t0) / 1000;
  log(`  ${n} parents created in ${createS.toFixed(1)} s`);
  const kubeconfig = await kubeconfigFor({ env, workDir }, `shard-r${replicas}`);
  // Let the API server finish with the creates (watch fan-out, compaction) before measuring.
  await sleep(5_000);
  const watcher = new ConvergenceWatcher(admin, namespace, n, n * k);
  const cpPids = controlPlanePids(env);
  const load = loadavg()[0] ?? NaN;
  const cp0 = totalCpuSeconds(cpPids);
  const started = performance.now();
  const procs = Array.from(
    { length: replicas },
    (_, i) =>
      new ContenderProcess(tsoperator, namespace, {
        KUBECONFIG: kubeconfig,
        BENCH_SHARD_BUCKETS: String(buckets),
        BENCH_SHARD_IDENTITY: `replica-${i}`,
      }),
  );
  const maxRss = procs.map(() => 0);
  const sampler = setInterval(
    () => procs.forEach((p, i) => (maxRss[i] = Math.max(maxRss[i] ?? 0, rssBytes(p.pid)))),
    1_000,
  );
  try {
    const timeoutMs = 120_000 + n * k * 100;
    const converged = await Promise.race([
      watcher.waitConverged(timeoutMs),
      // A replica that dies ends the run.
      Promise.any(procs.map((p) => p.until(() => p.exited !== undefined, timeoutMs + 1_000))).then(
        () => false,
      ),
    ]);
    const convergeS = (performance.now() - started) / 1000;
    const controlPlaneCpuS = totalCpuSeconds(cpPids) - cp0;
    const cpu = procs.map((p) => cpuSeconds(p.pid));
    const rss = procs.map((p) => rssBytes(p.pid));
    if (!converged) {
      const exited = procs.map((p) => JSON.stringify(p.exited)).join(", ");
      throw new Error(
        `R=${replicas}: not converged (${watcher.progress()}); exits ${exited}; stderr:\n${procs[0]?.stderrTail}`,
      );
    }
    // Buckets per replica as the Leases say; handler calls as the replicas last reported (once a second).
    await sleep(1_100);
    const leases = await admin
      .resource<Lease>(k8sTypes.coordination.v1.Lease, namespace)
      .list({ labelSelector: `${SHARD_RING_LABEL}=${RING}` });
    const held = (identity: string) =>
      leases.items.filter(
        (l) => /-bucket-\d+$/.test(l.metadata.name ?? "") && l.spec?.holderIdentity === identity,
      ).length;
    const run: ShardingRun = {
      replicas,
      convergeS,
      readyS: Math.max(...procs.map((p) => ((p.readyAt ?? NaN) - started) / 1000)),
      createS,
      loadAvgAtStart: load,
      controlPlaneCpuS,
      perReplica: procs.map((p, i) => ({
        identity: `replica-${i}`,
        cpuS: cpu[i] ?? NaN,
        rssMB: (rss[i] ?? 0) / 2 ** 20,
        maxRssMB: Math.max(maxRss[i] ?? 0, rss[i] ?? 0) / 2 ** 20,
        buckets: held(`replica-${i}`),
        syncs: p.syncs ?? 0,
      })),
    };
    log(
      `  R=${replicas}: converged in ${convergeS.toFixed(1)} s; CPU ${run.perReplica.map((r) => r.cpuS.toFixed(1)).join("/")} s; ` +
        `RSS ${run.perReplica.map((r) => r.rssMB.toFixed(0)).join("/")} MB; buckets ${run.perReplica.map((r) => r.buckets).join("/")}; ` +
        `apiserver+etcd CPU ${controlPlaneCpuS.toFixed(1)} s`,
    );
    return run;
  } finally {
    clearInterval(sampler);
    await Promise.all(procs.map((p) => p.stop(20_000)));
    await watcher.close();
    await deleteNamespace({ env, log }, namespace);
  }
}

async function main(): Promise<void> {
  const buildError = await tsoperator.prepare(log);
  if (buildError) throw new Error(`the tsoperator peer could not be built: ${buildError}`);
  const workDir = await mkdtemp(join(tmpdir(), "tsoperator-shard-bench-"));
  log("starting the control plane (etcd, kube-apiserver)");
  const env = await TestEnvironment.start({
    crds: [benchParentCrd],
    controllerManager: false,
    featureGates: gate ? { ShardedListAndWatch: true } : {},
  });
  const admin = await KubeClient.fromConfig(env.clientConfig("bench-driver").with({ qps: Infinity }));
  const runs: ShardingRun[] = [];
  try {
    for (const replicas of replicaCounts) {
      log(`N=${n} K=${k}, ${replicas} replica(s), ${buckets} buckets`);
      runs.push(await runWith(env, admin, workDir, replicas));
    }
  } finally {
    await admin.close();
    await env.stop();
    await rm(workDir, { recursive: true, force: true });
  }
  const data: ShardingData = {
    command: `npx tsx bench/sharding.ts --n=${n} --k=${k} --replicas=${replicaCounts.join(",")} --buckets=${buckets}${gate ? " --gate" : ""}`,
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    cores: cpus().length,
    n,
    k,
    buckets,
    gate,
    runs,
  };
  await publish(
    gate
      ? {
          id: "sharding-sharded-caches",
          kind: "sharding",
          order: 71,
          heading:
            "Sharding: replicas converging N parents, ShardedListAndWatch on (caches follow the shard)",
          data,
        }
      : {
          id: "sharding",
          kind: "sharding",
          order: 70,
          heading: "Sharding: replicas converging N parents",
          data,
        },
    write,
  );
}

await main();
