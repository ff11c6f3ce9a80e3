/**
 * `defineResource`: one definition of a custom resource gives its TypeScript types, a `K8sType` carrying them
 * (so `new OperatorConfig(name, Resource)` types the handler) and the CustomResourceDefinition object, checked
 * against the apiserver's rules when the module loads rather than when the CRD is installed.
 */
import type { Condition, K8sType, KubeObject, ObjectMeta } from "../core/types.js";
import { s, schemaError, type AnySchema, type Simplify, type StringSchema } from "./builders.js";
import type { JSONSchemaProps } from "./json-schema.js";
import { structuralProblems } from "./structural.js";

/** A status condition as the engine writes it (metav1.Condition's fields). */
export type StatusCondition = Condition;

/** The status fields the engine writes on every parent; added to each status schema that lacks them. */
export interface EngineStatus {
  observedGeneration?: number;
  conditions?: StatusCondition[];
}

export interface PrinterColumn {
  name: string;
  type: "integer" | "number" | "string" | "boolean" | "date";
  /** A JSONPath into the object, e.g. ".spec.replicas"; checked against the schema when it is a plain path. */
  jsonPath: string;
  description?: string;
  format?: string;
  /** 0 shows in `kubectl get`; higher only with `-o wide`. */
  priority?: number;
}

export interface ScaleSubresource {
  /** E.g. ".spec.replicas" (an integer in the spec schema). */
  specReplicasPath: string;
  /** E.g. ".status.replicas" (an integer in the status schema). */
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface VersionDefinition {
  spec: AnySchema;
  status?: AnySchema;
  printerColumns?: readonly PrinterColumn[];
  /** Served by the apiserver (default true). */
  served?: boolean;
  /** The version objects are stored as; exactly one version has it (a single version has it by default). */
  storage?: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  /** Adds the scale subresource (`kubectl scale`, HorizontalPodAutoscaler). */
  scale?: ScaleSubresource;
  /** Description of the whole object (`kubectl explain <kind>`). */
  description?: string;
}

export interface ResourceInit<V extends Record<string, VersionDefinition>> {
  /** API group, a DNS subdomain with at least one dot ("examples.tsoperator.dev"). */
  group: string;
  /** UpperCamelCase kind ("EchoServer"). */
  kind: string;
  /** Lowercase plural used in URLs ("echoservers"). */
  plural: string;
  /** Default: the kind in lowercase. */
  singular?: string;
  scope: "Namespaced" | "Cluster";
  versions: V;
  shortNames?: readonly string[];
  categories?: readonly string[];
  /**
   * Restricts `metadata.name` (the only metadata field a CRD may constrain besides generateName), e.g. when the
   * name is reused as a Namespace's: `s.string().maxLength(63).pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")`.
   */
  name?: StringSchema;
}

/** The object type of one version: spec always present when read (required or defaulted to {}). */
export type ResourceObject<Spec, Status> = Simplify<
  Omit<KubeObject<Spec, Status>, "spec" | "status"> & {
    apiVersion?: string;
    kind?: string;
    metadata: ObjectMeta;
    spec: Spec;
    status?: Status;
  }
>;

export type StatusType<D extends VersionDefinition> = Simplify<
  (D["status"] extends AnySchema ? D["status"]["_out"] : unknown) & EngineStatus
>;
export type VersionObject<D extends VersionDefinition> = ResourceObject<D["spec"]["_out"], StatusType<D>>;

export type StorageFlagged<V extends Record<string, VersionDefinition>> = {
  [K in keyof V]: V[K]["storage"] extends true ? K : never;
}[keyof V];
/** The storage version's key; with one version, that version. */
export type StorageKey<V extends Record<string, VersionDefinition>> = [StorageFlagged<V>] extends [never]
  ? keyof V
  : StorageFlagged<V>;

/** The object type a K8sType carries (`ObjectOf<typeof EchoServer>`). */
export type ObjectOf<T> = T extends K8sType<infer O> ? O : never;
/** The spec type of a defined resource or any typed K8sType. */
export type SpecOf<T> = NonNullable<ObjectOf<T>["spec"]>;
/** The status type (including `observedGeneration` and `conditions`). */
export type StatusOf<T> = NonNullable<ObjectOf<T>["status"]>;

/** The CustomResourceDefinition object (apiextensions.k8s.io/v1). */
export interface CustomResourceDefinition extends KubeObject {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: ObjectMeta & { name: string };
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: {
      plural: string;
      singular: string;
      kind: string;
      listKind: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      deprecated?: boolean;
      deprecationWarning?: string;
      schema: { openAPIV3Schema: JSONSchemaProps };
      subresources: { status: Record<string, never>; scale?: ScaleSubresource };
      additionalPrinterColumns?: PrinterColumn[];
    }>;
  };
}

