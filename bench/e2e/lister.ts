/**
 * The raw baseline of the restart scenario: a fresh process that does one paginated LIST (page size 500) of the
 * parents and the ConfigMaps of a namespace, the least work any cache-backed operator needs before it is ready.
 * BENCH_LISTER_KEEP=1 keeps every listed object until it exits, as any cache must (a diagnostic of
 * bench/restart-time.ts: what holding the objects costs a Node.js process, apart from anything a cache does with them).
 */
import { ClientConfig } from "../../src/client/config.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { BenchParent } from "./workload.js";

console.log("STARTED");
const namespace = process.env.BENCH_NAMESPACE ?? "default";
const client = await KubeClient.fromConfig(await ClientConfig.fromKubeconfig("bench-lister"));
const keep = process.env.BENCH_LISTER_KEEP === "1";
const kept: unknown[] = [];
let count = 0;
for (const type of [BenchParent, { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true }]) {
  for await (const page of client.resource(type, namespace).listPages({ limit: 500 })) {
    count += page.items.length;
    if (keep) kept.push(...page.items);
  }
}
console.log("READY");
console.error(`listed ${count} objects${keep ? `, ${kept.length} kept` : ""}`);
await client.close();
