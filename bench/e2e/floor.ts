/**
 * The write floor: a raw KubeClient that issues exactly the N*(K+1) writes the workload needs (K creates and one
 * status write per parent) with the operator's default concurrency (4 parents in flight), no watches and no
 * cache. One paginated LIST tells it the parents (a read, not a write). Run as its own process by the driver.
 * BENCH_FLOOR_WRITES=apply makes the same writes with server-side apply (children and status), the request kind
 * the apply-based operators use: the difference between the two floors is the price of SSA on the apiserver.
 * BENCH_FLOOR_WRITES=post-apply-status POSTs the children and applies the status: the requests tsoperator makes, so
 * tsoperator against it is the engine's own price (watches, cache, sync) apart from its choice of writes.
 * BENCH_FLOOR_WATCH=1 also watches the parents and the children (by the workload's label) from the LIST's
 * resourceVersion and decodes every event, as an operator's informers do, without caching or syncing anything (a
 * diagnostic: the price of the watches alone, on the apiserver and in the process).
 * BENCH_FLOOR_OBJECTS=tsoperator sends the objects tsoperator's engine sends instead of the workload's bare ones,
 * built by the engine's own prepareDesiredChildren and desiredStatus: children with its tracking and ownership
 * labels, its desired-hash annotation and its field manager, a status with its Synced condition (a diagnostic: with the watches too, tsoperator against it is the engine's own share, apart
 * from the server's price of what the engine's objects carry).
 * BENCH_FLOOR_SEQUENTIAL=1 writes a parent's children one after the other instead of in parallel (a diagnostic:
 * what an engine that syncs children sequentially costs at the same parent concurrency).
 */
import { ClientConfig } from "../../src/client/config.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { prepareDesiredChildren } from "../../src/operator/engine/desired-state.js";
import { desiredStatus } from "../../src/operator/engine/parent-writes.js";
import { stayUntilStopped, syncEachParent } from "./floor-loop.js";
import { BenchParent, GROUP, childrenOf, type BenchParentObject } from "./workload.js";

console.log("STARTED");
const namespace = process.env.BENCH_NAMESPACE ?? "default";
const writes = process.env.BENCH_FLOOR_WRITES ?? "post";
if (!["post", "apply", "post-apply-status"].includes(writes))
  throw new Error(`BENCH_FLOOR_WRITES=${writes}: unknown`);
const apply = writes === "apply";
const applyStatus = writes !== "post";
const sequential = process.env.BENCH_FLOOR_SEQUENTIAL === "1";
const objects = process.env.BENCH_FLOOR_OBJECTS ?? "workload";
if (!["workload", "tsoperator"].includes(objects)) throw new Error(`BENCH_FLOOR_OBJECTS=${objects}: unknown`);
// The tsoperator peer's configuration (bench/peers/tsoperator/main.ts): its objects are built by the engine's own
// functions, so they are exactly what the peer sends.
const engine =
  objects === "tsoperator"
    ? new OperatorConfig("tsoperator-peer", BenchParent).withChild(
        k8sTypes.core.v1.ConfigMap,
        ChildConfig.apply(),
      )
    : undefined;

/** A parent's children and status as the floor sends them: the workload's, or as tsoperator's engine sends them. */
function writesFor(parent: BenchParentObject): { children: KubeObject[]; status: object } {
  const status = { observedGeneration: parent.metadata.generation, children: parent.spec.k };
  if (!engine) return { children: childrenOf(parent), status };
  const desired = prepareDesiredChildren(
    { status, children: childrenOf(parent) },
    { config: engine, parent, parentNamespaced: true, isNamespaced: () => true },
  );
  return { children: desired.map((child) => child.object), status: desiredStatus(parent, status) };
}

/** Runs `write` for every child: in parallel, or one after the other. */
async function each<T>(items: T[], write: (item: T) => Promise<unknown>): Promise<void> {
  if (!sequential) {
    await Promise.all(items.map(write));
    return;
  }
  for (const item of items) await write(item);
}
const client = await KubeClient.fromConfig(await ClientConfig.fromKubeconfig("bench-floor"));
const parents = client.resource<BenchParentObject>(BenchParent, namespace);
const configMaps = client.resource(
  { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  namespace,
);

const todo: BenchParentObject[] = [];
let listed: string | undefined;
for await (const page of parents.listPages({ limit: 500 })) {
  todo.push(...page.items);
  listed = page.metadata.resourceVersion;
}
// Diagnostic: the informers' watches without the informers (events decoded and dropped).
const watching = new AbortController();
let events = 0;
if (process.env.BENCH_FLOOR_WATCH === "1") {
  const drain = async (stream: AsyncIterable<unknown>) => {
    try {
      for await (const _ of stream) events++;
    } catch (err) {
      if (!watching.signal.aborted) console.error(`floor watch: ${String(err)}`);
    }
  };
  // resourceVersions are etcd's, one sequence for every type: the parents' LIST is a valid start for both.
  void drain(parents.watch({ resourceVersion: listed, signal: watching.signal }));
  void drain(
    configMaps.watch({ labelSelector: `${GROUP}/parent`, resourceVersion: listed, signal: watching.signal }),
  );
}
console.log("READY");

await syncEachParent(todo, async (parent) => {
  // Like an operator's sync: the children of one parent in parallel, then its status.
  const { children, status } = writesFor(parent);
  await each(children, (cm) =>
    apply
      ? configMaps.apply(cm, { fieldManager: "bench-floor", force: true })
      : configMaps.create(cm, engine ? { fieldManager: engine.fieldManager } : {}),
  );
  if (applyStatus) {
    await parents.applyStatus(
      {
        apiVersion: BenchParent.apiVersion,
        kind: BenchParent.kind,
        metadata: { name: parent.metadata.name },
        status,
      },
      { fieldManager: "bench-floor", force: true },
    );
  } else {
    await parents.patchStatus(parent.metadata.name ?? "", "merge", { status });
  }
});
console.log("DONE");
if (events > 0) console.error(`floor watch: ${events} events`);
// The watches stay open like an operator's until the driver stops us; the writes' client closes with them.
if (process.env.BENCH_FLOOR_WATCH !== "1") await client.close();
stayUntilStopped();
