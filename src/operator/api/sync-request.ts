/**
 * Builds the SyncRequest a handler sees: the parent, its existing children grouped per declared child type, and
 * its related objects per declared related type, straight from the cache (frozen objects, no copies).
 */
import { TsOperatorError } from "../../core/errors.js";
import { typeName, type K8sType, type KubeObject, type ObjectId } from "../../core/types.js";
import type {
  RelatedObjects,
  RequestChildren,
  RequestRelated,
  SyncRequest,
  TypedChildren,
} from "./handler.js";

/** Finds one object by namespace (undefined = cluster scope) and name. */
type Lookup<C> = (namespace: string | undefined, name: string) => C | undefined;

class ObjectsView<C extends KubeObject> implements TypedChildren<C>, RelatedObjects<C> {
  constructor(
    private readonly items: readonly C[],
    private readonly defaultNamespace: string | undefined,
    /** Where `get` looks: the items themselves (children), or the whole cache of the type (related objects). */
    private readonly lookup: Lookup<C> = (namespace, name) =>
      items.find((c) => c.metadata.name === name && (c.metadata.namespace || undefined) === namespace),
  ) {}

  get(id: ObjectId | string): C | undefined {
    const name = typeof id === "string" ? id : id.name;
    const explicit = typeof id === "string" ? undefined : id.namespace || undefined;
    const found = this.lookup(explicit ?? this.defaultNamespace, name);
    // A bare name may also mean a cluster-scoped object (e.g. a Namespace owned by a namespaced parent's peer).
    return found ?? (explicit === undefined ? this.lookup(undefined, name) : undefined);
  }
  exists(id: ObjectId | string): boolean {
    return this.get(id) !== undefined;
  }
  first(): C | undefined {
    return this.items[0];
  }
  count(): number {
    return this.items.length;
  }
  isEmpty(): boolean {
    return this.items.length === 0;
  }
  toArray(): C[] {
    return [...this.items];
  }
  [Symbol.iterator](): Iterator<C> {
    return this.items[Symbol.iterator]();
  }
}

const EMPTY: readonly KubeObject[] = Object.freeze([]);

function isDeclared(declared: readonly K8sType[] | undefined, type: K8sType): boolean {
  return declared === undefined || declared.some((d) => d.apiVersion === type.apiVersion && d.kind === type.kind);
}

export class RequestChildrenView implements RequestChildren {
  constructor(
    private readonly byType: ReadonlyMap<string, readonly KubeObject[]>,
    /** undefined: any type may be asked for (test requests built without a config). */
    private readonly declared: readonly K8sType[] | undefined,
    private readonly defaultNamespace: string | undefined,
  ) {}

  ofType<C extends KubeObject = KubeObject>(type: K8sType<C>): TypedChildren<C> {
    if (!isDeclared(this.declared, type)) {
      throw new TsOperatorError(
        "TSOP_USAGE",
        `children.ofType(${typeName(type)}): not a declared child type (use withChild)`,
      );
    }
    const items = (this.byType.get(typeKey(type)) ?? EMPTY) as readonly C[];
    return new ObjectsView(items, this.defaultNamespace);
  }

  all(): KubeObject[] {
    return [...this.byType.values()].flat();
  }
}

/** What the request needs to know about related objects: the engine reads them from its informers. */
export interface RelatedSource {
  /** undefined: any type may be asked for (test requests built without a config). */
  readonly declared: readonly K8sType[] | undefined;
  /** The objects of a type related to this parent. */
  relatedTo(type: K8sType): readonly KubeObject[];
  /** Any cached object of a type, by namespace (undefined = cluster scope) and name. */
  find(type: K8sType, namespace: string | undefined, name: string): KubeObject | undefined;
}

export const NO_RELATED: RelatedSource = {
  declared: [],
  relatedTo: () => EMPTY,
  find: () => undefined,
};

class RequestRelatedView implements RequestRelated {
  constructor(
    private readonly source: RelatedSource,
    private readonly defaultNamespace: string | undefined,
  ) {}

  ofType<R extends KubeObject = KubeObject>(type: K8sType<R>): RelatedObjects<R> {
    if (!isDeclared(this.source.declared, type)) {
      throw new TsOperatorError(
        "TSOP_USAGE",
        `related.ofType(${typeName(type)}): not a declared related type (use withRelated)`,
      );
    }
    const items = this.source.relatedTo(type) as readonly R[];
    return new ObjectsView<R>(
      items,
      this.defaultNamespace,
      (namespace, name) => this.source.find(type, namespace, name) as R | undefined,
    );
  }
}

export function typeKey(type: { apiVersion?: string | undefined; kind?: string | undefined }): string {
  return `${type.apiVersion ?? ""}/${type.kind ?? ""}`;
}

/**
 * `onChildrenRead` is told when the handler first looks at `children`: only then can its answer depend on them
 * (the engine then shows it the children it just wrote, with one more sync).
 */
export function buildSyncRequest<P extends KubeObject>(
  parent: P,
  childrenByType: ReadonlyMap<string, readonly KubeObject[]>,
  declared: readonly K8sType[] | undefined,
  related: RelatedSource = NO_RELATED,
  onChildrenRead?: () => void,
): SyncRequest<P> {
  const namespace = parent.metadata.namespace || undefined;
  const children = new RequestChildrenView(childrenByType, declared, namespace);
  const relatedView = new RequestRelatedView(related, namespace);
  if (!onChildrenRead) return Object.freeze({ parent, children, related: relatedView });
  return Object.freeze({
    parent,
    get children() {
      onChildrenRead();
      return children;
    },
    related: relatedView,
  });
}
