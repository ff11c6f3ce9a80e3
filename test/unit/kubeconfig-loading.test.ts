/**
 * Loading kubeconfig files into a ClientConfig: each auth form, cluster TLS settings, relative paths, contexts,
 * kubectl's KUBECONFIG merge rules and where files are looked for. Fixtures live in test/fixtures/kubeconfig.
 */
import { strict as assert } from "node:assert";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { ClientConfig } from "../../src/client/config.js";
import {
  CombinedCredentialProvider,
  PemFilesProvider,
  TokenFileProvider,
  credentialProviderFor,
} from "../../src/client/credential-providers.js";
import { ExecCredentialProvider } from "../../src/client/exec-credentials.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, "../fixtures/kubeconfig");
const full = join(fixtures, "full", "config");
const first = join(fixtures, "merge", "first", "config");
const second = join(fixtures, "merge", "second", "config");

function load(context?: string, path: string | string[] = full): Promise<ClientConfig> {
  return ClientConfig.fromKubeconfig("test-agent", { path, context });
}

describe("kubeconfig: auth forms", () => {
  it("uses current-context with a static token, namespace, CA file, tls-server-name and proxy-url", async () => {
    const config = await load();
    assert.equal(config.apiServerEndpoint, "https://main.example.test:6443");
    assert.deepEqual(config.credentials, { kind: "bearer", token: "fixture-token-0001" });
    assert.equal(config.namespace, "team-a");
    assert.equal(config.caFile, join(fixtures, "full", "certs", "ca.crt"));
    assert.equal(config.caData, undefined);
    assert.equal(config.tlsServerName, "kubernetes.default");
    assert.equal(config.proxyUrl, "http://proxy.example.test:3128");
    assert.equal(config.verifySslCerts, true);
    assert.equal(config.userAgent, "test-agent");
    assert.match(config.source ?? "", /full\/config context "token-ctx"/);
    assert.deepEqual(await credentialProviderFor(config).get(), {
      authorization: "Bearer fixture-token-0001",
    });
  });

  it("turns username/password into basic auth and decodes certificate-authority-data", async () => {
    const config = await load("basic-ctx");
    assert.deepEqual(config.credentials, {
      kind: "basic",
      username: "alice",
      password: "fixture-password-0001",
    });
    assert.match(config.caData ?? "", /^-----BEGIN CERTIFICATE-----\nSU5MSU5FLUNB\n/);
    const creds = await credentialProviderFor(config).get();
    assert.equal(
      creds.authorization,
      `Basic ${Buffer.from("alice:fixture-password-0001").toString("base64")}`,
    );
    assert.equal(config.namespace, undefined);
  });

  it("decodes inline client-certificate-data and client-key-data", async () => {
    const config = await load("certdata-ctx");
    assert.equal(config.credentials?.kind, "pem");
    const creds = await credentialProviderFor(config).get();
    assert.match(creds.certPem ?? "", /BEGIN CERTIFICATE-----\nSU5MSU5FLUNFUlQ=/);
    assert.match(creds.keyPem ?? "", /BEGIN PRIVATE KEY-----\nSU5MSU5FLUtFWQ==/);
    assert.equal(creds.authorization, undefined);
  });

  it("resolves client-certificate and client-key files relative to the kubeconfig", async () => {
    const config = await load("certfile-ctx");
    assert.deepEqual(config.credentials, {
      kind: "pemPaths",
      certPath: join(fixtures, "full", "certs", "client.crt"),
      keyPath: join(fixtures, "full", "certs", "client.key"),
    });
    const provider = credentialProviderFor(config);
    assert.ok(provider instanceof PemFilesProvider);
    const creds = await provider.get();
    assert.match(creds.certPem ?? "", /RklYVFVSRS1DTElFTlQtQ0VSVA==/);
    assert.match(creds.keyPem ?? "", /RklYVFVSRS1DTElFTlQtS0VZ/);
  });

  it("reads tokenFile through a TokenFileProvider", async () => {
    const config = await load("tokenfile-ctx");
    assert.equal(config.credentials?.kind, "provider");
    const provider = credentialProviderFor(config);
    assert.ok(provider instanceof TokenFileProvider);
    assert.equal(provider.path, join(fixtures, "full", "token.txt"));
    assert.deepEqual(await provider.get(), { authorization: "Bearer fixture-file-token-0001" });
  });

  it("maps as, as-groups and as-uid to impersonation", async () => {
    const config = await load("impersonate-ctx");
    assert.equal(config.impersonate, "jane");
    assert.deepEqual(config.impersonateGroups, ["developers", "viewers"]);
    assert.equal(config.impersonateUid, "uid-1234");
  });

  it("maps insecure-skip-tls-verify to verifySslCerts=false", async () => {
    const config = await load("insecure-ctx");
    assert.equal(config.verifySslCerts, false);
    assert.equal(config.apiServerEndpoint, "https://insecure.example.test:8443");
  });

  it("allows a context without a user (anonymous)", async () => {
    const config = await load("anonymous-ctx");
    assert.equal(config.credentials, undefined);
    assert.deepEqual(await credentialProviderFor(config).get(), {});
  });

  it("runs an exec plugin whose relative command is resolved against the kubeconfig folder", async () => {
    const config = await load("exec-ctx");
    const provider = credentialProviderFor(config);
    assert.ok(provider instanceof ExecCredentialProvider);
    assert.deepEqual(await provider.get(), { authorization: "Bearer fixture-exec-token-0001" });
  });

  it("combines a client certificate with a token", async () => {
    const config = await load("cert-and-token-ctx");
    const provider = credentialProviderFor(config);
    assert.ok(provider instanceof CombinedCredentialProvider);
    const creds = await provider.get();
    assert.equal(creds.authorization, "Bearer fixture-token-0003");
    assert.match(creds.certPem ?? "", /BEGIN CERTIFICATE/);
    assert.match(creds.keyPem ?? "", /BEGIN PRIVATE KEY/);
  });

  it("never shows secrets in toJSON, JSON.stringify or util.inspect", async () => {
    for (const context of [
      "token-ctx",
      "basic-ctx",
      "certdata-ctx",
      "impersonate-ctx",
      "cert-and-token-ctx",
    ]) {
      const config = await load(context);
      for (const text of [
        JSON.stringify(config),
        inspect(config, { depth: 10 }),
        JSON.stringify(config.toJSON()),
      ]) {
        assert.doesNotMatch(text, /fixture-token|fixture-password|SU5MSU5FLUtFWQ|PRIVATE KEY/, context);
      }
    }
  });
});

