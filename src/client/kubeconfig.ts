/**
 * Kubeconfig loading: find the files (`path` option, `KUBECONFIG` list, `~/.kube/config`), parse and merge them
 * the way kubectl does, and turn one context into a `ClientConfigInit` with its credentials. Every problem is a
 * TsOperatorError naming the file, the entry and the field; secret values never appear in messages.
 */
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { TsOperatorError } from "../core/errors.js";
import type { ClientConfigInit } from "./config.js";
import {
  CombinedCredentialProvider,
  credentialProviderForCredentials,
  TokenFileProvider,
} from "./credential-providers.js";
import type { Credentials } from "./credentials.js";
import {
  EXEC_API_VERSIONS,
  ExecCredentialProvider,
  type ExecApiVersion,
  type ExecClusterInfo,
  type ExecPluginConfig,
} from "./exec-credentials.js";

export interface KubeconfigOptions {
  /** Context to use instead of `current-context`. */
  context?: string | undefined;
  /** Kubeconfig file(s) to read instead of `KUBECONFIG` / `~/.kube/config`. Each must exist. */
  path?: string | readonly string[] | undefined;
  /** Where to read `KUBECONFIG` and `HOME`. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Timeout of one exec plugin run. Default 60 000 ms. */
  execTimeoutMs?: number | undefined;
  /** How often a `tokenFile` is checked for changes. Default 5000 ms. */
  tokenCheckIntervalMs?: number | undefined;
}

/** One kubeconfig file's text. */
export interface KubeconfigSource {
  path: string;
  text: string | Uint8Array;
}

/** A named entry (cluster, user, context) and the file that defined it (relative paths resolve against it). */
export interface KubeconfigEntry {
  name: string;
  body: Readonly<Record<string, unknown>>;
  file: string;
}

export interface ParsedKubeconfig {
  file: string;
  currentContext: string | undefined;
  clusters: KubeconfigEntry[];
  users: KubeconfigEntry[];
  contexts: KubeconfigEntry[];
}

export interface MergedKubeconfig {
  files: string[];
  currentContext: { name: string; file: string } | undefined;
  clusters: Map<string, KubeconfigEntry>;
  users: Map<string, KubeconfigEntry>;
  contexts: Map<string, KubeconfigEntry>;
}

/** Kubeconfigs are small; anything this large is a wrong path (a log, an image) and must not be parsed. */
const MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024;
const EXEC_CLUSTER_EXTENSION = "client.authentication.k8s.io/exec";

function invalid(message: string, cause?: unknown): TsOperatorError {
  return new TsOperatorError("TSOP_KUBECONFIG_INVALID", message, cause === undefined ? undefined : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  // Plain mappings only: YAML tags can produce Sets, Maps, Dates and Buffers, none of which is a kubeconfig field.
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Typed reads of one kubeconfig mapping; errors name `where` and the field, never the value. */
class Fields {
  constructor(
    readonly body: Readonly<Record<string, unknown>>,
    readonly where: string,
  ) {}

  fail(field: string, problem: string): TsOperatorError {
    return invalid(`${this.where}: ${field} ${problem}`);
  }

  /** Go's zero values: an empty string counts as unset. */
  str(field: string): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw this.fail(field, "must be a string");
    return value;
  }

  bool(field: string): boolean | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") throw this.fail(field, "must be true or false");
    return value;
  }

  list(field: string): unknown[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.fail(field, "must be a list");
    return value as unknown[];
  }

  strList(field: string): string[] | undefined {
    const list = this.list(field);
    if (!list) return undefined;
    return list.map((item, i) => {
      if (typeof item !== "string") throw this.fail(`${field}[${i}]`, "must be a string");
      return item;
    });
  }

  record(field: string): Record<string, unknown> | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) throw this.fail(field, "must be a mapping");
    return value;
  }

  /** A path, resolved against the folder of the file that defined it (kubectl's rule). */
  path(field: string, file: string): string | undefined {
    const value = this.str(field);
    if (value === undefined) return undefined;
    if (value.includes("\0")) throw this.fail(field, "is not a valid path");
    return isAbsolute(value) ? value : resolve(dirname(file), value);
  }

  /** Base64 that must decode to PEM. Node's decoder ignores garbage, so the alphabet is checked first. */
  pem(field: string, what: string): string | undefined {
    const value = this.str(field);
    if (value === undefined) return undefined;
    const compact = value.replace(/\s+/g, "");
    const shapeOk = /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
    const lengthOk = compact.includes("=") ? compact.length % 4 === 0 : compact.length % 4 !== 1;
    if (!shapeOk || !lengthOk) throw this.fail(field, "is not valid base64");
    const decoded = Buffer.from(compact, "base64").toString("utf8");
    if (!decoded.includes("-----BEGIN")) throw this.fail(field, `does not contain a PEM ${what}`);
    return decoded;
  }
}

