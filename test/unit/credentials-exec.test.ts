/**
 * Exec credential plugins, run for real: small scripts in a temp dir print ExecCredentials and count their runs
 * in a file, so caching until expiry, re-running after invalidate(), sharing one run between concurrent callers
 * and every failure mode are observed from the plugin's side.
 */
import { strict as assert } from "node:assert";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ClientConfig } from "../../src/client/config.js";
import { credentialProviderFor } from "../../src/client/credential-providers.js";
import { ExecCredentialProvider, type ExecPluginConfig } from "../../src/client/exec-credentials.js";
import { TsOperatorError } from "../../src/core/errors.js";

const V1 = "client.authentication.k8s.io/v1";
const V1BETA1 = "client.authentication.k8s.io/v1beta1";

let dir: string;
let counter = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsop-exec-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Writes a node plugin that appends a line to its count file per run, then runs `body` (JS with `count`,
 * `print(obj)` and `expiresIn(ms)` in scope).
 */
async function nodePlugin(body: string): Promise<{ command: string; runs: () => Promise<number> }> {
  const id = ++counter;
  const countFile = join(dir, `runs-${id}`);
  const command = join(dir, `plugin-${id}.mjs`);
  await writeFile(
    command,
    [
      "#!/usr/bin/env node",
      'import { appendFileSync, readFileSync } from "node:fs";',
      `const countFile = ${JSON.stringify(countFile)};`,
      'appendFileSync(countFile, "x");',
      'const count = readFileSync(countFile, "utf8").length;',
      "const print = (obj) => process.stdout.write(JSON.stringify(obj));",
      "const expiresIn = (ms) => new Date(Date.now() + ms).toISOString();",
      body,
    ].join("\n"),
  );
  await chmod(command, 0o755);
  const runs = async () => (await readFile(countFile, "utf8").catch(() => "")).length;
  return { command, runs };
}

async function shPlugin(body: string): Promise<string> {
  const command = join(dir, `plugin-${++counter}.sh`);
  await writeFile(command, `#!/bin/sh\n${body}\n`);
  await chmod(command, 0o755);
  return command;
}

async function failure(provider: ExecCredentialProvider): Promise<TsOperatorError> {
  const err = await provider.get().then(
    () => assert.fail("expected get() to fail"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TsOperatorError, String(err));
  assert.equal(err.code, "TSOP_EXEC_PLUGIN_FAILED");
  return err;
}

function provider(config: Partial<ExecPluginConfig> & { command: string }): ExecCredentialProvider {
  return new ExecCredentialProvider({ apiVersion: V1, ...config });
}

describe("exec plugin: caching", () => {
  it("caches a v1beta1 credential until invalidate() and then runs the plugin again", async () => {
    const plugin = await nodePlugin(
      `print({ apiVersion: "${V1BETA1}", kind: "ExecCredential", status: { token: "tok-" + count, expirationTimestamp: expiresIn(3600e3) } });`,
    );
    const p = provider({ apiVersion: V1BETA1, command: plugin.command });
    const a = await p.get();
    const b = await p.get();
    assert.equal(a.authorization, "Bearer tok-1");
    assert.equal(b.authorization, "Bearer tok-1");
    assert.ok(a.expiresAtMs !== undefined && a.expiresAtMs > Date.now() + 3000e3);
    assert.equal(await plugin.runs(), 1);

    assert.equal(p.invalidate(), true);
    assert.equal((await p.get()).authorization, "Bearer tok-2");
    assert.equal((await p.get()).authorization, "Bearer tok-2");
    assert.equal(await plugin.runs(), 2);
  });

  it("runs a v1 plugin again once its credential expired", async () => {
    const plugin = await nodePlugin(
      `print({ apiVersion: "${V1}", kind: "ExecCredential", status: { token: "tok-" + count, expirationTimestamp: expiresIn(700) } });`,
    );
    const p = provider({ command: plugin.command });
    assert.equal((await p.get()).authorization, "Bearer tok-1");
    assert.equal((await p.get()).authorization, "Bearer tok-1");
    assert.equal(await plugin.runs(), 1);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await p.get()).authorization, "Bearer tok-2");
    assert.equal(await plugin.runs(), 2);
  });

  it("keeps a credential without expiry until invalidated", async () => {
    const plugin = await nodePlugin(`print({ apiVersion: "${V1}", status: { token: "tok-" + count } });`);
    const p = provider({ command: plugin.command });
    await p.get();
    await p.get();
    assert.equal(await plugin.runs(), 1);
  });

  it("shares one run between concurrent callers", async () => {
    const plugin = await nodePlugin(
      `await new Promise((r) => setTimeout(r, 200)); print({ apiVersion: "${V1}", status: { token: "tok-" + count } });`,
    );
    const p = provider({ command: plugin.command });
    const results = await Promise.all(Array.from({ length: 10 }, () => p.get()));
    assert.deepEqual(new Set(results.map((r) => r.authorization)), new Set(["Bearer tok-1"]));
    assert.equal(await plugin.runs(), 1);
    assert.equal(p.execPluginRuns, 1);
  });

  it("returns client certificates", async () => {
    const plugin = await nodePlugin(
      `print({ apiVersion: "${V1}", status: { clientCertificateData: "-----BEGIN CERTIFICATE-----\\nA\\n", clientKeyData: "-----BEGIN PRIVATE KEY-----\\nB\\n" } });`,
    );
    const creds = await provider({ command: plugin.command }).get();
    assert.equal(creds.authorization, undefined);
    assert.match(creds.certPem ?? "", /BEGIN CERTIFICATE/);
    assert.match(creds.keyPem ?? "", /BEGIN PRIVATE KEY/);
  });

  it("rejects only the aborted caller; the run still serves others", async () => {
    const plugin = await nodePlugin(
      `await new Promise((r) => setTimeout(r, 200)); print({ apiVersion: "${V1}", status: { token: "t" } });`,
    );
    const p = provider({ command: plugin.command });
    const controller = new AbortController();
    const aborted = p.get(controller.signal);
    const other = p.get();
    controller.abort();
    await assert.rejects(aborted, (e: unknown) => e instanceof TsOperatorError && e.code === "TSOP_ABORTED");
    assert.equal((await other).authorization, "Bearer t");
    assert.equal(await plugin.runs(), 1);
  });
});

