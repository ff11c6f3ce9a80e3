/**
 * KEP-5866 sharded LIST and WATCH on the real kube-apiserver: with the ShardedListAndWatch gate the server
 * returns exactly the objects whose FNV-1a hash of the uid (or namespace) falls in the selector's ranges, as
 * core/shard-hash computes it, and echoes the selector in `metadata.shardInfo`; without the gate it ignores the
 * selector and returns everything, with no shardInfo (which is how a client tells the two apart). The audit log
 * option records writes with their user agent.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { bucketOf, shardSelectorFor } from "../../src/core/shard-hash.js";
import type { KubeObject } from "../../src/core/types.js";
import type { WatchEvent } from "../../src/client/resource-api.js";

const COUNT = 60;
const BUCKETS = 4;

async function seed(client: KubeClient, namespace: string): Promise<KubeObject[]> {
  await client.resource(k8sTypes.core.v1.Namespace).create({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace },
  });
  const api = client.resource(k8sTypes.core.v1.ConfigMap, namespace);
  const created: KubeObject[] = [];
  for (let i = 0; i < COUNT; i++) {
    created.push(
      await api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, namespace } }),
    );
  }
  return created;
}

void describe("sharded list and watch (real kube-apiserver)", () => {
  let gated: TestEnvironment;
  let plain: TestEnvironment;
  let client: KubeClient;
  let plainClient: KubeClient;
  let objects: KubeObject[];

  before(async () => {
    [gated, plain] = await Promise.all([
      TestEnvironment.start({
        controllerManager: false,
        featureGates: { ShardedListAndWatch: true },
        auditPolicy: true,
      }),
      TestEnvironment.start({ controllerManager: false }),
    ]);
    client = await KubeClient.fromConfig(gated.clientConfig("shard-test/replica-a"));
    plainClient = await KubeClient.fromConfig(plain.clientConfig());
    objects = await seed(client, "shards");
    await seed(plainClient, "shards");
  });
  after(async () => {
    await client?.close();
    await plainClient?.close();
    await Promise.all([gated?.stop(), plain?.stop()]);
  });

  it("LIST returns exactly the objects of the selected buckets, and echoes the selector", async () => {
    const api = client.resource(k8sTypes.core.v1.ConfigMap, "shards");
    const seen = new Set<string>();
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      const selector = shardSelectorFor("uid", [bucket], BUCKETS);
      const list = await api.list({ shardSelector: selector });
      assert.equal(list.metadata.shardInfo?.selector, selector);
      const expected = objects.filter((o) => bucketOf(o.metadata.uid ?? "", BUCKETS) === bucket);
      assert.deepEqual(
        list.items.map((o) => o.metadata.name).sort(),
        expected.map((o) => o.metadata.name).sort(),
        `bucket ${bucket}`,
      );
      for (const o of list.items) seen.add(o.metadata.name ?? "");
    }
    assert.equal(seen.size, COUNT, "the buckets partition the collection");
    // Two non-adjacent buckets in one selector (two ranges joined by ||).
    const two = await api.list({ shardSelector: shardSelectorFor("uid", [0, 2], BUCKETS) });
    const expected = objects.filter((o) => [0, 2].includes(bucketOf(o.metadata.uid ?? "", BUCKETS)));
    assert.equal(two.items.length, expected.length);
    // Paginated lists keep the selector across pages.
    let paged = 0;
    for await (const page of api.listPages({
      limit: 5,
      shardSelector: shardSelectorFor("uid", [1], BUCKETS),
    })) {
      paged += page.items.length;
    }
    assert.equal(paged, objects.filter((o) => bucketOf(o.metadata.uid ?? "", BUCKETS) === 1).length);
  });

  it("namespace key: a namespace's objects are all in or all out", async () => {
    const api = client.resource(k8sTypes.core.v1.ConfigMap);
    const bucket = bucketOf("shards", BUCKETS);
    const inList = await api.list({ shardSelector: shardSelectorFor("namespace", [bucket], BUCKETS) });
    assert.equal(inList.items.filter((o) => o.metadata.namespace === "shards").length, COUNT);
    const other = (bucket + 1) % BUCKETS;
    const outList = await api.list({ shardSelector: shardSelectorFor("namespace", [other], BUCKETS) });
    assert.equal(outList.items.filter((o) => o.metadata.namespace === "shards").length, 0);
  });

  it("WATCH delivers only changes of objects in the selected buckets", async () => {
    const api = client.resource(k8sTypes.core.v1.ConfigMap, "shards");
    const list = await api.list({ limit: 1 });
    const controller = new AbortController();
    const events: Array<WatchEvent> = [];
    const watching = (async () => {
      for await (const event of api.watch({
        resourceVersion: list.metadata.resourceVersion,
        shardSelector: shardSelectorFor("uid", [0], BUCKETS),
        allowWatchBookmarks: false,
        signal: controller.signal,
      })) {
        events.push(event);
        if (event.object.metadata.name?.startsWith("probe-")) break;
      }
    })();
    watching.catch(() => {}); // awaited below; an early failure must not be unhandled meanwhile
    for (const o of objects) {
      await api.patch(o.metadata.name ?? "", "merge", { metadata: { labels: { touched: "yes" } } });
    }
    // A probe in bucket 0 ends the watch: create probes until one lands there (the others must not show up).
    for (let i = 0; ; i++) {
      const probe = await api.create({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `probe-${i}` },
      });
      if (bucketOf(probe.metadata.uid ?? "", BUCKETS) === 0) break;
    }
    await Promise.race([
      watching,
      new Promise((_, r) => setTimeout(() => r(new Error("watch timeout")), 20_000)),
    ]);
    controller.abort();
    const modified = events.filter((e) => e.type === "MODIFIED").map((e) => e.object.metadata.name);
    const expected = objects
      .filter((o) => bucketOf(o.metadata.uid ?? "", BUCKETS) === 0)
      .map((o) => o.metadata.name);
    assert.ok(expected.length > 0 && expected.length < COUNT);
    assert.deepEqual(modified.sort(), expected.sort());
    for (const e of events) assert.equal(bucketOf(e.object.metadata.uid ?? "", BUCKETS), 0);
  });

  it("without the gate the server ignores the selector: everything, and no shardInfo", async () => {
    const api = plainClient.resource(k8sTypes.core.v1.ConfigMap, "shards");
    const list = await api.list({ shardSelector: shardSelectorFor("uid", [0], BUCKETS) });
    assert.equal(list.items.length, COUNT);
    assert.equal(list.metadata.shardInfo, undefined);
  });

  it("the audit log records writes with the client's user agent", async () => {
    const events = await gated.auditEvents();
    const creates = events.filter(
      (e) =>
        e.verb === "create" && e.objectRef?.resource === "configmaps" && e.objectRef.namespace === "shards",
    );
    assert.ok(creates.length >= COUNT);
    assert.ok(creates.every((e) => e.userAgent === "shard-test/replica-a"));
    assert.equal((await plain.auditEvents()).length, 0);
  });
});
