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
});
