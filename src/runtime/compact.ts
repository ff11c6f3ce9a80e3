/**
 * Makes a freshly decoded object fit for the cache: drops `managedFields` (often the largest part of an object,
 * and useless to an operator except for its own field manager's entry), shares the strings many objects repeat
 * (intern.ts), and freezes the result so the one stored copy can be handed to every consumer without defensive
 * copies.
 */
import type { KubeObject } from "../core/types.js";
import { deepFreeze } from "../core/freeze.js";
import { internObject } from "./intern.js";

export interface CompactOptions {
  /**
   * Keep the managedFields entries of this field manager (e.g. the operator's SSA manager, to know which fields
   * it owns), or of each of these (operators sharing a cache). Every other entry is dropped. Default: drop all.
   */
  keepFieldManager?: string | readonly string[] | undefined;
  /** Deep-freeze the object. Default true: consumers share the stored object, so it must not be mutated. */
  freeze?: boolean | undefined;
}

/**
 * Compacts `obj` in place (it must be a fresh object the caller owns, e.g. just parsed) and returns it.
 * metadata is rebuilt rather than `delete`d from, so V8 keeps it in fast (non-dictionary) mode.
 */
export function compactObject<T extends KubeObject>(obj: T, options: CompactOptions = {}): T {
  const meta = obj.metadata as KubeObject["metadata"] | undefined;
  const managedFields = meta?.managedFields;
  if (meta !== undefined && managedFields !== undefined) {
    const keep = options.keepFieldManager;
    const kept =
      keep === undefined
        ? []
        : managedFields.filter((entry) =>
            typeof keep === "string" ? entry.manager === keep : keep.includes(entry.manager ?? ""),
          );
    // Every entry kept (the usual child, written by the operator alone): nothing to drop, and rebuilding metadata
    // with two object spreads was a measurable share of a large LIST's client CPU.
    if (kept.length !== managedFields.length || kept.length === 0) {
      const { managedFields: _dropped, ...rest } = meta;
      obj.metadata = kept.length > 0 ? { ...rest, managedFields: kept } : rest;
    }
  }
  internObject(obj);
  if (options.freeze !== false) deepFreeze(obj);
  return obj;
}
