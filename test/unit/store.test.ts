/**
 * The store: lookups, generic indexes (children by parent uid), replaceAll diffs, hasSynced, compaction.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type { KubeObject } from "../../src/core/types.js";
import { compactObject } from "../../src/runtime/compact.js";
import { controllerUidIndex, parentUidIndex, Store } from "../../src/runtime/store.js";

function cm(name: string, rv: string, meta: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { namespace: "ns", name, resourceVersion: rv, ...meta },
  };
}
const owned = (uid: string) => ({
  ownerReferences: [{ apiVersion: "x/v1", kind: "P", name: "p", uid, controller: true }],
});

void describe("store", () => {
  void it("gets objects by namespace/name or key", () => {
    const store = new Store();
    store.upsert(cm("a", "1"));
    assert.equal(store.get({ namespace: "ns", name: "a" })?.metadata.resourceVersion, "1");
    assert.equal(store.get("ns/a")?.metadata.name, "a");
    assert.equal(store.get({ namespace: "other", name: "a" }), undefined);
    assert.equal(store.size, 1);
  });

  void it("indexes children by parent uid from the controller ownerReference and the tracking label", () => {
    const store = new Store();
    store.addIndex("parent", parentUidIndex("tsoperator.io/parent-uid"));
    store.upsert(cm("a", "1", owned("p1")));
    store.upsert(cm("b", "2", { labels: { "tsoperator.io/parent-uid": "p1" } }));
    store.upsert(cm("c", "3", owned("p2")));
    store.upsert(cm("d", "4", { ...owned("p2"), labels: { "tsoperator.io/parent-uid": "p2" } }));
    assert.deepEqual(
      store
        .byIndex("parent", "p1")
        .map((o) => o.metadata.name)
        .sort(),
      ["a", "b"],
    );
    assert.deepEqual(store.indexKeys("parent", "p2").sort(), ["ns/c", "ns/d"]);
    // Re-parenting moves the key; deleting removes it; empty buckets disappear.
    store.upsert(cm("a", "5", owned("p2")));
    assert.deepEqual(store.indexKeys("parent", "p1"), ["ns/b"]);
    store.remove(cm("b", "6"));
    assert.deepEqual(store.indexKeys("parent", "p1"), []);
    assert.deepEqual(store.indexValues("parent"), ["p2"]);
  });

  void it("builds an index added after objects are stored, and shares the stored object (no copies)", () => {
    const store = new Store();
    const obj = cm("a", "1", owned("p1"));
    store.upsert(obj);
    store.addIndex("owner", controllerUidIndex);
    store.addIndex("owner", controllerUidIndex); // same function: no-op
    assert.throws(() => store.addIndex("owner", () => []), /already registered/);
    assert.equal(store.byIndex("owner", "p1")[0], obj);
    assert.equal(store.get("ns/a"), obj);
    assert.throws(() => store.byIndex("missing", "x"), /no index/);
  });

  void it("replaceAll returns exact added/updated/deleted diffs and keeps unchanged objects", async () => {
    const store = new Store();
    assert.equal(store.hasSynced, false);
    const first = store.replaceAll([cm("keep", "1"), cm("change", "2"), cm("gone", "3")], "3");
    assert.deepEqual(
      first.map((e) => e.type),
      ["ADDED", "ADDED", "ADDED"],
    );
    assert.equal(store.hasSynced, true);
    await store.synced;
    store.addIndex("owner", controllerUidIndex);
    const keep = store.get("ns/keep");
    const events = store.replaceAll([cm("keep", "1"), cm("change", "7", owned("p")), cm("new", "8")], "9");
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`),
      ["MODIFIED change 7", "ADDED new 8", "DELETED gone 3"],
    );
    const updated = events[0];
    assert.equal(updated?.type === "MODIFIED" ? updated.old.metadata.resourceVersion : undefined, "2");
    assert.equal(store.get("ns/keep"), keep, "unchanged objects keep their identity");
    assert.equal(store.resourceVersion, "9");
    assert.deepEqual(store.indexKeys("owner", "p"), ["ns/change"]);
  });

  void it("compaction strips managedFields except the kept field manager's, and freezes", () => {
    const obj = compactObject(
      cm("a", "1", {
        managedFields: [
          { manager: "kubectl", operation: "Update" },
          { manager: "op", operation: "Apply" },
        ],
      }),
    );
    assert.equal(obj.metadata.managedFields, undefined);
    assert.ok(Object.isFrozen(obj) && Object.isFrozen(obj.metadata));
    assert.throws(() => {
      (obj.metadata as { name?: string }).name = "x";
    }, TypeError);
    const kept = compactObject(cm("a", "1", { managedFields: [{ manager: "kubectl" }, { manager: "op" }] }), {
      keepFieldManager: "op",
    });
    assert.deepEqual(kept.metadata.managedFields, [{ manager: "op" }]);
    const all = compactObject(cm("a", "1", { managedFields: [{ manager: "op" }, { manager: "op2" }] }), {
      keepFieldManager: ["op", "op2"],
    });
    assert.deepEqual(all.metadata.managedFields, [{ manager: "op" }, { manager: "op2" }], "all kept");
    assert.ok(Object.isFrozen(all.metadata.managedFields?.[1]));
    const empty = compactObject(cm("a", "1", { managedFields: [] }), { keepFieldManager: "op" });
    assert.equal(empty.metadata.managedFields, undefined, "an empty list is dropped as before");
  });
});
