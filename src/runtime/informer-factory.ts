/**
 * Shared informers: one reflector and one store per (type, namespace, label selector) in the process, however
 * many controllers consume it. Consumers subscribe event handlers; they all receive the same stored (frozen)
 * objects, so adding a consumer costs no memory per object.
 *
 * A sharded informer (`scope.shard`) holds only the objects of some buckets and follows them as they change
 * (`reshard`): by the server's hash ranges (KEP-5866 `shardSelector`) or by a label carrying the bucket.
 */
import { TsOperatorError } from "../core/errors.js";
import type { K8sType, KubeObject } from "../core/types.js";
import { typeName } from "../core/types.js";
import type { ResourceApi } from "../client/resource-api.js";
import { bucketOfObject, shardSelectorFor, type ShardKey } from "../core/shard-hash.js";
import {
  Reflector,
  type ReflectorOptions,
  type ReflectorSelectors,
  type ReflectorStatus,
} from "./reflector.js";
import { Store, type StoreEvent } from "./store.js";

export type InformerHandler<T extends KubeObject = KubeObject> = (event: StoreEvent<T>) => void;

/** Where informers get their API from: `KubeClient` satisfies it. */
export interface ResourceApiProvider {
  resource<T extends KubeObject = KubeObject>(type: K8sType, namespace?: string): ResourceApi<T>;
}

export interface InformerScope {
  /** undefined = all namespaces. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Only the objects of these buckets (in addition to the selectors above). */
  shard?: ShardScope | undefined;
}

/** The buckets an informer holds, and how an object's bucket is known. */
export interface ShardScope {
  /**
   * The hash of the object's uid or namespace, selected on the server (needs ShardedListAndWatch), or a label
   * whose value is the bucket number, selected with `label in (...)` (any server).
   */
  by: ShardKey | { label: string };
  /** The number of buckets. */
  buckets: number;
  /** The buckets held; none: the informer lists nothing and holds nothing. */
  held: readonly number[];
}

export interface SubscribeOptions {
  /**
   * Deliver the objects already in the store as "ADDED" events first (default true), so a late subscriber sees
   * the same world as an early one.
   */
  replay?: boolean | undefined;
}

/** Reflector options an informer passes through (events and selectors are the informer's). */
export type SharedReflectorOptions = Omit<
  ReflectorOptions,
  "onEvent" | "inSelection" | keyof ReflectorSelectors
>;

export class SharedInformer<T extends KubeObject = KubeObject> {
  readonly type: K8sType;
  #scope: Readonly<InformerScope>;
  readonly store = new Store<T>();
  readonly reflector: Reflector<T>;
  readonly #handlers = new Set<InformerHandler<T>>();
  readonly #onHandlerError: ((error: unknown) => void) | undefined;
  #inScope: (obj: KubeObject) => boolean;

