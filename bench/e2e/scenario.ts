/**
 * One contender on one (N, K) configuration, in a fresh namespace: bulk create to convergence, request counts,
 * then (when asked) idle CPU, steady churn and restart. The contender runs alone; the driver only creates the
 * parents beforehand and observes.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { KubeClient } from "../../src/client/kube-client.js";
import type { TestEnvironment } from "../../src/testing/test-environment.js";
import { CONTENDER_GROUP, type AuditReader, type RequestCounts, writesIn } from "./audit.js";
import { ContenderProcess, lister, type Contender } from "./contenders.js";
import { cpuSeconds, rssBytes, totalCpuSeconds } from "./proc.js";
import { driftRepair, memoryOverTime, type DriftResult, type MemoryResult } from "./extras.js";
import { ConvergenceWatcher } from "./watcher.js";
import { BenchParent, parentName, type BenchParentObject } from "./workload.js";

export interface Phases {
  idleMs: number;
  churnRates: number[];
  churnSeconds: number;
  restart: boolean;
  /**
   * Restarts measured against a raw LIST, in pairs (default 1): the first also counts the writes after the restart;
   * the others only time the two, in alternating order, so ready / LIST gets a median and a spread.
   */
  restartRounds?: number;
  /** Delete 10% of the children and change 10% of the rest, time the repair (extras.ts). */
  drift?: boolean;
  /** Seconds of churn at `memoryRate` with RSS/heap sampled every second; 0 = skip. */
  memorySeconds?: number;
  memoryRate?: number;
}

export interface ChurnResult {
  rate: number;
  updates: number;
  p50Ms: number;
  p99Ms: number;
  unobserved: number;
  cpuMsPerUpdate: number;
}

export interface RunResult {
  contender: string;
  /** Which repetition of this contender at this (N, K) (0-based; only the floors and tsoperator repeat). */
  round?: number;
  n: number;
  k: number;
  converged: boolean;
  progress: string;
  /** 1-minute load average when the run started: other work on the machine shows here. */
  loadAvg: number;
  /** From the contender's STARTED line to convergence seen by the watcher. */
  convergeS: number;
  startupS: number;
  requests: RequestCounts;
  /** Contender CPU until convergence, and control-plane (apiserver + etcd) CPU over the same span. */
  cpuS: number;
  controlPlaneCpuS: number;
  rssBytes: number;
  /** Handler calls until 3 s after convergence (tsoperator only). */
  syncs?: number | undefined;
  idle?: { millicores: number; controlPlaneMillicores: number };
  churn: ChurnResult[];
  restart?: {
    writes: number;
    requests: RequestCounts;
    readyS: number | undefined;
    readyMeaning: string;
    rawListS: number;
    /** Every pair of a restart and a raw LIST, the first one above included (older saved runs: absent). */
    pairs?: Array<{ readyS: number | undefined; rawListS: number }>;
  };
  drift?: DriftResult;
  memory?: MemoryResult;
  error?: string;
}

