/**
 * `npm run bench`: the end-to-end benchmark (bench/e2e), then the quick mode of every other bench/*.ts that has
 * one (a file that handles `--quick`). Options are passed on to the end-to-end driver (see bench/e2e/main.ts).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./e2e/contenders.js";
import { parseE2eArgs, runE2e } from "./e2e/main.js";

const args = process.argv.slice(2);
await runE2e(parseE2eArgs(args));

if (!args.includes("--e2e-only")) {
  for (const file of readdirSync(join(ROOT, "bench")).filter((f) => f.endsWith(".ts") && f !== "run.ts").sort()) {
    const source = readFileSync(join(ROOT, "bench", file), "utf8");
    if (!source.includes('"--quick"')) {
      console.error(`bench/${file}: no --quick mode, not run (run it on its own)`);
      continue;
    }
    console.error(`bench/${file} --quick`);
    const { status } = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", file), "--quick"], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (status !== 0) process.exitCode = 1;
  }
}