/** What defineResource returns: the storage version's K8sType, each version's, and the CRD. */
export type DefinedResource<V extends Record<string, VersionDefinition>> = K8sType<
  VersionObject<V[StorageKey<V>]>
> & {
  readonly group: string;
  readonly scope: "Namespaced" | "Cluster";
  readonly namespaced: boolean;
  /** Each version as a K8sType, e.g. `Resource.versions.v1beta1`. */
  readonly versions: { readonly [K in keyof V]: K8sType<VersionObject<V[K]>> };
  /** The CustomResourceDefinition (a fresh copy each call). */
  crd(): CustomResourceDefinition;
};

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

const CONDITION_SCHEMA = s
  .array(
    s.object({
      type: s.string().maxLength(316).describe("The condition's type, e.g. Synced."),
      status: s.enum(["True", "False", "Unknown"]),
      reason: s.string().maxLength(1024).optional(),
      message: s.string().maxLength(32768).optional(),
      lastTransitionTime: s.dateTime().optional(),
      observedGeneration: s.int64().min(0).optional(),
    }),
  )
  .listMap("type")
  .describe("The latest observations of the object's state (the engine maintains Synced).")
  .toJSON();

/**
 * Defines a custom resource from schema builders.
 *
 * @example
 * export const EchoServer = defineResource({
 *   group: "examples.tsoperator.dev", kind: "EchoServer", plural: "echoservers", scope: "Namespaced",
 *   versions: { v1: { spec: s.object({ message: s.string() }), status: s.object({ url: s.string().optional() }) } },
 * });
 * const config = new OperatorConfig("echo", EchoServer); // sync(request): request.parent.spec.message is a string
 * EchoServer.crd(); // the CustomResourceDefinition
 */
