/**
 * The documentation's TypeScript blocks compile against the current API (scripts/check-doc-snippets.ts, one tsc
 * run over every block), and the checker itself finds blocks, rewrites package imports and reports failures at
 * the Markdown line.
 */
import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkDocSnippets, extractSnippets, rewriteImports } from "../../scripts/check-doc-snippets.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("documentation code blocks", () => {
  it("every ```ts block in README.md and docs/ compiles", () => {
    const result = checkDocSnippets(ROOT);
    const report = result.problems.map((p) => `${p.location}: ${p.message}`).join("\n");
    assert.equal(result.problems.length, 0, `code blocks that do not compile:\n${report}`);
    assert.ok(
      result.snippets.some((s) => s.markdown.startsWith("docs/guide/")),
      "the guide's code blocks were found",
    );
  });

  it("takes ts and typescript blocks, also indented ones, and skips `ts skip`, text and other languages", () => {
    const md = [
      "# t", //                          1
      "```ts", //                        2
      "const a = 1;", //                 3
      "```", //                          4
      "```ts skip", //                   5
      "not compiled", //                 6
      "```", //                          7
      "```text", //                      8
      "plain", //                        9
      "```", //                         10
      "- item", //                      11
      "  ```typescript", //             12
      "  const b = 2;", //              13
      "  ```", //                       14
      "```yaml", //                     15
      "k: v", //                        16
      "```", //                         17
    ].join("\n");
    const snippets = extractSnippets("x.md", md);
    assert.deepEqual(
      snippets.map((s) => [s.fenceLine, s.code]),
      [
        [2, "const a = 1;"],
        [12, "const b = 2;"],
      ],
    );
  });

  it("rewrites the package's entry points to the sources and leaves other imports alone", () => {
    const code = [
      'import { runOperator } from "tsoperator";',
      'import { TestKit } from "tsoperator/testing";',
      "import { KubeClient } from 'tsoperator/client';",
      'import { readFile } from "node:fs/promises";',
      'const m = await import("tsoperator");',
    ].join("\n");
    const out = rewriteImports(code, "/repo/docs/snippets/generated", "/repo");
    assert.equal(
      out,
      [
        'import { runOperator } from "../../../src/index.js";',
        'import { TestKit } from "../../../src/testing/index.js";',
        "import { KubeClient } from '../../../src/client/index.js';",
        'import { readFile } from "node:fs/promises";',
        'const m = await import("../../../src/index.js");',
      ].join("\n"),
    );
  });

  it("reports a failing block at the Markdown file and line of the bad code", () => {
    // A tiny project: the repo's tsconfig and node_modules, one Markdown file with one bad block.
    const dir = mkdtempSync(join(tmpdir(), "doc-snippets-"));
    try {
      copyFileSync(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
      writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
      symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
      mkdirSync(join(dir, "docs"));
      writeFileSync(
        join(dir, "docs", "bad.md"),
        ["# Bad", "", "```ts", "const n: number = 1;", "const s: string = n;", "```", ""].join("\n"),
      );
      const result = checkDocSnippets(dir);
      assert.equal(result.snippets.length, 1);
      assert.equal(result.problems.length, 1, result.output);
      assert.equal(result.problems[0]?.location, "docs/bad.md:5");
      assert.match(result.problems[0]?.message ?? "", /TS2322/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
