import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NotJsonError, canonicalJson, hashOf, jsonCopy, jsonEqual } from "../../src/core/json.js";

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

  it("keeps the hash children already carry: an upgrade must not count every child as changed", () => {
    // The value the first release stamped (sha256 of the canonical JSON, base64url, 22 characters).
    const child = {
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: "web", labels: { a: "1" } },
      data: { k: "v" },
    };
    assert.equal(hashOf(child), "ZQza7sAng55Aa396f9shpy");
  });

  it("sees toJSON like JSON.stringify: two different dates are two different values", () => {
    const at = (iso: string) => ({ spec: { notBefore: new Date(iso) } });
    assert.equal(
      canonicalJson(at("2026-01-02T03:04:05.000Z")),
      '{"spec":{"notBefore":"2026-01-02T03:04:05.000Z"}}',
    );
    assert.notEqual(hashOf(at("2026-01-02T03:04:05.000Z")), hashOf(at("2026-01-03T03:04:05.000Z")));
    assert.ok(jsonEqual(at("2026-01-02T03:04:05.000Z"), { spec: { notBefore: "2026-01-02T03:04:05.000Z" } }));
    assert.equal(canonicalJson({ f: () => 1, s: Symbol("x"), list: [() => 1] }), '{"list":[null]}');
  });
});

describe("jsonCopy", () => {
  it("is a deep copy equal to what JSON.stringify sends", () => {
    class Model {
      kind = "ConfigMap";
      data = { k: "v" };
    }
    const value = {
      a: { b: [1, "x", null, true, { c: undefined, d: 2 }] },
      when: new Date("2026-01-02T03:04:05.000Z"),
      model: new Model(),
      skipped: undefined,
      fn: () => 1,
      holes: [undefined, () => 1],
    };
    const copy = jsonCopy(value);
    assert.deepEqual(copy, JSON.parse(JSON.stringify(value)));
    assert.notEqual(copy.a, value.a);
    assert.notEqual(copy.a.b[4], value.a.b[4]);
    (copy.a.b[4] as { d: number }).d = 3;
    assert.equal((value.a.b[4] as { d: number }).d, 2);
  });

  it("refuses what JSON would silently change or fail on, naming where it is", () => {
    const cases: [unknown, string, RegExp][] = [
      [{ spec: { replicas: Number.NaN } }, "spec.replicas", /NaN/],
      [{ spec: { ratio: Infinity } }, "spec.ratio", /Infinity/],
      [{ data: { m: new Map([["a", "1"]]) } }, "data.m", /a Map/],
      [{ spec: { items: [1, new Set([1])] } }, "spec.items[1]", /a Set/],
      [{ spec: { big: 1n } }, "spec.big", /a BigInt/],
    ];
    for (const [value, path, what] of cases) {
      assert.throws(
        () => jsonCopy(value),
        (error: unknown) => error instanceof NotJsonError && error.path === path && what.test(error.message),
      );
    }
  });
});