async function requireFile(fields: Fields, field: string, path: string): Promise<void> {
  let isFile = false;
  let code = "not a regular file";
  try {
    isFile = (await stat(path)).isFile();
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : "cannot be read";
  }
  if (!isFile) throw fields.fail(field, `${path}: ${code}`);
}

/** Reads a file named by a field, as TSOP_KUBECONFIG_INVALID when it cannot be read. */
async function readFieldFile(fields: Fields, field: string, path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw fields.fail(field, `${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Finding and reading files

/** The files to load, in merge order, and whether they were named explicitly (then each must exist). */
export function kubeconfigPaths(options?: KubeconfigOptions): {
  paths: string[];
  explicit: boolean;
  origin: string;
} {
  const env = options?.env ?? process.env;
  if (options?.path !== undefined) {
    const paths = typeof options.path === "string" ? [options.path] : [...options.path];
    return { paths: paths.map((p) => resolve(p)), explicit: true, origin: "path option" };
  }
  const list = env.KUBECONFIG;
  if (list) {
    const seen = new Set<string>();
    const paths: string[] = [];
    for (const entry of list.split(delimiter)) {
      if (!entry) continue;
      const path = resolve(entry);
      if (!seen.has(path)) {
        seen.add(path);
        paths.push(path);
      }
    }
    return { paths, explicit: false, origin: `KUBECONFIG=${list}` };
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  return { paths: [join(home, ".kube", "config")], explicit: true, origin: "default location" };
}

async function readSource(path: string): Promise<KubeconfigSource | undefined> {
  let size: number;
  try {
    const info = await stat(path);
    // Only regular files: a FIFO or device would block or never end.
    if (!info.isFile()) throw invalid(`kubeconfig ${path}: not a regular file`);
    size = info.size;
  } catch (err) {
    if (err instanceof TsOperatorError) throw err;
    if (
      (err as NodeJS.ErrnoException).code === "ENOENT" ||
      (err as NodeJS.ErrnoException).code === "ENOTDIR"
    ) {
      return undefined;
    }
    throw invalid(
      `kubeconfig ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      err,
    );
  }
  if (size > MAX_KUBECONFIG_BYTES)
    throw invalid(`kubeconfig ${path}: larger than ${MAX_KUBECONFIG_BYTES} bytes`);
  try {
    return { path, text: await readFile(path) };
  } catch (err) {
    throw invalid(
      `kubeconfig ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      err,
    );
  }
}

/** Reads the kubeconfig files in merge order. TSOP_KUBECONFIG_NOT_FOUND when none (or a named one) is missing. */
export async function readKubeconfigSources(options?: KubeconfigOptions): Promise<KubeconfigSource[]> {
  const { paths, explicit, origin } = kubeconfigPaths(options);
  const sources: KubeconfigSource[] = [];
  for (const path of paths) {
    const source = await readSource(path);
    if (source) sources.push(source);
    else if (explicit)
      throw new TsOperatorError("TSOP_KUBECONFIG_NOT_FOUND", `kubeconfig ${path} not found (${origin})`);
  }
  // kubectl skips missing entries of KUBECONFIG, but a list where nothing exists is a mistake worth reporting.
  if (sources.length === 0) {
    throw new TsOperatorError("TSOP_KUBECONFIG_NOT_FOUND", `no kubeconfig file found (${origin})`);
  }
  return sources;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing and merging

function decodeText(source: KubeconfigSource): string {
  if (typeof source.text === "string") return source.text.replace(/^\uFEFF/, "");
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(source.text);
  } catch (cause) {
    throw invalid(`kubeconfig ${source.path}: not UTF-8 text`, cause);
  }
}

function namedEntries(file: string, doc: Fields, listField: string, bodyField: string): KubeconfigEntry[] {
  const list = doc.list(listField) ?? [];
  const seen = new Set<string>();
  return list.map((item, i) => {
    if (!isRecord(item)) throw doc.fail(`${listField}[${i}]`, "must be a mapping");
    const name = item.name;
    if (typeof name !== "string" || name === "")
      throw doc.fail(`${listField}[${i}].name`, "must be a non-empty string");
    if (seen.has(name)) throw doc.fail(listField, `define ${JSON.stringify(name)} twice`);
    seen.add(name);
    const body = item[bodyField];
    if (body !== undefined && body !== null && !isRecord(body)) {
      throw invalid(
        `kubeconfig ${file}: ${bodyField} ${JSON.stringify(name)}: ${bodyField} must be a mapping`,
      );
    }
    return { name, body: body ?? {}, file };
  });
}

/** "line 3, column 5" for an offset: where the problem is, without quoting the line (it may hold a token). */
function linePosition(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

/**
 * The YAML parser, loaded on first use: about 50 ms of CPU at start-up (measured on the bench machine) that an
 * operator running in its cluster, configured from its service account, never needs.
 */
function loadYaml(): Promise<typeof import("yaml")> {
  return import("yaml");
}

/** Parses one kubeconfig file. Only the structure is checked here; fields are checked for the context in use. */
export async function parseKubeconfig(source: KubeconfigSource): Promise<ParsedKubeconfig> {
  const file = source.path;
  const text = decodeText(source);
  const { parseDocument } = await loadYaml();
  let data: unknown;
  try {
    // prettyErrors off: pretty messages quote the offending line, which may hold a token.
    const doc = parseDocument(text, { prettyErrors: false, logLevel: "silent" });
    const first = doc.errors[0];
    if (first) {
      throw invalid(
        `kubeconfig ${file}: not valid YAML (${first.code} at ${linePosition(text, first.pos[0])})`,
      );
    }
    // The alias limit stops "billion laughs" documents from exhausting memory.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof TsOperatorError) throw err;
    throw invalid(
      `kubeconfig ${file}: not valid YAML (${err instanceof Error ? err.name : "parse error"})`,
      err,
    );
  }
  // An empty file is an empty configuration for kubectl; merging then skips it.
  if (data === null || data === undefined) {
    return { file, currentContext: undefined, clusters: [], users: [], contexts: [] };
  }
  if (!isRecord(data)) throw invalid(`kubeconfig ${file}: top level must be a mapping`);
  const doc = new Fields(data, `kubeconfig ${file}`);
  const kind = doc.str("kind");
  if (kind !== undefined && kind !== "Config") {
    throw doc.fail("kind", `is ${JSON.stringify(kind)}, expected "Config" (is this a kubeconfig file?)`);
  }
  return {
    file,
    currentContext: doc.str("current-context"),
    clusters: namedEntries(file, doc, "clusters", "cluster"),
    users: namedEntries(file, doc, "users", "user"),
    contexts: namedEntries(file, doc, "contexts", "context"),
  };
}

/** kubectl's merge: the first file that defines a name wins it, and the first `current-context` set wins. */
export function mergeKubeconfigs(parsed: readonly ParsedKubeconfig[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    files: parsed.map((p) => p.file),
    currentContext: undefined,
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const config of parsed) {
    if (!merged.currentContext && config.currentContext) {
      merged.currentContext = { name: config.currentContext, file: config.file };
    }
    for (const [entries, target] of [
      [config.clusters, merged.clusters],
      [config.users, merged.users],
      [config.contexts, merged.contexts],
    ] as const) {
      for (const entry of entries) if (!target.has(entry.name)) target.set(entry.name, entry);
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------------------------
// Resolving one context

function validateUrl(fields: Fields, field: string, value: string, protocols: readonly string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fields.fail(field, `${JSON.stringify(value)} is not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw fields.fail(
      field,
      `must use ${protocols.map((p) => p.replace(/:$/, "")).join(" or ")}, got ${url.protocol}`,
    );
  }
}

