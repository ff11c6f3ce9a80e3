/**
 * The download path for the control plane: controller-tools' envtest archive (etcd + kube-apiserver) and the
 * Kubernetes server binary kube-controller-manager, each checked against a digest pinned in the repository
 * (controlplane-checksums.ts) before anything is unpacked, and installed into the cache in one rename so that a
 * failed or refused download never leaves a half-installed folder.
 *
 * URL layout (under `TSOPERATOR_CONTROLPLANE_MIRROR`, or the `mirror` option, a mirror serves both):
 * - `<base>/envtest-<version>/envtest-<version>-<os>-<arch>.tar.gz`, base
 *   https://github.com/kubernetes-sigs/controller-tools/releases/download (what setup-envtest downloads);
 * - `<base>/<version>/bin/<os>/<arch>/kube-controller-manager`, base https://dl.k8s.io.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { chmod, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { TsOperatorError } from "../core/errors.js";
import type { ChecksumTable, PinnedDigest, VersionedDigests } from "./controlplane-checksums.js";
import { executablesIn, platformKey, type Platform } from "./controlplane-local.js";
import { extractTarGz } from "./tar-extract.js";

export const ENVTEST_BASE_URL = "https://github.com/kubernetes-sigs/controller-tools/releases/download";
export const KUBERNETES_BASE_URL = "https://dl.k8s.io";
export const MIRROR_ENV = "TSOPERATOR_CONTROLPLANE_MIRROR";

/** A download that stops sending bytes for this long is given up (and the next path tried). */
const STALL_TIMEOUT_MS = 60_000;
const COMPLETE = ".complete";

export type Artifact = keyof ChecksumTable;

export interface DownloadContext {
  /** The folder downloads are installed into (tsoperator's cache). */
  cacheRoot: string;
  platform: Platform;
  checksums: ChecksumTable;
  /** Base URL replacing both default hosts; undefined: the defaults. */
  mirror: string | undefined;
  log: (line: string) => void;
  /** In-place progress on a terminal; undefined: a log line every few seconds. */
  progress: ((line: string) => void) | undefined;
}

/** A finished download, or why the download path was not taken (the caller moves on to the next path). */
export type DownloadOutcome = { dir: string; version: string } | { reason: string };

const FOLDER_PREFIX: Record<Artifact, string> = {
  envtest: "envtest",
  "kube-controller-manager": "kube-controller-manager",
};

/** What each artifact must leave in its folder. */
const INSTALLED: Record<Artifact, readonly string[]> = {
  envtest: ["etcd", "kube-apiserver"],
  "kube-controller-manager": ["kube-controller-manager"],
};

export function artifactUrl(
  artifact: Artifact,
  version: string,
  platform: Platform,
  mirror?: string,
): string {
  const trim = (base: string) => base.replace(/\/+$/, "");
  if (artifact === "envtest") {
    const base = trim(mirror ?? ENVTEST_BASE_URL);
    return `${base}/envtest-${version}/envtest-${version}-${platformKey(platform)}.tar.gz`;
  }
  const base = trim(mirror ?? KUBERNETES_BASE_URL);
  return `${base}/${version}/bin/${platform.os}/${platform.arch}/kube-controller-manager`;
}

/** The newest version of `minor` ("1.37") that has a pinned digest for the platform. */
export function pinnedFor(
  digests: VersionedDigests,
  minor: string,
  platform: Platform,
): { version: string; digest: PinnedDigest } | undefined {
  const key = platformKey(platform);
  return Object.entries(digests)
    .map(([version, byPlatform]) => ({ version, digest: byPlatform[key], patch: patchOf(version, minor) }))
    .filter((c): c is { version: string; digest: PinnedDigest; patch: number } => !!c.digest && c.patch >= 0)
    .sort((a, b) => b.patch - a.patch)[0];
}

/** The patch number of `v<minor>.<patch>`, or -1 for other minors and pre-releases. */
function patchOf(version: string, minor: string): number {
  const m = /^v(\d+\.\d+)\.(\d+)$/.exec(version);
  return m && m[1] === minor ? Number(m[2]) : -1;
}

/** A previous verified download of `minor` for the platform in the cache (newest patch first), if any. */
export async function findDownloaded(
  cacheRoot: string,
  artifact: Artifact,
  minor: string,
  platform: Platform,
): Promise<{ dir: string; version: string } | undefined> {
  const prefix = `${FOLDER_PREFIX[artifact]}-`;
  const suffix = `-${platformKey(platform)}`;
  let names: string[];
  try {
    names = await readdir(cacheRoot);
  } catch {
    return undefined;
  }
  const found = names
    .filter((n) => n.startsWith(prefix) && n.endsWith(suffix))
    .map((n) => ({ name: n, version: n.slice(prefix.length, -suffix.length) }))
    .map((c) => ({ ...c, patch: patchOf(c.version, minor) }))
    .filter((c) => c.patch >= 0)
    .sort((a, b) => b.patch - a.patch);
  for (const c of found) {
    const dir = join(cacheRoot, c.name);
    if (existsSync(join(dir, COMPLETE)) && (await executablesIn(dir, INSTALLED[artifact]))) {
      return { dir, version: c.version };
    }
  }
  return undefined;
}

/**
 * Downloads, verifies and installs one artifact of `minor`. Returns the reason instead when there is no pinned
 * digest for the platform or the server does not deliver (HTTP error, network error, stall). A delivered file whose
 * digest differs is refused with TSOP_CONTROLPLANE_CHECKSUM: that is a broken or tampered mirror, not a reason to
 * quietly try something else.
 */
