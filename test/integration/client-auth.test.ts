/**
 * Authentication against a real kube-apiserver: kubeconfigs with a token, a token file, client certificates and
 * exec plugins (re-run after expiry, re-run once after a 401), and impersonation checked by RBAC. The exec
 * plugins are small node scripts that count their runs in a file.
 */
import { strict as assert } from "node:assert";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ClientConfig } from "../../src/client/config.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { TsOperatorError, isApiError } from "../../src/core/errors.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";

const V1 = "client.authentication.k8s.io/v1";

describe("client authentication against a real apiserver", () => {
  let env: TestEnvironment;
  let dir: string;
  let counter = 0;

  before(async () => {
    env = await TestEnvironment.start({ controllerManager: false });
    dir = await mkdtemp(join(tmpdir(), "tsop-client-auth-"));
  });
  after(async () => {
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Writes a kubeconfig with one context whose user is `user` (YAML lines, indented under `user:`). */
  async function kubeconfig(user: string[]): Promise<string> {
    const path = join(dir, `kubeconfig-${++counter}`);
    const ca = Buffer.from(env.caPem ?? "").toString("base64");
    await writeFile(
      path,
      [
        "apiVersion: v1",
        "kind: Config",
        "current-context: test",
        "clusters:",
        "- name: local",
        "  cluster:",
        `    server: ${env.endpoint}`,
        `    certificate-authority-data: ${ca}`,
        "users:",
        "- name: u",
        "  user:",
        ...user.map((line) => `    ${line}`),
        "contexts:",
        "- name: test",
        "  context: {cluster: local, user: u, namespace: default}",
      ].join("\n"),
    );
    return path;
  }

  async function clientFor(path: string): Promise<KubeClient> {
    return KubeClient.fromConfig(await ClientConfig.fromKubeconfig("client-auth-test", { path }));
  }

  async function listNamespaces(client: KubeClient): Promise<number> {
    return (await client.resource(k8sTypes.core.v1.Namespace).list()).items.length;
  }

  /** A node exec plugin that counts runs; `body` decides the token (has `count`, `adminToken`, `print`). */
  async function execPlugin(body: string): Promise<{ command: string; runs: () => Promise<number> }> {
    const id = ++counter;
    const countFile = join(dir, `runs-${id}`);
    const command = join(dir, `plugin-${id}.mjs`);
    await writeFile(
      command,
      [
        "#!/usr/bin/env node",
        'import { appendFileSync, readFileSync } from "node:fs";',
        `appendFileSync(${JSON.stringify(countFile)}, "x");`,
        `const count = readFileSync(${JSON.stringify(countFile)}, "utf8").length;`,
        `const adminToken = ${JSON.stringify(env.adminToken)};`,
        "const expiresIn = (ms) => new Date(Date.now() + ms).toISOString();",
        `const print = (status) => process.stdout.write(JSON.stringify({ apiVersion: "${V1}", kind: "ExecCredential", status }));`,
        body,
      ].join("\n"),
    );
    await chmod(command, 0o755);
    return { command, runs: async () => (await readFile(countFile, "utf8").catch(() => "")).length };
  }

  it("loads the environment's own kubeconfig", async () => {
    const client = await KubeClient.fromConfig(
      await ClientConfig.fromKubeconfig("client-auth-test", { path: env.kubeconfigPath }),
    );
    try {
      assert.ok((await listNamespaces(client)) > 0);
    } finally {
      await client.close();
    }
  });

  it("authenticates with a token and with a tokenFile", async () => {
    assert.ok(env.adminToken, "the environment has a static admin token");
    const client = await clientFor(await kubeconfig([`token: ${env.adminToken}`]));
    const tokenPath = join(dir, "admin.token");
    await writeFile(tokenPath, `${env.adminToken}\n`);
    const fileClient = await clientFor(await kubeconfig(["tokenFile: admin.token"]));
    try {
      assert.ok((await listNamespaces(client)) > 0);
      assert.ok((await listNamespaces(fileClient)) > 0);
    } finally {
      await client.close();
      await fileClient.close();
    }
  });

  it("rejects a wrong static token with 401 (no pointless retry)", async () => {
    const client = await clientFor(await kubeconfig(["token: not-a-valid-token"]));
    try {
      await assert.rejects(listNamespaces(client), (e: unknown) => isApiError(e, 401));
    } finally {
      await client.close();
    }
  });

  it("authenticates with client certificate files and inline data", async () => {
    const pair = await env.clientCertFor("cert-admin", ["system:masters"]);
    await writeFile(join(dir, "cert-admin.crt"), pair.certPem);
    await writeFile(join(dir, "cert-admin.key"), pair.keyPem);
    const fromFiles = await clientFor(
      await kubeconfig(["client-certificate: cert-admin.crt", "client-key: cert-admin.key"]),
    );
    const inline = await clientFor(
      await kubeconfig([
        `client-certificate-data: ${Buffer.from(pair.certPem).toString("base64")}`,
        `client-key-data: ${Buffer.from(pair.keyPem).toString("base64")}`,
      ]),
    );
    try {
      assert.ok((await listNamespaces(fromFiles)) > 0);
      assert.ok((await listNamespaces(inline)) > 0);
    } finally {
      await fromFiles.close();
      await inline.close();
    }
  });

  it("re-runs an exec plugin when its credential expires", async () => {
    const plugin = await execPlugin("print({ token: adminToken, expirationTimestamp: expiresIn(2000) });");
    const client = await clientFor(
      await kubeconfig([
        "exec:",
        `  apiVersion: ${V1}`,
        `  command: ${plugin.command}`,
        "  interactiveMode: Never",
      ]),
    );
    try {
      await listNamespaces(client);
      await listNamespaces(client);
      assert.equal(await plugin.runs(), 1, "cached while valid");
      assert.equal(client.execPluginRuns, 1, "the client counts the same runs");
      await new Promise((r) => setTimeout(r, 2200));
      await listNamespaces(client);
      assert.equal(await plugin.runs(), 2, "re-run after expiry");
      assert.equal(client.execPluginRuns, 2);
    } finally {
      await client.close();
    }
  });

  it("re-runs an exec plugin once after a 401", async () => {
    const plugin = await execPlugin('print({ token: count === 1 ? "stale-token" : adminToken });');
    const client = await clientFor(
      await kubeconfig(["exec:", `  apiVersion: ${V1}`, `  command: ${plugin.command}`]),
    );
    try {
      assert.ok((await listNamespaces(client)) > 0);
      assert.equal(await plugin.runs(), 2);
      await listNamespaces(client);
      assert.equal(await plugin.runs(), 2, "the fresh credential is cached");
      assert.equal(client.execPluginRuns, 2);
    } finally {
      await client.close();
    }
  });

  it("surfaces an exec plugin failure as TSOP_EXEC_PLUGIN_FAILED", async () => {
    const plugin = await execPlugin('process.stderr.write("login required\\n"); process.exit(1);');
    const client = await clientFor(
      await kubeconfig(["exec:", `  apiVersion: ${V1}`, `  command: ${plugin.command}`]),
    );
    try {
      await assert.rejects(
        listNamespaces(client),
        (e: unknown) =>
          e instanceof TsOperatorError &&
          e.code === "TSOP_EXEC_PLUGIN_FAILED" &&
          /login required/.test(e.message),
      );
    } finally {
      await client.close();
    }
  });

  it("impersonates: a user without RBAC gets 403, the system:masters group works", async () => {
    const nobody = await clientFor(await kubeconfig([`token: ${env.adminToken}`, "as: nobody"]));
    const masters = await clientFor(
      await kubeconfig([
        `token: ${env.adminToken}`,
        "as: somebody",
        "as-groups: [system:masters]",
        "as-uid: uid-1",
      ]),
    );
    try {
      await assert.rejects(listNamespaces(nobody), (e: unknown) => isApiError(e, 403));
      assert.ok((await listNamespaces(masters)) > 0);
    } finally {
      await nobody.close();
      await masters.close();
    }
  });
});
