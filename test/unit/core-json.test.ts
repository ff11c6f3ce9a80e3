import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalJson, hashOf, jsonEqual } from "../../src/core/json.js";

describe("canonical JSON", () => {
  it("sorts keys at every level, keeps array order, drops undefined members like JSON does", () => {
    const value = {
      b: [3, { z: 1, a: undefined, m: null }, undefined],
      a: { y: "x", c: true },
      u: undefined,
    };
    assert.equal(canonicalJson(value), '{"a":{"c":true,"y":"x"},"b":[3,{"m":null,"z":1},null]}');
    assert.equal(canonicalJson({}), "{}");
    assert.equal(canonicalJson([]), "[]");
    assert.equal(canonicalJson({ 'we"ird': "\n" }), '{"we\\"ird":"\\n"}');
    assert.equal(canonicalJson(undefined), "null");
  });

  it("is what JSON.stringify gives for the same object with sorted keys", () => {
    const obj = {
      metadata: { name: "a", labels: { b: "1", a: "2" } },
      data: { k: "v" },
      list: [{ n: 1 }, "s", 2.5],
    };
    const sorted = {
      data: { k: "v" },
      list: [{ n: 1 }, "s", 2.5],
      metadata: { labels: { a: "2", b: "1" }, name: "a" },
    };
    assert.equal(canonicalJson(obj), JSON.stringify(sorted));
    assert.ok(jsonEqual(obj, sorted));
    assert.equal(hashOf(obj), hashOf(sorted));
    assert.notEqual(hashOf({ list: [1, 2] }), hashOf({ list: [2, 1] }));
  });
});
