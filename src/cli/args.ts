/**
 * What the `tsoperator` subcommands share about their arguments: walking them with a `value()` that takes the
 * argument after an option (refusing a missing one or another option), and importing the user's module.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export interface CliArg {
  readonly arg: string;
  /** The next argument, as this option's value; calls `fail` when there is none. */
  readonly value: () => string;
}

export function* cliArgs(args: readonly string[], fail: (message: string) => never): Generator<CliArg> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    yield {
      arg,
      value: () => {
        const next = args[++i];
        if (next === undefined || next.startsWith("--")) fail(`${arg} needs a value`);
        return next;
      },
    };
  }
}

/** Imports a module named on the command line, relative to the working directory. */
export async function importUserModule(path: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
}
