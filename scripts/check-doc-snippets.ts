/**
 * Type-checks every TypeScript code block of the documentation, so the docs cannot drift from the API.
 *
 * - Reads README.md and every docs/**\/*.md (except the generated docs/api and docs/snippets).
 * - Takes each block fenced as ```ts or ```typescript; a block fenced as ```ts skip (or any other language,
 *   e.g. ```text) is left out.
 * - Writes each block as its own ES module into docs/snippets/generated/ (gitignored), with imports of
 *   "tsoperator", "tsoperator/client", "tsoperator/runtime" and "tsoperator/testing" rewritten to the relative
 *   path of the matching src/ entry point, so the check needs no build.
 * - Runs tsc --noEmit once over all of them with the project's compiler options, and maps every error back to
 *   the Markdown file and line. Exits non-zero on any error.
 *
 * Block lines keep their line numbers (nothing is inserted above the block's code), so "line 3 of the module" is
 * "line 3 of the block". The generated files are removed after a clean run (they would otherwise be linted).
 *
 * Usage: npm run docs:check   (or: npx tsx scripts/check-doc-snippets.ts)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT_DIR = join(ROOT, "docs", "snippets", "generated");
/** Folders under docs/ that hold generated output, not documentation. */
const SKIPPED_DOC_DIRS = new Set(["api", "snippets"]);

/** Subpath of the package -> entry point in src/ (mirrors the "exports" of package.json). */
const ENTRY_POINTS: Record<string, string> = {
  tsoperator: "src/index.ts",
  "tsoperator/client": "src/client/index.ts",
  "tsoperator/runtime": "src/runtime/index.ts",
  "tsoperator/testing": "src/testing/index.ts",
};

export interface Snippet {
  /** Markdown file, relative to the repository root. */
  readonly markdown: string;
  /** 1-based line of the opening fence. */
  readonly fenceLine: number;
  readonly code: string;
}

export interface SnippetProblem {
  /** "docs/guide/04-sync.md:57" (the Markdown line of the failing code line), or a path outside the snippets. */
  readonly location: string;
  readonly message: string;
}

export interface CheckResult {
  readonly snippets: readonly Snippet[];
  readonly problems: readonly SnippetProblem[];
  /** tsc's own output, for what could not be mapped. */
  readonly output: string;
}

function markdownFiles(root: string): string[] {
  const files: string[] = [];
  const readme = join(root, "README.md");
  if (statSync(readme, { throwIfNoEntry: false })?.isFile()) files.push(readme);
  const walk = (dir: string, top: boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (top && SKIPPED_DOC_DIRS.has(entry.name)) continue;
        walk(path, false);
      } else if (entry.isFile() && entry.name.endsWith(".md")) {
        files.push(path);
      }
    }
  };
  const docs = join(root, "docs");
  if (statSync(docs, { throwIfNoEntry: false })?.isDirectory()) walk(docs, true);
  return files;
}

/** The ```ts blocks of one Markdown text. Fences may be indented (lists) and longer than three backticks. */
export function extractSnippets(markdown: string, text: string): Snippet[] {
  const lines = text.split(/\r?\n/);
  const snippets: Snippet[] = [];
  let open: { fence: string; indent: number; line: number; take: boolean; body: string[] } | undefined;
  lines.forEach((line, index) => {
    if (!open) {
      const m = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(line);
      if (!m) return;
      const lang = (m[3] ?? "").toLowerCase();
      const rest = (m[4] ?? "").trim().split(/\s+/);
      const take = (lang === "ts" || lang === "typescript") && !rest.includes("skip");
      open = { fence: m[2] ?? "```", indent: (m[1] ?? "").length, line: index + 1, take, body: [] };
      return;
    }
    const close = new RegExp(`^\\s*${open.fence[0] === "`" ? "`" : "~"}{${open.fence.length},}\\s*$`);
    if (close.test(line)) {
      if (open.take) snippets.push({ markdown, fenceLine: open.line, code: open.body.join("\n") });
      open = undefined;
      return;
    }
    // Drop the fence's indentation (a block inside a list item), never more.
    const indent = open.indent;
    open.body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)));
  });
  return snippets;
}