export interface Harness {
  env: TestEnvironment;
  admin: KubeClient;
  audit: AuditReader;
  workDir: string;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PIDs of kube-apiserver and etcd (the controller manager's GC work is reported with them, separately). */
export function controlPlanePids(env: TestEnvironment): number[] {
  const { etcd, "kube-apiserver": apiserver } = env.pids();
  return [apiserver, etcd].filter((pid): pid is number => pid !== undefined);
}

/** A kubeconfig file for `user` (a client certificate in system:masters and the contenders' audit group). */
export async function kubeconfigFor(h: Pick<Harness, "env" | "workDir">, user: string): Promise<string> {
  const pair = await h.env.clientCertFor(user, ["system:masters", CONTENDER_GROUP]);
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const path = join(h.workDir, `${user}.kubeconfig`);
  await writeFile(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: bench\n  cluster:\n    server: ${h.env.endpoint}\n    certificate-authority-data: ${b64(h.env.caPem ?? "")}`,
      "users:",
      `- name: ${user}\n  user:\n    client-certificate-data: ${b64(pair.certPem)}\n    client-key-data: ${b64(pair.keyPem)}`,
      "contexts:",
      `- name: bench\n  context:\n    cluster: bench\n    user: ${user}\n    namespace: default`,
      "current-context: bench",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return path;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function createParents(
  h: Pick<Harness, "admin">,
  namespace: string,
  n: number,
  k: number,
): Promise<void> {
  const api = h.admin.resource<BenchParentObject>(BenchParent, namespace);
  const indexes = Array.from({ length: n }, (_, i) => i);
  await pool(indexes, 16, (i) =>
    api.create({
      apiVersion: BenchParent.apiVersion,
      kind: BenchParent.kind,
      metadata: { name: parentName(i) },
      spec: { k, payload: `payload-${i}` },
    }),
  );
}

/**
 * Empties the namespace with two deletecollection calls, then deletes it without waiting for the namespace
 * controller (which would add several seconds per run for no measurement): the next run starts on a quiet
 * control plane either way.
 */
export async function deleteNamespace(h: Pick<Harness, "env" | "log">, namespace: string): Promise<void> {
  const ConfigMap = { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true };
  for (const type of [BenchParent, ConfigMap]) {
    const path = `/${type.apiVersion.includes("/") ? "apis" : "api"}/${type.apiVersion}/namespaces/${namespace}/${type.plural}`;
    await h.env
      .adminJson("DELETE", path, undefined, [404])
      .catch((err: unknown) => h.log(`    cleanup: ${String(err)}`));
  }
  await h.env.adminJson("DELETE", `/api/v1/namespaces/${namespace}`, undefined, [404]);
  await sleep(1_000);
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function churn(
  h: Harness,
  namespace: string,
  n: number,
  rate: number,
  seconds: number,
  watcher: ConvergenceWatcher,
  pid: number,
): Promise<ChurnResult> {
  const api = h.admin.resource<BenchParentObject>(BenchParent, namespace);
  watcher.latenciesMs.splice(0);
  const cpu0 = cpuSeconds(pid);
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    // Open loop: send on schedule whatever the previous answers did.
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const name = parentName(i % n);
    const sentAt = performance.now();
    inFlight.push(
      api.patch(name, "merge", { spec: { payload: `churn-${rate}-${i}` } }).then((updated) => {
        watcher.probe(name, updated.metadata.generation ?? 0, sentAt);
      }),
    );
  }
  await Promise.all(inFlight);
  const deadline = performance.now() + 60_000;
  while (watcher.pendingProbes() > 0 && performance.now() < deadline) await sleep(100);
  const sorted = [...watcher.latenciesMs].sort((a, b) => a - b);
  return {
    rate,
    updates: total,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    unobserved: watcher.pendingProbes(),
    cpuMsPerUpdate: ((cpuSeconds(pid) - cpu0) * 1000) / total,
  };
}

/** Starts the contender with `kubeconfig` and waits until it is ready (or, if it prints no READY, started). */
async function startUntilReady(
  contender: Contender,
  namespace: string,
  kubeconfig: string,
): Promise<ContenderProcess> {
  const proc = new ContenderProcess(contender, namespace, { KUBECONFIG: kubeconfig });
  if (contender.printsReady === false) await proc.until(() => proc.startedAt !== undefined, 60_000);
  else await proc.until(() => proc.readyAt !== undefined, 120_000);
  return proc;
}

const readySeconds = (p: ContenderProcess) =>
  p.readyAt !== undefined && p.startedAt !== undefined ? (p.readyAt - p.startedAt) / 1000 : undefined;

/** Seconds from a fresh lister process's STARTED to its READY (one paginated LIST of parents and children). */
async function rawPaginatedList(h: Harness, namespace: string, kubeconfig: string): Promise<number> {
  const proc = new ContenderProcess(lister, namespace, { KUBECONFIG: kubeconfig });
  try {
    await proc.until(() => proc.readyAt !== undefined, 120_000);
    if (proc.readyAt === undefined || proc.startedAt === undefined)
      throw new Error(`lister failed: ${proc.stderrTail}`);
    return (proc.readyAt - proc.startedAt) / 1000;
  } finally {
    await proc.stop();
  }
}

export async function runScenario(
  h: Harness,
  contender: Contender,
  n: number,
  k: number,
  runIndex: number,
  phases: Phases,
  cleanup = false,
): Promise<RunResult> {
  // Contender names may hold characters a namespace cannot (tsoperator@old).
  const slug = contender.name.replace(/[^a-z0-9-]/g, "-");
  const namespace = `e2e-${runIndex}-${slug}`.slice(0, 63);
  const user = `bench-${runIndex}-${slug}`;
  const result: RunResult = {
    contender: contender.name,
    n,
    k,
    converged: false,
    progress: "",
    loadAvg: loadavg()[0] ?? NaN,
    convergeS: NaN,
    startupS: NaN,
    requests: new Map<string, number>(),
    cpuS: NaN,
    controlPlaneCpuS: NaN,
    rssBytes: 0,
    churn: [],
  };
  await mkdir(h.workDir, { recursive: true });
  await h.admin.resource({ apiVersion: "v1", kind: "Namespace", plural: "namespaces" }).create({
    metadata: { name: namespace },
  });
  let proc: ContenderProcess | undefined;
  const watcher = new ConvergenceWatcher(h.admin, namespace, n, n * k);
  try {
    const t0 = performance.now();
    await createParents(h, namespace, n, k);
    h.log(`    ${n} parents created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const kubeconfig = await kubeconfigFor(h, user);
    await h.audit.readNew();
    const cpPids = controlPlanePids(h.env);
    const cp0 = totalCpuSeconds(cpPids);
    proc = new ContenderProcess(contender, namespace, { KUBECONFIG: kubeconfig });
    const p = proc;
    if (!(await p.until(() => p.startedAt !== undefined, 60_000))) {
      throw new Error(
        `no STARTED line within 60 s; exit ${JSON.stringify(p.exited)}; stderr:\n${p.stderrTail}`,
      );
    }
    result.startupS = (p.startedAt! - p.spawnedAt) / 1000;
    const timeoutMs = 60_000 + n * k * 40;
    const converged = await Promise.race([
      watcher.waitConverged(timeoutMs),
      p.until(() => p.exited !== undefined, timeoutMs + 1_000).then(() => false),
    ]);
    const at = performance.now();
    result.converged = converged || watcher.isConverged();
    result.progress = watcher.progress();
    result.convergeS = (at - p.startedAt!) / 1000;
    result.cpuS = cpuSeconds(p.pid);
    result.controlPlaneCpuS = totalCpuSeconds(cpPids) - cp0;
    if (!result.converged) {
      result.error = `did not converge in ${(timeoutMs / 1000).toFixed(0)} s: ${result.progress}; exit ${JSON.stringify(p.exited)}; stderr tail:\n${p.stderrTail.slice(-1500)}`;
    }
    // Trailing requests (a last status write, a requeue) belong to the cost of converging.
    await sleep(3_000);
    result.rssBytes = rssBytes(p.pid);
    // The peer reports once a second: wait for the report that covers the settle time.
    await sleep(1_100);
    result.syncs = p.syncs;
    result.requests = (await h.audit.readNew()).get(user) ?? new Map<string, number>();
    if (!result.converged || !contender.operator) return result;

    if (phases.idleMs > 0) {
      const c0 = cpuSeconds(p.pid);
      const cp1 = totalCpuSeconds(cpPids);
      await sleep(phases.idleMs);
      result.idle = {
        millicores: ((cpuSeconds(p.pid) - c0) * 1e6) / phases.idleMs,
        controlPlaneMillicores: ((totalCpuSeconds(cpPids) - cp1) * 1e6) / phases.idleMs,
      };
    }
    for (const rate of phases.churnRates) {
      h.log(`    churn ${rate}/s for ${phases.churnSeconds} s`);
      result.churn.push(await churn(h, namespace, n, rate, phases.churnSeconds, watcher, p.pid));
    }
    if (phases.drift) {
      h.log("    drift repair: 10% of the children deleted, 10% of the rest changed");
      result.drift = await driftRepair(h, namespace, user);
    }
    if (phases.memorySeconds) {
      const rate = phases.memoryRate ?? 50;
      h.log(`    memory over time: churn ${rate}/s for ${phases.memorySeconds} s`);
      result.memory = await memoryOverTime(h, namespace, n, p, rate, phases.memorySeconds);
      // The restart below must start from a converged namespace, not from updates still in the queue.
      await watcher.waitConverged(60_000);
    }
    if (phases.restart) {
      await p.stop();
      // One user each for the lister and the restarts: only the first restart's requests are read from the audit.
      const listerKubeconfig = await kubeconfigFor(h, `${user}-lister`);
      const listSeconds = () => rawPaginatedList(h, namespace, listerKubeconfig);
      const rawListS = await listSeconds();
      await h.audit.readNew();
      const user2 = `${user}-restart`;
      const restartKubeconfig = await kubeconfigFor(h, user2);
      proc = await startUntilReady(contender, namespace, restartKubeconfig);
      // Anything a restarted operator wants to write, it writes within seconds of its resync.
      await sleep(5_000);
      const requests = (await h.audit.readNew()).get(user2) ?? new Map<string, number>();
      const readyS = readySeconds(proc);
      await proc.stop();
      proc = undefined;
      const restartSeconds = async () => {
        proc = await startUntilReady(contender, namespace, restartKubeconfig);
        const seconds = readySeconds(proc);
        await proc.stop();
        proc = undefined;
        return seconds;
      };
      const pairs = [{ readyS, rawListS }];
      for (let i = 1; i < (phases.restartRounds ?? 1); i++) {
        if (i % 2 === 0) {
          const list = await listSeconds();
          pairs.push({ readyS: await restartSeconds(), rawListS: list });
        } else {
          const ready = await restartSeconds();
          pairs.push({ readyS: ready, rawListS: await listSeconds() });
        }
      }
      result.restart = {
        writes: writesIn(requests),
        requests,
        readyS,
        readyMeaning: contender.readyMeaning,
        rawListS,
        pairs,
      };
    }
    return result;
  } catch (err) {
    result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return result;
  } finally {
    await proc?.stop();
    await watcher.close();
    if (cleanup) {
      const t1 = performance.now();
      await deleteNamespace(h, namespace);
      h.log(`    namespace deleted in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    }
    await rm(join(h.workDir, `${user}.kubeconfig`), { force: true });
  }
}
