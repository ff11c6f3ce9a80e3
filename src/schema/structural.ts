/**
 * `assertStructural`: the apiserver's rules for a CRD schema (structural, prunable, CEL cost bounded), checked
 * before install so a hand-written or generated schema fails with every problem and the JSON path of each,
 * instead of one at a time from `kubectl apply`. defineResource runs it on every CRD it builds.
 */
import { celField, celVisible } from "./cel.js";
import { valueProblems } from "./check-value.js";
import type { JSONSchemaProps, ValidationRule } from "./json-schema.js";
import { schemaError } from "./builders.js";
import { re2Problem } from "./re2.js";

/** The Kubernetes extensions: structure (how to prune, merge and validate), so never inside anyOf/allOf/oneOf/not. */
const EXTENSIONS = [
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
] as const;
/** The keys of JSONSchemaProps a CRD may use; anything else ($ref, const, patternProperties ...) is refused. */
const KNOWN_KEYS = new Set<string>([
  ...[
    "type",
    "format",
    "description",
    "title",
    "nullable",
    "default",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
  ],
  ...["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems"],
  ...[
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "required",
    "properties",
    "additionalProperties",
    "items",
  ],
  ...["anyOf", "allOf", "oneOf", "not", "example", "externalDocs"],
  ...EXTENSIONS,
]);
const TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);
/** What a value validation (anyOf/allOf/oneOf/not) may not set: structure belongs in the main schema. */
const NOT_IN_VALUE_VALIDATION = [
  "type",
  "description",
  "default",
  "nullable",
  "additionalProperties",
  ...EXTENSIONS,
] as const;

export interface StructuralOptions {
  /** Check the root rules of a CRD's openAPIV3Schema (type object, metadata restricted). Default true. */
  root?: boolean;
}

/** One node of the tree on the way down: what CEL rules below it need to know about their ancestors. */
interface Ancestor {
  path: string;
  /** An unbounded list or map: anything below it is evaluated an unbounded number of times. */
  unboundedRepeat: "maxItems" | "maxProperties" | undefined;
}

/**
 * Throws `TSOP_INVALID_SCHEMA` listing every rule `schema` breaks, each with the JSON path of the node
 * (`.spec.ports[*].name`), or returns when the apiserver would accept it as a structural schema.
 *
 * @example
 * assertStructural(yaml.parse(text).spec.versions[0].schema.openAPIV3Schema);
 */
export function assertStructural(schema: JSONSchemaProps, options: StructuralOptions = {}): void {
  const problems = structuralProblems(schema, options);
  if (problems.length) {
    throw schemaError(`the schema is not a valid structural schema:\n  ${problems.join("\n  ")}`);
  }
}

/** The same checks as assertStructural, as a list of messages. */
export function structuralProblems(schema: JSONSchemaProps, options: StructuralOptions = {}): string[] {
  const problems: string[] = [];
  if (options.root ?? true) checkRoot(schema, problems);
  walk(schema, "", [], problems);
  return problems;
}