describe("kubeconfig: merging several files (KUBECONFIG)", () => {
  const env = { KUBECONFIG: [first, join(fixtures, "does-not-exist"), second].join(":") };

  it("takes current-context and same-named entries from the first file that sets them", async () => {
    const config = await ClientConfig.fromKubeconfig("ua", { env });
    assert.equal(config.apiServerEndpoint, "https://first.example.test:6443");
    assert.deepEqual(config.credentials, { kind: "bearer", token: "fixture-merge-token-first" });
    assert.equal(config.namespace, "from-first");
    // A relative path resolves against the folder of the file that defined the entry.
    assert.equal(config.caFile, join(fixtures, "merge", "first", "ca.crt"));
  });

  it("lets a context of the second file use a user of the first and resolves paths per file", async () => {
    const config = await ClientConfig.fromKubeconfig("ua", { env, context: "b" });
    assert.equal(config.apiServerEndpoint, "https://only-second.example.test:6443");
    assert.equal(config.caFile, join(fixtures, "merge", "second", "ca.crt"));
    assert.deepEqual(config.credentials, { kind: "bearer", token: "fixture-merge-token-first" });
  });

  it("uses the first file's cluster for a context of the second file", async () => {
    const config = await ClientConfig.fromKubeconfig("ua", { env, context: "c" });
    assert.equal(config.apiServerEndpoint, "https://first.example.test:6443");
    const provider = credentialProviderFor(config);
    assert.ok(provider instanceof TokenFileProvider);
    assert.equal(provider.path, join(fixtures, "full", "token.txt"));
  });

  it("merges in the other order too", async () => {
    const config = await ClientConfig.fromKubeconfig("ua", { env: { KUBECONFIG: `${second}::${first}` } });
    // current-context "b" of the second file now wins, and u1 from the second file.
    assert.equal(config.apiServerEndpoint, "https://only-second.example.test:6443");
    assert.deepEqual(config.credentials, { kind: "bearer", token: "fixture-merge-token-second" });
  });

  it("accepts an explicit list of paths", async () => {
    const config = await load("a", [second, first]);
    assert.equal(config.namespace, "from-second");
  });
});

describe("kubeconfig: where files are found", () => {
  it("falls back to $HOME/.kube/config and honours a named context", async () => {
    const home = await mkdtemp(join(tmpdir(), "tsop-kc-home-"));
    try {
      await mkdir(join(home, ".kube"));
      await writeFile(
        join(home, ".kube", "config"),
        [
          "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:8080'}}]",
          "contexts: [{name: x, context: {cluster: c, namespace: ns-x}}, {name: y, context: {cluster: c, namespace: ns-y}}]",
          "current-context: x",
        ].join("\n"),
      );
      const byDefault = await ClientConfig.fromKubeconfig("ua", { env: { HOME: home } });
      assert.equal(byDefault.namespace, "ns-x");
      assert.equal(byDefault.apiServerEndpoint, "http://127.0.0.1:8080");
      const named = await ClientConfig.fromKubeconfig("ua", { env: { HOME: home }, context: "y" });
      assert.equal(named.namespace, "ns-y");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("prefers the path option over KUBECONFIG", async () => {
    const config = await ClientConfig.fromKubeconfig("ua", { path: full, env: { KUBECONFIG: first } });
    assert.equal(config.apiServerEndpoint, "https://main.example.test:6443");
  });

  it("fromEnvironment uses the kubeconfig when no service account is mounted", async () => {
    const config = await ClientConfig.fromEnvironment("ua", {
      serviceAccount: { env: {}, baseDir: join(fixtures, "none") },
      kubeconfig: { path: full },
    });
    assert.equal(config.apiServerEndpoint, "https://main.example.test:6443");
  });
});