export async function download(
  ctx: DownloadContext,
  artifact: Artifact,
  minor: string,
): Promise<DownloadOutcome> {
  const pinned = pinnedFor(ctx.checksums[artifact], minor, ctx.platform);
  const where = `${ctx.platform.os}/${ctx.platform.arch}`;
  if (!pinned) {
    return {
      reason:
        `no pinned checksum for ${artifact} ${minor}.x on ${where} (src/testing/controlplane-checksums.ts); ` +
        "unverified binaries are never downloaded",
    };
  }
  const url = artifactUrl(artifact, pinned.version, ctx.platform, ctx.mirror);
  const finalDir = join(
    ctx.cacheRoot,
    `${FOLDER_PREFIX[artifact]}-${pinned.version}-${platformKey(ctx.platform)}`,
  );
  await mkdir(ctx.cacheRoot, { recursive: true });
  const token = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const file = join(ctx.cacheRoot, `.download-${token}`);
  const staging = `${finalDir}.partial-${token}`;
  try {
    ctx.log(`downloading ${artifact} ${pinned.version} for ${where} from ${url}`);
    const fetched = await fetchTo(url, file, pinned.digest.algorithm, ctx);
    if ("reason" in fetched) return { reason: fetched.reason };
    if (fetched.hex !== pinned.digest.hex) {
      throw new TsOperatorError(
        "TSOP_CONTROLPLANE_CHECKSUM",
        `${artifact} ${pinned.version} from ${url} does not match its pinned ${pinned.digest.algorithm}: ` +
          `expected ${pinned.digest.hex}, got ${fetched.hex}. Refusing to install it (a broken download or a ` +
          `mirror serving other bytes); nothing was written to ${ctx.cacheRoot}`,
      );
    }
    ctx.log(`  ${pinned.digest.algorithm} verified (${pinned.digest.hex.slice(0, 16)}…, as pinned)`);
    await mkdir(staging);
    if (artifact === "envtest") {
      const wanted = new Set(["etcd", "kube-apiserver", "kubectl"]);
      const unpacking = Date.now();
      const written = await extractTarGz(file, staging, wanted);
      ctx.log(`  unpacked ${written.join(", ")} in ${((Date.now() - unpacking) / 1000).toFixed(1)} s`);
      const missing = INSTALLED.envtest.filter((n) => !written.includes(n));
      if (missing.length > 0) {
        throw new TsOperatorError("TSOP_CONTROLPLANE", `${url} has no ${missing.join(" or ")} in it`);
      }
    } else {
      await rename(file, join(staging, "kube-controller-manager"));
      await chmod(join(staging, "kube-controller-manager"), 0o755);
    }
    const record = { url, version: pinned.version, ...pinned.digest, installedAt: new Date() };
    await writeFile(join(staging, COMPLETE), `${JSON.stringify(record)}\n`);
    await moveIntoPlace(staging, finalDir);
    return { dir: finalDir, version: pinned.version };
  } finally {
    await rm(file, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

/** Renames the staged folder into place; a complete folder another process installed meanwhile is kept. */
async function moveIntoPlace(staging: string, finalDir: string): Promise<void> {
  if (existsSync(join(finalDir, COMPLETE))) return;
  await rm(finalDir, { recursive: true, force: true });
  try {
    await rename(staging, finalDir);
  } catch (err) {
    if (!existsSync(join(finalDir, COMPLETE))) throw err;
  }
}

type Fetched = { hex: string } | { reason: string };

async function fetchTo(
  url: string,
  file: string,
  algorithm: PinnedDigest["algorithm"],
  ctx: DownloadContext,
): Promise<Fetched> {
  const abort = new AbortController();
  let stall = setTimeout(() => abort.abort(), STALL_TIMEOUT_MS);
  const started = Date.now();
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: abort.signal, redirect: "follow" });
    } catch (err) {
      return { reason: `cannot reach ${url}: ${networkReason(err, abort.signal.aborted)}` };
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      return { reason: `HTTP ${res.status} ${res.statusText} for ${url}` };
    }
    const total = Number(res.headers.get("content-length") ?? 0);
    const hash = createHash(algorithm);
    const report = progressReporter(total, started, ctx);
    let bytes = 0;
    const hashing = async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        bytes += chunk.length;
        report.bytes(bytes);
        clearTimeout(stall);
        stall = setTimeout(() => abort.abort(), STALL_TIMEOUT_MS);
        yield chunk;
      }
    };
    try {
      await pipeline(
        Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
        hashing,
        createWriteStream(file),
      );
    } catch (err) {
      return {
        reason: `download of ${url} failed after ${bytes} bytes: ${networkReason(err, abort.signal.aborted)}`,
      };
    } finally {
      report.done(bytes);
    }
    return { hex: hash.digest("hex") };
  } finally {
    clearTimeout(stall);
  }
}

function networkReason(err: unknown, stalled: boolean): string {
  if (stalled) return `no data for ${STALL_TIMEOUT_MS / 1000} s`;
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === "string" && !message.includes(code) ? `${code} ${message}` : message;
}

/** Progress: in place on a terminal, else a line every 5 s; always a closing line with size and time. */
function progressReporter(total: number, started: number, ctx: DownloadContext) {
  const size = (n: number) =>
    n < 1_000_000 ? `${(n / 1000).toFixed(1)} kB` : `${(n / 1_000_000).toFixed(1)} MB`;
  const secs = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let last = Date.now();
  const every = ctx.progress ? 250 : 5_000;
  return {
    bytes(n: number) {
      if (Date.now() - last < every) return;
      last = Date.now();
      const pct = total ? ` (${Math.floor((n / total) * 100)}% of ${size(total)})` : "";
      (ctx.progress ?? ctx.log)(`  ${size(n)}${pct}, ${secs()}`);
    },
    done(n: number) {
      if (ctx.progress) ctx.progress("");
      ctx.log(`  downloaded ${size(n)} in ${secs()}`);
    },
  };
}
