/**
 * The local control plane behaves like a cluster: CRDs install and serve custom resources (create, list, watch,
 * delete), the garbage collector follows ownerReferences, namespaces finish deleting, and stop() leaves nothing
 * behind. These tests talk to the apiserver through `env.adminJson` and raw undici, not tsoperator's client, so
 * they check the environment independently of the code it is used to test.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Agent, request } from "undici";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { resolveBinaries } from "../../src/testing/controlplane-binaries.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { widgetCrd } from "../support/crds.js";

const widgets = (ns: string) => `/apis/test.tsoperator.dev/v1/namespaces/${ns}/widgets`;

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("TestEnvironment", () => {
  let env: TestEnvironment;
  before(async () => {
    env = await TestEnvironment.start({ crds: [widgetCrd] });
  });
  after(async () => {
    await env?.stop();
  });

  it("starts in a few seconds and serves the pinned Kubernetes version", async () => {
    const { body } = await env.adminJson("GET", "/version");
    assert.match((body as { gitVersion: string }).gitVersion, /^v1\.\d+\.\d+/);
    assert.ok(env.startupMs > 0 && env.startupMs < 60_000, `startup took ${env.startupMs} ms`);
  });

  it("serves an installed CRD: create, list, watch and delete custom resources", async () => {
    await env.adminJson("POST", "/api/v1/namespaces", { metadata: { name: "crd-ns" } });
    const pair = await env.clientCertFor("watcher", ["system:masters"]);
    const dispatcher = new Agent({ connect: { ca: env.caPem, cert: pair.certPem, key: pair.keyPem } });
    try {
      const listed = await env.adminJson("GET", widgets("crd-ns"));
      const rv = (listed.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      const watch = await request(`${env.endpoint}${widgets("crd-ns")}?watch=1&resourceVersion=${rv}`, {
        dispatcher,
      });
      assert.equal(watch.statusCode, 200);

      await env.adminJson("POST", widgets("crd-ns"), {
        apiVersion: "test.tsoperator.dev/v1",
        kind: "Widget",
        metadata: { name: "w1" },
        spec: { size: 3 },
      });
      const list = await env.adminJson("GET", widgets("crd-ns"));
      const items = (list.body as { items: KubeObject[] }).items;
      assert.deepEqual(
        items.map((i) => [i.metadata.name, i.spec]),
        [["w1", { size: 3 }]],
      );
      await env.adminJson("DELETE", `${widgets("crd-ns")}/w1`);

      // The watch saw both the creation and the deletion, in order.
      const seen: string[] = [];
      let buffered = "";
      for await (const chunk of watch.body) {
        buffered += (chunk as Buffer).toString();
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines.filter(Boolean)) {
          const event = JSON.parse(line) as { type: string; object: KubeObject };
          seen.push(`${event.type} ${event.object.metadata.name}`);
        }
        if (seen.includes("DELETED w1")) break;
      }
      assert.deepEqual(seen, ["ADDED w1", "DELETED w1"]);
      const after = await env.adminJson("GET", `${widgets("crd-ns")}/w1`, undefined, [404]);
      assert.equal(after.status, 404);
    } finally {
      await dispatcher.destroy();
    }
  });

  it("garbage-collects a ConfigMap owned by a deleted custom resource", async () => {
    await env.adminJson("POST", "/api/v1/namespaces", { metadata: { name: "gc-ns" } });
    const owner = (
      await env.adminJson("POST", widgets("gc-ns"), {
        apiVersion: "test.tsoperator.dev/v1",
        kind: "Widget",
        metadata: { name: "owner" },
      })
    ).body as KubeObject;
    await env.adminJson("POST", "/api/v1/namespaces/gc-ns/configmaps", {
      metadata: {
        name: "owned",
        ownerReferences: [
          {
            apiVersion: "test.tsoperator.dev/v1",
            kind: "Widget",
            name: "owner",
            uid: owner.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      data: { a: "b" },
    });
    await env.adminJson("DELETE", `${widgets("gc-ns")}/owner`);
    await eventually("owned ConfigMap deleted by the garbage collector", async () => {
      const res = await env.adminJson("GET", "/api/v1/namespaces/gc-ns/configmaps/owned", undefined, [404]);
      return res.status === 404;
    });
  });

  it("completes namespace deletion (the namespace controller empties and removes it)", async () => {
    await env.adminJson("POST", "/api/v1/namespaces", { metadata: { name: "doomed" } });
    await env.adminJson("POST", "/api/v1/namespaces/doomed/configmaps", { metadata: { name: "c" } });
    await env.adminJson("POST", widgets("doomed"), {
      apiVersion: "test.tsoperator.dev/v1",
      kind: "Widget",
      metadata: { name: "w" },
    });
    await env.adminJson("DELETE", "/api/v1/namespaces/doomed");
    await eventually("namespace doomed gone", async () => {
      const res = await env.adminJson("GET", "/api/v1/namespaces/doomed", undefined, [404]);
      return res.status === 404;
    });
  });

  it("authenticates the static admin token and enforces RBAC for other users", async () => {
    const byToken = await request(`${env.endpoint}/api/v1/namespaces`, {
      dispatcher: new Agent({ connect: { ca: env.caPem } }),
      headers: { authorization: `Bearer ${env.adminToken}` },
    });
    assert.equal(byToken.statusCode, 200);
    await byToken.body.dump();
    const nobody = await env.clientCertFor("nobody");
    const asNobody = await request(`${env.endpoint}/api/v1/namespaces`, {
      dispatcher: new Agent({ connect: { ca: env.caPem, cert: nobody.certPem, key: nobody.keyPem } }),
    });
    assert.equal(asNobody.statusCode, 403);
    await asNobody.body.dump();
  });
});

describe("TestEnvironment lifecycle", () => {
  it("stop() leaves no process and no temp dir behind, and two environments run side by side", async () => {
    const [a, b] = await Promise.all([
      TestEnvironment.start({ controllerManager: true }),
      TestEnvironment.start({ controllerManager: false }),
    ]);
    assert.deepEqual(Object.keys(a.pids()).sort(), ["etcd", "kube-apiserver", "kube-controller-manager"]);
    assert.deepEqual(Object.keys(b.pids()).sort(), ["etcd", "kube-apiserver"]);
    const pids = [...Object.values(a.pids()), ...Object.values(b.pids())];
    const dirs = [a.directory, b.directory].filter((d): d is string => d !== undefined);
    try {
      assert.notEqual(a.endpoint, b.endpoint);
      assert.equal(pids.length, 5);
      assert.ok(pids.every(processAlive));
      assert.ok(dirs.every((d) => existsSync(d)));
      const [va, vb] = await Promise.all([a.adminJson("GET", "/readyz"), b.adminJson("GET", "/readyz")]);
      assert.equal(va.status, 200);
      assert.equal(vb.status, 200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    await eventually("all processes ended", async () => !pids.some(processAlive), 5_000);
    assert.deepEqual(
      dirs.filter((d) => existsSync(d)),
      [],
    );
  });

  for (const signal of ["SIGKILL", "SIGTERM"] as const) {
    it(`leaves nothing behind when the test process is killed with ${signal}`, async () => {
      const child = spawn(process.execPath, ["--import", "tsx", "test/support/start-env-and-hang.ts"], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
        });
        child.on("exit", (code) => reject(new Error(`child exited early with ${code}`)));
      });
      const { pids, dirs } = JSON.parse(line) as { pids: number[]; dirs: string[] };
      assert.equal(pids.length, 3);
      assert.ok(pids.every(processAlive));
      child.kill(signal);
      await eventually("control-plane processes ended", async () => !pids.some(processAlive), 15_000);
      await eventually("temp dirs removed", async () => !dirs.some((d) => existsSync(d)), 15_000);
    });
  }

  it("runs without a controller manager from etcd and kube-apiserver alone (envtest's assets)", async () => {
    const built = await resolveBinaries();
    const assets = await mkdtemp(join(tmpdir(), "tsoperator-envtest-assets-"));
    const emptyCache = await mkdtemp(join(tmpdir(), "tsoperator-empty-cache-"));
    const saved = { assets: process.env.KUBEBUILDER_ASSETS, cache: process.env.TSOPERATOR_CACHE_DIR };
    let env: TestEnvironment | undefined;
    try {
      await symlink(built.etcd, join(assets, "etcd"));
      await symlink(built["kube-apiserver"], join(assets, "kube-apiserver"));
      // envtest's two binaries and nothing else anywhere: no kube-controller-manager in any cache.
      process.env.KUBEBUILDER_ASSETS = assets;
      process.env.TSOPERATOR_CACHE_DIR = emptyCache;
      const withKcm = await TestEnvironment.start().then(
        (started) => started,
        (error: unknown) => error,
      );
      if (withKcm instanceof TestEnvironment) await withKcm.stop();
      assert.match(String(withKcm), /no kube-controller-manager/, "the default still needs all three");
      env = await TestEnvironment.start({ controllerManager: false });
      const client = await KubeClient.fromConfig(env.clientConfig("no-kcm"));
      try {
        const namespaces = await client.resource(k8sTypes.core.v1.Namespace).list();
        assert.ok(namespaces.items.some((n) => n.metadata.name === "default"));
      } finally {
        await client.close();
      }
    } finally {
      await env?.stop();
      for (const [name, value] of [
        ["KUBEBUILDER_ASSETS", saved.assets],
        ["TSOPERATOR_CACHE_DIR", saved.cache],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(assets, { recursive: true, force: true });
      await rm(emptyCache, { recursive: true, force: true });
    }
  });

  it("starts etcd again on other ports when another process took its peer port first (a real clash)", async () => {
    const built = await resolveBinaries();
    const assets = await mkdtemp(join(tmpdir(), "tsoperator-clash-assets-"));
    const saved = process.env.KUBEBUILDER_ASSETS;
    let env: TestEnvironment | undefined;
    try {
      // The first etcd finds its peer port already bound by another process (what a client connection or another
      // test's server does between our probe and etcd's bind), then runs as it is: the real etcd fails for real.
      const holder = `require("net").createServer().listen(Number(process.argv[1]), "127.0.0.1", () => require("fs").writeFileSync(process.argv[2], String(process.pid)))`;
      const wrapper = [
        "#!/bin/sh",
        `echo "$*" >> '${assets}/calls'`,
        `if [ ! -e '${assets}/held' ]; then`,
        '  for a in "$@"; do case "$a" in --listen-peer-urls=*) port="${a##*:}";; esac; done',
        `  '${process.execPath}' -e '${holder}' "$port" '${assets}/held' > /dev/null 2>&1 &`,
        `  while [ ! -s '${assets}/held' ]; do sleep 0.05; done`,
        "fi",
        `exec '${built.etcd}' "$@"`,
        "",
      ].join("\n");
      await writeFile(join(assets, "etcd"), wrapper);
      await chmod(join(assets, "etcd"), 0o755);
      await symlink(built["kube-apiserver"], join(assets, "kube-apiserver"));
      process.env.KUBEBUILDER_ASSETS = assets;
      env = await TestEnvironment.start({ controllerManager: false });
      const calls = (await readFile(join(assets, "calls"), "utf8")).trim().split("\n");
      const peerPort = (call: string | undefined) => /--listen-peer-urls=\S+:(\d+)/.exec(call ?? "")?.[1];
      assert.equal(calls.length, 2, "etcd started twice: the clash, then on fresh ports");
      assert.notEqual(peerPort(calls[1]), peerPort(calls[0]));
      const ok = await env.adminJson("GET", "/version");
      assert.equal(ok.status, 200);
    } finally {
      await env?.stop();
      const held = await readFile(join(assets, "held"), "utf8").catch(() => "");
      if (held) process.kill(Number(held));
      if (saved === undefined) delete process.env.KUBEBUILDER_ASSETS;
      else process.env.KUBEBUILDER_ASSETS = saved;
      await rm(assets, { recursive: true, force: true });
    }
  });

  it("fails to start with the failing component's log tail and where the full log is", async () => {
    const fake = await mkdtemp(join(tmpdir(), "tsoperator-fake-assets-"));
    const saved = process.env.KUBEBUILDER_ASSETS;
    let keptLogDir: string | undefined;
    try {
      // etcd that prints a reason and exits: what a broken binary or a bad flag looks like.
      const script = "#!/bin/sh\necho 'fatal: simulated etcd failure for the test' >&2\nexit 3\n";
      for (const name of ["etcd", "kube-apiserver", "kube-controller-manager"]) {
        await writeFile(join(fake, name), script);
        await chmod(join(fake, name), 0o755);
      }
      process.env.KUBEBUILDER_ASSETS = fake;
      await assert.rejects(TestEnvironment.start(), (err: Error & { code?: string }) => {
        assert.equal(err.code, "TSOP_CONTROLPLANE");
        assert.match(err.message, /etcd exited \(code 3\) during startup/);
        assert.match(err.message, /simulated etcd failure/);
        const logPath = /Full log: (\S+)/.exec(err.message)?.[1];
        assert.ok(logPath && existsSync(logPath), `log kept at ${logPath}`);
        keptLogDir = join(logPath, "..");
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.KUBEBUILDER_ASSETS;
      else process.env.KUBEBUILDER_ASSETS = saved;
      await rm(fake, { recursive: true, force: true });
      if (keptLogDir) await rm(keptLogDir, { recursive: true, force: true });
    }
  });
});
