/**
 * Caches follow the shard (issue 16), replicas as separate processes on a real control plane.
 *
 * With ShardedListAndWatch on the server: each of 3 replicas caches exactly the parents of the buckets it holds
 * and their children (read from its own /metrics: tsoperator_cached_objects), at most 40% of each; all converge;
 * children made before sharding (no bucket label) are taken over in place (same uid, label added), never
 * duplicated, or deleted when the handler no longer returns them; a fourth replica takes buckets over: it caches them and the old holders forget them, and no new
 * holder ever synced a bucket before its children were in its cache (no child create answered 409 in the audit
 * log). Without the gate the replicas cache everything, filter on the client, say so (metric 1) and converge.
 *
 * Size: SHARD_CACHE_PARENTS (default 600, 2 children each), 24 buckets.
 */
import { strict as assert } from "node:assert";
import { after, afterEach, before, describe, it } from "node:test";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { SHARD_BUCKET_LABEL, bucketOf } from "../../src/core/shard-hash.js";
import { OperatorConfig } from "../../src/operator/api/config.js";
import { Widget, widgetCrd } from "../support/crds.js";
import {
  bucketHolders,
  cachedObjects,
  converged,
  pool,
  scrape,
  spawnReplica,
  until,
  type Replica,
} from "../support/shard-replicas.js";

const PARENTS = Number(process.env.SHARD_CACHE_PARENTS ?? 600);
/**
 * Divisible by 3 (and 4): each of 3 replicas holds a third of the hash space. With 16 buckets one holds 6/16
 * (37.5%), and 600 random uids put more than 40% of the parents there in about one run in ten.
 */
const BUCKETS = 24;
const LEGACY = 20;
/** Parents that also have an old child the handler does not return. */
const STALE = ["w-0", "w-3", "w-7", "w-11", "w-19"];
const NS = "sharded";
const defaults = new OperatorConfig("sharded", Widget);

interface Cluster {
  env: TestEnvironment;
  client: KubeClient;
  replicas: Replica[];
  uids: Map<string, string>;
}

async function startCluster(gate: boolean): Promise<Cluster> {
  const env = await TestEnvironment.start({
    controllerManager: false,
    crds: [widgetCrd],
    featureGates: gate ? { ShardedListAndWatch: true } : {},
    auditPolicy: true,
  });
  const client = await KubeClient.fromConfig(env.clientConfig());
  await client
    .resource(k8sTypes.core.v1.Namespace)
    .create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
  return { env, client, replicas: [], uids: new Map() };
}

async function stopCluster(cluster: Cluster | undefined): Promise<void> {
  if (!cluster) return;
  for (const r of cluster.replicas)
    if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill("SIGKILL");
  await cluster.client.close();
  await cluster.env.stop();
}

function startReplica(cluster: Cluster, identity: string): Replica {
  const r = spawnReplica(identity, {
    KUBECONFIG_PATH: cluster.env.kubeconfigPath,
    WATCH_NAMESPACE: NS,
    BUCKETS: String(BUCKETS),
    LEASE_MS: "4000",
    RENEW_MS: "3000",
    RETRY_MS: "500",
  });
  cluster.replicas.push(r);
  return r;
}

async function createParents(cluster: Cluster, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `w-${i}`);
  await pool(names, 16, async (name) => {
    const created = await cluster.client.resource(Widget, NS).create({
      apiVersion: Widget.apiVersion,
      kind: Widget.kind,
      metadata: { name },
      spec: { version: 1 },
    });
    cluster.uids.set(name, created.metadata.uid ?? "");
  });
  return names;
}

/** Parents converged at `version`, and the number of our children. */
const convergedAt = (client: KubeClient, version: number) =>
  converged(client, NS, version, `${defaults.ownershipLabel}=sharded`);

interface CacheFigures {
  identity: string;
  buckets: number;
  parents: number;
  children: number;
  expectedParents: number;
  clientSideFiltering: number | undefined;
}

/** Each live replica's cached parents and children (its /metrics) next to the parents of the buckets it holds. */
async function cacheFigures(cluster: Cluster, live: Replica[]): Promise<CacheFigures[]> {
  const holders = await bucketHolders(cluster.client, NS, "sharded");
  return Promise.all(
    live.map(async (r) => {
      const port = await r.ready;
      const held = new Set([...holders].filter(([, h]) => h === r.identity).map(([b]) => b));
      const expectedParents = [...cluster.uids.values()].filter((uid) =>
        held.has(bucketOf(uid, BUCKETS)),
      ).length;
      const filtering = await scrape(port, "tsoperator_shard_client_side_filtering");
      return {
        identity: r.identity,
        buckets: held.size,
        parents: await cachedObjects(port, "Widget"),
        children: await cachedObjects(port, "ConfigMap"),
        expectedParents,
        clientSideFiltering: [...filtering.values()][0],
      };
    }),
  );
}

