/**
 * The contenders: how each is built (once, cached in gitignored folders) and started as its own process. Every
 * contender gets the same environment: KUBECONFIG (its own client certificate), BENCH_NAMESPACE, and prints
 * STARTED when its process is up and READY when its caches have synced (where the framework tells).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_OPTIONS } from "../../src/manifests/generate.js";
import { contenderNode } from "./node-runtime.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PEERS = join(ROOT, "bench/peers");

export interface Contender {
  name: string;
  /** Watches and caches (the floor does neither: no restart, churn or idle figures). */
  operator: boolean;
  /** What the contender's READY line means (restart figures are only comparable where it is "caches synced"). */
  readyMeaning: string;
  /** What it does per parent and with which concurrency settings (shown in RESULTS.md). */
  perParent: string;
  /** False when the contender never prints READY (the restart waits a fixed time instead). */
  printsReady?: boolean;
  /** Builds or installs; resolves to an error text when that fails. */
  prepare(log: (line: string) => void): Promise<string | undefined>;
  command(namespace: string): { file: string; args: string[]; cwd: string; env?: Record<string, string> };
  version?: string;
}

function run(
  file: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeoutMs = 1_800_000,
) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(file, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\n${String(err)}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

function tail(text: string, lines = 15): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** True when `output` exists and is newer than every source. */
function fresh(output: string, sources: string[]): boolean {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return sources.every((s) => !existsSync(s) || statSync(s).mtimeMs <= built);
}

/**
 * The TypeScript contenders are bundled with esbuild (tsx's own dependency) and run by plain node: running them
 * through tsx would charge its on-the-fly transpiling to their CPU and memory, which no deployed operator pays.
 * Rebuilt on every run (a fraction of a second) so they always use the current src/.
 */
function bundled(
  name: string,
  entry: string,
  operator: boolean,
  perParent: string,
  env: Record<string, string> = {},
): Contender {
  const out = join(PEERS, ".build", `${entry.split("/").slice(-2).join("-").replace(/\.ts$/, "")}.mjs`);
  return {
    name,
    operator,
    readyMeaning: operator ? "caches synced" : "listed",
    perParent,
    async prepare() {
      const esbuild = join(ROOT, "node_modules/.bin/esbuild");
      const args = [
        entry,
        "--bundle",
        "--platform=node",
        "--format=esm",
        "--packages=external",
        "--target=node20",
        `--outfile=${out}`,
        "--log-level=warning",
      ];
      const { code, output } = await run(esbuild, args, ROOT);
      return code === 0 ? undefined : `esbuild failed (exit ${code}):\n${tail(output)}`;
    },
    // BENCH_NODE_ARGS: extra node flags for the TypeScript contenders, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    command: () => ({
      file: contenderNode(),
      args: [...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean), out],
      cwd: ROOT,
      env,
    }),
  };
}

const FLOOR = join(ROOT, "bench/e2e/floor.ts");
export const floor = bundled(
  "floor",
  FLOOR,
  false,
  "one paginated LIST of the parents, then per parent K POSTs (concurrently) and 1 merge patch of the status; " +
    "4 parents in flight; no watch, no cache",
);
export const floorApply = bundled(
  "floor-apply",
  FLOOR,
  false,
  "the floor's K+1 writes as server-side applies",
  { BENCH_FLOOR_WRITES: "apply" },
);
export const tsoperator = bundled(
  "tsoperator",
  join(PEERS, "tsoperator/main.ts"),
  true,
  "one handler call; absent children POSTed concurrently (up to 8 per parent), status by server-side apply; " +
    "4 workers (the default); a child whose hash and ownership match costs no request; run with the NODE_OPTIONS " +
    `of the generated Deployment (${NODE_OPTIONS})`,
  // Run the way docs/deployment.md recommends deploying it.
  { NODE_OPTIONS },
);
export const floorSsaStatus = bundled(
  "floor-ssa-status",
  FLOOR,
  false,
  "the requests tsoperator makes, without watch or cache: K POSTs (concurrently) and a server-side apply of the status",
  { BENCH_FLOOR_WRITES: "post-apply-status" },
);
export const floorNode = bundled(
  "floor-node",
  join(ROOT, "bench/e2e/floor-node.ts"),
  false,
  "the floor's writes with node:https and a keep-alive Agent only (no library, no retries): what any Node.js " +
    "process pays for them",
);
/** Not a contender: the cold-process paginated LIST that restart times are compared with. */
export const lister = bundled("lister", join(ROOT, "bench/e2e/lister.ts"), false, "-");
/** Not a contender: the lister keeping every object it listed (bench/restart-time.ts). */
export const listerKeep = bundled("lister-keep", join(ROOT, "bench/e2e/lister.ts"), false, "-", {
  BENCH_LISTER_KEEP: "1",
});

