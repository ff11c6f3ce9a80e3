/**
 * Locates, and when missing builds, the control-plane binaries (etcd, kube-apiserver, kube-controller-manager)
 * that TestEnvironment runs. They are built from Go modules pinned in the package's `controlplane/` folder into
 * a per-version cache outside the repository, because no prebuilt cluster can be downloaded on our machines.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { access, chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TsOperatorError } from "../core/errors.js";

export const BINARY_NAMES = ["etcd", "kube-apiserver", "kube-controller-manager"] as const;
export type BinaryName = (typeof BINARY_NAMES)[number];
export type BinaryPaths = Record<BinaryName, string>;

/** The versions pinned by controlplane/go.mod. */
export interface ControlPlaneVersions {
  kubernetes: string;
  etcd: string;
}

const GO_PACKAGES: Record<BinaryName, string> = {
  etcd: "go.etcd.io/etcd/server/v3",
  "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
  "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
};

/** Minimum Go version: the pinned Kubernetes release declares `go 1.26.0`. */
const MIN_GO = [1, 26] as const;

/** The package's `controlplane/` folder (works from src/ through tsx and from dist/ when installed). */
export function controlPlaneSourceDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "controlplane", "go.mod")) && existsSync(join(dir, "package.json"))) {
      return join(dir, "controlplane");
    }
    dir = dirname(dir);
  }
  throw new TsOperatorError(
    "TSOP_CONTROLPLANE",
    "cannot find the tsoperator package's controlplane/go.mod next to its package.json",
  );
}

export async function readPinnedVersions(sourceDir = controlPlaneSourceDir()): Promise<ControlPlaneVersions> {
  const goMod = await readFile(join(sourceDir, "go.mod"), "utf8");
  const pick = (module: string): string => {
    const m = new RegExp(`^\\s*${module.replace(/[.]/g, "\\.")}\\s+(v[^\\s]+)`, "m").exec(goMod);
    if (!m?.[1]) {
      throw new TsOperatorError("TSOP_CONTROLPLANE", `${sourceDir}/go.mod does not require ${module}`);
    }
    return m[1];
  };
  return { kubernetes: pick("k8s.io/kubernetes"), etcd: pick("go.etcd.io/etcd/server/v3") };
}

/** `$XDG_CACHE_HOME/tsoperator` or `~/.cache/tsoperator`; `TSOPERATOR_CACHE_DIR` overrides. */
export function cacheRoot(): string {
  if (process.env.TSOPERATOR_CACHE_DIR) return process.env.TSOPERATOR_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "tsoperator");
}

/** The folder for one pinned version set, e.g. `~/.cache/tsoperator/k8s-v1.37.2-etcd-v3.7.0-<sum>`. */
export async function binaryDirFor(sourceDir = controlPlaneSourceDir()): Promise<string> {
  const versions = await readPinnedVersions(sourceDir);
  // go.sum pins every transitive module: two checkouts with the same go.sum build the same binaries.
  const sum = createHash("sha256")
    .update(await readFile(join(sourceDir, "go.sum")))
    .digest("hex")
    .slice(0, 10);
  return join(cacheRoot(), `k8s-${versions.kubernetes}-etcd-${versions.etcd}-${sum}`);
}

function pathsIn(dir: string): BinaryPaths {
  return {
    etcd: join(dir, "etcd"),
    "kube-apiserver": join(dir, "kube-apiserver"),
    "kube-controller-manager": join(dir, "kube-controller-manager"),
  };
}

async function allExecutable(paths: Partial<BinaryPaths>, names: readonly BinaryName[]): Promise<boolean> {
  for (const name of names) {
    const p = paths[name];
    if (!p) return false;
    try {
      await access(p, 1 /* X_OK */);
    } catch {
      return false;
    }
  }
  return true;
}

/** The built binaries when they are complete in the cache, else undefined. */
export async function findCachedBinaries(): Promise<BinaryPaths | undefined> {
  const dir = await binaryDirFor();
  const paths = pathsIn(dir);
  if (existsSync(join(dir, ".complete")) && (await allExecutable(paths, BINARY_NAMES))) return paths;
  return undefined;
}

/**
 * Binaries from `KUBEBUILDER_ASSETS` (setup-envtest's layout: etcd + kube-apiserver; kube-controller-manager is
 * taken from there when present, else from our cache), else from our cache.
 */
export async function resolveBinaries(): Promise<BinaryPaths> {
  const assets = process.env.KUBEBUILDER_ASSETS;
  if (assets) {
    const fromAssets = pathsIn(assets);
    if (!(await allExecutable(fromAssets, ["etcd", "kube-apiserver"]))) {
      throw new TsOperatorError(
        "TSOP_CONTROLPLANE",
        `KUBEBUILDER_ASSETS=${assets} does not contain executable etcd and kube-apiserver`,
      );
    }
    if (await allExecutable(fromAssets, ["kube-controller-manager"])) return fromAssets;
    const cached = await findCachedBinaries();
    if (cached) return { ...fromAssets, "kube-controller-manager": cached["kube-controller-manager"] };
    throw new TsOperatorError(
      "TSOP_CONTROLPLANE",
      `KUBEBUILDER_ASSETS=${assets} has no kube-controller-manager (envtest ships none) and none is built; ` +
        "run `npx tsoperator controlplane install`",
    );
  }
  const cached = await findCachedBinaries();
  if (cached) return cached;
  throw new TsOperatorError(
    "TSOP_CONTROLPLANE",
    `control-plane binaries are not built (looked in ${await binaryDirFor()}); run \`npx tsoperator controlplane install\``,
  );
}