function checkRoot(schema: JSONSchemaProps, problems: string[]): void {
  if (schema.type !== "object") problems.push(`.: the root must have type object`);
  for (const key of ["nullable", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string"] as const) {
    if (schema[key]) problems.push(`.: the root must not set ${key}`);
  }
  const metadata = schema.properties?.metadata;
  if (metadata) {
    const extra = Object.keys(metadata).filter((k) => !["type", "properties"].includes(k));
    const fields = Object.keys(metadata.properties ?? {}).filter((k) => k !== "name" && k !== "generateName");
    if (metadata.type !== "object" || extra.length || fields.length) {
      problems.push(`.metadata: may only restrict name and generateName (the apiserver owns the rest)`);
    }
  }
  for (const key of ["apiVersion", "kind"]) {
    const field = schema.properties?.[key];
    if (field && field.type !== "string") problems.push(`.${key}: must have type string`);
  }
}

function walk(node: JSONSchemaProps, path: string, ancestors: Ancestor[], problems: string[]): void {
  const at = path || ".";
  const add = (message: string) => problems.push(`${at}: ${message}`);
  if (typeof node !== "object" || node === null || Array.isArray(node)) {
    add("a schema must be an object");
    return;
  }
  for (const key of Object.keys(node)) {
    if (!KNOWN_KEYS.has(key)) add(`${key} is not allowed in a CRD schema`);
  }
  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  const intOrString = node["x-kubernetes-int-or-string"] === true;
  if (node.type === undefined) {
    if (!preserve && !intOrString)
      add("type is missing (only int-or-string and preserve-unknown-fields nodes may omit it)");
  } else if (!TYPES.has(node.type)) add(`type ${JSON.stringify(node.type)} is not a JSON schema type`);
  if (intOrString && node.type !== undefined) add("x-kubernetes-int-or-string must not have a type");
  if (node.uniqueItems) add('uniqueItems is not allowed; use x-kubernetes-list-type "set" or "map"');

  if (node.properties && node.additionalProperties !== undefined) {
    add("properties and additionalProperties are mutually exclusive");
  }
  if (node.additionalProperties !== undefined && typeof node.additionalProperties !== "object") {
    add("additionalProperties must be a schema (false/true are not structural)");
  }
  if ((node.properties || node.additionalProperties !== undefined) && node.type !== "object") {
    add("properties/additionalProperties need type object");
  }
  if (node.type === "array" && !node.items) add("type array needs items");
  if (node.items !== undefined) {
    if (Array.isArray(node.items)) add("items must be one schema, not a list");
    else if (node.type !== "array") add("items needs type array");
  }
  for (const name of node.required ?? []) {
    if (!node.properties?.[name] && !preserve && node.additionalProperties === undefined) {
      add(`required property ${JSON.stringify(name)} is not in properties (it would be pruned)`);
    }
  }
  if (node["x-kubernetes-embedded-resource"]) {
    if (node.type !== "object") add("x-kubernetes-embedded-resource needs type object");
    if (!node.properties && !preserve)
      add("x-kubernetes-embedded-resource needs properties or preserve-unknown-fields");
  }
  checkRange(node, "minLength", "maxLength", add);
  checkRange(node, "minimum", "maximum", add);
  checkRange(node, "minItems", "maxItems", add);
  checkRange(node, "minProperties", "maxProperties", add);
  if (node.pattern !== undefined) {
    const problem = re2Problem(node.pattern);
    if (problem) add(`pattern ${JSON.stringify(node.pattern)} is not RE2: ${problem}`);
  }
  checkLists(node, add);
  checkValueValidations(node, path, problems);
  if (node.default !== undefined) {
    for (const p of valueProblems(node, node.default)) add(`default ${JSON.stringify(node.default)}: ${p}`);
  }
  for (const rule of node["x-kubernetes-validations"] ?? []) checkRule(rule, node, path, ancestors, add);

  if (node.properties) {
    for (const [name, child] of Object.entries(node.properties)) {
      walk(child, `${path}.${name}`, [...ancestors, { path: at, unboundedRepeat: undefined }], problems);
    }
  }
  if (node.items && !Array.isArray(node.items)) {
    const repeat = node.maxItems === undefined ? "maxItems" : undefined;
    walk(node.items, `${path}[*]`, [...ancestors, { path: at, unboundedRepeat: repeat }], problems);
  }
  if (typeof node.additionalProperties === "object") {
    const repeat = node.maxProperties === undefined ? "maxProperties" : undefined;
    walk(
      node.additionalProperties,
      `${path}.*`,
      [...ancestors, { path: at, unboundedRepeat: repeat }],
      problems,
    );
  }
}

function checkRange(
  node: JSONSchemaProps,
  low: keyof JSONSchemaProps,
  high: keyof JSONSchemaProps,
  add: (m: string) => void,
): void {
  const a = node[low];
  const b = node[high];
  if (typeof a === "number" && typeof b === "number" && a > b)
    add(`${low} ${a} is greater than ${high} ${b}`);
}

function checkLists(node: JSONSchemaProps, add: (m: string) => void): void {
  const listType = node["x-kubernetes-list-type"];
  const keys = node["x-kubernetes-list-map-keys"];
  if (listType !== undefined && node.type !== "array") add("x-kubernetes-list-type needs type array");
  if (node["x-kubernetes-map-type"] !== undefined && node.type !== "object") {
    add("x-kubernetes-map-type needs type object");
  }
  if (keys !== undefined && listType !== "map")
    add('x-kubernetes-list-map-keys needs x-kubernetes-list-type "map"');
  const items = node.items;
  if (!items || Array.isArray(items)) return;
  if (listType === "set" && (items.type === "object" || items.type === "array")) {
    add('x-kubernetes-list-type "set" needs scalar items');
  }
  if (listType === "map") {
    if (items.type !== "object") add('x-kubernetes-list-type "map" needs object items');
    if (!keys?.length) add('x-kubernetes-list-type "map" needs x-kubernetes-list-map-keys');
    for (const key of keys ?? []) {
      const field = items.properties?.[key];
      if (!field) add(`list-map key ${JSON.stringify(key)} is not a property of the items`);
      else if (field.type === "object" || field.type === "array")
        add(`list-map key ${JSON.stringify(key)} must be a scalar`);
      else if (!items.required?.includes(key) && field.default === undefined) {
        add(`list-map key ${JSON.stringify(key)} must be required or have a default`);
      }
    }
  }
}

/** anyOf/allOf/oneOf/not may only add value checks; the int-or-string anyOf is the one exception. */
function checkValueValidations(node: JSONSchemaProps, path: string, problems: string[]): void {
  const at = path || ".";
  const entries: Array<[string, JSONSchemaProps]> = [];
  for (const key of ["anyOf", "allOf", "oneOf"] as const) {
    const list = node[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`${at}: ${key} must be a list`);
      continue;
    }
    list.forEach((entry, i) => entries.push([`${key}[${i}]`, entry]));
  }
  if (node.not) entries.push(["not", node.not]);
  const intOrStringTypes = node["x-kubernetes-int-or-string"] === true;
  for (const [where, entry] of entries) {
    const bareType =
      intOrStringTypes &&
      (where.startsWith("anyOf") || where.startsWith("allOf")) &&
      Object.keys(entry).length === 1 &&
      (entry.type === "integer" || entry.type === "string");
    if (bareType) continue;
    checkInsideValueValidation(entry, node, `${at} ${where}`, problems);
  }
}