  constructor(api: ResourceApi<T>, scope: InformerScope, options: SharedReflectorOptions = {}) {
    this.type = api.type;
    this.#scope = Object.freeze({ ...scope });
    this.#inScope = scopeMatcher(this.#scope);
    this.#onHandlerError = options.onError ? (error) => options.onError?.(error, "handler") : undefined;
    this.reflector = new Reflector(api, this.store, {
      ...(options as ReflectorOptions<T>),
      ...selectorsOf(this.#scope),
      // The scope as it is now: a relist keeps the writes recorded while it ran only if they still belong.
      inSelection: (obj) => this.#inScope(obj),
      onEvent: (event) => this.#dispatch(event),
    });
  }

  get scope(): Readonly<InformerScope> {
    return this.#scope;
  }

  /**
   * A sharded informer now holds `held` (see ShardScope): its store is replaced by a LIST of those buckets,
   * objects of buckets no longer held are dropped (DELETED events). Resolves once that LIST is in the store.
   */
  reshard(held: readonly number[]): Promise<void> {
    const shard = this.#scope.shard;
    if (!shard)
      throw new TsOperatorError("TSOP_USAGE", `${typeName(this.type)}: the informer is not sharded`);
    this.#scope = Object.freeze({
      ...this.#scope,
      shard: { ...shard, held: [...held].sort((a, b) => a - b) },
    });
    // Narrowed first: a write recorded from now on must fall in the new selection.
    this.#inScope = scopeMatcher(this.#scope);
    return this.reflector.reselect(selectorsOf(this.#scope));
  }

  get hasSynced(): boolean {
    return this.store.hasSynced;
  }
  get synced(): Promise<void> {
    return this.store.synced;
  }
  get status(): ReflectorStatus {
    return this.reflector.status;
  }

  /** Adds an event handler; returns the function that removes it. */
  subscribe(handler: InformerHandler<T>, options: SubscribeOptions = {}): () => void {
    this.#handlers.add(handler);
    if (options.replay !== false) {
      for (const object of this.store.values()) this.#call(handler, { type: "ADDED", object });
    }
    return () => this.unsubscribe(handler);
  }

  unsubscribe(handler: InformerHandler<T>): void {
    this.#handlers.delete(handler);
  }

  get subscriberCount(): number {
    return this.#handlers.size;
  }

  start(): void {
    this.reflector.start();
  }

  /**
   * Stores an object this process just wrote, as the server returned it (the store takes it over: it is compacted
   * and frozen in place, no copy), so readers see their own writes before
   * the watch delivers them. Ignored when the store already holds that version or a newer one; no handler is
   * called (the writer knows), and the watch event for the same resourceVersion is then a no-op.
   *
   * An object outside this informer's scope (another namespace, labels its selector does not match, or a
   * selector we cannot evaluate here) is never stored: the watch would never update or remove it.
   *
   * Returns whether the cache holds this object (this uid) afterwards: false when it is out of scope or already
   * deleted, so a writer keeps no bookkeeping for an object that no deletion event will ever free.
   */
  recordWrite(obj: T): boolean {
    if (!this.#inScope(obj)) return false;
    return this.reflector.recordWrite(obj);
  }

  stop(): Promise<void> {
    return this.reflector.stop();
  }

  #dispatch(event: StoreEvent<T>): void {
    for (const handler of this.#handlers) this.#call(handler, event);
  }

  // One consumer's bug must not starve the others (nor stop the reflector).
  #call(handler: InformerHandler<T>, event: StoreEvent<T>): void {
    try {
      handler(event);
    } catch (error) {
      try {
        this.#onHandlerError?.(error);
      } catch {
        // ignore
      }
    }
  }
}

/**
 * Creates informers on demand and shares them: asking twice for the same type, namespace and selectors returns
 * the same informer.
 *
 * @example
 * const factory = new InformerFactory(client);
 * const pods = factory.informer(k8sTypes.core.v1.Pod, { namespace: "default" });
 * const off = pods.subscribe((event) => queue.add(parentKeyOf(event.object)));
 * factory.start();
 * await pods.synced;
 */
export class InformerFactory {
  readonly #provider: ResourceApiProvider;
  readonly #options: SharedReflectorOptions;
  readonly #informers = new Map<string, SharedInformer<KubeObject>>();
  #started = false;

  constructor(provider: ResourceApiProvider, options: SharedReflectorOptions = {}) {
    this.#provider = provider;
    this.#options = options;
  }

  static keyOf(type: K8sType, scope: InformerScope = {}): string {
    // A sharded informer changes its selection: never shared with one that wants the whole scope.
    const by = scope.shard?.by;
    const shard = by === undefined ? "" : `shard:${typeof by === "string" ? by : by.label}`;
    return [
      typeName(type),
      scope.namespace ?? "",
      scope.labelSelector ?? "",
      scope.fieldSelector ?? "",
      shard,
    ].join("|");
  }

