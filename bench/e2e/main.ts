/**
 * The end-to-end benchmark driver: builds the peers (cached), starts one local control plane with audit logging,
 * runs every contender alone on each (N, K) in a fresh namespace, prints the tables and writes the "End-to-end"
 * section of bench/RESULTS.md.
 *
 * Options: --quick (N 100,1000; K 1,4; peers only up to 1000 children; idle/churn/restart at N=1000 K=1),
 * --n=100,1000 --k=1,4, --contenders=floor,tsoperator,..., --idle-ms=60000, --churn-rates=10,50,100,
 * --churn-seconds=20, --churn-n=1000, --restart-n=5000, --restart-rounds=5 (restart / raw LIST pairs), --extras-k=4, --peer-max-children=N, --cleanup,
 * --no-drift (skip drift repair, which runs with the restart), --memory-seconds=600 (churn with RSS/heap sampled,
 * run with the restart; 0 skips; --quick: 60), --memory-rate=50,
 * --heading="End-to-end: large" (RESULTS.md section to write), --no-write (print only), --rounds=3 (runs of the
 * floors and tsoperator per configuration, interleaved; RESULTS.md reports the median and spread of their ratios),
 * --node=22 (the Node.js line the JavaScript contenders run on: a major fetched from the npm registry, a path, or
 * "current" for the driver's), --from-json=bench/results/end-to-end.json (re-render a saved run), --e2e-only (bench/run.ts: skip the other
 * benchmarks), --variant=old=bench/peers/.build/old.mjs (another build of the tsoperator peer, run every round
 * next to it as tsoperator@old: two versions compared in one run; see bench/e2e/README.md). The run is saved as bench/results/<heading>.json and RESULTS.md is rendered from bench/results/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { KubeClient } from "../../src/client/kube-client.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { AuditReader, auditFlags } from "./audit.js";
import { contenderNodeVersion, useNode } from "./node-runtime.js";
import {
  ALL_CONTENDERS,
  ROOT,
  DIAGNOSTIC_CONTENDERS,
  lister,
  variantsFromArgs,
  type Contender,
} from "./contenders.js";
import { renderSection, renderTables, type ReportInput } from "./report.js";
import { renderResults } from "../report-sections.js";
import { saveResult, slug, type SavedResult } from "../results-file.js";
import { runScenario, type Harness, type Phases, type RunResult } from "./scenario.js";
import { benchParentCrd } from "./workload.js";

export interface E2eOptions {
  quick: boolean;
  ns: number[];
  ks: number[];
  contenders: string[];
  idleMs: number;
  churnRates: number[];
  churnSeconds: number;
  churnN: number;
  restartN: number;
  /** Pairs of a restart and a raw LIST at the restart's configuration (ready / LIST: median and spread). */
  restartRounds: number;
  /** Drift repair on the restart's configuration. */
  drift: boolean;
  /** Memory over time on the restart's configuration: seconds (0 = skip) and updates per second. */
  memorySeconds: number;
  memoryRate: number;
  /** K of the run that also does idle, churn and restart. */
  extrasK: number;
  /** Peers (not the floors and tsoperator) skip configurations with more children than this. */
  peerMaxChildren: number;
  /** Delete each run's namespace afterwards (default: keep; the control plane goes away at the end). */
  cleanup: boolean;
  /** Heading of the RESULTS.md section this run writes (default "End-to-end"). */
  heading: string;
  /** Re-render a saved run instead of running. */
  fromJson: string | undefined;
  /** Runs of the floors and tsoperator per configuration (the peers run once). */
  rounds: number;
  /** Node.js for the JavaScript contenders: a major ("22"), a path, or "current". */
  node: string;
  /** Other builds of the tsoperator peer (--variant=name=file.mjs), run every round next to it. */
  variants: Contender[];
  write: boolean;
  command: string;
}

