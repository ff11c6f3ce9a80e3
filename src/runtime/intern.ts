/**
 * One copy of the values that thousands of cached objects repeat. JSON.parse gives every object its own copy of
 * each value: "apps/v1", "Deployment", the namespace, the field manager's name, "Apply", "FieldsV1", a
 * condition's reason. In the bench peer's cache (1000 parents, 1000 ConfigMaps) such repeats were 0.7 MB of the
 * 3.6 MB of strings. The table is bounded: only short values, at most MAX_ENTRIES of them, never evicted, so a
 * field with unexpectedly many distinct values costs a fixed amount and nothing per object.
 *
 * The managedFields entry the cache keeps (the operator's own) has a field set (`fieldsV1`) of a dozen or more
 * nested objects per object, most of them empty leaves; each survived into the old generation, copied by every
 * young-generation GC on the way. The leaves are one shared frozen `{}`. Sharing whole subtrees (hash-consing)
 * saved more memory (1,185 vs 1,380 B per cached ConfigMap, 1,898 before) but cost more CPU than the GC it saved:
 * a restart at N=5000 K=4 used 2.67 s of CPU against 2.40 s for shared leaves (bench/restart-time.ts, paired).
 */
import type { KubeObject } from "../core/types.js";

const MAX_ENTRIES = 4096;
/** Longer values are rarely shared (messages, hashes) and would only fill the table. */
const MAX_LENGTH = 64;

const table = new Map<string, string>();

/** The shared copy of `value` (itself the first time), or `value` when it is long or the table is full. */
export function intern<T extends string | undefined>(value: T): T {
  if (value === undefined || value.length > MAX_LENGTH) return value;
  const shared = table.get(value);
  if (shared !== undefined) return shared as T;
  if (table.size < MAX_ENTRIES) table.set(value, value);
  return value;
}

/** Entries in the table (tests). */
export function internedCount(): number {
  return table.size;
}

/** The one frozen `{}`: most nodes of a field set are such leaves (a field, `.`, a list item's key). */
const EMPTY_NODE: object = Object.freeze({});

/**
 * Replaces, in a fresh (caller-owned) fieldsV1 tree, every empty leaf by the shared frozen `{}` and freezes the
 * inner nodes on the way (the cache freezes them anyway, and this walk is the cheaper one).
 */
function shareLeaves(tree: Record<string, unknown>): void {
  for (const member in tree) {
    const value = tree[member];
    if (typeof value !== "object" || value === null || Object.isFrozen(value)) continue;
    let leaf = true;
    for (const _ in value) {
      leaf = false;
      break;
    }
    if (leaf) tree[member] = EMPTY_NODE;
    else shareLeaves(value as Record<string, unknown>);
  }
  Object.freeze(tree);
}

/** Shares the empty leaves of a managedFields entry's `fieldsV1`, in place (anything but a fresh tree is left). */
function internFieldSet(tree: unknown): void {
  if (typeof tree === "object" && tree !== null && !Array.isArray(tree) && !Object.isFrozen(tree)) {
    shareLeaves(tree as Record<string, unknown>);
  }
}

interface ConditionLike {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
}

function internKey(record: Record<string, unknown>, key: string): void {
  const value = record[key];
  // Always written back (=== cannot tell two copies of a string apart; the property exists already, so the object
  // keeps its shape), except into a frozen record: compacting an object twice must stay harmless.
  if (typeof value === "string" && !Object.isFrozen(record)) record[key] = intern(value);
}

/**
 * Replaces, in place, the low-cardinality strings of a freshly decoded object (which the caller owns and has not
 * frozen) by their shared copies: equal values, so nothing a reader can observe changes.
 */
export function internObject(obj: KubeObject): void {
  internKey(obj, "apiVersion");
  internKey(obj, "kind");
  const meta = obj.metadata as KubeObject["metadata"] | undefined;
  if (meta === undefined) return;
  internKey(meta as Record<string, unknown>, "namespace");
  for (const ref of meta.ownerReferences ?? []) {
    internKey(ref as unknown as Record<string, unknown>, "apiVersion");
    internKey(ref as unknown as Record<string, unknown>, "kind");
  }
  for (const entry of meta.managedFields ?? []) {
    const record = entry as Record<string, unknown>;
    internKey(record, "manager");
    internKey(record, "operation");
    internKey(record, "apiVersion");
    internKey(record, "fieldsType");
    internKey(record, "subresource");
    internFieldSet(record.fieldsV1);
  }
  const conditions = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  if (Array.isArray(conditions)) {
    for (const condition of conditions as ConditionLike[]) {
      if (typeof condition !== "object" || condition === null) continue;
      const record = condition as Record<string, unknown>;
      internKey(record, "type");
      internKey(record, "status");
      internKey(record, "reason");
      internKey(record, "message");
    }
  }
}
