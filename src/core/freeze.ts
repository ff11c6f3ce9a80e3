/**
 * Deep freezing of plain JSON values: the cache hands one stored copy of an object to every consumer, so that
 * copy (and any value shared between objects) must not be mutable.
 */

/** Freezes an object graph of plain JSON values. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) freezeGraph(value);
  return value;
}

// Recurses only into members that are unfrozen objects: most members are strings, and a call per string was a
// measurable share of compacting every write's answer.
function freezeGraph(value: object): void {
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null && !Object.isFrozen(item)) freezeGraph(item);
    }
  } else {
    for (const key in value) {
      const member: unknown = (value as Record<string, unknown>)[key];
      if (typeof member === "object" && member !== null && !Object.isFrozen(member)) freezeGraph(member);
    }
  }
}
