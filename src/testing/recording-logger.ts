/**
 * A `Logger` that keeps its records in memory, child bindings merged in, so tests can assert what was logged
 * (and about which parent) without parsing JSON lines.
 */
import type { Logger } from "../core/logger.js";

export interface RecordedLogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  /** The record's fields with the bindings of every enclosing child logger. */
  fields: Record<string, unknown>;
}

/**
 * @example
 * const { logger, lines } = recordingLogger();
 * startOperator(config, handler, { logger });
 */
export function recordingLogger(bindings: Record<string, unknown> = {}): {
  logger: Logger;
  lines: RecordedLogLine[];
} {
  const lines: RecordedLogLine[] = [];
  const loggerWith = (bound: Record<string, unknown>): Logger => {
    const line = (level: RecordedLogLine["level"]) => (obj: Record<string, unknown>, message: string) => {
      lines.push({ level, message, fields: { ...bound, ...obj } });
    };
    return {
      debug: line("debug"),
      info: line("info"),
      warn: line("warn"),
      error: line("error"),
      child: (more) => loggerWith({ ...bound, ...more }),
    };
  };
  return { logger: loggerWith(bindings), lines };
}
