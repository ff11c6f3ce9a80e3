/**
 * tsoperator/schema: define a custom resource once and get its TypeScript types, its K8sType and its CRD.
 *
 * @example
 * import { defineResource, s, type SpecOf } from "tsoperator/schema";
 * export const Backup = defineResource({
 *   group: "example.com", kind: "Backup", plural: "backups", scope: "Namespaced",
 *   versions: { v1: { spec: s.object({ schedule: s.string().maxLength(64) }) } },
 * });
 * type BackupSpec = SpecOf<typeof Backup>; // { schedule: string }
 */
export {
  s,
  Schema,
  StringSchema,
  NumberSchema,
  ObjectSchema,
  MapSchema,
  ArraySchema,
  QUANTITY_PATTERN,
  type AnySchema,
  type Infer,
  type InferInput,
  type Presence,
  type RuleOptions,
  type Shape,
  type StringFormat,
  type EmbeddedObject,
  type ObjectIn,
  type ObjectOut,
  type Simplify,
  type CountKey,
  type KeysWhere,
  type ListMapKey,
  type UnionIn,
  type UnionOut,
} from "./builders.js";
export {
  defineResource,
  type CustomResourceDefinition,
  type DefinedResource,
  type EngineStatus,
  type ObjectOf,
  type PrinterColumn,
  type ResourceInit,
  type ResourceObject,
  type ScaleSubresource,
  type SpecOf,
  type StatusCondition,
  type StatusOf,
  type StatusType,
  type StorageFlagged,
  type StorageKey,
  type VersionDefinition,
  type VersionObject,
} from "./resource.js";
export { assertStructural, structuralProblems, type StructuralOptions } from "./structural.js";
export { celField, celVisible } from "./cel.js";
export { re2Problem } from "./re2.js";
export type { JSONSchemaProps, JsonValue, ValidationRule } from "./json-schema.js";
