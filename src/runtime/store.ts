/**
 * The cache of one resource type: objects by namespace/name, generic secondary indexes, and the "has synced"
 * signal. One copy per object: indexes hold keys, and readers get the stored (frozen) object itself.
 *
 * Writes come from the reflector only (`upsert`, `remove`, `replaceAll`); they return what changed so the
 * reflector can emit events without a second lookup.
 */
import { TsOperatorError } from "../core/errors.js";
import { objectKey, type KubeObject, type ObjectId } from "../core/types.js";

/** Values under which an object is indexed. Return [] to leave it out of the index. */
export type IndexFunction<T extends KubeObject = KubeObject> = (obj: T) => readonly string[];

/**
 * What a write changed, in the watch protocol's words (ADDED, MODIFIED, DELETED: one vocabulary from the wire to
 * the handlers). `old` is the previous stored object; unchanged objects produce no event.
 */
export type StoreEvent<T extends KubeObject = KubeObject> =
  | { readonly type: "ADDED"; readonly object: T }
  | { readonly type: "MODIFIED"; readonly object: T; readonly old: T }
  | { readonly type: "DELETED"; readonly object: T };

/** The store key of an object: "namespace/name", or "name" for cluster-scoped objects. */
export function keyOf(obj: KubeObject): string {
  return objectKey({ namespace: obj.metadata.namespace, name: obj.metadata.name ?? "" });
}

/** Index: uid of the controller ownerReference (the parent that owns this child). */
export function controllerUidIndex(obj: KubeObject): string[] {
  const owners = obj.metadata.ownerReferences;
  if (!owners) return [];
  for (const ref of owners) if (ref.controller) return [ref.uid];
  return [];
}

/** Index: value of one label (e.g. the tracking label holding the parent's uid). */
export function labelIndex(label: string): IndexFunction {
  return (obj) => {
    const value = obj.metadata.labels?.[label];
    return value === undefined ? [] : [value];
  };
}

/**
 * Index of children by parent uid, from the controller ownerReference and the tracking label together, so a child
 * is found even while one of the two is missing (e.g. a label stripped by another tool, or an orphaned child).
 */
export function parentUidIndex(trackingLabel: string): IndexFunction {
  const byLabel = labelIndex(trackingLabel);
  return (obj) => {
    const fromOwner = controllerUidIndex(obj);
    const fromLabel = byLabel(obj);
    if (fromLabel.length === 0) return fromOwner;
    if (fromOwner.length === 0 || fromOwner[0] === fromLabel[0]) return fromLabel;
    return [...fromOwner, ...fromLabel];
  };
}

interface Index<T extends KubeObject> {
  fn: IndexFunction<T>;
  values: Map<string, Set<string>>;
}

