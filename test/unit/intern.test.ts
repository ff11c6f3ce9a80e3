/**
 * String interning in the cache (src/runtime/intern.ts): compacted objects read the same, repeated short values
 * share one table entry, and the table stays bounded whatever the objects hold.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../src/core/types.js";
import { compactObject } from "../../src/runtime/compact.js";
import { intern, internedCount } from "../../src/runtime/intern.js";

function child(i: number): KubeObject {
  return {
    apiVersion: "intern.test/v1",
    kind: "InternChild",
    metadata: {
      name: `c-${i}`,
      namespace: "intern-ns",
      uid: `uid-${i}`,
      ownerReferences: [
        { apiVersion: "intern.test/v1", kind: "InternParent", name: `p-${i}`, uid: `p-${i}` },
      ],
      managedFields: [
        { manager: "intern-op", operation: "Apply", apiVersion: "intern.test/v1", fieldsType: "FieldsV1" },
        { manager: "someone-else", operation: "Update" },
      ],
    },
    status: {
      conditions: [{ type: "Synced", status: "True", reason: "Synced", message: `m ${"x".repeat(80)}` }],
    },
  };
}

describe("intern", () => {
  void it("leaves compacted objects equal and adds each repeated value once", () => {
    const before = internedCount();
    const first = compactObject(child(1), { keepFieldManager: "intern-op" });
    const added = internedCount() - before;
    const expected = structuredClone(child(1));
    expected.metadata.managedFields = expected.metadata.managedFields?.slice(0, 1);
    assert.deepEqual(first, expected);
    assert.ok(added > 0 && added <= 10, `${added} new entries`);
    for (let i = 2; i < 50; i++) compactObject(child(i), { keepFieldManager: "intern-op" });
    assert.equal(internedCount() - before, added, "names and uids are not interned; the shared values once");
  });

  void it("compacting an object twice stays harmless (a frozen object is not written)", () => {
    const obj = compactObject(child(1), { keepFieldManager: "intern-op" });
    assert.ok(Object.isFrozen(obj));
    assert.doesNotThrow(() => compactObject(obj, { keepFieldManager: "intern-op" }));
  });

  void it("is bounded: long values are not kept, and the table stops growing at its limit", () => {
    const long = "l".repeat(65);
    const before = internedCount();
    assert.equal(intern(long), long);
    assert.equal(internedCount(), before);
    for (let i = 0; i < 5000; i++) assert.equal(intern(`bounded-${i}`), `bounded-${i}`);
    assert.equal(internedCount(), 4096);
    assert.equal(intern(undefined), undefined);
  });

  void it("shares the empty leaves of field sets and freezes the sets, leaving them equal", () => {
    // As the server writes them: a field, ".", a list item's key are all empty objects.
    const fields = (parentUid: string) => ({
      "f:data": { ".": {}, "f:a": {}, "f:b": {} },
      "f:metadata": {
        "f:labels": { ".": {}, "f:app": {} },
        "f:ownerReferences": { ".": {}, [`k:{"uid":"${parentUid}"}`]: {} },
      },
    });
    type Tree = Record<string, Record<string, Record<string, object>>>;
    const compacted = (i: number, freeze = true) => {
      const obj = child(i);
      obj.metadata.managedFields![0]!.fieldsV1 = fields(`p-${i}`);
      return compactObject(obj, { keepFieldManager: "intern-op", freeze });
    };
    const fieldsOf = (o: KubeObject) => o.metadata.managedFields![0]!.fieldsV1 as Tree;
    const a = compacted(1);
    const b = compacted(2);
    assert.deepEqual(fieldsOf(a), fields("p-1"));
    assert.deepEqual(fieldsOf(b), fields("p-2"));
    const leaf = fieldsOf(a)["f:data"]!["f:a"];
    assert.equal(fieldsOf(b)["f:data"]!["."], leaf, "one {} for every leaf");
    assert.equal(fieldsOf(b)["f:metadata"]!["f:ownerReferences"]!['k:{"uid":"p-2"}'], leaf);
    // Shared, so frozen even where the caller did not ask for freezing; the set is frozen with it.
    const unfrozen = compacted(3, false);
    assert.ok(!Object.isFrozen(unfrozen));
    assert.ok(Object.isFrozen(leaf));
    assert.ok(Object.isFrozen(fieldsOf(unfrozen)["f:metadata"]!["f:labels"]));
    // A set that is not a tree of objects (never written by a server) is left as it is.
    const odd = child(4);
    odd.metadata.managedFields![0]!.fieldsV1 = { "f:x": "y", "f:list": [{}] };
    assert.deepEqual(
      compactObject(odd, { keepFieldManager: "intern-op" }).metadata.managedFields![0]!.fieldsV1,
      {
        "f:x": "y",
        "f:list": [{}],
      },
    );
  });
});
