/**
 * The PKI of a local control plane: a CA, the apiserver's serving certificate, client certificates for any
 * user/groups, and the service-account signing key. Node has no X.509 builder, so `openssl` (present on every
 * Debian/Ubuntu/macOS machine) signs; EC P-256 keys keep generation to a few milliseconds each.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { TsOperatorError } from "../core/errors.js";

const run = promisify(execFile);

export interface KeyPair {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

export interface ControlPlanePki {
  ca: KeyPair;
  serving: KeyPair;
  admin: KeyPair;
  /** Service-account token signing key (private) and its public half. */
  serviceAccountKeyPath: string;
  serviceAccountPubPath: string;
  /** Mints a client certificate signed by the CA (CN=user, O=each group). */
  clientCert(user: string, groups?: readonly string[]): Promise<KeyPair>;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run("openssl", args, { timeout: 30_000 });
  } catch (cause) {
    const err = cause as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT") {
      throw new TsOperatorError(
        "TSOP_CONTROLPLANE",
        "openssl is needed to create the local control plane's certificates but was not found on PATH",
        { cause },
      );
    }
    throw new TsOperatorError("TSOP_CONTROLPLANE", `openssl ${args[0]} failed: ${err.stderr ?? err.message}`, {
      cause,
    });
  }
}

/** Escapes a value for an openssl `-subj` component. */
function subjectPart(value: string): string {
  return value.replace(/([/\\=+,])/g, "\\$1");
}

export async function createPki(dir: string): Promise<ControlPlanePki> {
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const caPath = join(dir, "ca.crt");
  const caKeyPath = join(dir, "ca.key");
  await openssl([
    "req",
    "-x509",
    ...ecKey,
    "-keyout",
    caKeyPath,
    "-out",
    caPath,
    "-days",
    "3650",
    "-subj",
    "/CN=tsoperator-test-ca",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
  ]);
  let serial = 0;
  const sign = async (
    name: string,
    subject: string,
    extensions: string[],
  ): Promise<KeyPair> => {
    const certPath = join(dir, `${name}.crt`);
    const keyPath = join(dir, `${name}.key`);
    serial++;
    await openssl([
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      keyPath,
      "-out",
      certPath,
      "-days",
      "3650",
      "-subj",
      subject,
      "-CA",
      caPath,
      "-CAkey",
      caKeyPath,
      "-set_serial",
      String(Date.now() * 1000 + serial),
      ...extensions.flatMap((e) => ["-addext", e]),
    ]);
    const [certPem, keyPem] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
    return { certPem, keyPem, certPath, keyPath };
  };
  const clientExt = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=clientAuth"];
  const clientCert = (user: string, groups: readonly string[] = []) =>
    sign(
      `client-${user.replace(/[^\w.-]/g, "_")}-${serial + 1}`,
      `/CN=${subjectPart(user)}${groups.map((g) => `/O=${subjectPart(g)}`).join("")}`,
      clientExt,
    );
  const [serving, admin] = await Promise.all([
    sign("serving", "/CN=kube-apiserver", [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1",
    ]),
    clientCert("tsoperator-admin", ["system:masters"]),
  ]);
  const serviceAccountKeyPath = join(dir, "sa.key");
  const serviceAccountPubPath = join(dir, "sa.pub");
  await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", serviceAccountKeyPath]);
  await openssl(["pkey", "-in", serviceAccountKeyPath, "-pubout", "-out", serviceAccountPubPath]);
  const ca: KeyPair = {
    certPem: await readFile(caPath, "utf8"),
    keyPem: await readFile(caKeyPath, "utf8"),
    certPath: caPath,
    keyPath: caKeyPath,
  };
  return { ca, serving, admin, serviceAccountKeyPath, serviceAccountPubPath, clientCert };
}
