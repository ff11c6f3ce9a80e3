/**
 * `tsoperator manifests <entry-module>`: imports the author's module, finds the OperatorConfig it exports and
 * prints the deployment manifests (ServiceAccount, least-privilege RBAC, Deployment or StatefulSet) as YAML.
 * Kept out of main.ts so the command table there stays a few lines.
 */
import { TsOperatorError } from "../core/errors.js";
import { cliArgs, importUserModule } from "./args.js";
import type { OperatorConfig } from "../operator/api/config.js";
import { generateManifests, type ManifestOptions } from "../manifests/generate.js";

export const MANIFESTS_USAGE = `  manifests <entry-module> [--export name] [--image img] [--namespace ns]
            [--watch-namespace ns] [--no-finalize] [--replicas n]
                                   print ServiceAccount, RBAC and workload YAML for the OperatorConfig
                                   the module exports (import a module without side effects, e.g. the
                                   file declaring the config; .ts modules need \`npx tsx\`)
`;

/** Duck-typed: the module may have its own copy of tsoperator (src vs dist), so instanceof is unreliable. */
function isOperatorConfig(value: unknown): value is OperatorConfig {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<OperatorConfig>;
  return typeof v.operatorName === "string" && typeof v.parentType === "object" && Array.isArray(v.children);
}

function fail(message: string): never {
  throw new TsOperatorError("TSOP_CONFIG_INVALID", message);
}

interface ParsedArgs {
  entry: string;
  exportName: string | undefined;
  watchNamespace: string | undefined;
  options: ManifestOptions;
}

export function parseManifestsArgs(args: readonly string[]): ParsedArgs {
  let entry: string | undefined;
  let exportName: string | undefined;
  let watchNamespace: string | undefined;
  const options: ManifestOptions = {};
  for (const { arg, value } of cliArgs(args, fail)) {
    if (arg === "--export") exportName = value();
    else if (arg === "--image") options.image = value();
    else if (arg === "--namespace") options.namespace = value();
    else if (arg === "--watch-namespace") watchNamespace = value();
    else if (arg === "--no-finalize") options.finalize = false;
    else if (arg === "--replicas") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) fail("--replicas must be a positive integer");
      options.replicas = n;
    } else if (arg.startsWith("--")) fail(`unknown option ${arg}`);
    else if (entry === undefined) entry = arg;
    else fail(`unexpected argument ${arg}`);
  }
  if (!entry) fail("manifests: the entry module is required");
  return { entry, exportName, watchNamespace, options };
}

/**
 * Runs the command and returns the YAML.
 *
 * @example
 * process.stdout.write(await manifestsCommand(["dist/examples/echo-server/config.js", "--image", "echo:1.0"]));
 */
export async function manifestsCommand(args: readonly string[]): Promise<string> {
  const parsed = parseManifestsArgs(args);
  // Configs usually read the watch namespace from the environment when they are built (at import).
  if (parsed.watchNamespace !== undefined) process.env.WATCH_NAMESPACE = parsed.watchNamespace;
  const mod = await importUserModule(parsed.entry);
  let config: OperatorConfig;
  if (parsed.exportName) {
    const value = mod[parsed.exportName];
    if (!isOperatorConfig(value))
      fail(`${parsed.entry}: export "${parsed.exportName}" is not an OperatorConfig`);
    config = value;
  } else {
    const found = Object.entries(mod).filter(([, v]) => isOperatorConfig(v));
    if (found.length === 0) fail(`${parsed.entry} exports no OperatorConfig`);
    if (found.length > 1) {
      fail(
        `${parsed.entry} exports several OperatorConfigs (${found.map(([k]) => k).join(", ")}): pick one with --export`,
      );
    }
    config = found[0]![1] as OperatorConfig;
  }
  return generateManifests(config, parsed.options);
}
