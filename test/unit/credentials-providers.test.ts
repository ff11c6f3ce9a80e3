/**
 * Credential providers and in-cluster configuration: every `Credentials` kind normalised for the transport,
 * token and certificate files re-read when they rotate, and the service account loaded from a temp dir that
 * stands in for /var/run/secrets/kubernetes.io/serviceaccount.
 */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { ClientConfig } from "../../src/client/config.js";
import {
  CombinedCredentialProvider,
  PemFilesProvider,
  StaticCredentialProvider,
  TokenFileProvider,
  credentialProviderFor,
} from "../../src/client/credential-providers.js";
import type { CredentialProvider } from "../../src/client/credentials.js";
import { TsOperatorError } from "../../src/core/errors.js";

let dir: string;
let counter = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsop-creds-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function configWith(credentials: ClientConfig["credentials"]): ClientConfig {
  return new ClientConfig({ apiServerEndpoint: "https://k8s.example.test", userAgent: "ua", credentials });
}

/** Replaces a file atomically, the way the kubelet and cert-manager do. */
async function replace(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${++counter}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

describe("credentialProviderFor", () => {
  it("normalises bearer, header, basic and pem", async () => {
    assert.deepEqual(await credentialProviderFor(configWith({ kind: "bearer", token: "abc" })).get(), {
      authorization: "Bearer abc",
    });
    assert.deepEqual(await credentialProviderFor(configWith({ kind: "header", value: "Custom xyz" })).get(), {
      authorization: "Custom xyz",
    });
    assert.deepEqual(
      await credentialProviderFor(configWith({ kind: "basic", username: "us:er", password: "pä ss" })).get(),
      { authorization: `Basic ${Buffer.from("us:er:pä ss", "utf8").toString("base64")}` },
    );
    assert.deepEqual(
      await credentialProviderFor(configWith({ kind: "pem", certPem: "C", keyPem: "K" })).get(),
      {
        certPem: "C",
        keyPem: "K",
      },
    );
  });

  it("gives {} without credentials and says static credentials are not worth a retry", async () => {
    const none = credentialProviderFor(configWith(undefined));
    assert.deepEqual(await none.get(), {});
    assert.equal(none.invalidate(), false);
    assert.equal(credentialProviderFor(configWith({ kind: "bearer", token: "t" })).invalidate(), false);
  });

  it("passes a provider through as is", () => {
    const provider: CredentialProvider = new StaticCredentialProvider({ authorization: "Bearer p" });
    assert.equal(credentialProviderFor(configWith({ kind: "provider", provider })), provider);
  });

  it("re-reads pemPaths when the files change", async () => {
    const certPath = join(dir, "tls.crt");
    const keyPath = join(dir, "tls.key");
    await writeFile(certPath, "-----BEGIN CERTIFICATE-----\none\n");
    await writeFile(keyPath, "-----BEGIN PRIVATE KEY-----\none\n");
    const provider = credentialProviderFor(configWith({ kind: "pemPaths", certPath, keyPath }));
    assert.ok(provider instanceof PemFilesProvider);
    assert.match((await provider.get()).certPem ?? "", /one/);
    await replace(certPath, "-----BEGIN CERTIFICATE-----\ntwo\n");
    await replace(keyPath, "-----BEGIN PRIVATE KEY-----\ntwo\n");
    // Within the check interval the cached pair is used; invalidate() forces a look.
    provider.invalidate();
    const creds = await provider.get();
    assert.match(creds.certPem ?? "", /two/);
    assert.match(creds.keyPem ?? "", /two/);
  });

  it("keeps secrets out of a config's JSON and inspect output", () => {
    const config = configWith({ kind: "basic", username: "u", password: "hunter2-secret" });
    assert.doesNotMatch(JSON.stringify(config), /hunter2/);
    assert.doesNotMatch(inspect(config, { depth: 5 }), /hunter2/);
  });
});

describe("TokenFileProvider", () => {
  it("re-reads the token after the check interval when the file changed", async () => {
    const path = join(dir, `token-${++counter}`);
    await writeFile(path, "first-token\n");
    const provider = new TokenFileProvider(path, { checkIntervalMs: 100 });
    assert.deepEqual(await provider.get(), { authorization: "Bearer first-token" });
    await replace(path, "second-token");
    // Inside the interval: no stat, old token.
    assert.equal((await provider.get()).authorization, "Bearer first-token");
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await provider.get()).authorization, "Bearer second-token");
  });

  it("re-reads at once after invalidate() and says a retry is worth it", async () => {
    const path = join(dir, `token-${++counter}`);
    await writeFile(path, "first-token");
    const provider = new TokenFileProvider(path, { checkIntervalMs: 60_000 });
    await provider.get();
    await replace(path, "rotated-token");
    assert.equal(provider.invalidate(), true);
    assert.equal((await provider.get()).authorization, "Bearer rotated-token");
  });

  it("keeps the last token while the file is briefly missing", async () => {
    const path = join(dir, `token-${++counter}`);
    await writeFile(path, "kept-token");
    const provider = new TokenFileProvider(path, { checkIntervalMs: 0 });
    await provider.get();
    await rm(path);
    assert.equal((await provider.get()).authorization, "Bearer kept-token");
  });

  it("fails with a typed error naming the file (not the token) when it never could be read", async () => {
    const missing = new TokenFileProvider(join(dir, "absent-token"));
    await assert.rejects(missing.get(), (e: unknown) => {
      return (
        e instanceof TsOperatorError &&
        e.code === "TSOP_CREDENTIALS_UNAVAILABLE" &&
        /absent-token/.test(e.message)
      );
    });
    const emptyPath = join(dir, `token-${++counter}`);
    await writeFile(emptyPath, "  \n");
    await assert.rejects(new TokenFileProvider(emptyPath).get(), /is empty/);
  });
});