export class Store<T extends KubeObject = KubeObject> {
  #items = new Map<string, T>();
  readonly #indexes = new Map<string, Index<T>>();
  #resourceVersion: string | undefined;
  #hasSynced = false;
  #resolveSynced!: () => void;
  /** Resolves once the first full LIST has been stored. Never rejects. */
  readonly synced: Promise<void> = new Promise((resolve) => (this.#resolveSynced = resolve));

  /** True once the first full LIST has been stored. */
  get hasSynced(): boolean {
    return this.#hasSynced;
  }

  /** The resourceVersion the store reflects (last LIST, event or bookmark). */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  get size(): number {
    return this.#items.size;
  }

  get(id: ObjectId | string): T | undefined {
    return this.#items.get(typeof id === "string" ? id : objectKey(id));
  }

  has(id: ObjectId | string): boolean {
    return this.#items.has(typeof id === "string" ? id : objectKey(id));
  }

  keys(): IterableIterator<string> {
    return this.#items.keys();
  }

  values(): IterableIterator<T> {
    return this.#items.values();
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.#items.values();
  }

  /** Every object (a new array each call, the objects themselves are shared). */
  list(): T[] {
    return [...this.#items.values()];
  }

  /**
   * Registers an index, building it from the current content. Registering the same function under the same name
   * again is a no-op (consumers sharing an informer may each declare what they need); a different one throws.
   */
  addIndex(name: string, fn: IndexFunction<T>): void {
    const existing = this.#indexes.get(name);
    if (existing) {
      if (existing.fn === fn) return;
      throw new TsOperatorError(
        "TSOP_USAGE",
        `index ${JSON.stringify(name)} is already registered with another function`,
      );
    }
    const index: Index<T> = { fn, values: new Map() };
    for (const [key, obj] of this.#items) addToIndex(index, key, obj);
    this.#indexes.set(name, index);
  }

  hasIndex(name: string): boolean {
    return this.#indexes.has(name);
  }

  /** Objects whose index function returned `value`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.#index(name).values.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const key of keys) {
      const obj = this.#items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Store keys whose index function returned `value`. */
  indexKeys(name: string, value: string): string[] {
    const keys = this.#index(name).values.get(value);
    return keys ? [...keys] : [];
  }

  /** The distinct values of an index. */
  indexValues(name: string): string[] {
    return [...this.#index(name).values.keys()];
  }

  // ---- writes (reflector) ----

  /** Stores an added or modified object. */
  upsert(obj: T): StoreEvent<T> {
    const key = keyOf(obj);
    const old = this.#items.get(key);
    this.#items.set(key, obj);
    for (const index of this.#indexes.values()) {
      if (old) removeFromIndex(index, key, old);
      addToIndex(index, key, obj);
    }
    return old ? { type: "MODIFIED", object: obj, old } : { type: "ADDED", object: obj };
  }

  /**
   * Removes an object. `obj` is its final state (as the DELETED event carries it); returns undefined if absent.
   * A stored object with another uid is a newer instance under the same name (recorded from our own write
   * before the watch delivered the old one's deletion): it stays.
   */
  remove(obj: T): StoreEvent<T> | undefined {
    const key = keyOf(obj);
    const old = this.#items.get(key);
    if (!old) return undefined;
    if (obj.metadata.uid && old.metadata.uid && obj.metadata.uid !== old.metadata.uid) return undefined;
    this.#items.delete(key);
    for (const index of this.#indexes.values()) removeFromIndex(index, key, old);
    return { type: "DELETED", object: obj };
  }

  /** Records how far the store is in the resource's history (events and bookmarks). */
  setResourceVersion(resourceVersion: string | undefined): void {
    if (resourceVersion) this.#resourceVersion = resourceVersion;
  }

  /**
   * Replaces the whole content with a LIST result, in one synchronous step (readers never see a half-replaced
   * store), and returns the difference: added, updated (resourceVersion changed) and deleted objects. An object
   * whose resourceVersion did not change keeps its stored identity and produces no event.
   */
  replaceAll(objects: Iterable<T>, resourceVersion: string | undefined): StoreEvent<T>[] {
    const previous = this.#items;
    const next = new Map<string, T>();
    const events: StoreEvent<T>[] = [];
    for (const obj of objects) {
      const key = keyOf(obj);
      const old = previous.get(key);
      if (!old) {
        next.set(key, obj);
        events.push({ type: "ADDED", object: obj });
      } else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        next.set(key, obj);
        events.push({ type: "MODIFIED", object: obj, old });
      } else {
        next.set(key, old);
      }
    }
    for (const [key, old] of previous) if (!next.has(key)) events.push({ type: "DELETED", object: old });
    this.#items = next;
    if (events.length > 0) {
      for (const index of this.#indexes.values()) {
        index.values.clear();
        for (const [key, obj] of next) addToIndex(index, key, obj);
      }
    }
    this.#resourceVersion = resourceVersion ?? this.#resourceVersion;
    if (!this.#hasSynced) {
      this.#hasSynced = true;
      this.#resolveSynced();
    }
    return events;
  }

  #index(name: string): Index<T> {
    const index = this.#indexes.get(name);
    if (!index) throw new TsOperatorError("TSOP_USAGE", `no index named ${JSON.stringify(name)}`);
    return index;
  }
}

function addToIndex<T extends KubeObject>(index: Index<T>, key: string, obj: T): void {
  for (const value of index.fn(obj)) {
    let keys = index.values.get(value);
    if (!keys) index.values.set(value, (keys = new Set()));
    keys.add(key);
  }
}

function removeFromIndex<T extends KubeObject>(index: Index<T>, key: string, obj: T): void {
  for (const value of index.fn(obj)) {
    const keys = index.values.get(value);
    if (!keys) continue;
    keys.delete(key);
    if (keys.size === 0) index.values.delete(value);
  }
}
