/**
 * Canonical JSON: a key-order-independent serialisation of JSON values, the hash the engine stamps on desired
 * objects, and deep equality. Pure and shared by every layer that compares objects.
 */
import { createHash } from "node:crypto";

/** A stable hash of a JSON value: key order does not matter, array order does. */
export function hashOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("base64url").slice(0, 22);
}

/**
 * One pass appending to a string, without the intermediate arrays of map/filter/join: it runs on every desired
 * child and status of every sync.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = "{";
  for (const key of keys) {
    const member = obj[key];
    if (member === undefined) continue;
    out += `${out.length === 1 ? "" : ","}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

/** Deep equality of JSON values (undefined members ignored, as JSON would). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