describe("CombinedCredentialProvider", () => {
  it("merges parts, takes the earliest expiry and invalidates every part", async () => {
    let invalidated = 0;
    const expiring: CredentialProvider = {
      get: async () => ({ authorization: "Bearer exec", expiresAtMs: 1000 }),
      invalidate: () => {
        invalidated++;
        return true;
      },
    };
    const combined = new CombinedCredentialProvider([
      new StaticCredentialProvider({ certPem: "C", keyPem: "K", expiresAtMs: 5000 }),
      expiring,
    ]);
    assert.deepEqual(await combined.get(), {
      certPem: "C",
      keyPem: "K",
      authorization: "Bearer exec",
      expiresAtMs: 1000,
    });
    assert.equal(combined.invalidate(), true);
    assert.equal(invalidated, 1);
  });
});

describe("service account", () => {
  async function serviceAccountDir(files: Record<string, string>): Promise<string> {
    const base = join(dir, `sa-${++counter}`);
    await mkdir(base);
    for (const [name, content] of Object.entries(files)) await writeFile(join(base, name), content);
    return base;
  }
  const CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";

  it("loads endpoint, CA, namespace and a rotating token", async () => {
    const baseDir = await serviceAccountDir({ token: "sa-token-1", "ca.crt": CA, namespace: "operators\n" });
    const env = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };
    const config = await ClientConfig.fromServiceAccount("ua", { baseDir, env, tokenCheckIntervalMs: 0 });
    assert.equal(config.apiServerEndpoint, "https://10.96.0.1:443");
    assert.equal(config.caData, CA);
    assert.equal(config.namespace, "operators");
    const provider = credentialProviderFor(config);
    assert.ok(provider instanceof TokenFileProvider);
    assert.equal((await provider.get()).authorization, "Bearer sa-token-1");
    await replace(join(baseDir, "token"), "sa-token-2");
    assert.equal((await provider.get()).authorization, "Bearer sa-token-2");
    assert.doesNotMatch(JSON.stringify(config), /sa-token/);
  });

  it("brackets an IPv6 host", async () => {
    const baseDir = await serviceAccountDir({ token: "t", "ca.crt": CA });
    const env = { KUBERNETES_SERVICE_HOST: "fd00:10:96::1", KUBERNETES_SERVICE_PORT: "6443" };
    const config = await ClientConfig.fromServiceAccount("ua", { baseDir, env });
    assert.equal(config.apiServerEndpoint, "https://[fd00:10:96::1]:6443");
    assert.equal(config.namespace, undefined);
  });

  it("reports TSOP_SERVICE_ACCOUNT_NOT_FOUND outside a pod or without a token", async () => {
    const baseDir = await serviceAccountDir({ "ca.crt": CA });
    const notFound = (e: unknown) =>
      e instanceof TsOperatorError && e.code === "TSOP_SERVICE_ACCOUNT_NOT_FOUND";
    await assert.rejects(ClientConfig.fromServiceAccount("ua", { baseDir, env: {} }), notFound);
    const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };
    await assert.rejects(ClientConfig.fromServiceAccount("ua", { baseDir, env }), notFound);
    await assert.rejects(
      ClientConfig.fromServiceAccount("ua", { baseDir, env: { ...env, KUBERNETES_SERVICE_PORT: "https" } }),
      notFound,
    );
  });

  it("is preferred by fromEnvironment when mounted", async () => {
    const baseDir = await serviceAccountDir({ token: "t", "ca.crt": CA, namespace: "ns" });
    const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };
    const config = await ClientConfig.fromEnvironment("ua", {
      serviceAccount: { baseDir, env },
      kubeconfig: { path: join(dir, "never-read") },
    });
    assert.equal(config.apiServerEndpoint, "https://10.0.0.1:443");
    assert.match(config.source ?? "", /service account/);
  });
});