interface ResolvedCluster {
  server: string;
  caData: string | undefined;
  caFile: string | undefined;
  insecure: boolean;
  tlsServerName: string | undefined;
  proxyUrl: string | undefined;
  disableCompression: boolean | undefined;
  execExtension: unknown;
  fields: Fields;
}

async function resolveCluster(entry: KubeconfigEntry): Promise<ResolvedCluster> {
  const f = new Fields(entry.body, `kubeconfig ${entry.file}: cluster ${JSON.stringify(entry.name)}`);
  const server = f.str("server");
  if (server === undefined) throw f.fail("server", "is not set");
  validateUrl(f, "server", server, ["https:", "http:"]);
  const caData = f.pem("certificate-authority-data", "certificate");
  const caFile = f.path("certificate-authority", entry.file);
  if (caData !== undefined && caFile !== undefined) {
    throw f.fail("certificate-authority", "and certificate-authority-data are both set; keep one");
  }
  if (caFile !== undefined) await requireFile(f, "certificate-authority", caFile);
  const insecure = f.bool("insecure-skip-tls-verify") ?? false;
  if (insecure && (caData !== undefined || caFile !== undefined)) {
    // kubectl refuses this too: trusting a CA and skipping verification contradict each other.
    throw f.fail("insecure-skip-tls-verify", "cannot be combined with a certificate authority");
  }
  const proxyUrl = f.str("proxy-url");
  if (proxyUrl !== undefined) validateUrl(f, "proxy-url", proxyUrl, ["http:", "https:", "socks5:"]);
  let execExtension: unknown;
  for (const [i, item] of (f.list("extensions") ?? []).entries()) {
    if (!isRecord(item)) throw f.fail(`extensions[${i}]`, "must be a mapping");
    if (item.name === EXEC_CLUSTER_EXTENSION) execExtension = item.extension;
  }
  return {
    server,
    caData,
    caFile,
    insecure,
    tlsServerName: f.str("tls-server-name"),
    proxyUrl,
    disableCompression: f.bool("disable-compression"),
    execExtension,
    fields: f,
  };
}

