/**
 * One copy of the values that thousands of cached objects repeat. JSON.parse gives every object its own copy of
 * each value: "apps/v1", "Deployment", the namespace, the field manager's name, "Apply", "FieldsV1", a
 * condition's reason. In the bench peer's cache (1000 parents, 1000 ConfigMaps) such repeats were 0.7 MB of the
 * 3.6 MB of strings. The same goes for the field sets of the managedFields entries the cache keeps (the
 * operator's own): the children a handler writes have field sets of the same shape, a dozen or more nested objects
 * per object that each object carried and every young-generation GC copied. The tables are bounded: only short
 * values, at most a fixed number of them, never evicted, so a field with unexpectedly many distinct values costs
 * a fixed amount and nothing per object.
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

/**
 * Field sets are shared node by node, bottom-up (hash-consing): every leaf is the one frozen `{}`, and a node
 * whose members are all shared nodes is identified by its keys and their nodes' ids. Subtrees repeat far more than
 * whole sets do: a child's set names its parent's uid (`k:{"uid":...}` under `f:ownerReferences`), so no two
 * parents' children have equal sets, but their `f:data` and `f:labels` nodes are equal.
 */
const MAX_NODES = 4096;
/** A node with more members than this is kept as it is (large, rarely repeated, costly to key). */
const MAX_NODE_KEY = 2048;
const EMPTY_NODE: object = Object.freeze({});
const nodes = new Map<string, SharedNode>();
/**
 * Keys of nodes seen once: a node is shared from its second sighting on, so the many nodes seen only once never
 * enter `nodes`. Both tables are cleared when full and start over: nodes already shared stay valid (they are
 * frozen), so a table holding the nodes of parents long gone costs a fixed amount and never stops new sharing.
 */
const candidates = new Set<string>();
let nextNodeId = 1;

interface SharedNode {
  readonly id: number;
  readonly node: object;
}

const EMPTY: SharedNode = { id: 0, node: EMPTY_NODE };

/** The shared copy of a fresh (unfrozen, caller-owned) fieldsV1 node, or undefined when it is not shared. */
function shareNode(tree: Record<string, unknown>): SharedNode | undefined {
  const members = Object.keys(tree);
  if (members.length === 0) return EMPTY;
  let key = "";
  let shareable = true;
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!;
    const value = tree[member];
    let shared: SharedNode | undefined;
    if (typeof value === "object" && value !== null && !Array.isArray(value) && !Object.isFrozen(value)) {
      shared = shareNode(value as Record<string, unknown>);
    }
    if (shared === undefined) {
      shareable = false;
      continue;
    }
    tree[member] = shared.node;
    if (!shareable) continue;
    key += `${member.length}:${member}=${shared.id};`;
    if (key.length > MAX_NODE_KEY) shareable = false;
  }
  if (!shareable) return undefined;
  const known = nodes.get(key);
  if (known !== undefined) return known;
  if (!candidates.has(key)) {
    if (candidates.size >= MAX_NODES) candidates.clear();
    candidates.add(key);
    return undefined;
  }
  candidates.delete(key);
  if (nodes.size >= MAX_NODES) nodes.clear();
  const shared: SharedNode = { id: nextNodeId++, node: Object.freeze(tree) };
  nodes.set(key, shared);
  return shared;
}

/** A managedFields entry's `fieldsV1` with its repeated nodes replaced by their shared copies. */
function internFieldSet(tree: unknown): unknown {
  if (typeof tree !== "object" || tree === null || Array.isArray(tree) || Object.isFrozen(tree)) return tree;
  return shareNode(tree as Record<string, unknown>)?.node ?? tree;
}

/** Nodes in the shared field-set table (tests). */
export function internedFieldNodeCount(): number {
  return nodes.size;
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
    if (record.fieldsV1 !== undefined && !Object.isFrozen(record))
      record.fieldsV1 = internFieldSet(record.fieldsV1);
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
