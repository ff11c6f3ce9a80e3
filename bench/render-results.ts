/**
 * Re-renders bench/RESULTS.md from the saved runs in bench/results/*.json, running nothing.
 *
 * Run: npx tsx bench/render-results.ts
 */
import { writeFile } from "node:fs/promises";
import { RESULTS_FILE, loadResults } from "./results-file.js";
import { renderResults } from "./report-sections.js";

await writeFile(RESULTS_FILE, renderResults(await loadResults()));
console.error(`wrote ${RESULTS_FILE}`);
