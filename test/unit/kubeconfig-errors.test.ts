/**
 * Kubeconfig errors: every problem is a TsOperatorError with a stable code whose message names the file, the
 * entry and the field, and never contains a secret from the file.
 */
import { strict as assert } from "node:assert";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ClientConfig } from "../../src/client/config.js";
import { TsOperatorError, type ErrorCode } from "../../src/core/errors.js";

const SECRET = "s3cr3t-value-never-shown";
const PEM_B64 = Buffer.from("-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n").toString(
  "base64",
);

let dir: string;
let counter = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsop-kc-errors-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(content: string | Buffer): Promise<string> {
  const path = join(dir, `config-${++counter}`);
  await writeFile(path, content);
  return path;
}

/** A valid kubeconfig whose one user/cluster can be replaced. */
function kubeconfig(user: string, cluster = "server: https://k8s.example.test:6443"): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "current-context: dev",
    "clusters:",
    "- name: c",
    "  cluster:",
    ...cluster.split("\n").map((l) => `    ${l}`),
    "users:",
    "- name: bob",
    "  user:",
    ...user.split("\n").map((l) => `    ${l}`),
    "contexts:",
    "- name: dev",
    "  context: {cluster: c, user: bob}",
  ].join("\n");
}

async function expectError(
  content: string | Buffer,
  code: ErrorCode,
  message: RegExp | ((path: string) => string),
  context?: string,
): Promise<TsOperatorError> {
  const path = await writeConfig(content);
  const err = await ClientConfig.fromKubeconfig("ua", { path, context }).then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TsOperatorError, `not a TsOperatorError: ${String(err)}`);
  assert.equal(err.code, code, err.message);
  if (typeof message === "function") assert.equal(err.message, message(path));
  else assert.match(err.message, message);
  assert.ok(err.message.includes(path), `message does not name the file: ${err.message}`);
  assert.ok(!err.message.includes(SECRET), `message leaks a secret: ${err.message}`);
  assert.ok(!err.message.includes(PEM_B64.slice(0, 20)), `message leaks key data: ${err.message}`);
  return err;
}

describe("kubeconfig errors: references between entries", () => {
  it("names the context and the missing user", async () => {
    const content = kubeconfig(`token: ${SECRET}`).replace("user: bob}", "user: alice}");
    await expectError(
      content,
      "TSOP_KUBECONFIG_INVALID",
      (path) => `kubeconfig ${path}: context "dev" refers to user "alice" which is not defined`,
    );
  });

  it("names the context and the missing cluster", async () => {
    const content = kubeconfig(`token: ${SECRET}`).replace("cluster: c,", "cluster: nope,");
    await expectError(
      content,
      "TSOP_KUBECONFIG_INVALID",
      (path) => `kubeconfig ${path}: context "dev" refers to cluster "nope" which is not defined`,
    );
  });

  it("lists the defined contexts when the named one does not exist", async () => {
    await expectError(
      kubeconfig(`token: ${SECRET}`),
      "TSOP_KUBECONFIG_INVALID",
      /context "prod" is not defined \(defined: "dev"\)/,
      "prod",
    );
  });

  it("says when current-context points nowhere", async () => {
    const content = kubeconfig(`token: ${SECRET}`).replace("current-context: dev", "current-context: gone");
    await expectError(
      content,
      "TSOP_KUBECONFIG_INVALID",
      /context "gone" \(current-context\) is not defined/,
    );
  });

  it("says when no current-context is set", async () => {
    const content = kubeconfig(`token: ${SECRET}`).replace("current-context: dev", "");
    await expectError(content, "TSOP_KUBECONFIG_INVALID", /current-context is not set/);
  });

  it("rejects a context without a cluster", async () => {
    const content = kubeconfig(`token: ${SECRET}`).replace("cluster: c, ", "");
    await expectError(content, "TSOP_KUBECONFIG_INVALID", /context "dev": cluster is not set/);
  });
});

