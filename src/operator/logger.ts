/**
 * The logger the operator writes through: a four-level structured interface users can replace with their own,
 * a pino-backed default (one JSON line per record on stdout, level from `LOG_LEVEL`), and `silentLogger`.
 *
 * Every implementation we ship passes records through `redactSecrets`: an operator logs objects that come from
 * kubeconfigs, Secrets and HTTP headers, and one careless `{ config }` must not leak a token into log storage.
 * Redaction is by key name at any depth (pino's own `redact` needs exact paths, which we cannot know up front).
 * Note that `key` is a sensitive name: log work-queue keys as `parent`, not `key`.
 */
import { destination as pinoDestination, pino, type Logger as PinoLogger } from "pino";

export interface Logger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  /** A logger that adds `bindings` to every record (e.g. `{ parent: "ns/name" }`). */
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

const LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

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

function redactRecord(obj: Record<string, unknown>): Record<string, unknown> {
  return redactSecrets(obj) as Record<string, unknown>;
}

export interface PinoLoggerOptions {
  /** Default: `LOG_LEVEL`, else "info". */
  level?: LogLevel | undefined;
  /** Added to every record (e.g. `{ operator: "echo-operator" }`). */
  base?: Record<string, unknown> | undefined;
  /** Where the JSON lines go; default stdout. */
  destination?: { write(line: string): unknown } | undefined;
}

/** The level `LOG_LEVEL` asks for, or "info" when unset or not a level name. */
export function levelFromEnvironment(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const wanted = env["LOG_LEVEL"]?.trim().toLowerCase();
  return LEVELS.find((l) => l === wanted) ?? "info";
}

/** Redacts before handing records to pino, so child bindings and fields go through the same guard. */
class PinoBackedLogger implements Logger {
  constructor(private readonly pino: PinoLogger) {}
  debug(obj: Record<string, unknown>, msg: string): void {
    this.pino.debug(redactRecord(obj), msg);
  }
  info(obj: Record<string, unknown>, msg: string): void {
    this.pino.info(redactRecord(obj), msg);
  }
  warn(obj: Record<string, unknown>, msg: string): void {
    this.pino.warn(redactRecord(obj), msg);
  }
  error(obj: Record<string, unknown>, msg: string): void {
    this.pino.error(redactRecord(obj), msg);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new PinoBackedLogger(this.pino.child(redactRecord(bindings)));
  }
}

/**
 * The default logger: JSON lines with `level` as a name (`"info"`, not 30) so log pipelines need no mapping.
 *
 * @example
 * const logger = createPinoLogger({ base: { operator: "echo-operator" } });
 * logger.child({ parent: "default/my-echo" }).info({ children: 2 }, "synced");
 */
export function createPinoLogger(options: PinoLoggerOptions = {}): Logger {
  const instance = pino(
    {
      level: options.level ?? levelFromEnvironment(),
      base: options.base ? redactRecord(options.base) : null,
      formatters: {
        level: (label) => ({ level: label }),
      },
      // Records are redacted (errors flattened) before pino sees them; its err serializer would re-wrap them.
      serializers: { err: (value: unknown) => value },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pinoDestination({ dest: 1, sync: false }),
  );
  return new PinoBackedLogger(instance);
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
