/**
 * The raw baseline of the restart scenario: a fresh process that does one paginated LIST (page size 500) of the
 * parents and the ConfigMaps of a namespace, the least work any cache-backed operator needs before it is ready.
 */
import { ClientConfig } from "../../src/client/config.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { BenchParent } from "./workload.js";

console.log("STARTED");
const namespace = process.env.BENCH_NAMESPACE ?? "default";
const client = await KubeClient.fromConfig(await ClientConfig.fromKubeconfig("bench-lister"));
let count = 0;
for (const type of [BenchParent, { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true }]) {
  for await (const page of client.resource(type, namespace).listPages({ limit: 500 })) count += page.items.length;
}
console.log("READY");
console.error(`listed ${count} objects`);
await client.close();