async function execClusterInfo(cluster: ResolvedCluster, fields: Fields): Promise<ExecClusterInfo> {
  const info: ExecClusterInfo = { server: cluster.server };
  if (cluster.tlsServerName !== undefined) info["tls-server-name"] = cluster.tlsServerName;
  if (cluster.insecure) info["insecure-skip-tls-verify"] = true;
  // Like client-go, the plugin always gets the CA inline, also when the kubeconfig names a file.
  const caPem =
    cluster.caData ??
    (cluster.caFile !== undefined
      ? await readFieldFile(fields, "certificate-authority", cluster.caFile)
      : undefined);
  if (caPem !== undefined) info["certificate-authority-data"] = Buffer.from(caPem, "utf8").toString("base64");
  if (cluster.proxyUrl !== undefined) info["proxy-url"] = cluster.proxyUrl;
  if (cluster.disableCompression !== undefined) info["disable-compression"] = cluster.disableCompression;
  if (cluster.execExtension !== undefined) info.config = cluster.execExtension;
  return info;
}

function parseExec(
  user: Fields,
  entry: KubeconfigEntry,
  exec: Record<string, unknown>,
  options: KubeconfigOptions,
): ExecPluginConfig {
  const f = new Fields(exec, `${user.where}: exec`);
  const apiVersion = f.str("apiVersion");
  if (apiVersion === undefined) throw f.fail("apiVersion", "is not set");
  if (!(EXEC_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw f.fail(
      "apiVersion",
      `${JSON.stringify(apiVersion)} is not supported (use ${EXEC_API_VERSIONS.join(" or ")})`,
    );
  }
  let command = f.str("command");
  if (command === undefined) throw f.fail("command", "is not set");
  if (command.includes("\0")) throw f.fail("command", "is not a valid path");
  // kubectl's rule: a command with a path separator is a path relative to the kubeconfig; a bare name uses PATH.
  if ((command.includes("/") || command.includes(sep)) && !isAbsolute(command)) {
    command = resolve(dirname(entry.file), command);
  }
  const env = (f.list("env") ?? []).map((item, i) => {
    if (!isRecord(item)) throw f.fail(`env[${i}]`, "must be a mapping with name and value");
    const pair = new Fields(item, `${f.where}: env[${i}]`);
    const name = pair.str("name");
    if (name === undefined) throw pair.fail("name", "is not set");
    // The value may be a secret: its type is checked without echoing it.
    const value = item.value;
    if (value !== undefined && value !== null && typeof value !== "string")
      throw pair.fail("value", "must be a string");
    return { name, value: value ?? "" };
  });
  const interactiveMode = f.str("interactiveMode");
  if (interactiveMode !== undefined && !["Never", "IfAvailable", "Always"].includes(interactiveMode)) {
    throw f.fail("interactiveMode", "must be Never, IfAvailable or Always");
  }
  if (interactiveMode === "Always") {
    throw f.fail("interactiveMode", "is Always, but an operator runs exec plugins without a terminal");
  }
  const config: ExecPluginConfig = {
    apiVersion: apiVersion as ExecApiVersion,
    command,
    args: f.strList("args") ?? [],
    env,
    provideClusterInfo: f.bool("provideClusterInfo") ?? false,
    source: user.where,
  };
  const installHint = f.str("installHint");
  if (installHint !== undefined) config.installHint = installHint;
  if (options.execTimeoutMs !== undefined) config.timeoutMs = options.execTimeoutMs;
  return config;
}

async function resolveUser(
  entry: KubeconfigEntry,
  cluster: ResolvedCluster,
  options: KubeconfigOptions,
): Promise<{
  credentials: Credentials | undefined;
  as: string | undefined;
  asGroups: string[];
  asUid: string | undefined;
}> {
  const f = new Fields(entry.body, `kubeconfig ${entry.file}: user ${JSON.stringify(entry.name)}`);
  const parts: Credentials[] = [];

  // Client certificate: inline or files, never both, never half.
  const certData = f.pem("client-certificate-data", "certificate");
  const keyData = f.pem("client-key-data", "private key");
  const certPath = f.path("client-certificate", entry.file);
  const keyPath = f.path("client-key", entry.file);
  if (certData !== undefined && certPath !== undefined) {
    throw f.fail("client-certificate", "and client-certificate-data are both set; keep one");
  }
  if (keyData !== undefined && keyPath !== undefined)
    throw f.fail("client-key", "and client-key-data are both set; keep one");
  const hasCert = certData !== undefined || certPath !== undefined;
  const hasKey = keyData !== undefined || keyPath !== undefined;
  if (hasCert && !hasKey) throw f.fail("client-key", "is not set but a client certificate is");
  if (hasKey && !hasCert) throw f.fail("client-certificate", "is not set but a client key is");
  if (certPath !== undefined) await requireFile(f, "client-certificate", certPath);
  if (keyPath !== undefined) await requireFile(f, "client-key", keyPath);
  if (certData !== undefined && keyData !== undefined)
    parts.push({ kind: "pem", certPem: certData, keyPem: keyData });
  else if (certData !== undefined && keyPath !== undefined) {
    parts.push({ kind: "pem", certPem: certData, keyPem: await readFieldFile(f, "client-key", keyPath) });
  } else if (certPath !== undefined && keyData !== undefined) {
    const certPem = await readFieldFile(f, "client-certificate", certPath);
    parts.push({ kind: "pem", certPem, keyPem: keyData });
  } else if (certPath !== undefined && keyPath !== undefined)
    parts.push({ kind: "pemPaths", certPath, keyPath });

  // Bearer token / basic auth.
  const token = f.str("token");
  const tokenFile = f.path("tokenFile", entry.file);
  const username = f.str("username");
  const password = f.str("password");
  const hasToken = token !== undefined || tokenFile !== undefined;
  if (hasToken && (username !== undefined || password !== undefined)) {
    throw f.fail("token", "and username/password are both set; keep one");
  }
  if (password !== undefined && username === undefined)
    throw f.fail("username", "is not set but a password is");
  if (tokenFile !== undefined) {
    // client-go's rule: the file wins over an inline token, because it is the one that gets rotated.
    await requireFile(f, "tokenFile", tokenFile);
    const checkInterval = options.tokenCheckIntervalMs;
    const provider = new TokenFileProvider(
      tokenFile,
      checkInterval === undefined ? undefined : { checkIntervalMs: checkInterval },
    );
    parts.push({ kind: "provider", provider });
  } else if (token !== undefined) parts.push({ kind: "bearer", token });
  if (username !== undefined) parts.push({ kind: "basic", username, password: password ?? "" });

  // Exec plugin / legacy auth provider.
  const exec = f.record("exec");
  const authProvider = f.record("auth-provider");
  if (exec && authProvider) throw f.fail("exec", "and auth-provider are both set; keep one");
  if (exec && (hasToken || username !== undefined)) {
    throw f.fail("exec", "and a token or username are both set; keep one");
  }
  if (exec) {
    const config = parseExec(f, entry, exec, options);
    if (config.provideClusterInfo) config.cluster = await execClusterInfo(cluster, cluster.fields);
    parts.push({ kind: "provider", provider: new ExecCredentialProvider(config) });
  }
  if (authProvider) {
    const ap = new Fields(authProvider, `${f.where}: auth-provider`);
    const name = ap.str("name") ?? "(unnamed)";
    const apConfig = ap.record("config");
    const idToken = apConfig ? new Fields(apConfig, `${ap.where}: config`).str("id-token") : undefined;
    if (name === "oidc" && idToken !== undefined && !hasToken) {
      // The token is used as is (no refresh); kubelogin as an exec plugin is the refreshing alternative.
      parts.push({ kind: "bearer", token: idToken });
    } else {
      throw ap.fail(
        "name",
        `${JSON.stringify(name)} is a removed legacy auth provider; use its exec plugin instead ` +
          "(gke-gcloud-auth-plugin, kubelogin, aws eks get-token)",
      );
    }
  }

  let credentials: Credentials | undefined;
  if (parts.length === 1) credentials = parts[0];
  else if (parts.length > 1) {
    credentials = {
      kind: "provider",
      provider: new CombinedCredentialProvider(parts.map((p) => credentialProviderForCredentials(p))),
    };
  }

  if (f.body["as-user-extra"] !== undefined && f.body["as-user-extra"] !== null) {
    // Dropping the extras would impersonate with other (maybe broader) rights than configured: refuse instead.
    throw f.fail("as-user-extra", "is not supported by tsoperator");
  }
  const as = f.str("as");
  const asGroups = f.strList("as-groups") ?? [];
  const asUid = f.str("as-uid");
  if (as === undefined && (asGroups.length > 0 || asUid !== undefined)) {
    throw f.fail(
      "as",
      "is not set, but as-groups or as-uid are (the API server requires a user to impersonate)",
    );
  }
  return { credentials, as, asGroups, asUid };
}

/** Turns one context of a merged kubeconfig into a `ClientConfigInit`. */
export async function resolveKubeconfig(
  merged: MergedKubeconfig,
  userAgent: string,
  options: KubeconfigOptions = {},
): Promise<ClientConfigInit> {
  const files = merged.files.join(delimiter);
  const contextName = options.context ?? merged.currentContext?.name;
  if (!contextName) {
    throw invalid(`kubeconfig ${files}: current-context is not set and no context was given`);
  }
  const context = merged.contexts.get(contextName);
  if (!context) {
    const where = options.context !== undefined ? files : (merged.currentContext?.file ?? files);
    const known = [...merged.contexts.keys()].map((n) => JSON.stringify(n)).join(", ") || "none";
    const via = options.context !== undefined ? "" : " (current-context)";
    throw invalid(
      `kubeconfig ${where}: context ${JSON.stringify(contextName)}${via} is not defined (defined: ${known})`,
    );
  }
  const where = `kubeconfig ${context.file}: context ${JSON.stringify(contextName)}`;
  const cf = new Fields(context.body, where);
  const clusterName = cf.str("cluster");
  if (clusterName === undefined) throw cf.fail("cluster", "is not set");
  const clusterEntry = merged.clusters.get(clusterName);
  if (!clusterEntry)
    throw invalid(`${where} refers to cluster ${JSON.stringify(clusterName)} which is not defined`);
  const userName = cf.str("user");
  const userEntry = userName === undefined ? undefined : merged.users.get(userName);
  if (userName !== undefined && !userEntry) {
    throw invalid(`${where} refers to user ${JSON.stringify(userName)} which is not defined`);
  }
  const namespace = cf.str("namespace");

  const cluster = await resolveCluster(clusterEntry);
  const user = userEntry ? await resolveUser(userEntry, cluster, options) : undefined;

  return {
    apiServerEndpoint: cluster.server,
    credentials: user?.credentials,
    caData: cluster.caData,
    caFile: cluster.caFile,
    userAgent,
    verifySslCerts: !cluster.insecure,
    tlsServerName: cluster.tlsServerName,
    impersonate: user?.as,
    impersonateGroups: user?.asGroups ?? [],
    impersonateUid: user?.asUid,
    proxyUrl: cluster.proxyUrl,
    namespace,
    source: `kubeconfig ${context.file} context ${JSON.stringify(contextName)}`,
  };
}

/** Parses and merges in-memory kubeconfig texts and resolves a context (what `loadKubeconfig` does after reading). */
export async function resolveKubeconfigSources(
  sources: readonly KubeconfigSource[],
  userAgent: string,
  options: KubeconfigOptions = {},
): Promise<ClientConfigInit> {
  return resolveKubeconfig(
    mergeKubeconfigs(await Promise.all(sources.map(parseKubeconfig))),
    userAgent,
    options,
  );
}

/**
 * Loads the kubeconfig the way kubectl finds it and returns the `ClientConfigInit` of the chosen context.
 *
 * @example
 * const init = await loadKubeconfig("my-operator", { context: "kind-dev" });
 */
export async function loadKubeconfig(
  userAgent: string,
  options: KubeconfigOptions = {},
): Promise<ClientConfigInit> {
  return resolveKubeconfigSources(await readKubeconfigSources(options), userAgent, options);
}