export function parseE2eArgs(argv: string[]): E2eOptions {
  const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  // "--churn-rates=" (empty) means none.
  const list = (name: string, fallback: number[]) =>
    arg(name)
      ?.split(",")
      .filter((x) => x !== "")
      .map(Number) ?? fallback;
  const quick = argv.includes("--quick");
  const ns = list("n", quick ? [100, 1000] : [100, 1000, 5000]);
  const maxN = Math.max(...ns);
  return {
    quick,
    ns,
    ks: list("k", [1, 4]),
    contenders: arg("contenders")?.split(",") ?? ALL_CONTENDERS.map((c) => c.name),
    idleMs: Number(arg("idle-ms") ?? (quick ? 10_000 : 60_000)),
    churnRates: list("churn-rates", quick ? [10, 50] : [10, 50, 100]),
    churnSeconds: Number(arg("churn-seconds") ?? (quick ? 5 : 20)),
    churnN: Number(arg("churn-n") ?? Math.min(1000, maxN)),
    restartN: Number(arg("restart-n") ?? (quick ? 1000 : maxN)),
    restartRounds: Math.max(1, Number(arg("restart-rounds") ?? 5)),
    drift: !argv.includes("--no-drift"),
    memorySeconds: Number(arg("memory-seconds") ?? (quick ? 60 : 600)),
    memoryRate: Number(arg("memory-rate") ?? 50),
    extrasK: Number(arg("extras-k") ?? (quick ? 1 : 4)),
    peerMaxChildren: Number(arg("peer-max-children") ?? (quick ? 1000 : Infinity)),
    cleanup: argv.includes("--cleanup"),
    fromJson: arg("from-json"),
    rounds: Number(arg("rounds") ?? 3),
    // Users run the maintained lines; the driver's own Node may be older.
    node: arg("node") ?? "22",
    variants: variantsFromArgs(argv),
    heading: argv.find((a) => a.startsWith("--heading="))?.slice("--heading=".length) ?? "End-to-end",
    write: !argv.includes("--no-write"),
    command: `npm run bench -- ${argv.join(" ")}`.trim(),
  };
}

function phasesFor(options: E2eOptions, n: number, k: number): Phases {
  // The extras run once per contender: at one K, at the N each scenario asks for.
  const extras = k === options.extrasK;
  return {
    idleMs: extras && n === options.restartN ? options.idleMs : 0,
    churnRates: extras && n === options.churnN ? options.churnRates : [],
    churnSeconds: options.churnSeconds,
    restart: extras && n === options.restartN,
    restartRounds: options.restartRounds,
    drift: extras && n === options.restartN && options.drift,
    memorySeconds: extras && n === options.restartN ? options.memorySeconds : 0,
    memoryRate: options.memoryRate,
  };
}

function version(file: string, args: string[], cwd = ROOT): string {
  try {
    return (
      execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
        .trim()
        .split("\n")[0] ?? "?"
    );
  } catch {
    return "unavailable";
  }
}

function lockedVersion(text: string, pattern: RegExp): string {
  return pattern.exec(text)?.[1] ?? "?";
}

function peerVersions(): string[] {
  const read = (p: string) => (existsSync(join(ROOT, p)) ? readFileSync(join(ROOT, p), "utf8") : "");
  const goMod = read("bench/peers/controller-runtime/go.mod");
  const cargoLock = read("bench/peers/kube-rs/Cargo.lock");
  const dotI = read("bench/peers/dot-i/node_modules/@dot-i/k8s-operator/package.json");
  const kopfVersion = version(join(ROOT, "bench/peers/kopf/.venv/bin/python"), [
    "-c",
    "import kopf, kubernetes; print(kopf.__version__ if hasattr(kopf, '__version__') else '?', kubernetes.__version__)",
  ]);
  return [
    `Node ${contenderNodeVersion()} for the JavaScript contenders (the driver: ${process.version}); ${version("go", ["version"])}; ${version("rustc", ["--version"])}; ${version("python3", ["--version"])}`,
    `sigs.k8s.io/controller-runtime ${lockedVersion(goMod, /sigs\.k8s\.io\/controller-runtime (v\S+)/)}, k8s.io/client-go ${lockedVersion(goMod, /k8s\.io\/client-go (v\S+)/)}`,
    `kube ${lockedVersion(cargoLock, /name = "kube"\nversion = "([^"]+)"/)}, k8s-openapi ${lockedVersion(cargoLock, /name = "k8s-openapi"\nversion = "([^"]+)"/)}`,
    `kopf, kubernetes (Python): ${kopfVersion}`,
    `@dot-i/k8s-operator ${dotI ? (JSON.parse(dotI) as { version: string }).version : "not installed"}`,
  ];
}