function controllerRuntime(mode: "default" | "fast"): Contender {
  const dir = join(PEERS, "controller-runtime");
  const bin = join(dir, "bin/controller-runtime-peer");
  return {
    name: mode === "default" ? "controller-runtime" : "controller-runtime-fast",
    operator: true,
    readyMeaning: "caches synced (GetInformer for both kinds)",
    perParent:
      "Reconcile: the parent from the cache, K server-side applies concurrently (goroutines), a status apply; " +
      "MaxConcurrentReconciles 4" +
      (mode === "fast"
        ? "; client-side rate limit and workqueue retry backoff off"
        : "; other settings default") +
      "; it reconciles again on the events of its own child writes",
    async prepare(log) {
      if (fresh(bin, [join(dir, "main.go"), join(dir, "go.mod"), join(dir, "go.sum")])) return undefined;
      log("building the controller-runtime peer (go build; first time downloads modules)");
      const { code, output } = await run("go", ["build", "-o", bin, "."], dir);
      return code === 0 ? undefined : `go build failed (exit ${code}):\n${tail(output)}`;
    },
    command: () => ({ file: bin, args: [], cwd: dir, env: { BENCH_MODE: mode } }),
  };
}

const kubeRsDir = join(PEERS, "kube-rs");
const kubeRsBin = join(kubeRsDir, "target/release/kube-rs-peer");
export const kubeRs: Contender = {
  name: "kube-rs",
  operator: true,
  // Store::wait_until_ready() re-polled every 10 ms: a single wait is never woken (see the peer's main.rs).
  readyMeaning: "parent store synced (Controller::store().wait_until_ready(), re-polled every 10 ms)",
  perParent:
    "reconcile: K server-side applies concurrently (try_join_all), a status apply; controller::Config::concurrency 4 " +
    "(its default 0 is unbounded); it reconciles again on the events of its own child writes",
  async prepare(log) {
    if (
      fresh(kubeRsBin, [
        join(kubeRsDir, "src/main.rs"),
        join(kubeRsDir, "Cargo.toml"),
        join(kubeRsDir, "Cargo.lock"),
      ])
    )
      return undefined;
    log("building the kube-rs peer (cargo build --release; first time takes minutes on 2 cores)");
    const { code, output } = await run("cargo", ["build", "--release"], kubeRsDir);
    return code === 0 ? undefined : `cargo build --release failed (exit ${code}):\n${tail(output)}`;
  },
  command: () => ({ file: kubeRsBin, args: [], cwd: kubeRsDir }),
};

const kopfDir = join(PEERS, "kopf");
export const kopf: Contender = {
  name: "kopf",
  operator: true,
  readyMeaning: "none (kopf keeps no cache and reports no synced moment)",
  perParent:
    "create/update/resume handler: K POSTs one after another (the official client is synchronous), status " +
    "through kopf's patch (with its own annotations); kopf's default worker settings",
  printsReady: false,
  async prepare(log) {
    const pip = join(kopfDir, ".venv/bin/pip");
    if (fresh(join(kopfDir, ".venv/bin/kopf"), [join(kopfDir, "requirements.txt")])) return undefined;
    log("installing kopf into bench/peers/kopf/.venv (pip, from PyPI)");
    if (!existsSync(pip)) {
      const venv = await run("python3", ["-m", "venv", ".venv"], kopfDir);
      if (venv.code !== 0) return `python3 -m venv failed (exit ${venv.code}):\n${tail(venv.output)}`;
    }
    const { code, output } = await run(pip, ["install", "-q", "-r", "requirements.txt"], kopfDir);
    return code === 0 ? undefined : `pip install failed (exit ${code}):\n${tail(output)}`;
  },
  command: (namespace) => ({
    file: join(kopfDir, ".venv/bin/kopf"),
    args: ["run", "--standalone", "--namespace", namespace, "handlers.py"],
    cwd: kopfDir,
  }),
};

const dotIDir = join(PEERS, "dot-i");
export const dotI: Contender = {
  name: "dot-i",
  operator: true,
  readyMeaning: "watch started (the library keeps no cache)",
  perParent:
    "watch callback (README style): skips a parent whose status is current, else K creates one after another " +
    "(replace on 409) and a status patch; the library has no concurrency setting",
  async prepare(log) {
    if (
      fresh(join(dotIDir, "node_modules/@dot-i/k8s-operator/package.json"), [join(dotIDir, "package.json")])
    )
      return undefined;
    log("installing @dot-i/k8s-operator into bench/peers/dot-i (npm)");
    const { code, output } = await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--no-package-lock"],
      dotIDir,
    );
    return code === 0 ? undefined : `npm install failed (exit ${code}):\n${tail(output)}`;
  },
  command: () => ({ file: contenderNode(), args: [join(dotIDir, "operator.mjs")], cwd: dotIDir }),
};

/** Diagnostic only (run it by name with --contenders): the SSA floor with a parent's children written one by one. */
export const floorApplySequential = bundled(
  "floor-apply-seq",
  FLOOR,
  false,
  "floor-apply with a parent's children written one after another",
  { BENCH_FLOOR_WRITES: "apply", BENCH_FLOOR_SEQUENTIAL: "1" },
);

/** Diagnostic only (run it by name): floor-ssa-status plus the informers' two watches, events decoded and dropped. */
export const floorSsaStatusWatch = bundled(
  "floor-ssa-status-watch",
  FLOOR,
  false,
  "floor-ssa-status plus a watch of the parents and one of the children, every event decoded and dropped",
  { BENCH_FLOOR_WRITES: "post-apply-status", BENCH_FLOOR_WATCH: "1" },
);

