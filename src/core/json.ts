/**
 * Canonical JSON: a key-order-independent serialisation of JSON values, the hash the engine stamps on desired
 * objects, and deep equality. Pure and shared by every layer that compares objects.
 */
import { createHash } from "node:crypto";

/** A stable hash of a JSON value: key order does not matter, array order does. */
export function hashOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("base64url").slice(0, 22);
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

/** Deep equality of JSON values (undefined members ignored, as JSON would). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
