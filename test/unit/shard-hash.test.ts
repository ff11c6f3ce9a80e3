import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import {
  bucketOf,
  bucketOfHash,
  bucketStart,
  fnv1a64,
  hexBound,
  shardSelectorFor,
} from "../../src/core/shard-hash.js";

void describe("shard hash (the API server's FNV-1a 64 and hex ranges)", () => {
  it("matches Go's hash/fnv New64a", () => {
    // Computed with Go 1.x: fnv.New64a().Write([]byte(s)); Sum64().
    const vectors: Array<[string, string]> = [
      ["", "cbf29ce484222325"],
      ["a", "af63dc4c8601ec8c"],
      ["test-uid-123", "d0ba679834556c0b"],
      ["default", "ebada5168620c5fe"],
      ["6f1c2a7e-3b9d-4c1e-9a2f-0d5e8b7c4a11", "1da66d559b9474c2"],
      ["héllo", "a35ff71f960240e0"],
    ];
    for (const [input, hex] of vectors) assert.equal(fnv1a64(input).toString(16).padStart(16, "0"), hex, input);
  });

  it("bucket ranges tile the space and bucketOf agrees with them", () => {
    for (const buckets of [1, 3, 7, 16, 100]) {
      assert.equal(bucketStart(0, buckets), 0n);
      assert.equal(bucketStart(buckets, buckets), 1n << 64n);
      for (let i = 0; i < buckets; i++) {
        const start = bucketStart(i, buckets);
        const end = bucketStart(i + 1, buckets);
        assert.ok(start < end);
        assert.equal(bucketOfHash(start, buckets), i, `start of ${i}/${buckets}`);
        assert.equal(bucketOfHash(end - 1n, buckets), i, `end of ${i}/${buckets}`);
      }
    }
    assert.equal(bucketOf("a", 2), 1); // 0xaf.. is in the upper half
    assert.equal(bucketOf("6f1c2a7e-3b9d-4c1e-9a2f-0d5e8b7c4a11", 2), 0);
  });

  it("formats bounds as the server's parser demands (16 lowercase digits, or 2^64)", () => {
    assert.equal(hexBound(0n), "0x0000000000000000");
    assert.equal(hexBound(0xabcn), "0x0000000000000abc");
    assert.equal(hexBound(1n << 64n), "0x10000000000000000");
  });

  it("merges adjacent buckets into one range and joins the rest with ||", () => {
    assert.equal(
      shardSelectorFor("uid", [3, 0, 1], 4),
      "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') || " +
        "shardRange(object.metadata.uid, '0xc000000000000000', '0x10000000000000000')",
    );
    assert.equal(
      shardSelectorFor("namespace", [1], 2),
      "shardRange(object.metadata.namespace, '0x8000000000000000', '0x10000000000000000')",
    );
    assert.equal(shardSelectorFor("uid", [], 4), undefined);
    assert.throws(() => shardSelectorFor("uid", [4], 4), /outside/);
    assert.throws(() => shardSelectorFor("uid", [0], 0), /buckets/);
  });
});
