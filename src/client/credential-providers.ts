/**
 * Turns every `Credentials` form of a `ClientConfig` into a `CredentialProvider`, so the transport has a single
 * question to ask before each request. Also the file-backed providers: rotating token files (bound service
 * account tokens are rewritten by the kubelet) and client certificates on disk (cert-manager renews them).
 */
import { readFile, stat } from "node:fs/promises";
import { TsOperatorError } from "../core/errors.js";
import type { ClientConfig } from "./config.js";
import type { CredentialProvider, Credentials, ResolvedCredentials } from "./credentials.js";

/** Credentials that never change: `invalidate()` says a retry would not help. */
export class StaticCredentialProvider implements CredentialProvider {
  readonly #credentials: ResolvedCredentials;
  constructor(credentials: ResolvedCredentials) {
    this.#credentials = Object.freeze({ ...credentials });
  }
  async get(): Promise<ResolvedCredentials> {
    return this.#credentials;
  }
  invalidate(): boolean {
    return false;
  }
}

export interface WatchedFilesOptions {
  /** Look at the files' mtime at most this often. Default 5000 ms. */
  checkIntervalMs?: number;
}

/**
 * A set of files read together and read again when one of them changes (mtime, size or inode), looking at most
 * every `checkIntervalMs`. A read failure after a good read keeps the last contents: kubelet and cert-manager
 * replace files atomically, so a failure is usually a moment between two renames.
 */
abstract class WatchedFilesProvider implements CredentialProvider {
  readonly #paths: readonly string[];
  readonly #checkIntervalMs: number;
  #lastCheckMs = Number.NEGATIVE_INFINITY;
  #fingerprint: string | undefined;
  #credentials: ResolvedCredentials | undefined;
  #forceReload = false;
  #inflight: Promise<ResolvedCredentials> | undefined;

  protected constructor(paths: readonly string[], options: WatchedFilesOptions | undefined) {
    this.#paths = paths;
    this.#checkIntervalMs = options?.checkIntervalMs ?? 5000;
  }

  /** Builds credentials from the files' contents (same order as the paths). Throws TsOperatorError. */
  protected abstract build(contents: readonly string[]): ResolvedCredentials;

  async get(): Promise<ResolvedCredentials> {
    const now = Date.now();
    if (this.#credentials && !this.#forceReload && now - this.#lastCheckMs < this.#checkIntervalMs) {
      return this.#credentials;
    }
    this.#inflight ??= this.#refresh().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  invalidate(): boolean {
    this.#forceReload = true;
    return true;
  }

