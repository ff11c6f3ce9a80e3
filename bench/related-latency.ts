/**
 * Related objects: latency from a Secret update to the children of the parents that reference it written.
 * N parents each reference one of M Secrets (N/M parents per Secret); each round updates one Secret and times,
 * per child, from just before the update request to the engine's write of that child. Reports p50/p99/max over
 * every child of every round, saved as bench/results/related-latency.json (RESULTS.md is rendered from it).
 *
 *   npx tsx bench/related-latency.ts [--parents=1000] [--secrets=100] [--rounds=20] [--quick]
 */
import { KubeClient } from "../src/client/kube-client.js";
import { TestEnvironment } from "../src/testing/test-environment.js";
import { widgetCrd } from "../test/support/crds.js";
import { eventually, sleep } from "../test/support/operator-harness.js";
import { startRelatedScenario } from "../test/support/related-scenario.js";
import { publish, type RelatedLatencyData } from "./report-sections.js";

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
  const data: RelatedLatencyData = {
    command: `npx tsx bench/related-latency.ts --parents=${parents} --secrets=${secrets} --rounds=${rounds}`,
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    parents,
    secrets,
    rounds,
    timed: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  };
  await publish(
    {
      id: "related-latency",
      kind: "related-latency",
      order: 60,
      heading: "Update of a referenced Secret to children written",
      data,
    },
    !quick,
  );
}

await main();
