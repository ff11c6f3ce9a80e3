/**
 * Related objects: latency from a Secret update to the children of the parents that reference it written.
 * N parents each reference one of M Secrets (N/M parents per Secret); each round updates one Secret and times,
 * per child, from just before the update request to the engine's write of that child. Reports p50/p99/max over
 * every child of every round and writes them to bench/RESULTS.md ("## Related objects").
 *
 *   npx tsx bench/related-latency.ts [--parents=1000] [--secrets=100] [--rounds=20] [--quick]
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { KubeClient } from "../src/client/kube-client.js";
import { TestEnvironment } from "../src/testing/test-environment.js";
import { widgetCrd } from "../test/support/crds.js";
import { eventually, sleep } from "../test/support/operator-harness.js";
import { startRelatedScenario } from "../test/support/related-scenario.js";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const quick = process.argv.includes("--quick");
const parents = arg("parents", quick ? 100 : 1000);
const secrets = arg("secrets", quick ? 10 : 100);
const rounds = arg("rounds", quick ? 5 : 20);

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

async function main(): Promise<void> {
  const env = await TestEnvironment.start({ crds: [widgetCrd], controllerManager: false });
  const admin = await KubeClient.fromConfig(env.clientConfig("bench-admin").with({ qps: Infinity }));
  const s = await startRelatedScenario(admin, env.clientConfig("related-operator"), "bench-related");
  const latencies: number[] = [];
  const started = performance.now();
  try {
    for (let j = 0; j < secrets; j++) await s.setSecret(`s-${j}`, "v0");
    const names = Array.from({ length: parents }, (_, i) => `p-${i}`);
    await s.createParents(names, (name) => `s-${Number(name.slice(2)) % secrets}`);
    await eventually("converged", async () => names.every((n) => s.childValue(n) === "v0"), 600_000);
    console.error(`${parents} parents converged in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await sleep(2_000);
    for (let round = 0; round < rounds; round++) {
      const j = round % secrets;
      const affected = names.filter((_, i) => i % secrets === j);
      const value = `v${round + 1}`;
      const t0 = performance.now();
      await s.setSecret(`s-${j}`, value);
      await eventually(
        "round converged",
        async () => affected.every((n) => s.childValue(n) === value),
        60_000,
      );
      for (const name of affected) latencies.push((s.writtenAt.get(name) ?? NaN) - t0);
      await sleep(200);
    }
  } finally {
    await s.stop();
    await admin.close();
    await env.stop();
  }
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const perSecret = parents / secrets;
  const command = `npx tsx bench/related-latency.ts --parents=${parents} --secrets=${secrets} --rounds=${rounds}`;
  const body = [
    `Command: \`${command}\` (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, local kube-apiserver + etcd on the same 2-core machine, operator in the bench process).`,
    "",
    "| parents | Secrets | parents per Secret | rounds | child writes timed | p50 | p99 | max |",
    "|---|---|---|---|---|---|---|---|",
    `| ${parents} | ${secrets} | ${perSecret} | ${rounds} | ${latencies.length} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 99))} | ${ms(Math.max(...latencies))} |`,
    "",
    "- latency: from just before the Secret's PATCH is sent to the engine's write of each child of a parent that",
    "  references it (watch event, reverse-index lookup, queue, sync, server-side apply).",
  ].join("\n");
  console.log(body);
  if (!quick) await writeSection("## Related objects", body);
}

/** Replaces (or appends) one `## ` section of bench/RESULTS.md. */
async function writeSection(heading: string, body: string): Promise<void> {
  const path = fileURLToPath(new URL("./RESULTS.md", import.meta.url));
  const text = await readFile(path, "utf8");
  const start = text.indexOf(`${heading}\n`);
  const section = `${heading}\n\n${body}\n`;
  if (start < 0) {
    await writeFile(path, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf("\n## ", start + heading.length);
  await writeFile(path, text.slice(0, start) + section + (next < 0 ? "" : text.slice(next)));
}

await main();
