/**
 * Canonical JSON: a key-order-independent serialisation of JSON values, the hash the engine stamps on desired
 * objects, deep equality, and the copy the engine takes of a handler's answer. Pure and shared by every layer
 * that compares objects. Every function here sees a value the way `JSON.stringify` (and so the API server) does:
 * `toJSON` is honoured and `undefined` members do not exist, so what is hashed or compared is what is sent.
 */
import { hash } from "node:crypto";

/** A stable hash of a JSON value: key order does not matter, array order does. */
export function hashOf(value: unknown): string {
  return hashOfCanonical(canonicalJson(value));
}

/** hashOf for a value already in canonical form (canonicalJson's output). */
export function hashOfCanonical(canonical: string): string {
  // The one-shot hash: a createHash object per call cost more than the digest of these short strings.
  return hash("sha256", canonical, "base64url").slice(0, 22);
}

/**
 * One pass appending to a string, without the intermediate arrays of map/filter/join: it runs on every desired
 * child and status of every sync.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, "") ?? "null";
}

/** undefined where JSON.stringify leaves the member out (undefined, functions, symbols). */
function canonical(value: unknown, key: string): string | undefined {
  value = asJsonSees(value, key);
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++)
      out += (i === 0 ? "" : ",") + (canonical(value[i], String(i)) ?? "null");
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = "{";
  for (const k of keys) {
    const member = canonical(obj[k], k);
    if (member === undefined) continue;
    out += `${out.length === 1 ? "" : ","}${JSON.stringify(k)}:${member}`;
  }
  return `${out}}`;
}

interface ToJson {
  toJSON(key: string): unknown;
}

/** The value JSON.stringify serialises in place of `value` (a Date's ISO string...): its toJSON(key), if any. */
function asJsonSees(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && typeof (value as ToJson).toJSON === "function"
    ? (value as ToJson).toJSON(key)
    : value;
}

/** Deep equality of JSON values (undefined members ignored, as JSON would). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** What `jsonCopy` refuses: `path` names the value ("metadata.labels.app"), `message` what it is. */
export class NotJsonError extends Error {
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`${path || "the value"} is ${what}, which JSON cannot carry`);
  }
}

/**
 * A deep copy of a JSON value as the server would receive it: `toJSON` applied (a Date becomes its ISO string),
 * `undefined`, function and symbol members left out. Values JSON.stringify would silently turn into something
 * else, or fail on, throw NotJsonError instead: NaN and Infinity (sent as null), Map and Set (sent as {}),
 * BigInt. A handler's answer goes through it once per sync (structuredClone cost ten times as much).
 */
export function jsonCopy<T>(value: T, path = ""): T {
  return copy(value, path, "") as T;
}

function copy(value: unknown, path: string, key: string): unknown {
  value = asJsonSees(value, key);
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new NotJsonError(path, String(value));
      return value;
    case "bigint":
      throw new NotJsonError(path, "a BigInt");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      // JSON writes null for a hole it cannot carry in an array.
      out[i] = copy(value[i], `${path}[${i}]`, String(i)) ?? null;
    }
    return out;
  }
  if (value instanceof Map || value instanceof Set) {
    throw new NotJsonError(path, `a ${value instanceof Map ? "Map" : "Set"}`);
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value as object)) {
    const member = copy((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k, k);
    if (member !== undefined) out[k] = member;
  }
  return out;
}