  informer<T extends KubeObject = KubeObject>(type: K8sType, scope: InformerScope = {}): SharedInformer<T> {
    const key = InformerFactory.keyOf(type, scope);
    let informer = this.#informers.get(key);
    if (!informer) {
      const api = this.#provider.resource<KubeObject>(type, scope.namespace);
      informer = new SharedInformer<KubeObject>(api, scope, this.#options);
      this.#informers.set(key, informer);
      // Informers created after start() (a controller registered late) start right away.
      if (this.#started) informer.start();
    }
    return informer as unknown as SharedInformer<T>;
  }

  informers(): SharedInformer[] {
    return [...this.#informers.values()];
  }

  start(): void {
    this.#started = true;
    for (const informer of this.#informers.values()) informer.start();
  }

  /** Resolves when every informer created so far has synced. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.synced));
  }

  get hasSynced(): boolean {
    for (const informer of this.#informers.values()) if (!informer.hasSynced) return false;
    return true;
  }

  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
  }
}

/**
 * Whether `obj` belongs in an informer of `scope`: same namespace (when scoped) and matching an equality-based
 * label selector ("a=b,c!=d,e"). A field selector, or a set-based selector, counts as "not in scope": storing
 * an object the watch would not cover is worse than waiting for the watch.
 */
export function inScope(obj: KubeObject, scope: InformerScope): boolean {
  return scopeMatcher(scope)(obj);
}

type LabelTerm = (labels: Readonly<Record<string, string>>) => boolean;

/** `inScope` for one scope, its selector parsed once (a write is recorded on every sync: a hot path). */
export function scopeMatcher(scope: InformerScope): (obj: KubeObject) => boolean {
  const terms = labelTerms(scope.labelSelector?.trim() ?? "");
  if (scope.fieldSelector || terms === undefined) return () => false;
  const namespace = scope.namespace;
  const inShard = shardMatcher(scope.shard);
  return (obj) => {
    if (namespace && obj.metadata.namespace !== namespace) return false;
    const labels = obj.metadata.labels ?? {};
    return terms.every((term) => term(labels)) && inShard(obj);
  };
}

function shardMatcher(shard: ShardScope | undefined): (obj: KubeObject) => boolean {
  if (!shard) return () => true;
  const held = new Set(shard.held);
  const by = shard.by;
  if (typeof by === "string") return (obj) => held.has(bucketOfObject(obj, by, shard.buckets));
  // The label's exact spelling: the server's `in` compares strings ("07" is not bucket 7).
  const values = new Set(shard.held.map(String));
  return (obj) => values.has(obj.metadata.labels?.[by.label] ?? "");
}

/** What the reflector of `scope` lists and watches. */
function selectorsOf(scope: InformerScope): ReflectorSelectors {
  const { labelSelector, fieldSelector, shard } = scope;
  if (!shard) return { labelSelector, fieldSelector };
  if (shard.held.length === 0) return { nothing: true };
  if (typeof shard.by === "string") {
    return {
      labelSelector,
      fieldSelector,
      shardSelector: shardSelectorFor(shard.by, shard.held, shard.buckets),
    };
  }
  const term = `${shard.by.label} in (${[...shard.held].sort((a, b) => a - b).join(",")})`;
  return { labelSelector: labelSelector ? `${labelSelector},${term}` : term, fieldSelector };
}

/** The terms of an equality-based selector; undefined when it has a term we do not evaluate. */
function labelTerms(selector: string): LabelTerm[] | undefined {
  const terms: LabelTerm[] = [];
  for (const term of selector.split(",").map((t) => t.trim())) {
    if (!term) continue;
    const m = /^(!?)([A-Za-z0-9_./-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9_.-]*))?$/.exec(term);
    if (!m) return undefined;
    const [, negate, key = "", op, value = ""] = m;
    if (!op)
      terms.push(negate ? (labels) => labels[key] === undefined : (labels) => labels[key] !== undefined);
    else if (negate) return undefined;
    else if (op === "!=") terms.push((labels) => labels[key] !== value);
    else terms.push((labels) => labels[key] === value);
  }
  return terms;
}