/** Rewrites package imports to relative paths of the sources, as seen from `fromDir`. */
export function rewriteImports(code: string, fromDir: string, root: string = ROOT): string {
  return code.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(tsoperator(?:\/[a-z]+)?)\2/g,
    (whole, prefix: string, quote: string, specifier: string) => {
      const entry = ENTRY_POINTS[specifier];
      if (!entry) return whole;
      let path = relative(fromDir, join(root, entry)).split(sep).join("/").replace(/\.ts$/, ".js");
      if (!path.startsWith(".")) path = `./${path}`;
      return `${prefix}${quote}${path}${quote}`;
    },
  );
}

function moduleName(snippet: Snippet): string {
  const base = snippet.markdown.replace(/\.md$/, "").replace(/[^A-Za-z0-9]+/g, "_");
  return `${base}__L${snippet.fenceLine}.ts`;
}

/** Extracts, writes and type-checks every snippet (one tsc run). */
export function checkDocSnippets(
  root: string = ROOT,
  options: { keepGenerated?: boolean } = {},
): CheckResult {
  const outDir = root === ROOT ? OUT_DIR : join(root, "docs", "snippets", "generated");
  const snippets = markdownFiles(root).flatMap((file) =>
    extractSnippets(relative(root, file).split(sep).join("/"), readFileSync(file, "utf8")),
  );
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const byModule = new Map<string, Snippet>();
  for (const snippet of snippets) {
    const name = moduleName(snippet);
    byModule.set(name, snippet);
    // `export {}` makes every block a module of its own, so two blocks may declare the same names.
    writeFileSync(join(outDir, name), `${rewriteImports(snippet.code, outDir, root)}\nexport {};\n`);
  }
  const tsconfig = {
    extends: relative(outDir, join(root, "tsconfig.json")).split(sep).join("/"),
    compilerOptions: { noEmit: true, declaration: false, sourceMap: false },
    // The sources' ambient declarations (types of modules imported by path) come along with the sources.
    include: ["./*.ts", relative(outDir, join(root, "src", "**", "*.d.ts")).split(sep).join("/")],
  };
  writeFileSync(join(outDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  if (snippets.length === 0) return { snippets, problems: [], output: "" };

  const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", join(outDir, "tsconfig.json"), "--pretty", "false"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  const problems: SnippetProblem[] = [];
  for (const line of output.split("\n")) {
    const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line.trim());
    if (!m) continue;
    const [, file = "", lineNo = "0", , message = ""] = m;
    const snippet = byModule.get(file.split(/[\\/]/).pop() ?? "");
    if (snippet && resolve(root, file).startsWith(outDir)) {
      problems.push({ location: `${snippet.markdown}:${snippet.fenceLine + Number(lineNo)}`, message });
    } else {
      problems.push({ location: `${file}:${lineNo}`, message });
    }
  }
  if (run.status !== 0 && problems.length === 0) {
    problems.push({
      location: "tsc",
      message: output.trim() || `tsc exited with ${run.status ?? run.signal}`,
    });
  }
  // Clean runs leave nothing behind: the folder is in tsconfig's include, and eslint would lint stale snippets.
  if (problems.length === 0 && !options.keepGenerated) rmSync(outDir, { recursive: true, force: true });
  return { snippets, problems, output };
}

function main(): void {
  const keepGenerated = process.argv.includes("--keep");
  const result = checkDocSnippets(ROOT, { keepGenerated });
  const files = new Set(result.snippets.map((s) => s.markdown));
  if (result.problems.length > 0) {
    for (const p of result.problems) process.stderr.write(`${p.location}: ${p.message}\n`);
    process.stderr.write(
      `\n${result.problems.length} error(s) in ${result.snippets.length} code block(s) of ${files.size} file(s);` +
        ` the generated modules are in ${relative(ROOT, OUT_DIR)}/\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `${result.snippets.length} TypeScript code block(s) in ${files.size} file(s) compile.\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