describe("exec plugin: what it is given", () => {
  it("passes args, env and KUBERNETES_EXEC_INFO with interactive=false and cluster info", async () => {
    const plugin = await nodePlugin(
      [
        `const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);`,
        `const token = Buffer.from(JSON.stringify({ info, args: process.argv.slice(2), extra: process.env.EXTRA })).toString("base64");`,
        `print({ apiVersion: "${V1}", status: { token } });`,
      ].join("\n"),
    );
    const p = provider({
      command: plugin.command,
      args: ["--flag", "value"],
      env: [{ name: "EXTRA", value: "extra-value" }],
      provideClusterInfo: true,
      cluster: {
        server: "https://k8s.example.test",
        "certificate-authority-data": "Q0E=",
        config: { audience: "x" },
      },
    });
    const creds = await p.get();
    const seen = JSON.parse(Buffer.from((creds.authorization ?? "").slice(7), "base64").toString()) as {
      info: {
        apiVersion: string;
        kind: string;
        spec: { interactive: boolean; cluster?: Record<string, unknown> };
      };
      args: string[];
      extra: string;
    };
    assert.deepEqual(seen.args, ["--flag", "value"]);
    assert.equal(seen.extra, "extra-value");
    assert.equal(seen.info.apiVersion, V1);
    assert.equal(seen.info.kind, "ExecCredential");
    assert.equal(seen.info.spec.interactive, false);
    assert.deepEqual(seen.info.spec.cluster, {
      server: "https://k8s.example.test",
      "certificate-authority-data": "Q0E=",
      config: { audience: "x" },
    });
  });

  it("sends no cluster info unless provideClusterInfo is set", async () => {
    const plugin = await nodePlugin(
      `print({ apiVersion: "${V1}", status: { token: Buffer.from(process.env.KUBERNETES_EXEC_INFO).toString("base64") } });`,
    );
    const creds = await provider({ command: plugin.command, cluster: { server: "https://x" } }).get();
    const info = JSON.parse(Buffer.from((creds.authorization ?? "").slice(7), "base64").toString()) as {
      spec: Record<string, unknown>;
    };
    assert.deepEqual(info.spec, { interactive: false });
  });

  it("gets cluster info from a kubeconfig, CA file included", async () => {
    const plugin = await nodePlugin(
      `print({ apiVersion: "${V1}", status: { token: Buffer.from(process.env.KUBERNETES_EXEC_INFO).toString("base64") } });`,
    );
    const caPem = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
    await writeFile(join(dir, "exec-ca.crt"), caPem);
    const kubeconfigPath = join(dir, `kubeconfig-${++counter}`);
    await writeFile(
      kubeconfigPath,
      [
        "current-context: x",
        "clusters:",
        "- name: c",
        "  cluster:",
        "    server: https://k8s.example.test:6443",
        "    certificate-authority: exec-ca.crt",
        "    tls-server-name: api.internal",
        "    extensions:",
        "    - name: client.authentication.k8s.io/exec",
        "      extension: {audience: sts}",
        "users:",
        "- name: u",
        "  user:",
        "    exec:",
        `      apiVersion: ${V1}`,
        `      command: ./${plugin.command.slice(dir.length + 1)}`,
        "      provideClusterInfo: true",
        "contexts: [{name: x, context: {cluster: c, user: u}}]",
      ].join("\n"),
    );
    const config = await ClientConfig.fromKubeconfig("ua", { path: kubeconfigPath });
    const creds = await credentialProviderFor(config).get();
    const info = JSON.parse(Buffer.from((creds.authorization ?? "").slice(7), "base64").toString()) as {
      spec: { cluster: Record<string, unknown> };
    };
    assert.deepEqual(info.spec.cluster, {
      server: "https://k8s.example.test:6443",
      "tls-server-name": "api.internal",
      "certificate-authority-data": Buffer.from(caPem).toString("base64"),
      config: { audience: "sts" },
    });
  });
});

