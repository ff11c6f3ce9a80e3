/**
 * The source build of the control plane: compiles kube-apiserver, kube-controller-manager and etcd from the Go
 * modules pinned in the package's `controlplane/` folder (go.mod + go.sum) into one cache folder. It is the path
 * that works on every machine with Go and the reproducible one (go.sum pins every module); it is also the slow one
 * (about 8 minutes cold on 2 cores), so controlplane-binaries.ts tries the Go-free paths first.
 */
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TsOperatorError } from "../core/errors.js";
import type { BinaryName, ControlPlaneVersions } from "./controlplane-binaries.js";

const GO_PACKAGES: Record<BinaryName, string> = {
  etcd: "go.etcd.io/etcd/server/v3",
  "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
  "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
};
const BINARY_NAMES = Object.keys(GO_PACKAGES) as BinaryName[];

/** Minimum Go version: the pinned Kubernetes release declares `go 1.26.0`. */
const MIN_GO = [1, 26] as const;

export interface SourceBuild {
  /** The package's `controlplane/` folder. */
  sourceDir: string;
  versions: ControlPlaneVersions;
  /** The folder the three binaries end up in (replaced as a whole, with a `.complete` marker). */
  dir: string;
  /** Where the temporary build folder goes (same file system as `dir`). */
  cacheRoot: string;
  log: (line: string) => void;
}

/** Builds the three binaries into `build.dir`. Throws TSOP_CONTROLPLANE when Go is missing or too old. */
export async function buildFromSource(build: SourceBuild): Promise<void> {
  const { sourceDir, versions, dir, cacheRoot, log } = build;
  const noGo = await goUnavailable();
  if (noGo) throw new TsOperatorError("TSOP_CONTROLPLANE", noGo);
  log(`building kube-apiserver, kube-controller-manager ${versions.kubernetes} and etcd ${versions.etcd}`);
  log(`  from Go modules into ${dir} (first build takes a while on 2 cores; later runs reuse Go's caches)`);
  await mkdir(cacheRoot, { recursive: true });
  // Build from a copy so a read-only install (node_modules) works and concurrent builds cannot clash.
  const work = await mkdtemp(join(cacheRoot, ".build-"));
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
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Why Go cannot build the control plane here (missing, too old), or undefined when it can. */
export async function goUnavailable(): Promise<string | undefined> {
  let output: string;
  try {
    output = await capture("go", ["version"]);
  } catch {
    return `Go ${MIN_GO.join(".")} or newer is needed to build the control plane, but \`go\` was not found on PATH`;
  }
  const m = /go(\d+)\.(\d+)/.exec(output);
  const major = Number(m?.[1] ?? 0);
  const minor = Number(m?.[2] ?? 0);
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    return `Go ${MIN_GO.join(".")} or newer is needed to build the control plane; found: ${output.trim()}`;
  }
  return undefined;
}

function capture(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(out)
        : reject(new TsOperatorError("TSOP_CONTROLPLANE", `${cmd} ${args.join(" ")} exited ${code}`)),
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
