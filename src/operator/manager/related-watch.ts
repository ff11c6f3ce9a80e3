/**
 * One related type of one operator: subscribes to the (shared) informer of the type and keeps the relation
 * between parents and related objects, so an event on a related object queues exactly the parents related to
 * it, and a parent's request shows its related objects. The relation is a two-way index of keys ("ns/name"):
 * for references it is parent -> related objects, updated on every parent event; for a mapping it is related
 * object -> parents, updated on every related event. Entries go with their object, so memory follows the cache.
 */
import { objectKey, type K8sType, type KubeObject } from "../../core/types.js";
import type { Logger } from "../../core/logger.js";
import type { SharedInformer } from "../../runtime/informer-factory.js";
import { keyOf, type StoreEvent } from "../../runtime/store.js";
import { refsToIds, type ObjectRefs, type RelatedConfig } from "../api/related-config.js";

/** A many-to-many relation between left and right keys, readable both ways. */
class Relation {
  readonly #rights = new Map<string, Set<string>>();
  readonly #lefts = new Map<string, Set<string>>();

  /** Replaces the rights of `left`. */
  set(left: string, rights: ReadonlySet<string>): void {
    this.delete(left);
    if (rights.size === 0) return;
    this.#rights.set(left, new Set(rights));
    for (const right of rights) {
      let lefts = this.#lefts.get(right);
      if (!lefts) this.#lefts.set(right, (lefts = new Set()));
      lefts.add(left);
    }
  }

  delete(left: string): void {
    const rights = this.#rights.get(left);
    if (!rights) return;
    this.#rights.delete(left);
    for (const right of rights) {
      const lefts = this.#lefts.get(right);
      lefts?.delete(left);
      if (lefts?.size === 0) this.#lefts.delete(right);
    }
  }

  deleteRight(right: string): void {
    for (const left of [...(this.#lefts.get(right) ?? [])]) {
      const rights = new Set(this.#rights.get(left));
      rights.delete(right);
      this.set(left, rights);
    }
  }

  rightsOf(left: string): ReadonlySet<string> {
    return this.#rights.get(left) ?? EMPTY;
  }
  leftsOf(right: string): ReadonlySet<string> {
    return this.#lefts.get(right) ?? EMPTY;
  }
  get size(): number {
    return this.#rights.size + this.#lefts.size;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

export interface RelatedWatchOptions {
  readonly type: K8sType;
  readonly config: RelatedConfig;
  readonly informer: SharedInformer;
  readonly relatedNamespaced: boolean;
  readonly parentNamespaced: boolean;
  /** Queues a parent by key. */
  readonly enqueue: (parentKey: string) => void;
  readonly logger: Logger;
}

export class RelatedWatch {
  readonly type: K8sType;
  readonly informer: SharedInformer;
  readonly #options: RelatedWatchOptions;
  /** References: parent -> related keys. Mapping: related -> parent keys. */
  readonly #relation = new Relation();
  #unsubscribe: (() => void) | undefined;

  constructor(options: RelatedWatchOptions) {
    this.type = options.type;
    this.informer = options.informer;
    this.#options = options;
  }

  get #byReference(): boolean {
    return this.#options.config.references !== undefined;
  }

  /**
   * Starts following the related type's events. The objects already cached are replayed: a shared informer may
   * have been started by another operator, and a mapping must see every object to know its parents.
   */
  subscribe(): void {
    this.#unsubscribe ??= this.informer.subscribe((event) => this.#onRelatedEvent(event));
  }

  unsubscribe(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** A parent was added or changed: its references may have changed. */
  parentChanged(parent: KubeObject): void {
    const references = this.#options.config.references;
    if (!references) return;
    const defaultNamespace = this.#options.relatedNamespaced ? parent.metadata.namespace : undefined;
    const refs = this.#call("references", () => references(parent), parent);
    this.#relation.set(
      keyOf(parent),
      this.#keys(refsToIds(refs, defaultNamespace), this.#options.relatedNamespaced),
    );
  }

  parentDeleted(parent: KubeObject): void {
    const key = keyOf(parent);
    if (this.#byReference) this.#relation.delete(key);
    else this.#relation.deleteRight(key);
  }

  /** The cached objects related to a parent. */
  relatedTo(parentKey: string): KubeObject[] {
    const keys = this.#byReference ? this.#relation.rightsOf(parentKey) : this.#relation.leftsOf(parentKey);
    const out: KubeObject[] = [];
    for (const key of keys) {
      const obj = this.informer.store.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Any cached object of the type. */
  find(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.informer.store.get(
      objectKey({ namespace: this.#options.relatedNamespaced ? namespace : undefined, name }),
    );
  }

  /** Entries in the relation (for memory tests). */
  get size(): number {
    return this.#relation.size;
  }

  #onRelatedEvent(event: StoreEvent): void {
    const key = keyOf(event.object);
    if (this.#byReference) {
      for (const parent of this.#relation.leftsOf(key)) this.#options.enqueue(parent);
      return;
    }
    // Mapping: the parents it concerned before and the ones it concerns now (a label change moves it).
    const before = this.#relation.rightsOf(key);
    const now = event.type === "DELETED" ? EMPTY : this.#mapped(event.object);
    for (const parent of new Set([...before, ...now])) this.#options.enqueue(parent);
    if (event.type === "DELETED") this.#relation.delete(key);
    else this.#relation.set(key, now);
  }

  #mapped(obj: KubeObject): ReadonlySet<string> {
    const parentsOf = this.#options.config.parentsOf;
    if (!parentsOf) return EMPTY;
    const defaultNamespace = this.#options.parentNamespaced ? obj.metadata.namespace : undefined;
    const refs = this.#call("parentsOf", () => parentsOf(obj), obj);
    return this.#keys(refsToIds(refs, defaultNamespace), this.#options.parentNamespaced);
  }

  #keys(ids: ReturnType<typeof refsToIds>, namespaced: boolean): Set<string> {
    return new Set(
      ids.map((id) => objectKey({ namespace: namespaced ? id.namespace : undefined, name: id.name })),
    );
  }

  /** A user function that throws relates nothing (logged): it must not stop the informer's other consumers. */
  #call(what: string, fn: () => ObjectRefs, about: KubeObject): ObjectRefs {
    try {
      return fn();
    } catch (error) {
      this.#options.logger.warn(
        { relatedType: this.type.kind, function: what, object: keyOf(about), err: String(error) },
        "related-object function threw; treated as relating nothing",
      );
      return undefined;
    }
  }
}
