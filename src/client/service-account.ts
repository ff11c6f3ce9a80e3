/**
 * In-cluster configuration: the API server from `KUBERNETES_SERVICE_HOST/PORT` and the pod's service account
 * (token, CA, namespace) from the projected volume. The token is read through a `TokenFileProvider` because
 * bound tokens are rotated by the kubelet while the operator runs.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { TsOperatorError } from "../core/errors.js";
import type { ClientConfigInit } from "./config.js";
import { TokenFileProvider } from "./credential-providers.js";

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface ServiceAccountOptions {
  /** Folder holding `token`, `ca.crt` and `namespace`. Default `/var/run/secrets/kubernetes.io/serviceaccount`. */
  baseDir?: string;
  /** Where to read `KUBERNETES_SERVICE_HOST/PORT`. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** How often the token file's mtime is checked. Default 5000 ms. */
  tokenCheckIntervalMs?: number;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** True when the process runs in a pod with a mounted service account (the env vars and the token exist). */
export async function serviceAccountAvailable(options?: ServiceAccountOptions): Promise<boolean> {
  const env = options?.env ?? process.env;
  const baseDir = options?.baseDir ?? SERVICE_ACCOUNT_DIR;
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) return false;
  return isFile(join(baseDir, "token"));
}

/** The `ClientConfigInit` for the pod's service account; TSOP_SERVICE_ACCOUNT_NOT_FOUND outside a pod. */
export async function loadServiceAccountConfig(
  userAgent: string,
  options?: ServiceAccountOptions,
): Promise<ClientConfigInit> {
  const env = options?.env ?? process.env;
  const baseDir = options?.baseDir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST?.trim();
  const port = env.KUBERNETES_SERVICE_PORT?.trim();
  if (!host || !port) {
    throw new TsOperatorError(
      "TSOP_SERVICE_ACCOUNT_NOT_FOUND",
      "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set",
    );
  }
  if (!/^\d{1,5}$/.test(port)) {
    throw new TsOperatorError(
      "TSOP_SERVICE_ACCOUNT_NOT_FOUND",
      `KUBERNETES_SERVICE_PORT ${JSON.stringify(port)} is not a port number`,
    );
  }
  const tokenPath = join(baseDir, "token");
  if (!(await isFile(tokenPath))) {
    throw new TsOperatorError(
      "TSOP_SERVICE_ACCOUNT_NOT_FOUND",
      `service account token ${tokenPath} not found (is automountServiceAccountToken false?)`,
    );
  }
  const caPath = join(baseDir, "ca.crt");
  let caData: string | undefined;
  try {
    caData = await readFile(caPath, "utf8");
  } catch (cause) {
    throw new TsOperatorError(
      "TSOP_SERVICE_ACCOUNT_NOT_FOUND",
      `service account CA ${caPath} cannot be read`,
      {
        cause,
      },
    );
  }
  let namespace: string | undefined;
  try {
    namespace = (await readFile(join(baseDir, "namespace"), "utf8")).trim() || undefined;
  } catch {
    // Projected volumes without the namespace item exist; the caller then names a namespace explicitly.
    namespace = undefined;
  }
  // An IPv6 address needs brackets in a URL; a bracketed one (unusual but seen) is kept as is.
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const tokenOptions =
    options?.tokenCheckIntervalMs === undefined
      ? undefined
      : { checkIntervalMs: options.tokenCheckIntervalMs };
  return {
    apiServerEndpoint: `https://${hostPart}:${port}`,
    credentials: { kind: "provider", provider: new TokenFileProvider(tokenPath, tokenOptions) },
    caData,
    userAgent,
    namespace,
    source: `service account ${baseDir}`,
  };
}
