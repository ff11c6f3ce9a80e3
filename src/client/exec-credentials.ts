/**
 * Exec credential plugins (client.authentication.k8s.io v1 / v1beta1): how GKE, EKS, AKS, OIDC helpers and
 * friends hand out credentials. The plugin is run without a terminal, its output is validated and cached until
 * its expiry, and a 401 from the server drops the cache so the transport can retry once with a fresh run.
 */
import { spawn } from "node:child_process";
import { TsOperatorError } from "../core/errors.js";
import type { CredentialProvider, ResolvedCredentials } from "./credentials.js";

export const EXEC_API_VERSIONS = [
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
] as const;
export type ExecApiVersion = (typeof EXEC_API_VERSIONS)[number];

/** The cluster part of `KUBERNETES_EXEC_INFO`, sent when the kubeconfig sets `provideClusterInfo: true`. */
export interface ExecClusterInfo {
  server: string;
  "tls-server-name"?: string;
  "insecure-skip-tls-verify"?: boolean;
  /** Base64 of the PEM CA bundle, as in the kubeconfig. */
  "certificate-authority-data"?: string;
  "proxy-url"?: string;
  "disable-compression"?: boolean;
  /** The cluster's `client.authentication.k8s.io/exec` extension, passed through untouched. */
  config?: unknown;
}

export interface ExecPluginConfig {
  apiVersion: ExecApiVersion;
  /** Program to run: an absolute path, or a name looked up in PATH. */
  command: string;
  args?: readonly string[];
  /** Added to the environment of the plugin (which otherwise inherits ours). */
  env?: ReadonlyArray<{ name: string; value: string }>;
  /** Shown when the command is not installed ("install gke-gcloud-auth-plugin ..."). */
  installHint?: string;
  provideClusterInfo?: boolean;
  cluster?: ExecClusterInfo;
  /** Kill the plugin after this long. Default 60 s: cloud helpers may need a token exchange first. */
  timeoutMs?: number;
  /** For error messages: `kubeconfig /x/config: user "bob"`. */
  source?: string;
}

/** Plugins that print more than this are broken (credentials are a few KiB at most). */
const MAX_STDOUT_BYTES = 4 * 1024 * 1024;
const STDERR_TAIL_BYTES = 2048;

interface CachedCredentials {
  credentials: ResolvedCredentials;
  /** Epoch ms from which the cache must not be used; undefined = until invalidated. */
  refreshAtMs: number | undefined;
}

/**
 * Runs an exec plugin on demand. Concurrent `get()` calls share one run; the result is reused until shortly
 * before `expirationTimestamp` (or until `invalidate()` when the plugin gives no expiry).
 *
 * @example
 * const provider = new ExecCredentialProvider({ apiVersion: "client.authentication.k8s.io/v1", command: "aws",
 *   args: ["eks", "get-token", "--cluster-name", "prod"] });
 * const { authorization } = await provider.get();
 */
export class ExecCredentialProvider implements CredentialProvider {
  readonly #config: ExecPluginConfig;
  #cached: CachedCredentials | undefined;
  #inflight: Promise<CachedCredentials> | undefined;
  #runs = 0;

  constructor(config: ExecPluginConfig) {
    this.#config = config;
  }

  /** Number of plugin runs started (cache misses, expiries, re-runs after a 401). */
  get execPluginRuns(): number {
    return this.#runs;
  }

  async get(signal?: AbortSignal): Promise<ResolvedCredentials> {
    const cached = this.#cached;
    if (cached && (cached.refreshAtMs === undefined || Date.now() < cached.refreshAtMs)) {
      return cached.credentials;
    }
    if (!this.#inflight) {
      // One run for everyone waiting; the run itself is not tied to any caller's signal because other callers
      // still want its result.
      this.#inflight = this.#run().then(
        (result) => {
          this.#cached = result;
          this.#inflight = undefined;
          return result;
        },
        (err: unknown) => {
          this.#inflight = undefined;
          throw err;
        },
      );
    }
    const result = await withAbort(this.#inflight, signal);
    return result.credentials;
  }

  invalidate(): boolean {
    // Only the cache is dropped: a run already in flight produces fresh credentials and is shared as usual.
    this.#cached = undefined;
    return true;
  }