const show = (figures: CacheFigures[]) =>
  figures
    .map(
      (f) =>
        `${f.identity}: ${f.buckets} buckets (${f.expectedParents} parents in them), ${f.parents} parents (${((100 * f.parents) / PARENTS).toFixed(1)}%), ` +
        `${f.children} children (${((100 * f.children) / (2 * PARENTS)).toFixed(1)}%)`,
    )
    .join("; ");

/** Every replica caches exactly its buckets' parents and their two children each. */
const exact = (figures: CacheFigures[]) =>
  figures.every((f) => f.parents === f.expectedParents && f.children === 2 * f.expectedParents);

const balanced = (figures: CacheFigures[]) => {
  const counts = figures.map((f) => f.buckets);
  return counts.reduce((a, b) => a + b, 0) === BUCKETS && Math.max(...counts) - Math.min(...counts) <= 1;
};

/** Waits until the buckets are balanced and each replica caches exactly its buckets' objects. */
async function settledCaches(
  cluster: Cluster,
  live: Replica[],
  timeoutMs: number,
): Promise<{ figures: CacheFigures[]; ms: number }> {
  let figures: CacheFigures[] = [];
  const check = async () => {
    figures = await cacheFigures(cluster, live);
    return balanced(figures) && exact(figures);
  };
  try {
    const ms = await until(
      `${live.length} balanced replicas, each cache exactly its buckets'`,
      check,
      timeoutMs,
    );
    return { figures, ms };
  } catch (err) {
    throw new Error(`${String(err)}: ${show(figures)}`);
  }
}

