/**
 * The hash space that sharding splits: the API server's, so a replica's bucket and the server's `shardSelector`
 * always agree on which objects are whose. KEP-5866 (k8s.io/apimachinery/pkg/sharding) hashes the UTF-8 bytes of
 * `metadata.uid` or `metadata.namespace` with 64-bit FNV-1a and selects half-open ranges [start, end) of that
 * space written as 0x-prefixed lowercase hex of exactly 16 digits (the end of the space, 2^64, is
 * "0x10000000000000000"). The parser rejects any other spelling, so the ranges are formatted here, once.
 *
 * Buckets split the space into `buckets` contiguous ranges; bucket i is [ceil(i·2^64/B), ceil((i+1)·2^64/B)),
 * which makes `bucketOf(h) = floor(h·B / 2^64)` exact for every hash h.
 */
import { TsOperatorError } from "./errors.js";

/** What the hash is taken of: the parent's uid, or its namespace (a namespace's parents then share a bucket). */
export type ShardKey = "uid" | "namespace";

const SPACE = 1n << 64n;
const MASK = SPACE - 1n;
const OFFSET_BASIS = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const encoder = new TextEncoder();

/** 64-bit FNV-1a of the UTF-8 bytes of `value` (Go's hash/fnv New64a). */
export function fnv1a64(value: string): bigint {
  let hash = OFFSET_BASIS;
  for (const byte of encoder.encode(value)) {
    hash ^= BigInt(byte);
    hash = (hash * PRIME) & MASK;
  }
  return hash;
}

/** The bucket of a hash among `buckets`. */
export function bucketOfHash(hash: bigint, buckets: number): number {
  return Number((hash * BigInt(buckets)) >> 64n);
}

/** The bucket of a key value (a uid or a namespace name). */
export function bucketOf(value: string, buckets: number): number {
  return bucketOfHash(fnv1a64(value), buckets);
}

/** The bucket of an object (a parent) under `key`: its uid's, or its namespace's ("" when cluster-scoped). */
export function bucketOfObject(
  obj: { metadata: { uid?: string | undefined; namespace?: string | undefined } },
  key: ShardKey,
  buckets: number,
): number {
  return bucketOf((key === "uid" ? obj.metadata.uid : obj.metadata.namespace) ?? "", buckets);
}

/**
 * The label the engine puts on every child of a sharded operator: its parent's bucket, in decimal. A child's own
 * uid hashes elsewhere, so this label is how a replica's child cache follows its parents' buckets (a label
 * selector `in (...)`, which every API server evaluates, with or without ShardedListAndWatch).
 */
export const SHARD_BUCKET_LABEL = "tsoperator.io/shard-bucket";

/** The first hash of bucket `index` (inclusive); `index === buckets` gives 2^64, the end of the space. */
export function bucketStart(index: number, buckets: number): bigint {
  const scaled = BigInt(index) * SPACE;
  const b = BigInt(buckets);
  return (scaled + b - 1n) / b;
}

/** A hash bound as the API server's parser accepts it: 16 lowercase hex digits, or 2^64 spelled out. */
export function hexBound(value: bigint): string {
  return value >= SPACE ? "0x10000000000000000" : `0x${value.toString(16).padStart(16, "0")}`;
}

/** The object field the server hashes for a key. */
export function shardField(key: ShardKey): string {
  return key === "uid" ? "object.metadata.uid" : "object.metadata.namespace";
}

/**
 * The `shardSelector` selecting the given buckets: one `shardRange` per run of adjacent buckets, joined with
 * `||`. Undefined for no buckets (the server rejects an empty selector; the caller must not list at all).
 */
export function shardSelectorFor(key: ShardKey, held: Iterable<number>, buckets: number): string | undefined {
  checkBuckets(buckets);
  const sorted = [...new Set(held)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] ?? 0;
    if (!Number.isInteger(first) || first < 0 || first >= buckets) {
      throw new TsOperatorError("TSOP_CONFIG_INVALID", `bucket ${first} is outside 0..${buckets - 1}`);
    }
    let last = first;
    while (i + 1 < sorted.length && sorted[i + 1] === last + 1) last = sorted[++i] ?? last;
    i++;
    ranges.push(
      `shardRange(${shardField(key)}, '${hexBound(bucketStart(first, buckets))}', '${hexBound(bucketStart(last + 1, buckets))}')`,
    );
  }
  return ranges.length > 0 ? ranges.join(" || ") : undefined;
}

/** Bucket counts must be positive integers; more than 4096 Leases would cost more than they save. */
export function checkBuckets(buckets: number): void {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 4096) {
    throw new TsOperatorError(
      "TSOP_CONFIG_INVALID",
      `sharding: buckets must be an integer in 1..4096, got ${buckets}`,
    );
  }
}
