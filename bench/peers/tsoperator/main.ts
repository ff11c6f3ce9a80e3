/**
 * tsoperator peer of the end-to-end benchmark: the BenchParent workload (K ConfigMaps per parent, status
 * {observedGeneration, children}) as a tsoperator author writes it. Run as its own process by bench/e2e so its CPU
 * and RSS are its own; talks to the driver through stdout lines (STARTED, READY) like every other peer. With
 * BENCH_SHARD_BUCKETS set it is one replica of a sharded operator (bench/sharding.ts).
 */
import { ClientConfig } from "../../../src/client/config.js";
import { k8sTypes } from "../../../src/core/k8s-types.js";
import type { KubeObject } from "../../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../../src/operator/api/config.js";
import { silentLogger } from "../../../src/core/logger.js";
import { startOperator } from "../../../src/operator/manager/runner.js";

console.log("STARTED");

const BenchParent = { apiVersion: "bench.tsoperator.dev/v1", kind: "BenchParent", plural: "benchparents", namespaced: true };

interface BenchParentObject extends KubeObject {
  spec: { k: number; payload?: string };
  status?: { children: number };
}

const namespace = process.env.BENCH_NAMESPACE;
const config = new OperatorConfig("tsoperator-peer", BenchParent)
  .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
  .withNamespace(namespace)
  // The other contenders run no metrics/health server either.
  .withMetricsEnabled(false)
  .withHealthEnabled(false);
// bench/sharding.ts runs several replicas of this peer: each a share of the parents (Leases in the namespace).
const shardBuckets = Number(process.env.BENCH_SHARD_BUCKETS ?? 0);
if (shardBuckets > 0)
  config.withSharding({
    buckets: shardBuckets,
    ...(process.env.BENCH_SHARD_IDENTITY ? { identity: process.env.BENCH_SHARD_IDENTITY } : {}),
    ...(namespace ? { leaseNamespace: namespace } : {}),
  });

// Handler calls, reported once a second when they changed: the driver divides them by the parents converged.
// The V8 heap in use goes with them (the driver's memory-over-time scenario; RSS it reads from /proc itself).
let syncs = 0;
let reported = 0;
setInterval(() => {
  if (syncs !== reported) console.log(`SYNCS ${(reported = syncs)}`);
  console.log(`HEAP ${process.memoryUsage().heapUsed}`);
}, 1_000).unref();

const op = startOperator<BenchParentObject>(
  config,
  ({ parent }) => {
    syncs++;
    const name = parent.metadata.name ?? "";
    const { k, payload = "" } = parent.spec;
    const children = Array.from({ length: k }, (_, i) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${name}-${i}`, labels: { "bench.tsoperator.dev/parent": name } },
      data: { index: String(i), k: String(k), payload },
    }));
    return { status: { children: k }, children };
  },
  {
    clientConfig: ClientConfig.fromKubeconfig("tsoperator-peer"),
    logger: silentLogger,
    observer: {
      onSyncError: (parent, kind, error) =>
        console.error(`sync error ${parent.metadata.name ?? "?"} ${kind}: ${String(error)}`),
    },
  },
);

await op.ready;
console.log("READY");
process.once("SIGTERM", () => {
  void op.stop().then(() => process.exit(0));
});
await op.done;