describe("kubeconfig errors: field values", () => {
  it("names a token of the wrong type without showing it", async () => {
    await expectError(
      kubeconfig(`token: [${SECRET}]`),
      "TSOP_KUBECONFIG_INVALID",
      /user "bob": token must be a string$/,
    );
  });

  it("names base64 garbage in client-key-data", async () => {
    await expectError(
      kubeconfig(`client-certificate-data: ${PEM_B64}\nclient-key-data: "${SECRET}!!"`),
      "TSOP_KUBECONFIG_INVALID",
      /user "bob": client-key-data is not valid base64$/,
    );
  });

  it("names client-key-data that is base64 but not PEM", async () => {
    const notPem = Buffer.from(SECRET).toString("base64");
    await expectError(
      kubeconfig(`client-certificate-data: ${PEM_B64}\nclient-key-data: ${notPem}`),
      "TSOP_KUBECONFIG_INVALID",
      /client-key-data does not contain a PEM private key$/,
    );
  });

  it("rejects a certificate without a key", async () => {
    await expectError(
      kubeconfig(`client-certificate-data: ${PEM_B64}`),
      "TSOP_KUBECONFIG_INVALID",
      /client-key is not set/,
    );
  });

  it("rejects a token together with basic auth", async () => {
    await expectError(
      kubeconfig(`token: ${SECRET}\nusername: bob\npassword: ${SECRET}`),
      "TSOP_KUBECONFIG_INVALID",
      /user "bob": token and username\/password are both set/,
    );
  });

  it("names a missing client-certificate file with its resolved path", async () => {
    await expectError(
      kubeconfig("client-certificate: missing/client.crt\nclient-key: missing/client.key"),
      "TSOP_KUBECONFIG_INVALID",
      new RegExp(`client-certificate ${dir}/missing/client.crt: not found`),
    );
  });

  it("names a missing tokenFile", async () => {
    await expectError(
      kubeconfig("tokenFile: nope.txt"),
      "TSOP_KUBECONFIG_INVALID",
      /user "bob": tokenFile .*nope.txt: not found/,
    );
  });

  it("requires a server URL", async () => {
    await expectError(
      kubeconfig(`token: ${SECRET}`, "insecure-skip-tls-verify: true"),
      "TSOP_KUBECONFIG_INVALID",
      /cluster "c": server is not set/,
    );
    await expectError(
      kubeconfig(`token: ${SECRET}`, "server: k8s.example.test"),
      "TSOP_KUBECONFIG_INVALID",
      /cluster "c": server "k8s.example.test" is not a URL/,
    );
    await expectError(
      kubeconfig(`token: ${SECRET}`, "server: ftp://k8s"),
      "TSOP_KUBECONFIG_INVALID",
      /server must use https or http/,
    );
  });

  it("names a non-boolean insecure-skip-tls-verify", async () => {
    await expectError(
      kubeconfig(`token: ${SECRET}`, "server: https://x\ninsecure-skip-tls-verify: 'yes'"),
      "TSOP_KUBECONFIG_INVALID",
      /cluster "c": insecure-skip-tls-verify must be true or false/,
    );
  });

  it("rejects a CA together with insecure-skip-tls-verify", async () => {
    await expectError(
      kubeconfig(
        `token: ${SECRET}`,
        `server: https://x\ninsecure-skip-tls-verify: true\ncertificate-authority-data: ${PEM_B64}`,
      ),
      "TSOP_KUBECONFIG_INVALID",
      /insecure-skip-tls-verify cannot be combined with a certificate authority/,
    );
  });

  it("names garbage certificate-authority-data", async () => {
    await expectError(
      kubeconfig(`token: ${SECRET}`, "server: https://x\ncertificate-authority-data: '%%%'"),
      "TSOP_KUBECONFIG_INVALID",
      /cluster "c": certificate-authority-data is not valid base64/,
    );
  });

  it("rejects as-groups without as", async () => {
    await expectError(
      kubeconfig(`token: ${SECRET}\nas-groups: [a]`),
      "TSOP_KUBECONFIG_INVALID",
      /user "bob": as is not set/,
    );
  });

  it("refuses as-user-extra rather than dropping it", async () => {
    await expectError(
      kubeconfig(`token: ${SECRET}\nas: x\nas-user-extra: {scopes: [a]}`),
      "TSOP_KUBECONFIG_INVALID",
      /as-user-extra is not supported/,
    );
  });

  it("points legacy auth providers to their exec plugins", async () => {
    await expectError(
      kubeconfig(`auth-provider:\n  name: gcp\n  config: {access-token: ${SECRET}}`),
      "TSOP_KUBECONFIG_INVALID",
      /auth-provider: name "gcp" is a removed legacy auth provider; use its exec plugin.*gke-gcloud-auth-plugin/,
    );
  });
});

describe("kubeconfig errors: exec plugin configuration", () => {
  it("rejects an unsupported apiVersion", async () => {
    await expectError(
      kubeconfig("exec:\n  apiVersion: client.authentication.k8s.io/v1alpha1\n  command: x"),
      "TSOP_KUBECONFIG_INVALID",
      /user "bob": exec: apiVersion "client.authentication.k8s.io\/v1alpha1" is not supported/,
    );
  });

  it("requires a command", async () => {
    await expectError(
      kubeconfig("exec:\n  apiVersion: client.authentication.k8s.io/v1"),
      "TSOP_KUBECONFIG_INVALID",
      /user "bob": exec: command is not set/,
    );
  });

  it("refuses interactiveMode Always", async () => {
    await expectError(
      kubeconfig(
        "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: x\n  interactiveMode: Always",
      ),
      "TSOP_KUBECONFIG_INVALID",
      /exec: interactiveMode is Always/,
    );
  });

  it("checks env entries without echoing values", async () => {
    await expectError(
      kubeconfig(
        `exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: x\n  env: [{name: A, value: [${SECRET}]}]`,
      ),
      "TSOP_KUBECONFIG_INVALID",
      /exec: env\[0\]: value must be a string/,
    );
  });

  it("rejects exec together with a token", async () => {
    await expectError(
      kubeconfig(`token: ${SECRET}\nexec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: x`),
      "TSOP_KUBECONFIG_INVALID",
      /exec and a token or username are both set/,
    );
  });
});

