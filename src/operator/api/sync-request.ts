/**
 * Builds the SyncRequest a handler sees: the parent and its existing children, grouped per declared child type,
 * straight from the cache (frozen objects, no copies).
 */
import { TsOperatorError } from "../../core/errors.js";
import { typeName, type K8sType, type KubeObject, type ObjectId } from "../../core/types.js";
import type { RequestChildren, SyncRequest, TypedChildren } from "./handler.js";

class TypedChildrenView<C extends KubeObject> implements TypedChildren<C> {
  constructor(
    private readonly items: readonly C[],
    private readonly defaultNamespace: string | undefined,
  ) {}

  get(id: ObjectId | string): C | undefined {
    const name = typeof id === "string" ? id : id.name;
    const explicit = typeof id === "string" ? undefined : id.namespace || undefined;
    const matches = (c: C, namespace: string | undefined) =>
      c.metadata.name === name && (c.metadata.namespace || undefined) === namespace;
    const found = this.items.find((c) => matches(c, explicit ?? this.defaultNamespace));
    // A bare name may also mean a cluster-scoped child (e.g. a Namespace owned by a namespaced parent's peer).
    return found ?? (explicit === undefined ? this.items.find((c) => matches(c, undefined)) : undefined);
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

export class RequestChildrenView implements RequestChildren {
  constructor(
    private readonly byType: ReadonlyMap<string, readonly KubeObject[]>,
    private readonly declared: readonly K8sType[],
    private readonly defaultNamespace: string | undefined,
  ) {}

  ofType<C extends KubeObject = KubeObject>(type: K8sType<C>): TypedChildren<C> {
    if (!this.declared.some((d) => d.apiVersion === type.apiVersion && d.kind === type.kind)) {
      throw new TsOperatorError(
        "TSOP_USAGE",
        `children.ofType(${typeName(type)}): not a declared child type (use withChild)`,
      );
    }
    const items = (this.byType.get(typeKey(type)) ?? EMPTY) as readonly C[];
    return new TypedChildrenView(items, this.defaultNamespace);
  }

  all(): KubeObject[] {
    return [...this.byType.values()].flat();
  }
}

export function typeKey(type: { apiVersion?: string | undefined; kind?: string | undefined }): string {
  return `${type.apiVersion ?? ""}/${type.kind ?? ""}`;
}

export function buildSyncRequest<P extends KubeObject>(
  parent: P,
  childrenByType: ReadonlyMap<string, readonly KubeObject[]>,
  declared: readonly K8sType[],
): SyncRequest<P> {
  return Object.freeze({
    parent,
    children: new RequestChildrenView(childrenByType, declared, parent.metadata.namespace || undefined),
  });
}
