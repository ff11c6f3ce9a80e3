/**
 * Finds, and when missing obtains, the control-plane binaries (etcd, kube-apiserver, kube-controller-manager)
 * that TestEnvironment runs. Where they come from, in order:
 *
 * 1. `KUBEBUILDER_ASSETS` (a folder in setup-envtest's layout), when set;
 * 2. controller-runtime's setup-envtest store, for the pinned Kubernetes minor;
 * 3. what tsoperator itself installed earlier in its cache (a source build, or verified downloads);
 * 4. a download of controller-tools' envtest archive (etcd, kube-apiserver) and of the Kubernetes server binary
 *    kube-controller-manager, each verified against a checksum pinned in the repository;
 * 5. the source build from the Go modules pinned in `controlplane/` (needs Go; slow; reproducible).
 *
 * 1-3 only look (resolveBinaries, called by every TestEnvironment start); 4-5 are `controlplane install`.
 * envtest ships no kube-controller-manager, so it may come from a later step than etcd and kube-apiserver.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TsOperatorError } from "../core/errors.js";
import { PINNED_CHECKSUMS, type ChecksumTable } from "./controlplane-checksums.js";
import { MIRROR_ENV, download, findDownloaded, type DownloadContext } from "./controlplane-download.js";
import { buildFromSource, goUnavailable } from "./controlplane-go-build.js";
import {
  currentPlatform,
  executablesIn,
  findSetupEnvtestBinaries,
  type Platform,
} from "./controlplane-local.js";

export type BinaryName = "etcd" | "kube-apiserver" | "kube-controller-manager";
export const BINARY_NAMES: readonly BinaryName[] = ["etcd", "kube-apiserver", "kube-controller-manager"];
export type BinaryPaths = Record<BinaryName, string>;
/** etcd and kube-apiserver, with kube-controller-manager when there is one. */
export type ControlPlaneBinaries = Omit<BinaryPaths, "kube-controller-manager"> & {
  "kube-controller-manager"?: string;
};

/** The versions pinned by controlplane/go.mod. */
export interface ControlPlaneVersions {
  kubernetes: string;
  etcd: string;
}

const PAIR = ["etcd", "kube-apiserver"] as const;
const KCM = "kube-controller-manager";

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

/** The source-built binaries when they are complete in the cache, else undefined. */
export async function findCachedBinaries(): Promise<BinaryPaths | undefined> {
  const dir = await binaryDirFor();
  const paths = pathsIn(dir);
  if (existsSync(join(dir, ".complete")) && (await executablesIn(dir, BINARY_NAMES))) return paths;
  return undefined;
}

/** What the look through paths 1-3 found, and where from (for the log). */
interface Located {
  paths: Partial<BinaryPaths>;
  from: Partial<Record<BinaryName, string>>;
  /** Why the paths that were looked at had nothing. */
  misses: string[];
}

/** "1.37" for "v1.37.2". */
const minorOf = (version: string): string => version.replace(/^v(\d+\.\d+)\..*$/, "$1");

/** Paths 1-3: binaries already on this machine. Never downloads or builds. */
async function locate(minor: string, platform: Platform): Promise<Located> {
  const found: Located = { paths: {}, from: {}, misses: [] };
  const take = (names: readonly BinaryName[], dir: string, from: string) => {
    for (const name of names) {
      if (found.paths[name]) continue;
      found.paths[name] = join(dir, name);
      found.from[name] = from;
    }
  };

  const assets = process.env.KUBEBUILDER_ASSETS;
  if (assets) {
    // Setting it is an explicit choice: a folder without the binaries is an error, not a reason to look elsewhere.
    if (!(await executablesIn(assets, PAIR))) {
      throw new TsOperatorError(
        "TSOP_CONTROLPLANE",
        `KUBEBUILDER_ASSETS=${assets} does not contain executable etcd and kube-apiserver`,
      );
    }
    take(PAIR, assets, `KUBEBUILDER_ASSETS=${assets}`);
    if (await executablesIn(assets, [KCM])) take([KCM], assets, `KUBEBUILDER_ASSETS=${assets}`);
    else
      found.misses.push(`KUBEBUILDER_ASSETS=${assets} has no kube-controller-manager (envtest ships none)`);
  } else {
    const store = await findSetupEnvtestBinaries(minor, platform);
    if ("reason" in store) found.misses.push(store.reason);
    else take(PAIR, store.dir, `setup-envtest's ${store.version} in ${store.dir}`);
  }

  const built = BINARY_NAMES.every((n) => found.paths[n]) ? undefined : await findCachedBinaries();
  if (built) take(BINARY_NAMES, dirname(built.etcd), `the source build in ${dirname(built.etcd)}`);

  const root = cacheRoot();
  if (!found.paths.etcd) {
    const envtest = await findDownloaded(root, "envtest", minor, platform);
    if (envtest)
      take(PAIR, envtest.dir, `the verified envtest ${envtest.version} download in ${envtest.dir}`);
  }
  if (!found.paths[KCM]) {
    const kcm = await findDownloaded(root, KCM, minor, platform);
    if (kcm) take([KCM], kcm.dir, `the verified ${kcm.version} download in ${kcm.dir}`);
  }
  return found;
}

