/**
 * How `controlplane install` and TestEnvironment's resolver find the control-plane binaries without Go: a local
 * HTTP server on 127.0.0.1 plays the download hosts (serving tar.gz archives made with the system `tar` from fake
 * executable scripts), temp folders play HOME, XDG_DATA_HOME, the setup-envtest store and tsoperator's cache.
 * Every install here runs with `sourceBuild: false`: no test may start the real Go build.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { promisify } from "node:util";
import { hasCode } from "../../src/core/errors.js";
import {
  binaryDirFor,
  installControlPlane,
  readPinnedVersions,
  resolveBinaries,
  type InstallOptions,
} from "../../src/testing/controlplane-binaries.js";
import type { ChecksumTable } from "../../src/testing/controlplane-checksums.js";
import {
  currentPlatform,
  findSetupEnvtestBinaries,
  platformKey,
} from "../../src/testing/controlplane-local.js";
import { extractTarGz } from "../../src/testing/tar-extract.js";

const run = promisify(execFile);
const ENV_KEYS = [
  "HOME",
  "XDG_DATA_HOME",
  "KUBEBUILDER_ASSETS",
  "TSOPERATOR_CACHE_DIR",
  "TSOPERATOR_CONTROLPLANE_MIRROR",
];
const platform = currentPlatform();
const key = platformKey(platform);
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

let root: string;
let cache: string;
let savedEnv: Record<string, string | undefined>;
let minor: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "tsop-cp-acquire-"));
  cache = join(root, "cache");
  savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.HOME = join(root, "home");
  process.env.XDG_DATA_HOME = join(root, "data");
  process.env.TSOPERATOR_CACHE_DIR = cache;
  minor = (await readPinnedVersions()).kubernetes.replace(/^v(\d+\.\d+)\..*$/, "$1");
});

afterEach(async () => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  await rm(root, { recursive: true, force: true });
});

/** Writes `#!/bin/sh` scripts that print "fake-<name> <tag>", so a test can tell which copy ran. */
async function fakeBinaries(dir: string, names: string[], tag: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of names) {
    await writeFile(join(dir, name), `#!/bin/sh\necho fake-${name} ${tag}\n`);
    await chmod(join(dir, name), 0o755);
  }
}

/** What running the binary prints: proves the path points at a working executable of the expected origin. */
async function runBinary(path: string | undefined): Promise<string> {
  assert.ok(path, "a path");
  return (await run(path)).stdout.trim();
}

/** An envtest-shaped archive: controller-tools/envtest/{etcd,kube-apiserver,kubectl}, made by GNU/BSD tar. */
async function envtestArchive(tag: string, tarArgs: string[] = []): Promise<Buffer> {
  const src = await mkdtemp(join(root, "archive-src-"));
  await fakeBinaries(join(src, "controller-tools", "envtest"), ["etcd", "kube-apiserver", "kubectl"], tag);
  const out = join(src, "envtest.tar.gz");
  await run("tar", [...tarArgs, "-czf", out, "-C", src, "controller-tools"]);
  return readFile(out);
}

interface FakeHost {
  url: string;
  requests: string[];
  files: Map<string, Buffer>;
  close(): Promise<void>;
}

