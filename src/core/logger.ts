/**
 * The logger interface every layer writes through (four levels, structured records, child loggers), the
 * `silentLogger`, and the redaction every logger we ship applies: an operator logs objects that come from
 * kubeconfigs, Secrets and HTTP headers, and one careless `{ config }` must not leak a token into log storage.
 * Redaction is by key name at any depth (pino's own `redact` needs exact paths, which we cannot know up front).
 * Note that `key` is a sensitive name: log work-queue keys as `parent`, not `key`.
 */

export interface Logger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  /** A logger that adds `bindings` to every record (e.g. `{ parent: "ns/name" }`). */
  child(bindings: Record<string, unknown>): Logger;
}

export const REDACTED = "[REDACTED]";

/** Normalised (lower case, no '-' or '_') key names whose values are never printed. */
const SENSITIVE_KEYS = new Set([
  "token",
  "password",
  "passwd",
  "authorization",
  "proxyauthorization",
  "key",
  "keydata",
  "certdata",
  "clientkey",
  "clientkeydata",
  "clientcertificatedata",
  "secret",
  "clientsecret",
  "cookie",
  "setcookie",
  "apikey",
  "privatekey",
  "credentials",
]);
/** Suffixes that mark a value as secret whatever the prefix (bearerToken, refreshToken, dbPassword, ...). */
const SENSITIVE_SUFFIXES = ["token", "password", "secret", "keydata", "certdata", "privatekey"];

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, "");
  return SENSITIVE_KEYS.has(k) || SENSITIVE_SUFFIXES.some((s) => k.endsWith(s));
}

const MAX_DEPTH = 8;

/**
 * A copy of `value` with the values of sensitive keys replaced by "[REDACTED]", at any depth. Errors become
 * plain objects (type, message, code, stack, own fields, cause) so their fields are redacted too. Cycles and
 * very deep values are cut rather than followed.
 */
export function redactSecrets(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" ? value.toString() : value;
  }
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
    if (value instanceof Error) {
      const out: Record<string, unknown> = { type: value.name, message: value.message };
      if (value.stack !== undefined) out["stack"] = value.stack;
      for (const [k, v] of Object.entries(value)) {
        out[k] = isSensitiveKey(k) ? REDACTED : redactSecrets(v, depth + 1, seen);
      }
      if (value.cause !== undefined) out["cause"] = redactSecrets(value.cause, depth + 1, seen);
      return out;
    }
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Map) return redactSecrets(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return redactSecrets([...value], depth, seen);
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSensitiveKey(k) ? REDACTED : redactSecrets(v, depth + 1, seen);
    }
    return out;
  } finally {
    // Only ancestors count as cycles: the same object twice in sibling positions is printed twice.
    seen.delete(value);
  }
}

/** Drops everything (tests, embedding). */
export const silentLogger: Logger = Object.freeze({
  debug(): void {},
  info(): void {},
  warn(): void {},
  error(): void {},
  child(): Logger {
    return silentLogger;
  },
});
