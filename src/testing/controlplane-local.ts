/**
 * Control-plane binaries that are already on this machine without tsoperator having built them: the folder named
 * by `KUBEBUILDER_ASSETS`, and the store of controller-runtime's setup-envtest. Also the platform naming
 * (`linux-amd64`) that envtest, setup-envtest and dl.k8s.io share. Nothing here downloads or builds.
 */
import { access, readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** Go's names for the platform, as used in envtest archive names and dl.k8s.io paths. */
export interface Platform {
  os: string;
  arch: string;
}

const GO_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", ppc64: "ppc64le", s390x: "s390x" };

export function currentPlatform(): Platform {
  const os = process.platform === "win32" ? "windows" : process.platform;
  return { os, arch: GO_ARCH[process.arch] ?? process.arch };
}

export const platformKey = (p: Platform): string => `${p.os}-${p.arch}`;

/** True when every named file in `dir` is executable by us. */
export async function executablesIn(dir: string, names: readonly string[]): Promise<boolean> {
  for (const name of names) {
    try {
      await access(join(dir, name), 1 /* X_OK */);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * setup-envtest's default store (controller-runtime tools/setup-envtest, `store.DefaultStoreDir`):
 * `${XDG_DATA_HOME:-~/.local/share}/kubebuilder-envtest` on Linux and other Unixes,
 * `~/Library/Application Support/io.kubebuilder.envtest` on macOS, `%LocalAppData%\kubebuilder-envtest` on Windows.
 * Each version lives in `k8s/<major>.<minor>.<patch>-<os>-<arch>/`.
 */
export function setupEnvtestStoreDir(platform: Platform = currentPlatform()): string | undefined {
  if (platform.os === "windows") {
    return process.env.LocalAppData ? join(process.env.LocalAppData, "kubebuilder-envtest") : undefined;
  }
  if (platform.os === "darwin")
    return join(homedir(), "Library", "Application Support", "io.kubebuilder.envtest");
  return join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "kubebuilder-envtest");
}

/** What a look into the setup-envtest store found: a usable folder, or why there is none. */
export type EnvtestStoreResult = { dir: string; version: string } | { reason: string };

/**
 * The newest setup-envtest folder for this platform whose Kubernetes minor is `minor` (e.g. "1.37") and which
 * holds executable etcd and kube-apiserver. Other minors are not used on their own: tests would then run against
 * a Kubernetes other than the pinned one without anyone having asked for it (KUBEBUILDER_ASSETS does that).
 */
export async function findSetupEnvtestBinaries(
  minor: string,
  platform: Platform,
): Promise<EnvtestStoreResult> {
  const store = setupEnvtestStoreDir(platform);
  if (!store) return { reason: "no setup-envtest store location (LocalAppData is not set)" };
  const k8s = join(store, "k8s");
  let names: string[];
  try {
    names = await readdir(k8s);
  } catch {
    return { reason: `no setup-envtest store at ${k8s}` };
  }
  const suffix = `-${platformKey(platform)}`;
  const versions = names
    .map((name) => /^(\d+)\.(\d+)\.(\d+)-(\w+)-(\w+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && m[0].endsWith(suffix))
    .map((m) => ({ name: m[0], minor: `${m[1]}.${m[2]}`, patch: Number(m[3]) }));
  const candidates = versions.filter((v) => v.minor === minor).sort((a, b) => b.patch - a.patch);
  for (const c of candidates) {
    const dir = join(k8s, c.name);
    if (await executablesIn(dir, ["etcd", "kube-apiserver"]))
      return { dir, version: c.name.slice(0, -suffix.length) };
  }
  if (candidates.length > 0) {
    return { reason: `${k8s}/${candidates[0]?.name} lacks executable etcd and kube-apiserver` };
  }
  const others = versions.map((v) => v.name);
  return {
    reason:
      others.length > 0
        ? `setup-envtest has ${others.join(", ")} in ${k8s}, none of them ${minor}.x (the pinned minor); ` +
          "set KUBEBUILDER_ASSETS to use another version"
        : `setup-envtest has no ${minor}.x${suffix} folder in ${k8s}`,
  };
}
