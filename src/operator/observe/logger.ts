/**
 * The default logger: pino-backed, one JSON line per record on stdout, level from `LOG_LEVEL`. Records pass
 * through `redactSecrets` (core/logger.ts) before pino sees them.
 */
import { destination as pinoDestination, pino, type Logger as PinoLogger } from "pino";
import { redactSecrets, type Logger } from "../../core/logger.js";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

const LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

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
