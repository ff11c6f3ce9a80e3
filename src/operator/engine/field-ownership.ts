/**
 * Does our field manager still own every field of the desired object? Answered from the object itself (our
 * `managedFields` entry, which the cache keeps), so drift made by another writer, even while the operator was
 * down, is visible after a restart with no memory of the process and no request.
 *
 * Only paths are compared, never values: the server normalises values (quantities, defaults), and comparing
 * them is what makes other frameworks loop. Any write by another manager to a field we set moves that field out
 * of our set, so a missing path means drift.
 */
import type { KubeObject, ManagedFieldsEntry } from "../../core/types.js";

/** A fieldsV1 node: `{"f:spec": {"f:replicas": {}}, "k:{\"name\":\"c\"}": {...}, "v:\"x\"": {}, ".": {}}`. */
type FieldSet = Readonly<Record<string, unknown>>;

/** Top-level members that identify an object rather than being fields of it (never in fieldsV1). */
const IDENTITY = new Set(["apiVersion", "kind"]);
const IDENTITY_METADATA = new Set(["name", "namespace"]);

/** Our field manager's entries on the main resource (not `/status`), any operation. */
export function entriesOf(obj: KubeObject, manager: string): ManagedFieldsEntry[] {
  return (obj.metadata.managedFields ?? []).filter(
    (e) => e.manager === manager && !e.subresource && e.fieldsType === "FieldsV1",
  );
}

/**
 * True when `manager` owns every field path of `desired` on `existing`. False when it has no entry, or when any
 * path is missing (another writer took it, removed it, or it was never ours).
 */
export function ownsAllFields(existing: KubeObject, desired: KubeObject, manager: string): boolean {
  const sets = entriesOf(existing, manager)
    .map((e) => e.fieldsV1)
    .filter((f): f is FieldSet => isRecord(f));
  if (sets.length === 0) return false;
  for (const [key, value] of Object.entries(asStored(desired))) {
    if (IDENTITY.has(key) || value === undefined || value === null) continue;
    if (key === "metadata") {
      const meta = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).filter(([k]) => !IDENTITY_METADATA.has(k)),
      );
      if (Object.keys(meta).length > 0 && !ownedIn(sets, "metadata", meta)) return false;
      continue;
    }
    if (!ownedIn(sets, key, value)) return false;
  }
  return true;
}

/**
 * The desired object as the server records it. A v1 Secret's `stringData` is write-only: the server merges it
 * into `data` and our ownership is recorded there.
 */
function asStored(desired: KubeObject): KubeObject {
  const stringData = desired.stringData;
  if (desired.apiVersion !== "v1" || desired.kind !== "Secret" || !isRecord(stringData)) return desired;
  const { stringData: _written, ...rest } = desired;
  const data = isRecord(rest.data) ? rest.data : {};
  return { ...rest, data: { ...data, ...stringData } };
}

/** One of our entries owns member `key` with all of `value`'s paths (entries may split an object between them). */
function ownedIn(sets: readonly FieldSet[], key: string, value: unknown): boolean {
  const nodes = sets.map((s) => s[`f:${key}`]).filter(isRecord);
  if (nodes.length === 0) return false;
  return covers(nodes, value);
}

function covers(nodes: readonly FieldSet[], value: unknown): boolean {
  // A node with no children owns its value whole: a scalar, or an atomic struct, map or list (an owner
  // reference, for one, is listed by its key alone).
  if (nodes.some((n) => Object.keys(n).length === 0)) return true;
  if (Array.isArray(value)) return coversList(nodes, value);
  if (!isRecord(value)) return true;
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined || child === null) continue;
    if (!ownedIn(nodes, key, child)) return false;
  }
  return true;
}

/**
 * Lists: an atomic list is owned whole (its node has no children). A set (`v:<json>`) or a map keyed by some of
 * its items' fields (`k:{...}`) is owned item by item. A key names the item's key fields after defaulting, so a
 * key matches an item when every key field the item sets has the key's value (a defaulted `protocol` that the
 * desired item leaves out does not prevent the match).
 */
function coversList(nodes: readonly FieldSet[], items: readonly unknown[]): boolean {
  const granular = nodes.filter((n) =>
    Object.keys(n).some((k) => k.startsWith("k:") || k.startsWith("v:") || k.startsWith("i:")),
  );
  if (granular.length === 0) return true; // atomic: owned as a whole
  for (const item of items) {
    if (item === undefined || item === null) continue;
    if (isRecord(item)) {
      const matches: FieldSet[] = [];
      for (const node of granular) {
        for (const [k, child] of Object.entries(node)) {
          if (k.startsWith("k:") && isRecord(child) && keyMatches(k.slice(2), item)) matches.push(child);
        }
      }
      if (matches.length === 0 || !covers(matches, item)) return false;
    } else {
      const wanted = `v:${JSON.stringify(item)}`;
      if (!granular.some((n) => wanted in n)) return false;
    }
  }
  return true;
}

function keyMatches(encoded: string, item: Record<string, unknown>): boolean {
  let key: unknown;
  try {
    key = JSON.parse(encoded);
  } catch {
    return false;
  }
  if (!isRecord(key)) return false;
  let matchedOne = false;
  for (const [field, value] of Object.entries(key)) {
    const mine = item[field];
    if (mine === undefined) continue;
    if (JSON.stringify(mine) !== JSON.stringify(value)) return false;
    matchedOne = true;
  }
  return matchedOne;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