describe("exec plugin: failures", () => {
  it("includes installHint when the command is missing", async () => {
    const p = provider({
      command: "tsop-no-such-plugin",
      installHint: "Install it with: brew install tsop-plugin",
    });
    const err = await failure(p);
    assert.match(
      err.message,
      /"tsop-no-such-plugin": command not found\nInstall it with: brew install tsop-plugin/,
    );
  });

  it("takes installHint from the kubeconfig", async () => {
    const kubeconfigPath = join(dir, `kubeconfig-${++counter}`);
    await writeFile(
      kubeconfigPath,
      [
        "current-context: x",
        "clusters: [{name: c, cluster: {server: 'https://x'}}]",
        "users:",
        "- name: u",
        "  user:",
        "    exec:",
        `      apiVersion: ${V1BETA1}`,
        "      command: ./missing-plugin",
        "      installHint: see https://example.test/install",
        "contexts: [{name: x, context: {cluster: c, user: u}}]",
      ].join("\n"),
    );
    const config = await ClientConfig.fromKubeconfig("ua", { path: kubeconfigPath });
    const err = await credentialProviderFor(config)
      .get()
      .catch((e: unknown) => e);
    assert.ok(err instanceof TsOperatorError);
    assert.equal(err.code, "TSOP_EXEC_PLUGIN_FAILED");
    assert.ok(
      err.message.includes(`user "u": exec plugin "${join(dir, "missing-plugin")}": command not found`),
      err.message,
    );
    assert.match(err.message, /see https:\/\/example.test\/install/);
  });

  it("reports a non-zero exit with the end of stderr and never stdout", async () => {
    const command = await shPlugin(
      [
        `printf '{"apiVersion":"${V1}","status":{"token":"leaked-secret-token"}}'`,
        'i=0; while [ $i -lt 300 ]; do echo "noise line $i" >&2; i=$((i+1)); done',
        "echo 'error: credentials expired, run login' >&2",
        "exit 3",
      ].join("\n"),
    );
    const err = await failure(provider({ command }));
    assert.match(err.message, /exited with code 3; stderr: .*error: credentials expired, run login$/s);
    assert.doesNotMatch(err.message, /noise line 1\n/);
    assert.doesNotMatch(err.message, /leaked-secret-token/);
    assert.ok(err.message.length < 2600);
  });

  it("reports output that is not JSON without quoting it", async () => {
    const command = await shPlugin("echo 'token: leaked-secret-token'");
    const err = await failure(provider({ command }));
    assert.match(err.message, /output is not valid JSON/);
    assert.doesNotMatch(err.message, /leaked-secret-token/);
  });

  it("rejects output with another apiVersion", async () => {
    const command = await shPlugin(
      `printf '{"apiVersion":"${V1BETA1}","status":{"token":"leaked-secret-token"}}'`,
    );
    const err = await failure(provider({ command }));
    assert.match(
      err.message,
      /output apiVersion is "client.authentication.k8s.io\/v1beta1", expected "client.authentication.k8s.io\/v1"/,
    );
    assert.doesNotMatch(err.message, /leaked-secret-token/);
  });

  it("rejects output without token or certificate, and half a certificate", async () => {
    const none = await shPlugin(`printf '{"apiVersion":"${V1}","status":{}}'`);
    assert.match(
      (await failure(provider({ command: none }))).message,
      /status must contain token or clientCertificateData/,
    );
    const half = await shPlugin(`printf '{"apiVersion":"${V1}","status":{"clientCertificateData":"x"}}'`);
    assert.match((await failure(provider({ command: half }))).message, /must be set together/);
    const noStatus = await shPlugin(`printf '{"apiVersion":"${V1}"}'`);
    assert.match((await failure(provider({ command: noStatus }))).message, /no status object/);
    const badTime = await shPlugin(
      `printf '{"apiVersion":"${V1}","status":{"token":"t","expirationTimestamp":"soon"}}'`,
    );
    assert.match(
      (await failure(provider({ command: badTime }))).message,
      /expirationTimestamp is not an RFC 3339 time/,
    );
  });

  it("kills a plugin that hangs", async () => {
    const command = await shPlugin("echo 'waiting for browser login' >&2\nexec sleep 30");
    const started = Date.now();
    const err = await failure(provider({ command, timeoutMs: 300 }));
    assert.match(err.message, /timed out after 300 ms; stderr: waiting for browser login/);
    assert.ok(Date.now() - started < 5000);
  });

  it("reports a file that is not executable", async () => {
    const command = join(dir, "not-executable");
    await writeFile(command, "#!/bin/sh\n");
    const err = await failure(provider({ command }));
    assert.match(err.message, /not executable/);
  });

  it("does not cache a failure", async () => {
    const plugin = await nodePlugin(
      `if (count === 1) process.exit(1); print({ apiVersion: "${V1}", status: { token: "tok-" + count } });`,
    );
    const p = provider({ command: plugin.command });
    await failure(p);
    assert.equal((await p.get()).authorization, "Bearer tok-2");
  });
});