export async function runE2e(options: E2eOptions): Promise<{ results: RunResult[]; section: string }> {
  if (options.fromJson) {
    await renderSaved(options.fromJson, options);
    return { results: [], section: "" };
  }
  const log = (line: string) => console.error(line);
  const node = useNode(options.node, log);
  log(`JavaScript contenders run on Node ${node.version} (${node.path})`);
  const contenders = [
    ...[...ALL_CONTENDERS, ...DIAGNOSTIC_CONTENDERS].filter((c) => options.contenders.includes(c.name)),
    ...options.variants,
  ];
  const peers: ReportInput["peers"] = [];
  const runnable: Contender[] = [];
  for (const c of contenders) {
    const error = await c.prepare(log);
    if (error) {
      log(`${c.name}: could not be built: ${error}`);
      peers.push({
        name: c.name,
        status: `could not be built from the registries: ${error}`,
        perParent: c.perParent,
      });
    } else {
      runnable.push(c);
      peers.push({ name: c.name, status: "built and ran", perParent: c.perParent });
    }
  }

  const listerError = await lister.prepare(log);
  if (listerError) throw new Error(`the raw LIST baseline could not be built: ${listerError}`);
  const workDir = await mkdtemp(join(tmpdir(), "tsoperator-e2e-"));
  const audit = await auditFlags(workDir);
  log("starting the control plane (etcd, kube-apiserver with audit log, kube-controller-manager)");
  const env = await TestEnvironment.start({ crds: [benchParentCrd], apiServerFlags: audit.flags });
  const admin = await KubeClient.fromConfig(env.clientConfig("bench-driver"));
  const harness: Harness = { env, admin, audit: new AuditReader(audit.logPath), workDir, log };
  const results: RunResult[] = [];
  const skipped: string[] = [];
  const startedAt = performance.now();
  let serverVersion = "?";
  try {
    const { body } = await env.adminJson("GET", "/version");
    serverVersion = (body as { gitVersion?: string }).gitVersion ?? "?";
    let runIndex = 0;
    const repeats = (c: Contender) =>
      c.name.startsWith("floor") || c.name === "tsoperator" || c.name.startsWith("tsoperator@");
    for (const n of options.ns) {
      for (const k of options.ks) {
        // Round 0 runs everyone (and the extras); later rounds only the floors and tsoperator, in alternating
        // order, so the write-floor ratio gets a median and a spread from back-to-back runs.
        for (let round = 0; round < Math.max(1, options.rounds); round++) {
          const order = runnable.filter((c) => round === 0 || repeats(c));
          for (const c of round % 2 === 1 ? order.reverse() : order) {
            if (!repeats(c) && n * k > options.peerMaxChildren) {
              skipped.push(`${c.name} N=${n} K=${k}`);
              continue;
            }
            const phases =
              round === 0
                ? phasesFor(options, n, k)
                : { idleMs: 0, churnRates: [], churnSeconds: 0, restart: false };
            log(`[${++runIndex}] ${c.name} N=${n} K=${k}${round > 0 ? ` round ${round + 1}` : ""}`);
            const r = { ...(await runScenario(harness, c, n, k, runIndex, phases, options.cleanup)), round };
            log(
              r.converged
                ? `    converged in ${r.convergeS.toFixed(2)} s, ${[...r.requests].map(([key, v]) => `${key}=${v}`).join(" ")}`
                : `    FAILED: ${r.error?.split("\n")[0] ?? r.progress}`,
            );
            results.push(r);
          }
        }
      }
    }
  } finally {
    await admin.close();
    await env.stop();
    await rm(workDir, { recursive: true, force: true });
  }

  const input: ReportInput = {
    command: options.command,
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    machine: `${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; one local control plane (etcd on tmpfs, kube-apiserver ${serverVersion} with a Metadata audit log of the contenders' group, kube-controller-manager with garbage collector) shared by all runs, one fresh namespace per run, contenders run one at a time`,
    versions: peerVersions(),
    peers,
    rounds: Math.max(1, options.rounds),
    results,
    notes: [
      `whole run: ${((performance.now() - startedAt) / 60_000).toFixed(1)} min (control plane start included, peer builds not)`,
      ...(skipped.length
        ? [
            `skipped to keep the run short (--peer-max-children=${options.peerMaxChildren}): ${skipped.join(", ")}`,
          ]
        : []),
    ],
  };
  return report(input, options);
}

async function report(
  input: ReportInput,
  options: E2eOptions,
): Promise<{ results: RunResult[]; section: string }> {
  const result = {
    id: slug(options.heading),
    kind: "e2e",
    // The default run first, then named runs (by heading).
    order: options.heading === "End-to-end" ? 100 : 110,
    heading: options.heading,
    data: input,
  };
  console.log(renderTables(input));
  if (options.write) await saveResult(result, renderResults);
  return { results: input.results, section: renderSection(input, options.heading) };
}

/** Re-renders a saved run (bench/results/<id>.json, or a bare ReportInput) under --heading. */
export async function renderSaved(path: string, options: E2eOptions): Promise<void> {
  const saved = JSON.parse(await readFile(path, "utf8")) as SavedResult<ReportInput> | ReportInput;
  await report("data" in saved ? saved.data : saved, options);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runE2e(parseE2eArgs(process.argv.slice(2)));
}