export interface InstallOptions {
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Rebuild even when the cache is complete. */
  force?: boolean;
}

/** Builds the binaries into the cache unless they are there. Idempotent; safe to call from every test run. */
export async function installControlPlane(options: InstallOptions = {}): Promise<BinaryPaths> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sourceDir = controlPlaneSourceDir();
  const versions = await readPinnedVersions(sourceDir);
  const dir = await binaryDirFor(sourceDir);
  if (!options.force) {
    const cached = await findCachedBinaries();
    if (cached) {
      log(`control plane ${versions.kubernetes} (etcd ${versions.etcd}) already built in ${dir}`);
      return cached;
    }
  }
  await checkGo();
  log(`building kube-apiserver, kube-controller-manager ${versions.kubernetes} and etcd ${versions.etcd}`);
  log(`  from Go modules into ${dir} (first build takes a while on 2 cores; later runs reuse Go's caches)`);
  await mkdir(cacheRoot(), { recursive: true });
  // Build from a copy so a read-only install (node_modules) works and concurrent builds cannot clash.
  const work = await mkdtemp(join(cacheRoot(), ".build-"));
  try {
    await copyFile(join(sourceDir, "go.mod"), join(work, "go.mod"));
    await copyFile(join(sourceDir, "go.sum"), join(work, "go.sum"));
    const started = Date.now();
    await runGo(["mod", "download"], work, log, "downloading modules");
    const ldflags = [
      "-s",
      "-w",
      `-X k8s.io/component-base/version.gitVersion=${versions.kubernetes}`,
      `-X k8s.io/component-base/version.gitMajor=${versions.kubernetes.replace(/^v(\d+)\..*$/, "$1")}`,
      `-X k8s.io/component-base/version.gitMinor=${versions.kubernetes.replace(/^v\d+\.(\d+)\..*$/, "$1")}`,
      "-X k8s.io/component-base/version.gitTreeState=clean",
    ].join(" ");
    const out = join(work, "bin");
    await mkdir(out);
    for (const name of BINARY_NAMES) {
      await runGo(
        ["build", "-v", "-trimpath", `-ldflags=${ldflags}`, "-o", join(out, name), GO_PACKAGES[name]],
        work,
        log,
        `compiling ${name}`,
      );
    }
    const staging = `${dir}.partial-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    for (const name of BINARY_NAMES) {
      await rename(join(out, name), join(staging, name));
      await chmod(join(staging, name), 0o755);
    }
    await writeFile(join(staging, ".complete"), `${JSON.stringify({ ...versions, builtAt: new Date() })}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    log(`control plane built in ${Math.round((Date.now() - started) / 1000)} s: ${dir}`);
    return pathsIn(dir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function checkGo(): Promise<void> {
  let output: string;
  try {
    output = await capture("go", ["version"]);
  } catch (cause) {
    throw new TsOperatorError(
      "TSOP_CONTROLPLANE",
      `Go ${MIN_GO.join(".")} or newer is needed to build the local control plane, but \`go\` was not found on PATH ` +
        "(install Go, or set KUBEBUILDER_ASSETS to a folder with etcd, kube-apiserver and kube-controller-manager)",
      { cause },
    );
  }
  const m = /go(\d+)\.(\d+)/.exec(output);
  const major = Number(m?.[1] ?? 0);
  const minor = Number(m?.[2] ?? 0);
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new TsOperatorError(
      "TSOP_CONTROLPLANE",
      `Go ${MIN_GO.join(".")} or newer is needed to build the control plane; found: ${output.trim()}`,
    );
  }
}

function capture(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`)),
    );
  });
}

/**
 * Runs one go command, turning `go build -v`'s package lines into a compact progress line: a line every 15 s
 * (or in place on a terminal) instead of thousands of package names.
 */
function runGo(args: string[], cwd: string, log: (line: string) => void, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "local" };
    const child = spawn("go", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const started = Date.now();
    let packages = 0;
    let last = "";
    const tail: string[] = [];
    const onLine = (line: string) => {
      if (!line) return;
      if (/^[\w.-]+(\/[\w.~-]+)*$/.test(line)) {
        packages++;
        last = line;
      } else {
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    };
    let buffered = "";
    child.stderr.on("data", (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      lines.forEach(onLine);
    });
    child.stdout.resume();
    const tty = process.stderr.isTTY;
    const report = () => {
      const secs = Math.round((Date.now() - started) / 1000);
      const line = `  ${what}: ${packages} packages, ${secs} s${last ? ` (${last})` : ""}`;
      if (tty) process.stderr.write(`\r${line.slice(0, (process.stderr.columns || 100) - 1).padEnd(80)}`);
      else log(line);
    };
    const timer = setInterval(report, tty ? 1000 : 15_000);
    child.on("error", (err) => {
      clearInterval(timer);
      reject(new TsOperatorError("TSOP_CONTROLPLANE", `cannot run go: ${err.message}`, { cause: err }));
    });
    child.on("close", (code) => {
      clearInterval(timer);
      onLine(buffered);
      if (tty) process.stderr.write("\n");
      if (code === 0) {
        log(`  ${what}: done in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
      } else {
        reject(
          new TsOperatorError(
            "TSOP_CONTROLPLANE",
            `go ${args.slice(0, 2).join(" ")} failed (exit ${code}) while ${what}:\n${tail.join("\n")}`,
          ),
        );
      }
    });
  });
}