export interface ResolveOptions {
  /**
   * false: etcd and kube-apiserver alone will do when no kube-controller-manager can be had (macOS without Go,
   * say: Kubernetes publishes no darwin server binaries), for a TestEnvironment started with
   * `controllerManager: false`. Default true: all three, or an error.
   */
  controllerManager?: boolean;
}

/**
 * The binaries to run, from paths 1-3 (see the module comment). Throws TSOP_CONTROLPLANE, naming what was looked
 * at, when they are not there: `npx tsoperator controlplane install` obtains them.
 */
export async function resolveBinaries(
  options?: ResolveOptions & { controllerManager?: true },
): Promise<BinaryPaths>;
export async function resolveBinaries(options: ResolveOptions): Promise<ControlPlaneBinaries>;
export async function resolveBinaries(options: ResolveOptions = {}): Promise<ControlPlaneBinaries> {
  const versions = await readPinnedVersions();
  const located = await locate(minorOf(versions.kubernetes), currentPlatform());
  return complete(located, options.controllerManager !== false, "run `npx tsoperator controlplane install`");
}

function complete(located: Located, needKcm: boolean, hint: string): ControlPlaneBinaries {
  const { etcd, "kube-apiserver": apiserver, [KCM]: kcm } = located.paths;
  const lookedAt = located.misses.length ? ` (${located.misses.join("; ")})` : "";
  if (!etcd || !apiserver) {
    throw new TsOperatorError(
      "TSOP_CONTROLPLANE",
      `control-plane binaries are not installed${lookedAt}; ${hint}`,
    );
  }
  if (!kcm && needKcm) {
    throw new TsOperatorError(
      "TSOP_CONTROLPLANE",
      `etcd and kube-apiserver come from ${located.from.etcd}, but there is no kube-controller-manager${lookedAt}; ` +
        hint,
    );
  }
  return kcm ? { etcd, "kube-apiserver": apiserver, [KCM]: kcm } : { etcd, "kube-apiserver": apiserver };
}

export interface InstallOptions extends ResolveOptions {
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Build from source even when the binaries are present or could be downloaded. */
  force?: boolean;
  /**
   * Base URL serving both download layouts (see controlplane-download.ts). Default:
   * `$TSOPERATOR_CONTROLPLANE_MIRROR`, else the upstream hosts.
   */
  mirror?: string;
  /** Pinned checksums (default: the table in controlplane-checksums.ts). */
  checksums?: ChecksumTable;
  /** false: never run the source build; fail with the reasons instead. Default true. */
  sourceBuild?: boolean;
}

/**
 * Makes sure the binaries are installed, trying the paths in order (see the module comment), and says which path
 * it took and why. Idempotent and quick when they are there; safe to call from every test run.
 */
