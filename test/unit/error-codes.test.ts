/**
 * Every error a user can meet carries a stable code: no module throws a plain Error, TypeError or RangeError,
 * and the guide's appendix lists every code the library defines.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => join(e.parentPath, e.name));
}

test("no module under src/ creates a plain Error, TypeError or RangeError", async () => {
  const offenders: string[] = [];
  for (const file of await sourceFiles(join(ROOT, "src"))) {
    const lines = (await readFile(file, "utf8")).split("\n");
    lines.forEach((line, i) => {
      if (/\bnew (Error|TypeError|RangeError|SyntaxError)\(/.test(line)) {
        offenders.push(`${file.slice(ROOT.length)}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});

test("docs/guide/A-error-codes.md lists exactly the codes of src/core/errors.ts", async () => {
  const source = await readFile(join(ROOT, "src/core/errors.ts"), "utf8");
  const union = /export type ErrorCode =([\s\S]*?);\n/.exec(source)?.[1] ?? "";
  const defined = [...union.matchAll(/"(TSOP_[A-Z_]+)"/g)].map((m) => m[1]).sort();
  const guide = await readFile(join(ROOT, "docs/guide/A-error-codes.md"), "utf8");
  const documented = [...guide.matchAll(/^\| `(TSOP_[A-Z_]+)`/gm)].map((m) => m[1]).sort();
  assert.ok(defined.length >= 20, `parsed ${defined.length} codes`);
  assert.deepEqual(documented, defined);
});