function checkInsideValueValidation(
  entry: JSONSchemaProps,
  owner: JSONSchemaProps | undefined,
  at: string,
  problems: string[],
): void {
  for (const key of NOT_IN_VALUE_VALIDATION) {
    if (entry[key] !== undefined) problems.push(`${at}: ${key} is not allowed inside anyOf/allOf/oneOf/not`);
  }
  for (const [name, child] of Object.entries(entry.properties ?? {})) {
    const declared = owner?.properties?.[name];
    if (!declared && owner?.["x-kubernetes-preserve-unknown-fields"] !== true) {
      problems.push(`${at}: property ${JSON.stringify(name)} must also be declared in properties`);
    }
    checkInsideValueValidation(child, declared, `${at}.${name}`, problems);
  }
  if (entry.items) checkInsideValueValidation(entry.items, owner?.items, `${at}[*]`, problems);
}

/**
 * The apiserver refuses a rule whose estimated cost exceeds its budget, and an unbounded string or list makes
 * every rule touching it unbounded. So a rule needs the bounds of the value it is on, of the properties it
 * reads (other than through `has()`), and of the lists and maps it sits in (it runs once per item).
 */
function checkRule(
  rule: ValidationRule,
  node: JSONSchemaProps,
  path: string,
  ancestors: Ancestor[],
  add: (m: string) => void,
): void {
  const at = path || ".";
  if (typeof rule.rule !== "string" || !rule.rule.trim()) {
    add("a x-kubernetes-validations entry has no rule");
    return;
  }
  const quoted = JSON.stringify(rule.rule);
  const missing = missingBound(node);
  if (missing) add(`CEL rule ${quoted} is on an unbounded ${missing.what}: set ${missing.bound}`);
  for (const ancestor of ancestors) {
    if (ancestor.unboundedRepeat) {
      add(`CEL rule ${quoted} runs once per item of ${ancestor.path}: set its ${ancestor.unboundedRepeat}`);
    }
  }
  const element =
    node.items ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
  if (element && !celVisible(element)) {
    add(`CEL rule ${quoted} is on a list or map whose items have no type: CEL cannot declare it`);
  }
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const field = new RegExp(`\\bself\\.${escapeRegExp(celField(name))}\\b`);
    if (!celVisible(child) && field.test(rule.rule)) {
      add(`CEL rule ${quoted} reads ${path}.${name}, which has no type: CEL cannot see it`);
    }
  }
  // Names read by the rule: has(self.x) only tests presence, which costs nothing per character or item.
  const read = rule.rule.replace(/has\(\s*self\.[A-Za-z_][A-Za-z0-9_]*\s*\)/g, "");
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (!new RegExp(`\\.${escapeRegExp(celField(name))}\\b`).test(read)) continue;
    for (const [subPath, unbounded] of unboundedBelow(child, `${path}.${name}`)) {
      add(`CEL rule ${quoted} reads ${subPath}, an unbounded ${unbounded.what}: set ${unbounded.bound}`);
    }
  }
  // size() of a list or map is constant-time; iterating or comparing it costs per item and per character.
  const perItem = /\.(all|exists|exists_one|map|filter)\(|==|!=|\[|\bin\b|\+/.test(read);
  if (perItem && (node.items || typeof node.additionalProperties === "object")) {
    const inner = node.items ?? (node.additionalProperties as JSONSchemaProps);
    const innerPath = node.items ? `${path}[*]` : `${path}.*`;
    for (const [subPath, unbounded] of unboundedBelow(inner, innerPath)) {
      add(
        `CEL rule ${quoted} on ${at} reads ${subPath}, an unbounded ${unbounded.what}: set ${unbounded.bound}`,
      );
    }
  }
}

interface Unbounded {
  what: string;
  bound: string;
}

function missingBound(node: JSONSchemaProps): Unbounded | undefined {
  // date-time, date and duration strings are timestamps and durations in CEL: fixed size.
  const fixedSize = node.format === "date-time" || node.format === "date" || node.format === "duration";
  if (node.type === "string" && node.maxLength === undefined && !node.enum && !fixedSize) {
    return { what: "string", bound: "maxLength" };
  }
  if (node.type === "array" && node.maxItems === undefined) return { what: "list", bound: "maxItems" };
  if (typeof node.additionalProperties === "object" && node.maxProperties === undefined) {
    return { what: "map", bound: "maxProperties" };
  }
  return undefined;
}

/** Every unbounded string, list or map at or below `node`. */
function unboundedBelow(node: JSONSchemaProps, path: string): Array<[string, Unbounded]> {
  const out: Array<[string, Unbounded]> = [];
  const missing = missingBound(node);
  if (missing) out.push([path, missing]);
  for (const [name, child] of Object.entries(node.properties ?? {}))
    out.push(...unboundedBelow(child, `${path}.${name}`));
  if (node.items && !Array.isArray(node.items)) out.push(...unboundedBelow(node.items, `${path}[*]`));
  if (typeof node.additionalProperties === "object") {
    out.push(...unboundedBelow(node.additionalProperties, `${path}.*`));
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
