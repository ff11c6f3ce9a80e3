/**
 * `tsoperator crd <module>`: imports the author's module, finds the resources it defines (`defineResource`
 * results, or CustomResourceDefinition objects) and prints their CRDs as YAML, or writes them to a file: the
 * CRD comes from the same definition as the TypeScript types, so there is no crd.yaml to keep in sync by hand.
 */
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import { TsOperatorError } from "../core/errors.js";
import { cliArgs, importUserModule } from "./args.js";
import type { KubeObject } from "../core/types.js";

export const CRD_USAGE = `  crd <module> [--export name] [--out file]
                                   print (or write to file) the CustomResourceDefinition YAML of every
                                   resource the module exports (defineResource results or CRD objects);
                                   --export picks one (.ts modules need \`npx tsx\`)
`;

function fail(message: string): never {
  throw new TsOperatorError("TSOP_USAGE", message);
}

/** Duck-typed like `manifests`: the module may carry its own copy of tsoperator (src vs dist). */
function crdOf(value: unknown): KubeObject | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const candidate = value as { crd?: unknown; kind?: unknown };
  const object: unknown = typeof candidate.crd === "function" ? (candidate.crd as () => unknown)() : value;
  const crd = object as Partial<KubeObject> | null;
  return crd?.kind === "CustomResourceDefinition" && typeof crd.metadata === "object"
    ? (crd as KubeObject)
    : undefined;
}

export interface CrdArgs {
  module: string;
  exportName: string | undefined;
  out: string | undefined;
}

export function parseCrdArgs(args: readonly string[]): CrdArgs {
  let module: string | undefined;
  let exportName: string | undefined;
  let out: string | undefined;
  for (const { arg, value } of cliArgs(args, fail)) {
    if (arg === "--export") exportName = value();
    else if (arg === "--out") out = value();
    else if (arg.startsWith("--")) fail(`unknown option ${arg}`);
    else if (module === undefined) module = arg;
    else fail(`unexpected argument ${arg}`);
  }
  if (!module) fail("crd: the module is required");
  return { module, exportName, out };
}

/** The CRDs a module exports, sorted by name so the output is stable. */
export function crdsOfModule(
  mod: Record<string, unknown>,
  source: string,
  exportName?: string,
): KubeObject[] {
  if (exportName) {
    const crd = crdOf(mod[exportName]);
    if (!crd) fail(`${source}: export "${exportName}" is neither a defineResource result nor a CRD`);
    return [crd];
  }
  const crds = Object.values(mod).flatMap((value) => crdOf(value) ?? []);
  if (crds.length === 0)
    fail(`${source} exports no resource defined with defineResource (and no CRD object)`);
  const byName = new Map(crds.map((crd) => [crd.metadata.name ?? "", crd]));
  return [...byName.values()].sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
}

/** The CRDs as one multi-document YAML text. */
export function crdYaml(crds: readonly KubeObject[]): string {
  return crds.map((crd) => stringify(crd, { lineWidth: 0 })).join("---\n");
}

/**
 * Runs the command: returns the YAML, or writes it to `--out` and returns a one-line note.
 *
 * @example
 * process.stdout.write(await crdCommand(["examples/echo-server/src/resource.ts"]));
 */
export async function crdCommand(args: readonly string[]): Promise<string> {
  const parsed = parseCrdArgs(args);
  const mod = await importUserModule(parsed.module);
  const crds = crdsOfModule(mod, parsed.module, parsed.exportName);
  const text = crdYaml(crds);
  if (!parsed.out) return text;
  await writeFile(parsed.out, text);
  return `wrote ${crds.length} CustomResourceDefinition(s) to ${parsed.out}\n`;
}