export function defineResource<const V extends Record<string, VersionDefinition>>(
  init: ResourceInit<V>,
): DefinedResource<V> {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(message);
  if (!DNS_SUBDOMAIN.test(init.group) || !init.group.includes(".")) {
    fail(`group ${JSON.stringify(init.group)} must be a DNS subdomain with at least one dot`);
  }
  if (!KIND.test(init.kind)) fail(`kind ${JSON.stringify(init.kind)} must be UpperCamelCase`);
  const singular = init.singular ?? init.kind.toLowerCase();
  for (const [what, name] of [
    ["plural", init.plural],
    ["singular", singular],
    ...(init.shortNames ?? []).map((n) => ["short name", n]),
    ...(init.categories ?? []).map((n) => ["category", n]),
  ] as Array<[string, string]>) {
    if (!DNS_LABEL.test(name)) fail(`${what} ${JSON.stringify(name)} must be a lowercase DNS label`);
  }
  if (init.scope !== "Namespaced" && init.scope !== "Cluster") {
    fail(`scope must be "Namespaced" or "Cluster", got ${JSON.stringify(init.scope)}`);
  }
  const entries = Object.entries(init.versions);
  if (entries.length === 0) fail("versions: define at least one version");
  const storageNames = entries.filter(([, v]) => v.storage === true).map(([name]) => name);
  if (entries.length > 1 && storageNames.length !== 1) {
    fail(
      `versions: exactly one version must have storage: true, found ${storageNames.length} (${storageNames.join(", ") || "none"})`,
    );
  }
  const storageName = storageNames[0] ?? (entries.length === 1 ? entries[0]?.[0] : undefined) ?? "";

  const versions = entries.map(([name, version]) => {
    if (!DNS_LABEL.test(name))
      fail(`version ${JSON.stringify(name)} must be a lowercase DNS label (v1, v1beta1)`);
    const root = rootSchema(version, init.name);
    for (const p of structuralProblems(root)) fail(`version ${name}: ${p}`);
    for (const column of version.printerColumns ?? []) {
      const problem = pathProblem(root, column.jsonPath);
      if (problem) fail(`version ${name}: printer column ${JSON.stringify(column.name)}: ${problem}`);
      if (column.priority !== undefined && !(Number.isInteger(column.priority) && column.priority >= 0)) {
        fail(
          `version ${name}: printer column ${JSON.stringify(column.name)}: priority must be an integer >= 0`,
        );
      }
    }
    if (version.scale) {
      for (const [key, prefix] of [
        ["specReplicasPath", ".spec."],
        ["statusReplicasPath", ".status."],
      ] as const) {
        const path = version.scale[key];
        const problem = path.startsWith(prefix)
          ? pathProblem(root, path, "integer")
          : `must start with ${prefix}`;
        if (problem) fail(`version ${name}: scale ${key} ${JSON.stringify(path)}: ${problem}`);
      }
    }
    return {
      name,
      served: version.served ?? true,
      storage: name === storageName,
      ...(version.deprecated !== undefined ? { deprecated: version.deprecated } : {}),
      ...(version.deprecationWarning !== undefined ? { deprecationWarning: version.deprecationWarning } : {}),
      schema: { openAPIV3Schema: root },
      subresources: { status: {}, ...(version.scale ? { scale: { ...version.scale } } : {}) },
      ...(version.printerColumns?.length
        ? { additionalPrinterColumns: version.printerColumns.map((c) => ({ ...c })) }
        : {}),
    };
  });
  if (problems.length) {
    throw schemaError(
      `defineResource(${init.kind}): ${problems.length === 1 ? problems[0] : `\n  ${problems.join("\n  ")}`}`,
    );
  }

  const crd: CustomResourceDefinition = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${init.plural}.${init.group}` },
    spec: {
      group: init.group,
      scope: init.scope,
      names: {
        plural: init.plural,
        singular,
        kind: init.kind,
        listKind: `${init.kind}List`,
        ...(init.shortNames?.length ? { shortNames: [...init.shortNames] } : {}),
        ...(init.categories?.length ? { categories: [...init.categories] } : {}),
      },
      versions,
    },
  };
  const namespaced = init.scope === "Namespaced";
  const typeFor = (version: string): K8sType =>
    Object.freeze({
      apiVersion: `${init.group}/${version}`,
      kind: init.kind,
      plural: init.plural,
      namespaced,
    });
  const resource = {
    ...typeFor(storageName),
    group: init.group,
    scope: init.scope,
    versions: Object.freeze(Object.fromEntries(entries.map(([name]) => [name, typeFor(name)]))),
    crd: () => structuredClone(crd),
  };
  return Object.freeze(resource) as unknown as DefinedResource<V>;
}

/** The version's openAPIV3Schema: apiVersion, kind, metadata, spec (required or defaulted) and status. */
function rootSchema(version: VersionDefinition, name: StringSchema | undefined): JSONSchemaProps {
  const spec = version.spec.toJSON();
  // Spec is always there when read: required when it has required fields, else defaulted to {} so the
  // defaults of its fields apply to objects created without a spec.
  const specRequired = (spec.required?.length ?? 0) > 0;
  const specSchema: JSONSchemaProps =
    specRequired || spec.default !== undefined ? spec : { ...spec, default: {} };
  return {
    type: "object",
    ...(version.description ? { description: version.description } : {}),
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: name ? { type: "object", properties: { name: name.toJSON() } } : { type: "object" },
      spec: specSchema,
      status: withEngineStatus(version.status?.toJSON()),
    },
    ...(specRequired ? { required: ["spec"] } : {}),
  };
}

/** The status schema with the fields the engine writes (observedGeneration, conditions) when it lacks them. */
function withEngineStatus(status: JSONSchemaProps | undefined): JSONSchemaProps {
  const base: JSONSchemaProps = status ?? { type: "object" };
  if (base.type !== "object" || base.additionalProperties !== undefined) {
    throw schemaError(
      "status must be an s.object({...}) schema: the engine writes observedGeneration and conditions into it",
    );
  }
  if (base.required?.length) {
    // When a sync fails the engine writes the status with only its Synced condition; a required status field
    // would make the apiserver refuse that write, and the failure would go unreported.
    throw schemaError(
      `status properties must be optional (.optional() or .default()): ${base.required.join(", ")} ` +
        "(the engine writes a status with only conditions when a sync fails)",
    );
  }
  const properties = { ...(base.properties ?? {}) };
  properties.observedGeneration ??= {
    type: "integer",
    format: "int64",
    description: "The generation whose children the operator last applied.",
  };
  properties.conditions ??= structuredClone(CONDITION_SCHEMA);
  return { ...base, properties };
}

/** Whether a plain JSONPath (".a.b") names a field of the schema; JSONPath filters and indexes are not checked. */
function pathProblem(root: JSONSchemaProps, path: string, wantType?: "integer"): string | undefined {
  if (!/^(\.[A-Za-z_][A-Za-z0-9_-]*)+$/.test(path)) {
    return path.startsWith(".") ? undefined : "must start with '.'";
  }
  // metadata is the apiserver's (ObjectMeta); the schema describes at most its name.
  if (path.startsWith(".metadata.")) return undefined;
  let node: JSONSchemaProps | undefined = root;
  for (const name of path.slice(1).split(".")) {
    if (node.type === "object" && node.properties === undefined && name !== "") {
      // metadata and preserve-unknown objects: whatever is below is not described here.
      if (node["x-kubernetes-preserve-unknown-fields"] || node === root.properties?.metadata)
        return undefined;
    }
    const next: JSONSchemaProps | undefined =
      node.properties?.[name] ??
      (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
    if (!next) {
      return node["x-kubernetes-preserve-unknown-fields"]
        ? undefined
        : `no field ${JSON.stringify(name)} in the schema`;
    }
    node = next;
  }
  if (wantType && node.type !== wantType)
    return `must name an ${wantType} field, found ${node.type ?? "untyped"}`;
  return undefined;
}
