/**
 * String interning in the cache (src/runtime/intern.ts): compacted objects read the same, repeated short values
 * share one table entry, and the table stays bounded whatever the objects hold.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../src/core/types.js";
import { compactObject } from "../../src/runtime/compact.js";
import { intern, internedCount, internedFieldNodeCount } from "../../src/runtime/intern.js";

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

  void it("shares the repeated nodes of field sets, from their second sighting, and keeps them equal", () => {
    // As the server writes them: a child's set names its parent's uid, so whole sets differ between parents.
    const fields = (parentUid: string) => ({
      "f:data": { ".": {}, "f:a": {}, "f:b": {} },
      "f:metadata": {
        "f:labels": { ".": {}, "f:app": {} },
        "f:ownerReferences": { ".": {}, [`k:{"uid":"${parentUid}"}`]: {} },
      },
    });
    const compacted = (i: number, parentUid: string) => {
      const obj = child(i);
      obj.metadata.managedFields![0]!.fieldsV1 = fields(parentUid);
      return compactObject(obj, { keepFieldManager: "intern-op" });
    };
    type Tree = Record<string, Record<string, Record<string, object>>>;
    const fieldsOf = (o: KubeObject) => o.metadata.managedFields![0]!.fieldsV1 as Tree;
    const first = compacted(1, "p-1");
    const second = compacted(2, "p-2");
    const third = compacted(3, "p-3");
    for (const o of [first, second, third])
      assert.deepEqual(fieldsOf(o), fields(o === first ? "p-1" : o === second ? "p-2" : "p-3"));
    assert.notEqual(fieldsOf(first)["f:data"], fieldsOf(second)["f:data"], "seen once: not shared yet");
    assert.equal(fieldsOf(second)["f:data"], fieldsOf(third)["f:data"], "seen again: one node");
    assert.equal(fieldsOf(second)["f:metadata"]!["f:labels"], fieldsOf(third)["f:metadata"]!["f:labels"]);
    assert.equal(
      fieldsOf(first)["f:data"]!["f:a"],
      fieldsOf(third)["f:metadata"]!["f:labels"]!["f:app"],
      "one {}",
    );
    assert.notEqual(fieldsOf(second)["f:metadata"], fieldsOf(third)["f:metadata"], "per-parent nodes differ");
    // Shared nodes are frozen even where the caller did not ask for freezing.
    const obj = child(4);
    obj.metadata.managedFields![0]!.fieldsV1 = fields("p-4");
    const unfrozen = compactObject(obj, { keepFieldManager: "intern-op", freeze: false });
    assert.equal(fieldsOf(unfrozen)["f:data"], fieldsOf(third)["f:data"]);
    assert.ok(Object.isFrozen(fieldsOf(unfrozen)["f:data"]));
    assert.ok(!Object.isFrozen(fieldsOf(unfrozen)["f:metadata"]));
  });

  void it("keeps the field-set table bounded: unique nodes come and go, repeated ones stay shared", () => {
    for (let i = 0; i < 20_000; i++) {
      const o = child(i);
      // Each node twice (two children of one parent), as a K=2 operator writes them.
      o.metadata.managedFields![0]!.fieldsV1 = { "f:metadata": { [`k:{"uid":"u-${i >> 1}"}`]: {} } };
      compactObject(o, { keepFieldManager: "intern-op" });
      assert.ok(internedFieldNodeCount() <= 4096);
    }
    const a = child(1);
    const b = child(2);
    for (const o of [a, b]) o.metadata.managedFields![0]!.fieldsV1 = { "f:data": { "f:late": {} } };
    const late = [a, b].map((o) => compactObject(o, { keepFieldManager: "intern-op" }));
    const c = child(3);
    c.metadata.managedFields![0]!.fieldsV1 = { "f:data": { "f:late": {} } };
    const third = compactObject(c, { keepFieldManager: "intern-op" });
    assert.equal(
      (third.metadata.managedFields![0]!.fieldsV1 as Record<string, object>)["f:data"],
      (late[1]!.metadata.managedFields![0]!.fieldsV1 as Record<string, object>)["f:data"],
      "a shape first seen after the table filled is still shared",
    );
  });
});