describe("kubeconfig errors: malformed files", () => {
  it("reports a YAML syntax error by position, not by quoting the line", async () => {
    await expectError(
      `users:\n- name: bob\n  user: {token: "${SECRET}"\n`,
      "TSOP_KUBECONFIG_INVALID",
      /not valid YAML \(\w+ at line \d+, column \d+\)/,
    );
  });

  it("rejects a top level that is not a mapping", async () => {
    await expectError("- a\n- b\n", "TSOP_KUBECONFIG_INVALID", /top level must be a mapping/);
    await expectError(`${SECRET}\n`, "TSOP_KUBECONFIG_INVALID", /top level must be a mapping/);
  });

  it("rejects a truncated file", async () => {
    const content = kubeconfig(`token: ${SECRET}`);
    await expectError(
      content.slice(0, content.indexOf("contexts:") + 12),
      "TSOP_KUBECONFIG_INVALID",
      /contexts/,
    );
  });

  it("rejects a manifest that is not a kubeconfig", async () => {
    await expectError(
      "apiVersion: apps/v1\nkind: Deployment\n",
      "TSOP_KUBECONFIG_INVALID",
      /kind is "Deployment", expected "Config"/,
    );
  });

  it("rejects lists and entries of the wrong shape", async () => {
    await expectError("clusters: {c: 1}\n", "TSOP_KUBECONFIG_INVALID", /clusters must be a list/);
    await expectError("users: [bob]\n", "TSOP_KUBECONFIG_INVALID", /users\[0\] must be a mapping/);
    await expectError(
      "contexts: [{context: {}}]\n",
      "TSOP_KUBECONFIG_INVALID",
      /contexts\[0\]\.name must be a non-empty string/,
    );
    await expectError(
      "users: [{name: a, user: 3}]\n",
      "TSOP_KUBECONFIG_INVALID",
      /user "a": user must be a mapping/,
    );
    await expectError("users: [{name: a}, {name: a}]\n", "TSOP_KUBECONFIG_INVALID", /users define "a" twice/);
  });

  it("rejects a file that is not UTF-8", async () => {
    await expectError(
      Buffer.from([0x6b, 0x3a, 0x20, 0xff, 0xfe, 0x0a]),
      "TSOP_KUBECONFIG_INVALID",
      /not UTF-8/,
    );
  });

  it("stops alias bombs", async () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++)
      lines.push(
        `${"b".repeat(i)}: &${"a".repeat(i + 1)} [${Array(10)
          .fill(`*${"a".repeat(i)}`)
          .join(", ")}]`,
      );
    await expectError(lines.join("\n"), "TSOP_KUBECONFIG_INVALID", /not valid YAML/);
  });

  it("rejects a directory given as the kubeconfig", async () => {
    const sub = join(dir, `subdir-${++counter}`);
    await mkdir(sub);
    const err = await ClientConfig.fromKubeconfig("ua", { path: sub }).catch((e: unknown) => e);
    assert.ok(err instanceof TsOperatorError);
    assert.equal(err.code, "TSOP_KUBECONFIG_INVALID");
    assert.match(err.message, /not a regular file/);
  });
});

describe("kubeconfig errors: files not found", () => {
  it("reports a missing explicit path", async () => {
    const err = await ClientConfig.fromKubeconfig("ua", { path: join(dir, "absent") }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof TsOperatorError);
    assert.equal(err.code, "TSOP_KUBECONFIG_NOT_FOUND");
    assert.match(err.message, /absent not found/);
  });

  it("reports a KUBECONFIG list where no file exists", async () => {
    const env = { KUBECONFIG: `${join(dir, "x")}:${join(dir, "y")}` };
    const err = await ClientConfig.fromKubeconfig("ua", { env }).catch((e: unknown) => e);
    assert.ok(err instanceof TsOperatorError);
    assert.equal(err.code, "TSOP_KUBECONFIG_NOT_FOUND");
    assert.match(err.message, /no kubeconfig file found \(KUBECONFIG=/);
  });

  it("reports a missing ~/.kube/config", async () => {
    const err = await ClientConfig.fromKubeconfig("ua", { env: { HOME: join(dir, "nohome") } }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof TsOperatorError);
    assert.equal(err.code, "TSOP_KUBECONFIG_NOT_FOUND");
    assert.match(err.message, /nohome\/\.kube\/config not found/);
  });
});