/**
 * The tsoperator peer as bundled from another tree (e.g. an older commit, to compare two versions in one run):
 * named `tsoperator@<name>`, run like the tsoperator contender (same NODE_OPTIONS unless given) from `file`.
 * Bundle it there with the command in bench/e2e/README.md.
 */
export function tsoperatorVariant(name: string, file: string, nodeOptions?: string): Contender {
  const path = resolve(ROOT, file);
  return {
    ...tsoperator,
    name: `tsoperator@${name}`,
    perParent: `the tsoperator peer bundled elsewhere (${file})`,
    prepare: () => Promise.resolve(existsSync(path) ? undefined : `${path} does not exist`),
    command: () => ({
      file: contenderNode(),
      args: [...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean), path],
      cwd: ROOT,
      env: { NODE_OPTIONS: nodeOptions ?? NODE_OPTIONS },
    }),
  };
}

/** `--variant=name=file.mjs[=NODE_OPTIONS]` arguments as contenders (see tsoperatorVariant). */
export function variantsFromArgs(argv: readonly string[]): Contender[] {
  return argv
    .filter((a) => a.startsWith("--variant="))
    .map((a) => {
      const [name, file, ...options] = a.slice("--variant=".length).split("=");
      if (!name || !file) throw new Error(`${a}: expected --variant=name=file.mjs[=NODE_OPTIONS]`);
      return tsoperatorVariant(name, file, options.length > 0 ? options.join("=") : undefined);
    });
}

/**
 * Diagnostic only (run it by name): floor-ssa-status-watch sending the objects tsoperator's engine sends (its labels,
 * hash annotation, field manager and Synced condition). tsoperator against it is the engine's own share.
 */
export const floorEngineObjects = bundled(
  "floor-engine-objects",
  FLOOR,
  false,
  "floor-ssa-status-watch sending the objects tsoperator's engine sends: children with its tracking and ownership " +
    "labels, desired-hash annotation and field manager, a status with its Synced condition",
  { BENCH_FLOOR_WRITES: "post-apply-status", BENCH_FLOOR_WATCH: "1", BENCH_FLOOR_OBJECTS: "tsoperator" },
);

/** Run only when named with --contenders. */
export const DIAGNOSTIC_CONTENDERS: Contender[] = [
  floorApplySequential,
  floorSsaStatusWatch,
  floorEngineObjects,
];

export const ALL_CONTENDERS: Contender[] = [
  floor,
  floorApply,
  floorSsaStatus,
  floorNode,
  tsoperator,
  controllerRuntime("default"),
  controllerRuntime("fast"),
  kubeRs,
  kopf,
  dotI,
];

const live = new Set<ChildProcess>();
// A driver stopped by Ctrl-C must not leave a contender running against nothing.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const child of live) child.kill("SIGKILL");
    process.kill(process.pid, signal);
  });
}

/** A running contender process and the moments it reported. */
export class ContenderProcess {
  readonly child: ChildProcess;
  readonly spawnedAt = performance.now();
  startedAt: number | undefined;
  readyAt: number | undefined;
  doneAt: number | undefined;
  /** Handler calls so far, for contenders that report them (SYNCS lines). */
  syncs: number | undefined;
  /** V8 heap used, for contenders that report it (HEAP lines, once a second). */
  heapBytes: number | undefined;
  exited: { code: number | null; signal: string | null } | undefined;
  stderrTail = "";
  private readonly waiters: Array<() => void> = [];

  constructor(contender: Contender, namespace: string, env: Record<string, string>) {
    const cmd = contender.command(namespace);
    this.child = spawn(cmd.file, cmd.args, {
      cwd: cmd.cwd,
      env: { ...process.env, ...cmd.env, ...env, BENCH_NAMESPACE: namespace },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffered = "";
    this.child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        const now = performance.now();
        if (line === "STARTED") this.startedAt ??= now;
        else if (line === "READY") this.readyAt ??= now;
        else if (line === "DONE") this.doneAt ??= now;
        else if (line.startsWith("SYNCS ")) this.syncs = Number(line.slice(6));
        else if (line.startsWith("HEAP ")) this.heapBytes = Number(line.slice(5));
        this.wake();
      }
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4_000);
    });
    live.add(this.child);
    this.child.on("exit", (code, signal) => {
      live.delete(this.child);
      this.exited = { code, signal };
      this.wake();
    });
    this.child.on("error", (err) => {
      this.stderrTail += `\n${String(err)}`;
      this.exited = { code: -1, signal: null };
      this.wake();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `predicate` holds (checked on every line and on exit) or after `timeoutMs` (false). */
  async until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (this.exited || performance.now() >= deadline) return predicate();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(200, deadline - performance.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exited) return;
    this.child.kill("SIGTERM");
    if (!(await this.until(() => this.exited !== undefined, graceMs))) {
      this.child.kill("SIGKILL");
      await this.until(() => this.exited !== undefined, 5_000);
    }
  }
}
