/**
 * `tsoperator demo --ci` (what `npm run demo` runs, in its non-interactive form) from this checkout: it must
 * converge, show each step, exit 0 and stop everything it started.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { it } from "node:test";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

it("the demo runs to the end in CI mode and exits 0", { timeout: 300_000 }, async () => {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "demo", "--ci"], {
    env: { ...process.env, CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, output);
  for (const line of [
    /control plane ready in [\d.]+ s/,
    /no scheduler, kubelet or deployment controller, so no Pods start/,
    /3 EchoServers converged/,
    /alpha +replicas 1 +Deployment ✓ \(1 replicas\) +Service ✓ [\d.]+ +status Ready 1\/1 ready/,
    /status mirrors the Deployments: all 3 Ready/,
    /bravo +replicas 4 +Deployment ✓ \(4 replicas\)/,
    /charlie deleted: Deployment and Service garbage-collected/,
    /demo finished in [\d.]+ s/,
    /stopped: operator, control plane and temp files are gone/,
  ]) {
    assert.match(output, line);
  }
  // A compact view, not a log flood: each row is printed only when it changes.
  assert.ok(output.split("\n").length < 60, `${output.split("\n").length} lines:\n${output}`);
  assert.doesNotMatch(output, /"level"/, "no operator log lines");
});
