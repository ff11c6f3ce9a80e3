/**
 * What creating an absent child costs the API server per verb: a POST with our field manager vs the create-only
 * server-side apply the engine sends (resourceVersion "1", force), for the same ConfigMaps as the end-to-end
 * workload, same client, same concurrency, rounds alternating so server-side drift (etcd, GC) hits both alike.
 * Saves the rates per round (bench/results/child-create.json); RESULTS.md shows the medians and their ratio.
 *
 * Run: npx tsx bench/child-create.ts [--quick] [--n=1000] [--concurrency=8] [--rounds=3] [--no-write]
 */
import { k8sTypes } from "../src/core/k8s-types.js";
import { KubeClient } from "../src/client/kube-client.js";
import type { KubeObject } from "../src/core/types.js";
import type { ResourceApi } from "../src/client/resource-api.js";
import { TestEnvironment } from "../src/testing/test-environment.js";
import { publish, type ChildCreateData } from "./report-sections.js";

const quick = process.argv.includes("--quick");
function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
}
const N = arg("n", 1000);
const CONCURRENCY = arg("concurrency", 8);
const ROUNDS = arg("rounds", quick ? 3 : 5);
const MANAGER = "bench-operator";

/** A child as the engine sends it: labels, the desired-hash annotation, data like bench/e2e's workload. */
function child(name: string, i: number): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      labels: { "app.kubernetes.io/managed-by": MANAGER, "bench.tsoperator.dev/parent": `p${i}` },
      annotations: { "tsoperator.dev/desired-hash": "0123456789abcdef0123456789abcdef" },
    },
    data: { index: String(i), k: "1", payload: "x".repeat(64) },
  };
}

const VERBS = {
  post: (api: ResourceApi, obj: KubeObject) => api.create(obj, { fieldManager: MANAGER }),
  "create-only apply": (api: ResourceApi, obj: KubeObject) =>
    api.apply(
      { ...obj, metadata: { ...obj.metadata, resourceVersion: "1" } },
      { fieldManager: MANAGER, force: true },
    ),
} as const;
type Verb = keyof typeof VERBS;

async function round(api: ResourceApi, verb: Verb, prefix: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        await VERBS[verb](api, child(`${prefix}-${i}`, i));
      }
    }),
  );
  return (N * 1000) / (performance.now() - started);
}

async function main(): Promise<void> {
  const env = await TestEnvironment.start({ controllerManager: false });
  const client = await KubeClient.fromConfig(env.clientConfig("bench-child-create").with({ qps: Infinity }));
  const rates: Record<Verb, number[]> = { post: [], "create-only apply": [] };
  try {
    const verbs = Object.keys(VERBS) as Verb[];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which verb goes first; each round in a fresh namespace so both write into the same state.
      for (const verb of r % 2 === 0 ? verbs : [...verbs].reverse()) {
        const ns = `create-${r}-${verb === "post" ? "post" : "apply"}`;
        await client.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
        const rate = await round(client.resource(k8sTypes.core.v1.ConfigMap, ns), verb, "c");
        rates[verb].push(rate);
        console.error(`round ${r + 1} ${verb}: ${rate.toFixed(0)}/s`);
      }
    }
  } finally {
    await client.close();
    await env.stop();
  }
  const data: ChildCreateData = {
    command: `npx tsx bench/child-create.ts ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    n: N,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    post: rates.post,
    createOnlyApply: rates["create-only apply"],
  };
  const result = {
    id: "child-create",
    kind: "child-create",
    order: 40,
    heading: "Child creates: POST vs create-only apply",
    data,
  };
  await publish(result, !process.argv.includes("--no-write"));
}

await main();