  #where(): string {
    const name = `exec plugin ${JSON.stringify(this.#config.command)}`;
    return this.#config.source ? `${this.#config.source}: ${name}` : name;
  }

  #fail(message: string, cause?: unknown): TsOperatorError {
    return new TsOperatorError("TSOP_EXEC_PLUGIN_FAILED", `${this.#where()}: ${message}`, { cause });
  }

  #execInfo(): string {
    const spec: Record<string, unknown> = { interactive: false };
    if (this.#config.provideClusterInfo && this.#config.cluster) spec.cluster = this.#config.cluster;
    return JSON.stringify({ apiVersion: this.#config.apiVersion, kind: "ExecCredential", spec });
  }

  async #run(): Promise<CachedCredentials> {
    this.#runs++;
    const { stdout } = await this.#spawn();
    return this.#parse(stdout);
  }

  #spawn(): Promise<{ stdout: string }> {
    const config = this.#config;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const { name, value } of config.env ?? []) env[name] = value;
    env.KUBERNETES_EXEC_INFO = this.#execInfo();
    const timeoutMs = config.timeoutMs ?? 60_000;

    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: TsOperatorError | undefined, stdout?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve({ stdout: stdout ?? "" });
      };

      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(config.command, [...(config.args ?? [])], {
          env,
          stdio: ["ignore", "pipe", "pipe"],
          windowsHide: true,
        });
      } catch (cause) {
        // spawn throws synchronously for malformed arguments (e.g. a NUL byte in the command).
        reject(this.#fail("could not be started", cause));
        return;
      }

      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        finish(this.#fail(`timed out after ${timeoutMs} ms${stderrSuffix()}`));
      }, timeoutMs);

      const out: Buffer[] = [];
      let outBytes = 0;
      let errTail = Buffer.alloc(0);
      const stderrSuffix = (): string => {
        const text = errTail.toString("utf8").trim();
        return text ? `; stderr: ${text}` : "";
      };

      child.stdout?.on("data", (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > MAX_STDOUT_BYTES) {
          child.kill("SIGKILL");
          finish(this.#fail(`printed more than ${MAX_STDOUT_BYTES} bytes`));
          return;
        }
        out.push(chunk);
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        // Keep only the tail: the last lines of a failing plugin say what went wrong.
        errTail = Buffer.concat([errTail, chunk]);
        if (errTail.length > STDERR_TAIL_BYTES)
          errTail = errTail.subarray(errTail.length - STDERR_TAIL_BYTES);
      });

      child.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") {
          const hint = config.installHint ? `\n${config.installHint.trim()}` : "";
          finish(this.#fail(`command not found${hint}`, err));
        } else if (err.code === "EACCES") {
          finish(this.#fail("command is not executable", err));
        } else {
          finish(this.#fail(`could not be run (${err.code ?? err.message})`, err));
        }
      });
      child.on("close", (code, signalName) => {
        if (code === 0) {
          finish(undefined, Buffer.concat(out).toString("utf8"));
        } else {
          // Never include stdout: it may hold a credential even when the plugin failed.
          const how = signalName ? `was killed by ${signalName}` : `exited with code ${String(code)}`;
          finish(this.#fail(`${how}${stderrSuffix()}`));
        }
      });
    });
  }

  #parse(stdout: string): CachedCredentials {
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      // The parser's message may quote the output, which may hold a secret: say only what is wrong.
      throw this.#fail("output is not valid JSON (expected an ExecCredential object)");
    }
    if (!isRecord(parsed)) throw this.#fail("output is not a JSON object (expected an ExecCredential)");
    if (parsed.apiVersion !== this.#config.apiVersion) {
      const got = typeof parsed.apiVersion === "string" ? JSON.stringify(parsed.apiVersion) : "none";
      throw this.#fail(`output apiVersion is ${got}, expected ${JSON.stringify(this.#config.apiVersion)}`);
    }
    if (parsed.kind !== undefined && parsed.kind !== "ExecCredential") {
      throw this.#fail('output kind must be "ExecCredential"');
    }
    const status = parsed.status;
    if (!isRecord(status)) throw this.#fail("output has no status object");

    const token = optionalString(status.token, () => this.#fail("status.token must be a string"));
    const certPem = optionalString(status.clientCertificateData, () =>
      this.#fail("status.clientCertificateData must be a string"),
    );
    const keyPem = optionalString(status.clientKeyData, () =>
      this.#fail("status.clientKeyData must be a string"),
    );
    if ((certPem === undefined) !== (keyPem === undefined)) {
      throw this.#fail("status.clientCertificateData and status.clientKeyData must be set together");
    }
    if (token === undefined && certPem === undefined) {
      throw this.#fail("status must contain token or clientCertificateData and clientKeyData");
    }

    const credentials: ResolvedCredentials = {};
    if (token !== undefined) credentials.authorization = `Bearer ${token}`;
    if (certPem !== undefined && keyPem !== undefined) {
      credentials.certPem = certPem;
      credentials.keyPem = keyPem;
    }

    let refreshAtMs: number | undefined;
    if (status.expirationTimestamp !== undefined && status.expirationTimestamp !== null) {
      const expiresAtMs =
        typeof status.expirationTimestamp === "string" ? Date.parse(status.expirationTimestamp) : Number.NaN;
      if (Number.isNaN(expiresAtMs)) throw this.#fail("status.expirationTimestamp is not an RFC 3339 time");
      credentials.expiresAtMs = expiresAtMs;
      // Refresh a little early so a request started just before expiry does not carry a dead token; the margin
      // is small for short-lived credentials so they are still reused.
      const lifetimeMs = Math.max(0, expiresAtMs - Date.now());
      refreshAtMs = expiresAtMs - Math.min(10_000, lifetimeMs / 10);
    }
    return { credentials, refreshAtMs };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, fail: () => Error): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw fail();
  return value;
}

/** Resolves with `promise`, or rejects with TSOP_ABORTED when `signal` fires first (the work goes on). */
function withAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted)
    return Promise.reject(new TsOperatorError("TSOP_ABORTED", "aborted", { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(new TsOperatorError("TSOP_ABORTED", "aborted", { cause: signal.reason }));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err instanceof Error ? err : new TsOperatorError("TSOP_EXEC_PLUGIN_FAILED", String(err)));
      },
    );
  });
}