export async function installControlPlane(
  options?: InstallOptions & { controllerManager?: true },
): Promise<BinaryPaths>;
export async function installControlPlane(options: InstallOptions): Promise<ControlPlaneBinaries>;
export async function installControlPlane(options: InstallOptions = {}): Promise<ControlPlaneBinaries> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const needKcm = options.controllerManager !== false;
  const sourceDir = controlPlaneSourceDir();
  const versions = await readPinnedVersions(sourceDir);
  const minor = minorOf(versions.kubernetes);
  const platform = currentPlatform();
  const where = `${platform.os}/${platform.arch}`;
  log(`control plane for ${where}: pinned Kubernetes ${versions.kubernetes}, etcd ${versions.etcd}`);

  const located = options.force
    ? { paths: {}, from: {}, misses: ["--force: building from source"] }
    : await locate(minor, platform);
  const have = (names: readonly BinaryName[]) => names.every((n) => located.paths[n]);
  /** Complete enough to stop: say where each binary comes from. */
  const done = (): ControlPlaneBinaries | undefined => {
    if (!have(BINARY_NAMES) && (needKcm || !have(PAIR))) return undefined;
    for (const name of BINARY_NAMES) {
      log(`  ${name}: ${located.from[name] ?? "none (not required: --without-controller-manager)"}`);
    }
    return complete(located, needKcm, "");
  };
  const present = done();
  if (present) return present;
  for (const miss of located.misses) log(`  ${miss}`);

  // Path 4: downloads, for what paths 1-3 did not have.
  if (!options.force) {
    const ctx: DownloadContext = {
      cacheRoot: cacheRoot(),
      platform,
      checksums: options.checksums ?? PINNED_CHECKSUMS,
      mirror: options.mirror ?? (process.env[MIRROR_ENV] || undefined),
      log: (line) => log(`  ${line}`),
      progress: options.log === undefined && process.stderr.isTTY ? inPlace : undefined,
    };
    const wanted: Array<["envtest", readonly BinaryName[]] | [typeof KCM, readonly BinaryName[]]> = [];
    if (!have(PAIR)) wanted.push(["envtest", PAIR]);
    if (!have([KCM])) wanted.push([KCM, [KCM]]);
    for (const [artifact, names] of wanted) {
      const outcome = await download(ctx, artifact, minor);
      if (!("reason" in outcome)) {
        for (const name of names) {
          located.paths[name] = join(outcome.dir, name);
          located.from[name] = `downloaded ${artifact} ${outcome.version}, verified, in ${outcome.dir}`;
        }
      } else {
        log(`  not downloading ${artifact}: ${outcome.reason}`);
        located.misses.push(`${artifact} download: ${outcome.reason}`);
      }
    }
    const downloaded = done();
    if (downloaded) return downloaded;
  }

  // Path 5: the source build. It builds all three; what earlier paths found is kept.
  const missing = BINARY_NAMES.filter((n) => !located.paths[n]);
  const why = `no Go-free path for ${missing.join(", ")} on ${where} (${located.misses.join("; ")})`;
  const noBuild =
    options.sourceBuild === false
      ? "building from source is turned off"
      : options.force
        ? undefined
        : await goUnavailable();
  if (noBuild) {
    const partial = have(PAIR)
      ? ", or run `tsoperator controlplane install --without-controller-manager` to keep etcd and " +
        "kube-apiserver alone (no garbage collection, namespaces are never removed)"
      : "";
    throw new TsOperatorError(
      "TSOP_CONTROLPLANE",
      `cannot install the control plane: ${why}, and ${noBuild}. Install Go 1.26 or newer, or set ` +
        `KUBEBUILDER_ASSETS to a folder with etcd, kube-apiserver and kube-controller-manager${partial}`,
    );
  }
  log(`building from source: ${options.force ? "--force" : why}`);
  const dir = await binaryDirFor(sourceDir);
  await buildFromSource({ sourceDir, versions, dir, cacheRoot: cacheRoot(), log });
  for (const name of missing) {
    located.paths[name] = join(dir, name);
    located.from[name] = `built from source in ${dir}`;
  }
  return done() ?? complete(located, needKcm, "");
}

/** One progress line rewritten in place on a terminal; "" clears it. */
function inPlace(line: string): void {
  const width = (process.stderr.columns || 100) - 1;
  process.stderr.write(`\r${line.slice(0, width).padEnd(Math.min(80, width))}${line ? "" : "\r"}`);
}
