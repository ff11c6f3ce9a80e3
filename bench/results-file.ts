/**
 * bench/RESULTS.md is generated, never edited: every benchmark saves what it measured as JSON in
 * bench/results/<id>.json (committed), and the whole file is rendered from those files by the renderers in
 * bench/report-sections.ts. `npx tsx bench/render-results.ts` re-renders it without running anything.
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
export const RESULTS_FILE = fileURLToPath(new URL("./RESULTS.md", import.meta.url));

/** One saved section of RESULTS.md. `kind` picks its renderer; `order` its place (then `id`). */
export interface SavedResult<T = unknown> {
  id: string;
  kind: string;
  order: number;
  heading: string;
  data: T;
}

/** Maps are saved as plain objects (JSON has no Map); the renderers read them back with `asMap`. */
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? (Object.fromEntries(value) as Record<string, unknown>) : value;
}

export function asMap(value: unknown): Map<string, number> {
  if (value instanceof Map) return value as Map<string, number>;
  return new Map(Object.entries((value ?? {}) as Record<string, number>));
}

/** Saves one section and re-renders RESULTS.md from every saved one. */
export async function saveResult<T>(
  result: SavedResult<T>,
  render: (all: SavedResult[]) => string,
): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${result.id}.json`), `${JSON.stringify(result, replacer, 2)}\n`);
  await writeFile(RESULTS_FILE, render(await loadResults()));
}

export async function loadResults(): Promise<SavedResult[]> {
  const files = (await readdir(RESULTS_DIR).catch(() => [] as string[])).filter((f) => f.endsWith(".json"));
  const all = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(RESULTS_DIR, f), "utf8")) as SavedResult),
  );
  return all.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** A file-name-safe id from a heading. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
