/**
 * Pure data describing Kubernetes objects and types. No I/O lives here, so every layer (and users' handlers)
 * can depend on it.
 */

/** Type-only key of K8sType's phantom member; no value exists at runtime. */
declare const objectType: unique symbol;

/**
 * Identifies a resource type: enough to build its REST paths. `namespaced` is learned by discovery when absent.
 *
 * `T` is the type of its objects, carried for the compiler only (typed built-in kinds, `defineResource`), so
 * `children.ofType(k8sTypes.apps.v1.Deployment)` yields Deployments. An untyped K8sType (`T` = KubeObject) stays
 * interchangeable with typed ones, so code written before the type parameter keeps compiling.
 */
export interface K8sType<T extends KubeObject = KubeObject> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced?: boolean;
  /**
   * Never present at runtime. A method, so the check is bivariant: K8sType<Deployment> and the untyped
   * K8sType<KubeObject> are compatible both ways, K8sType<Deployment> and K8sType<Service> are not.
   */
  [objectType]?(object: T): void;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
}

/** Any Kubernetes object. Specific shapes extend it through the type parameters. */
export interface KubeObject<Spec = unknown, Status = unknown> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
  [key: string]: unknown;
}

/** A status condition (metav1.Condition's fields): what the engine writes in `status.conditions`. */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: {
    resourceVersion?: string;
    continue?: string;
    remainingItemCount?: number;
    /** Set when the server applied a `shardSelector` (ShardedListAndWatch): it echoes the selector. */
    shardInfo?: { selector?: string };
  };
  items: T[];
}

/** namespace + name; namespace is undefined (or "") for cluster-scoped objects. */
export interface ObjectId {
  namespace?: string | undefined;
  name: string;
}

/** "namespace/name" or "name" for cluster-scoped objects: client-go's cache key format. */
export function objectKey(id: ObjectId): string {
  return id.namespace ? `${id.namespace}/${id.name}` : id.name;
}

export function parseObjectKey(key: string): ObjectId {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function idOf(obj: KubeObject): ObjectId {
  return { namespace: obj.metadata.namespace || undefined, name: obj.metadata.name ?? "" };
}

/** Splits "group/version" (or "v1" for the core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** "Deployment.apps/v1", a readable unique name for a type in logs and metrics. */
export function typeName(type: K8sType): string {
  const { group, version } = splitApiVersion(type.apiVersion);
  return group ? `${type.kind}.${group}/${version}` : `${type.kind}/${version}`;
}

export function sameType(a: { apiVersion?: string; kind?: string }, b: { apiVersion?: string; kind?: string }) {
  return a.apiVersion === b.apiVersion && a.kind === b.kind;
}

/** "Deployment.apps/v1 ns/name": how logs and errors name an object of a type. */
export function describeObject(
  type: K8sType,
  namespace: string | undefined,
  name: string | undefined,
): string {
  return `${typeName(type)} ${namespace ? `${namespace}/` : ""}${name ?? ""}`;
}