/** A download host on 127.0.0.1: serves `files` by path, 404 for anything else, and records each request. */
async function fakeHost(): Promise<FakeHost> {
  const files = new Map<string, Buffer>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const body = files.get(req.url ?? "");
    if (!body) {
      res.writeHead(404, "Not Found").end("not here");
      return;
    }
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    files,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const envtestPath = (version: string) => `/envtest-${version}/envtest-${version}-${key}.tar.gz`;
const kcmPath = (version: string) =>
  `/${version}/bin/${platform.os}/${platform.arch}/kube-controller-manager`;

/** A checksum table pinning sha256 digests for this platform. */
function table(envtest?: Buffer, kcm?: Buffer): ChecksumTable {
  return {
    envtest: envtest ? { [`v${minor}.0`]: { [key]: { algorithm: "sha256", hex: sha256(envtest) } } } : {},
    "kube-controller-manager": kcm
      ? { [`v${minor}.2`]: { [key]: { algorithm: "sha256", hex: sha256(kcm) } } }
      : {},
  };
}

async function install(options: InstallOptions): Promise<{ lines: string[]; result: Promise<unknown> }> {
  const lines: string[] = [];
  const result = installControlPlane({ sourceBuild: false, ...options, log: (l) => lines.push(l) });
  await result.catch(() => undefined);
  return { lines, result };
}

describe("the download path", () => {
  let host: FakeHost;
  beforeEach(async () => {
    host = await fakeHost();
  });
  afterEach(async () => {
    await host.close();
  });

  it("downloads envtest and kube-controller-manager, verifies both, and the resolver then uses them", async () => {
    const archive = await envtestArchive("downloaded");
    const kcm = Buffer.from("#!/bin/sh\necho fake-kube-controller-manager downloaded\n");
    host.files.set(envtestPath(`v${minor}.0`), archive);
    host.files.set(kcmPath(`v${minor}.2`), kcm);

    const { lines, result } = await install({ mirror: host.url, checksums: table(archive, kcm) });
    const paths = (await result) as Record<string, string>;
    assert.equal(await runBinary(paths.etcd), "fake-etcd downloaded");
    assert.equal(await runBinary(paths["kube-apiserver"]), "fake-kube-apiserver downloaded");
    assert.equal(
      await runBinary(paths["kube-controller-manager"]),
      "fake-kube-controller-manager downloaded",
    );
    assert.ok(paths.etcd?.startsWith(join(cache, `envtest-v${minor}.0-${key}`)), paths.etcd);
    const text = lines.join("\n");
    assert.match(text, new RegExp(`downloading envtest v${minor}\\.0 for ${platform.os}/${platform.arch}`));
    assert.match(text, /sha256 verified/);
    assert.match(text, /downloaded \d+\.\d kB in \d+\.\d s/);
    assert.match(text, /kube-controller-manager: downloaded kube-controller-manager v1\.\d+\.2, verified/);

    // TestEnvironment's resolver finds the same files, and a second install is a no-op without a request.
    assert.deepEqual(await resolveBinaries(), paths);
    const before = host.requests.length;
    const again = await install({ mirror: host.url, checksums: table(archive, kcm) });
    assert.deepEqual(await again.result, paths);
    assert.equal(host.requests.length, before, "no download the second time");
    assert.match(again.lines.join("\n"), /etcd: the verified envtest v1\.\d+\.0 download in /);
  });

  it("takes the base URL from TSOPERATOR_CONTROLPLANE_MIRROR", async () => {
    const archive = await envtestArchive("from-env");
    const kcm = Buffer.from("#!/bin/sh\necho fake-kube-controller-manager from-env\n");
    host.files.set(envtestPath(`v${minor}.0`), archive);
    host.files.set(kcmPath(`v${minor}.2`), kcm);
    process.env.TSOPERATOR_CONTROLPLANE_MIRROR = `${host.url}/`;
    const { result } = await install({ checksums: table(archive, kcm) });
    const paths = (await result) as Record<string, string>;
    assert.equal(await runBinary(paths.etcd), "fake-etcd from-env");
    assert.deepEqual(host.requests.sort(), [envtestPath(`v${minor}.0`), kcmPath(`v${minor}.2`)].sort());
  });

  it("refuses an archive whose sha256 differs, names both digests, and leaves nothing half-installed", async () => {
    const pinned = await envtestArchive("genuine");
    const served = await envtestArchive("tampered"); // a valid archive, just not the pinned one
    host.files.set(envtestPath(`v${minor}.0`), served);

    const { lines, result } = await install({ mirror: host.url, checksums: table(pinned) });
    await assert.rejects(result, (err: Error) => {
      assert.ok(hasCode(err, "TSOP_CONTROLPLANE_CHECKSUM"), `code of ${err.message}`);
      assert.ok(err.message.includes(`expected ${sha256(pinned)}`), err.message);
      assert.ok(err.message.includes(`got ${sha256(served)}`), err.message);
      assert.match(err.message, /sha256/);
      return true;
    });
    assert.deepEqual(
      await readdir(cache),
      [],
      "no folder, temp file or partial extraction left in the cache",
    );
    assert.doesNotMatch(lines.join("\n"), /building from source/, "a refused download is not papered over");
    await assert.rejects(resolveBinaries(), (err: Error) => hasCode(err, "TSOP_CONTROLPLANE"));
  });

  it("falls through to the next path on a 404 and says why", async () => {
    const archive = await envtestArchive("unused");
    const { lines, result } = await install({ mirror: host.url, checksums: table(archive, archive) });
    await assert.rejects(result, (err: Error) => {
      assert.ok(hasCode(err, "TSOP_CONTROLPLANE"));
      assert.match(err.message, /no Go-free path for etcd, kube-apiserver, kube-controller-manager/);
      assert.match(
        err.message,
        /envtest download: HTTP 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/envtest-v/,
      );
      assert.match(err.message, /building from source is turned off/);
      return true;
    });
    const text = lines.join("\n");
    assert.match(text, /not downloading envtest: HTTP 404 Not Found/);
    assert.match(text, /not downloading kube-controller-manager: HTTP 404 Not Found/);
    assert.equal(host.requests.length, 2, "both downloads were tried");
    assert.deepEqual(await readdir(cache), []);
  });

  it("keeps a verified envtest when kube-controller-manager is missing, and needs it only by default", async () => {
    const archive = await envtestArchive("pair");
    host.files.set(envtestPath(`v${minor}.0`), archive);
    const checksums = table(archive, Buffer.from("never served"));

    const strict = await install({ mirror: host.url, checksums });
    await assert.rejects(strict.result, (err: Error) => {
      assert.match(err.message, /no Go-free path for kube-controller-manager/);
      assert.match(err.message, /--without-controller-manager/);
      return true;
    });

    const partial = await install({ mirror: host.url, checksums, controllerManager: false });
    const paths = (await partial.result) as Record<string, string | undefined>;
    assert.equal(await runBinary(paths.etcd), "fake-etcd pair");
    assert.equal(paths["kube-controller-manager"], undefined);
    assert.match(partial.lines.join("\n"), /kube-controller-manager: none \(not required/);
    assert.deepEqual(await resolveBinaries({ controllerManager: false }), paths);
    await assert.rejects(resolveBinaries(), /there is no kube-controller-manager/);
  });

  it("never downloads for a platform without a pinned checksum, and says so", async () => {
    host.files.set(envtestPath(`v${minor}.0`), await envtestArchive("unpinned"));
    const { lines, result } = await install({ mirror: host.url, checksums: table() });
    await assert.rejects(result, /no pinned checksum for envtest/);
    assert.match(
      lines.join("\n"),
      new RegExp(`not downloading envtest: no pinned checksum for envtest ${minor}\\.x on ${platform.os}/`),
    );
    assert.match(lines.join("\n"), /unverified binaries are never downloaded/);
    assert.equal(host.requests.length, 0);
  });

  it("reports an unreachable host as a reason, not a crash", async () => {
    const archive = await envtestArchive("offline");
    await host.close();
    const closed = host.url;
    host = await fakeHost(); // so afterEach has something to close
    const { result } = await install({ mirror: closed, checksums: table(archive) });
    await assert.rejects(
      result,
      /envtest download: cannot reach http:\/\/127\.0\.0\.1:\d+\/envtest-v.*ECONNREFUSED/,
    );
  });
});

describe("binaries already on the machine", () => {
  /** A complete source build in tsoperator's cache (as `controlplane install` leaves it), made of scripts. */
  async function fakeSourceBuild(tag: string): Promise<string> {
    const dir = await binaryDirFor();
    await fakeBinaries(dir, ["etcd", "kube-apiserver", "kube-controller-manager"], tag);
    await writeFile(join(dir, ".complete"), "{}\n");
    return dir;
  }

  /** A setup-envtest store entry, k8s/<version>-<os>-<arch>/{etcd,kube-apiserver,kubectl}. */
  async function storeEntry(store: string, version: string): Promise<string> {
    const dir = join(store, "k8s", `${version}-${key}`);
    await fakeBinaries(dir, ["etcd", "kube-apiserver", "kubectl"], `envtest-${version}`);
    return dir;
  }

  it(
    "finds setup-envtest's store under XDG_DATA_HOME, picking the newest release of the pinned minor",
    { skip: platform.os !== "linux" && "the store is elsewhere on this OS" },
    async () => {
      const store = join(root, "data", "kubebuilder-envtest");
      await storeEntry(store, "1.31.0");
      await storeEntry(store, `${minor}.0`);
      const chosen = await storeEntry(store, `${minor}.1`);
      await storeEntry(store, "1.99.0");
      const built = await fakeSourceBuild("built");

      const paths = await resolveBinaries();
      assert.equal(paths.etcd, join(chosen, "etcd"));
      assert.equal(await runBinary(paths["kube-apiserver"]), `fake-kube-apiserver envtest-${minor}.1`);
      // envtest ships no kube-controller-manager: it comes from the next path that has one.
      assert.equal(paths["kube-controller-manager"], join(built, "kube-controller-manager"));

      const { lines, result } = await install({ mirror: "http://127.0.0.1:9/never-used" });
      assert.deepEqual(await result, paths);
      assert.match(lines.join("\n"), new RegExp(`etcd: setup-envtest's ${minor}\\.1 in ${chosen}`));
      assert.match(lines.join("\n"), /kube-controller-manager: the source build in /);
    },
  );

  it(
    "falls back to ~/.local/share when XDG_DATA_HOME is unset, and ignores other minors with a reason",
    { skip: platform.os !== "linux" && "the store is elsewhere on this OS" },
    async () => {
      delete process.env.XDG_DATA_HOME;
      const store = join(root, "home", ".local", "share", "kubebuilder-envtest");
      await storeEntry(store, "1.30.0");
      const other = await findSetupEnvtestBinaries(minor, platform);
      assert.ok("reason" in other);
      assert.match(other.reason, new RegExp(`1\\.30\\.0-${key}.*none of them ${minor}\\.x`));

      const chosen = await storeEntry(store, `${minor}.4`);
      const found = await findSetupEnvtestBinaries(minor, platform);
      assert.deepEqual(found, { dir: chosen, version: `${minor}.4` });
    },
  );

  it("uses KUBEBUILDER_ASSETS before the setup-envtest store and the cache", async () => {
    const assets = join(root, "assets");
    await fakeBinaries(assets, ["etcd", "kube-apiserver", "kube-controller-manager"], "assets");
    await storeEntry(join(root, "data", "kubebuilder-envtest"), `${minor}.0`);
    await fakeSourceBuild("built");
    process.env.KUBEBUILDER_ASSETS = assets;

    const paths = await resolveBinaries();
    for (const name of ["etcd", "kube-apiserver", "kube-controller-manager"] as const) {
      assert.equal(await runBinary(paths[name]), `fake-${name} assets`);
    }
    const { lines, result } = await install({});
    assert.deepEqual(await result, paths);
    assert.match(lines.join("\n"), new RegExp(`etcd: KUBEBUILDER_ASSETS=${assets}`));
  });

  it("takes kube-controller-manager from the cache when KUBEBUILDER_ASSETS has only envtest's two", async () => {
    const assets = join(root, "assets");
    await fakeBinaries(assets, ["etcd", "kube-apiserver"], "assets");
    process.env.KUBEBUILDER_ASSETS = assets;
    await assert.rejects(resolveBinaries(), (err: Error) => {
      assert.ok(hasCode(err, "TSOP_CONTROLPLANE"));
      assert.match(err.message, /has no kube-controller-manager \(envtest ships none\)/);
      return true;
    });
    assert.equal((await resolveBinaries({ controllerManager: false }))["kube-controller-manager"], undefined);
    const built = await fakeSourceBuild("built");
    const paths = await resolveBinaries();
    assert.equal(paths.etcd, join(assets, "etcd"));
    assert.equal(paths["kube-controller-manager"], join(built, "kube-controller-manager"));
  });

  it("treats a KUBEBUILDER_ASSETS folder without etcd as an error, not a reason to look elsewhere", async () => {
    process.env.KUBEBUILDER_ASSETS = join(root, "empty");
    await fakeSourceBuild("built");
    await assert.rejects(resolveBinaries(), /KUBEBUILDER_ASSETS=.*does not contain executable etcd/);
  });
});

describe("extracting the archive", () => {
  it("finds the binaries by name behind GNU long names and pax headers, and writes nothing else", async () => {
    for (const format of ["gnu", "pax"]) {
      const src = await mkdtemp(join(root, `${format}-`));
      const deep = join(src, "a".repeat(60), "b".repeat(60), "envtest");
      await fakeBinaries(deep, ["etcd", "kube-apiserver", "README"], format);
      const archive = join(src, "x.tar.gz");
      await run("tar", [`--format=${format}`, "-czf", archive, "-C", src, "a".repeat(60)]);
      const dest = join(src, "out");
      await mkdir(dest);
      const written = await extractTarGz(archive, dest, new Set(["etcd", "kube-apiserver", "kubectl"]));
      assert.deepEqual(written.sort(), ["etcd", "kube-apiserver"]);
      assert.deepEqual((await readdir(dest)).sort(), ["etcd", "kube-apiserver"]);
      assert.equal(await runBinary(join(dest, "etcd")), `fake-etcd ${format}`);
    }
  });

  it("rejects a truncated archive with TSOP_CONTROLPLANE", async () => {
    const whole = await envtestArchive("whole");
    const { gunzipSync, gzipSync } = await import("node:zlib");
    const tar = gunzipSync(whole);
    const cut = join(root, "cut.tar.gz");
    await writeFile(cut, gzipSync(tar.subarray(0, 700)));
    const dest = join(root, "cut-out");
    await mkdir(dest);
    await assert.rejects(extractTarGz(cut, dest, new Set(["etcd"])), (err: Error) => {
      assert.ok(hasCode(err, "TSOP_CONTROLPLANE"));
      assert.match(err.message, /truncated/);
      return true;
    });
  });
});