  async #refresh(): Promise<ResolvedCredentials> {
    const force = this.#forceReload;
    this.#forceReload = false;
    this.#lastCheckMs = Date.now();
    try {
      const stats = await Promise.all(this.#paths.map((p) => stat(p)));
      const fingerprint = stats.map((s) => `${s.ino}:${s.size}:${s.mtimeMs}`).join("|");
      if (this.#credentials && !force && fingerprint === this.#fingerprint) return this.#credentials;
      const contents = await Promise.all(this.#paths.map((p) => readFile(p, "utf8")));
      this.#credentials = Object.freeze(this.build(contents));
      this.#fingerprint = fingerprint;
      return this.#credentials;
    } catch (cause) {
      if (this.#credentials) return this.#credentials;
      if (cause instanceof TsOperatorError) throw cause;
      const code = (cause as NodeJS.ErrnoException).code ?? "read error";
      throw new TsOperatorError(
        "TSOP_CREDENTIALS_UNAVAILABLE",
        `cannot read ${this.#paths.join(" and ")} (${code})`,
        { cause },
      );
    }
  }
}

/**
 * A bearer token read from a file, re-read when the file changes and after a 401 (`invalidate()`). Used for
 * service account tokens (the kubelet rotates bound tokens) and kubeconfig `tokenFile`.
 *
 * @example
 * const provider = new TokenFileProvider("/var/run/secrets/kubernetes.io/serviceaccount/token");
 */
export class TokenFileProvider extends WatchedFilesProvider {
  readonly path: string;
  constructor(path: string, options?: WatchedFilesOptions) {
    super([path], options);
    this.path = path;
  }
  protected build([content]: readonly string[]): ResolvedCredentials {
    const token = (content ?? "").trim();
    if (!token) {
      throw new TsOperatorError("TSOP_CREDENTIALS_UNAVAILABLE", `token file ${this.path} is empty`);
    }
    return { authorization: `Bearer ${token}` };
  }
}

/** A client certificate and key in PEM files, read again when either changes. */
export class PemFilesProvider extends WatchedFilesProvider {
  readonly certPath: string;
  readonly keyPath: string;
  constructor(certPath: string, keyPath: string, options?: WatchedFilesOptions) {
    super([certPath, keyPath], options);
    this.certPath = certPath;
    this.keyPath = keyPath;
  }
  protected build([certPem, keyPem]: readonly string[]): ResolvedCredentials {
    if (!certPem?.includes("-----BEGIN")) {
      throw new TsOperatorError("TSOP_CREDENTIALS_UNAVAILABLE", `${this.certPath} is not a PEM certificate`);
    }
    if (!keyPem?.includes("-----BEGIN")) {
      throw new TsOperatorError("TSOP_CREDENTIALS_UNAVAILABLE", `${this.keyPath} is not a PEM private key`);
    }
    return { certPem, keyPem };
  }
}

/**
 * Several providers used together (a client certificate plus an exec token, say). Later providers win where
 * both set a field; the earliest expiry counts.
 */
export class CombinedCredentialProvider implements CredentialProvider {
  readonly providers: readonly CredentialProvider[];
  constructor(providers: readonly CredentialProvider[]) {
    this.providers = providers;
  }
  get execPluginRuns(): number | undefined {
    const counted = this.providers.filter((p) => p.execPluginRuns !== undefined);
    return counted.length ? counted.reduce((sum, p) => sum + (p.execPluginRuns ?? 0), 0) : undefined;
  }
  async get(signal?: AbortSignal): Promise<ResolvedCredentials> {
    const parts = await Promise.all(this.providers.map((p) => p.get(signal)));
    const merged: ResolvedCredentials = {};
    for (const part of parts) {
      if (part.authorization !== undefined) merged.authorization = part.authorization;
      if (part.certPem !== undefined) merged.certPem = part.certPem;
      if (part.keyPem !== undefined) merged.keyPem = part.keyPem;
      if (part.expiresAtMs !== undefined) {
        merged.expiresAtMs = Math.min(merged.expiresAtMs ?? Number.POSITIVE_INFINITY, part.expiresAtMs);
      }
    }
    return merged;
  }
  invalidate(): boolean {
    // Every provider must forget, so no short-circuit.
    let worthRetry = false;
    for (const provider of this.providers) worthRetry = provider.invalidate() || worthRetry;
    return worthRetry;
  }
}

/** The provider for one `Credentials` value (undefined = anonymous). */
export function credentialProviderForCredentials(credentials: Credentials | undefined): CredentialProvider {
  if (!credentials) return new StaticCredentialProvider({});
  switch (credentials.kind) {
    case "bearer":
      return new StaticCredentialProvider({ authorization: `Bearer ${credentials.token}` });
    case "header":
      return new StaticCredentialProvider({ authorization: credentials.value });
    case "basic": {
      const encoded = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString(
        "base64",
      );
      return new StaticCredentialProvider({ authorization: `Basic ${encoded}` });
    }
    case "pem":
      return new StaticCredentialProvider({ certPem: credentials.certPem, keyPem: credentials.keyPem });
    case "pemPaths":
      return new PemFilesProvider(credentials.certPath, credentials.keyPath);
    case "provider":
      return credentials.provider;
    default: {
      // A kind added to the union without a case here is a compile error; at run time (plain JS callers)
      // it is a configuration error rather than silent anonymous access.
      const unknownKind = (credentials as { kind?: unknown }).kind;
      if (unknownKind === "none") return new StaticCredentialProvider({});
      throw new TsOperatorError(
        "TSOP_CONFIG_INVALID",
        `unknown credentials kind ${JSON.stringify(unknownKind)}`,
      );
    }
  }
}

/**
 * The provider the transport asks before each request, for `config.credentials`.
 *
 * @example
 * const provider = credentialProviderFor(config);
 * const { authorization, certPem, keyPem } = await provider.get(signal);
 */
export function credentialProviderFor(config: ClientConfig): CredentialProvider {
  return credentialProviderForCredentials(config.credentials);
}