void describe(`caches follow the shard: ShardedListAndWatch on, ${PARENTS} parents x 2 children`, () => {
  let cluster: Cluster | undefined;
  before(async () => {
    cluster = await startCluster(true);
  });
  after(() => stopCluster(cluster));

  it("3 replicas each cache <= 40% of parents and children, exactly their buckets'; old children taken over in place; a new replica moves the caches", async () => {
    const c = cluster as Cluster;
    const names = await createParents(c, PARENTS);
    // Children made before sharding was switched on: controlled by their parent, without the bucket label. The
    // handler still returns the "-a" ones (taken over in place); it never returns the "-old" ones (deleted).
    const legacy = new Map<string, string>();
    const legacyChildren = names
      .slice(0, LEGACY)
      .flatMap((name) => [`${name}-a`, ...(STALE.includes(name) ? [`${name}-old`] : [])]);
    await pool(legacyChildren, 8, async (child) => {
      const name = child.replace(/-(a|old)$/, "");
      const cm = await c.client.resource(k8sTypes.core.v1.ConfigMap, NS).create({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: child,
          labels: { [defaults.trackingLabel]: c.uids.get(name) ?? "", [defaults.ownershipLabel]: "sharded" },
          ownerReferences: [
            {
              apiVersion: Widget.apiVersion,
              kind: Widget.kind,
              name,
              uid: c.uids.get(name) ?? "",
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        data: { version: "0" },
      });
      legacy.set(cm.metadata.name ?? "", cm.metadata.uid ?? "");
    });

    const started = Date.now();
    const rs = ["replica-0", "replica-1", "replica-2"].map((id) => startReplica(c, id));
    await Promise.all(rs.map((r) => r.ready));
    await until(
      "convergence at version 1",
      async () => (await convergedAt(c.client, 1)).parents === PARENTS,
      150_000,
    );
    const convergedMs = Date.now() - started;
    let { figures } = await settledCaches(c, rs, 30_000);
    console.log(`gate on, 3 replicas, converged in ${convergedMs} ms: ${show(figures)}`);
    for (const f of figures) {
      assert.equal(f.clientSideFiltering, 0, `${f.identity} filters on the server`);
      assert.ok(f.parents <= 0.4 * PARENTS, `${f.identity} caches ${f.parents} parents`);
      assert.ok(f.children <= 0.4 * 2 * PARENTS, `${f.identity} caches ${f.children} children`);
    }
    assert.equal(
      figures.reduce((n, f) => n + f.parents, 0),
      PARENTS,
      "the replicas' caches partition the parents",
    );

    // The old children the handler no longer returns: labelled by their parent's holder, then deleted by its
    // sync. Before, a sharded cache never saw them and they stayed until their parent was deleted.
    const children = c.client.resource(k8sTypes.core.v1.ConfigMap, NS);
    const staleMs = await until(
      "old children no longer desired are deleted",
      async () => {
        const left = await Promise.all(STALE.map((name) => children.getOrUndefined(`${name}-old`)));
        return left.every((cm) => cm === undefined || cm.metadata.deletionTimestamp !== undefined);
      },
      30_000,
    );
    console.log(
      `gate on: ${STALE.length} old children no longer desired deleted ${staleMs} ms after convergence`,
    );

    // The old children still desired: same objects (uid), now labelled with their parent's bucket and synced.
    for (const [name, uid] of legacy) {
      if (name.endsWith("-old")) continue;
      const cm = await children.get(name);
      const parent = name.replace(/-a$/, "");
      assert.equal(cm.metadata.uid, uid, `${name} kept`);
      assert.equal(
        cm.metadata.labels?.[SHARD_BUCKET_LABEL],
        String(bucketOf(c.uids.get(parent) ?? "", BUCKETS)),
        `${name} labelled`,
      );
      assert.equal((cm.data as Record<string, string>).version, "1");
    }
    assert.equal((await convergedAt(c.client, 1)).children, 2 * PARENTS, "one object per child name");

    // A fourth replica: buckets move to it. It caches them; their old holders forget them.
    const fourth = startReplica(c, "replica-3");
    const four = [...rs, fourth];
    await fourth.ready;
    const moved = await settledCaches(c, four, 60_000);
    figures = moved.figures;
    console.log(`gate on, replica-3 joined, caches moved in ${moved.ms} ms: ${show(figures)}`);
    assert.ok((figures[3]?.parents ?? 0) > 0, "the new replica caches its buckets' parents");

    // Every parent changes; all four converge.
    await pool(names, 16, async (name) => {
      await c.client.resource(Widget, NS).patch(name, "merge", { spec: { version: 2 } });
    });
    await until(
      "convergence at version 2",
      async () => (await convergedAt(c.client, 2)).parents === PARENTS,
      120_000,
    );

    // A holder that synced a bucket before its children were cached would have POSTed existing children (409).
    const creates409 = (await c.env.auditEvents()).filter(
      (e) =>
        e.verb === "create" &&
        e.objectRef?.resource === "configmaps" &&
        e.responseStatus?.code === 409 &&
        !legacy.has(e.objectRef.name ?? ""),
    );
    assert.deepEqual(
      creates409.map((e) => `${e.objectRef?.name} by ${e.userAgent}`).slice(0, 5),
      [],
      "no child created twice",
    );

    for (const r of four) r.proc.kill("SIGTERM");
    assert.deepEqual(await Promise.all(four.map((r) => r.exited)), [0, 0, 0, 0]);
  });
});

void describe("caches follow the shard: without ShardedListAndWatch (client-side fallback)", () => {
  const parents = Math.min(PARENTS, 200);
  let cluster: Cluster | undefined;
  before(async () => {
    cluster = await startCluster(false);
  });
  after(() => stopCluster(cluster));
  afterEach(() => {
    for (const r of cluster?.replicas ?? []) if (r.proc.exitCode === null) r.proc.kill("SIGTERM");
  });

  it("2 replicas cache everything, report client-side filtering, and converge", async () => {
    const c = cluster as Cluster;
    await createParents(c, parents);
    const rs = ["replica-0", "replica-1"].map((id) => startReplica(c, id));
    await Promise.all(rs.map((r) => r.ready));
    await until(
      "convergence at version 1",
      async () => (await convergedAt(c.client, 1)).parents === parents,
      120_000,
    );
    for (const r of rs) {
      const port = await r.ready;
      const filtering = [...(await scrape(port, "tsoperator_shard_client_side_filtering")).values()][0];
      assert.equal(filtering, 1, `${r.identity} filters on the client`);
      assert.equal(await cachedObjects(port, "Widget"), parents, `${r.identity} caches every parent`);
      assert.equal(await cachedObjects(port, "ConfigMap"), 2 * parents, `${r.identity} caches every child`);
    }
    console.log(`gate off, 2 replicas: each caches all ${parents} parents and ${2 * parents} children`);
    for (const r of rs) r.proc.kill("SIGTERM");
    assert.deepEqual(await Promise.all(rs.map((r) => r.exited)), [0, 0]);
  });
});
