/**
 * TLS and identity settings of the transport against a real kube-apiserver: CA trust, insecure skip-verify,
 * tls-server-name, a client certificate that changes between requests (new connections), impersonation headers.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasCode, isForbidden } from "../../src/core/errors.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { ClientConfig } from "../../src/client/config.js";
import type { CredentialProvider, ResolvedCredentials } from "../../src/client/credentials.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";

let env: TestEnvironment;
let admin: ClientConfig;

before(async () => {
  env = await TestEnvironment.start({ controllerManager: false });
  admin = env.clientConfig("client-tls-test");
});
after(async () => {
  await env?.stop();
});

async function whoami(config: ClientConfig): Promise<string | undefined> {
  const c = await KubeClient.fromConfig(config);
  try {
    const review = await c.request<{ status?: { userInfo?: { username?: string } } }>({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    return review.status?.userInfo?.username;
  } finally {
    await c.close();
  }
}

describe("transport TLS and identity", () => {
  it("fails with TSOP_CONNECTION_ERROR when the server's CA is not trusted", async () => {
    const c = await KubeClient.fromConfig(admin.with({ caData: undefined }));
    await assert.rejects(c.request({ method: "GET", path: "/version" }), (e: unknown) =>
      hasCode(e, "TSOP_CONNECTION_ERROR"),
    );
    await c.close();
  });

  it("connects without a CA when verifySslCerts is false", async () => {
    const c = await KubeClient.fromConfig(admin.with({ caData: undefined, verifySslCerts: false }));
    const v = await c.request<{ gitVersion?: string }>({ method: "GET", path: "/version" });
    assert.match(v.gitVersion ?? "", /^v1\./);
    await c.close();
  });

  it("verifies the certificate against tlsServerName", async () => {
    const ok = await KubeClient.fromConfig(admin.with({ tlsServerName: "kubernetes.default.svc" }));
    await ok.request({ method: "GET", path: "/version" });
    await ok.close();
    const bad = await KubeClient.fromConfig(admin.with({ tlsServerName: "not-the-apiserver.example.com" }));
    await assert.rejects(bad.request({ method: "GET", path: "/version" }), (e: unknown) =>
      hasCode(e, "TSOP_CONNECTION_ERROR"),
    );
    await bad.close();
  });

  it("uses a new client certificate as soon as the provider returns one", async () => {
    const alice = await env.clientCertFor("alice", ["system:masters"]);
    const bob = await env.clientCertFor("bob", ["system:masters"]);
    let current: ResolvedCredentials = { certPem: alice.certPem, keyPem: alice.keyPem };
    const provider: CredentialProvider = { get: () => Promise.resolve(current), invalidate: () => false };
    const c = await KubeClient.fromConfig(admin.with({ credentials: { kind: "provider", provider } }));
    const ask = () =>
      c.request<{ status?: { userInfo?: { username?: string } } }>({
        method: "POST",
        path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
      });
    assert.equal((await ask()).status?.userInfo?.username, "alice");
    current = { certPem: bob.certPem, keyPem: bob.keyPem };
    assert.equal((await ask()).status?.userInfo?.username, "bob");
    await c.close();
  });

  it("sends impersonation headers (user, groups)", async () => {
    assert.equal(
      await whoami(admin.with({ impersonate: "carol", impersonateGroups: ["team-a", "team-b"] })),
      "carol",
    );
    const c = await KubeClient.fromConfig(admin.with({ impersonate: "carol" }));
    await assert.rejects(c.resource(k8sTypes.core.v1.Secret, "default").list(), (e: unknown) =>
      isForbidden(e),
    );
    await c.close();
  });
});
