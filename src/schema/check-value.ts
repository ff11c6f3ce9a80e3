/**
 * Checks a JSON value against a structural schema, the way the apiserver's OpenAPI validation would (without CEL
 * rules, which need a CEL evaluator). Used to reject a `default` that the apiserver would refuse, when the schema
 * is built rather than when the CRD is installed.
 */
import type { JSONSchemaProps } from "./json-schema.js";

/** The problems of `value` against `schema`, each naming its field path ("" when none). */
export function valueProblems(schema: JSONSchemaProps, value: unknown, path = ""): string[] {
  const here = path || "<root>";
  if (value === null) return schema.nullable ? [] : [`${here}: must not be null`];
  if (value === undefined) return [`${here}: missing`];
  const problems: string[] = [];
  if (schema["x-kubernetes-int-or-string"]) {
    if (typeof value !== "string" && !Number.isInteger(value))
      problems.push(`${here}: must be an integer or a string`);
  } else if (schema.type !== undefined) {
    const ok =
      schema.type === "object"
        ? typeof value === "object" && !Array.isArray(value)
        : schema.type === "array"
          ? Array.isArray(value)
          : schema.type === "integer"
            ? Number.isInteger(value)
            : typeof value === schema.type;
    if (!ok) return [`${here}: must be of type ${schema.type}`];
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${here}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  if (typeof value === "string") problems.push(...stringProblems(schema, value, here));
  if (typeof value === "number") problems.push(...numberProblems(schema, value, here));
  if (Array.isArray(value)) problems.push(...arrayProblems(schema, value, path));
  else if (typeof value === "object") {
    problems.push(...objectProblems(schema, value as Record<string, unknown>, path));
  }
  return problems;
}

function stringProblems(schema: JSONSchemaProps, value: string, here: string): string[] {
  const out: string[] = [];
  // The apiserver counts characters (runes), not UTF-16 code units.
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    out.push(`${here}: must be at least ${schema.minLength} characters`);
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    out.push(`${here}: must be at most ${schema.maxLength} characters`);
  }
  if (schema.pattern !== undefined) {
    const re = jsRegExp(schema.pattern);
    if (re && !re.test(value)) out.push(`${here}: must match ${schema.pattern}`);
  }
  if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) {
    out.push(`${here}: must be a date-time (RFC 3339)`);
  }
  return out;
}

/** Most RE2 patterns are valid JavaScript; the few that are not ((?i), \z ...) are not checked here. */
function jsRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}

function numberProblems(schema: JSONSchemaProps, value: number, here: string): string[] {
  const out: string[] = [];
  if (schema.minimum !== undefined) {
    if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum) {
      out.push(`${here}: must be ${schema.exclusiveMinimum ? ">" : ">="} ${schema.minimum}`);
    }
  }
  if (schema.maximum !== undefined) {
    if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum) {
      out.push(`${here}: must be ${schema.exclusiveMaximum ? "<" : "<="} ${schema.maximum}`);
    }
  }
  if (schema.multipleOf !== undefined && !Number.isInteger(value / schema.multipleOf)) {
    out.push(`${here}: must be a multiple of ${schema.multipleOf}`);
  }
  if (schema.format === "int32" && (value < -(2 ** 31) || value > 2 ** 31 - 1)) {
    out.push(`${here}: does not fit in int32`);
  }
  return out;
}

function arrayProblems(schema: JSONSchemaProps, value: unknown[], path: string): string[] {
  const here = path || "<root>";
  const out: string[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    out.push(`${here}: must have at least ${schema.minItems} items`);
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    out.push(`${here}: must have at most ${schema.maxItems} items`);
  }
  if (schema.items) {
    value.forEach((item, i) =>
      out.push(...valueProblems(schema.items as JSONSchemaProps, item, `${path}[${i}]`)),
    );
  }
  const listType = schema["x-kubernetes-list-type"];
  if (listType === "set" || listType === "map") {
    const keys = schema["x-kubernetes-list-map-keys"] ?? [];
    const seen = new Set<string>();
    for (const item of value) {
      const key =
        listType === "set"
          ? JSON.stringify(item)
          : JSON.stringify(keys.map((k) => (item as Record<string, unknown> | null)?.[k]));
      if (seen.has(key)) out.push(`${here}: duplicate ${listType === "set" ? "item" : "key"} ${key}`);
      seen.add(key);
    }
  }
  return out;
}

function objectProblems(schema: JSONSchemaProps, value: Record<string, unknown>, path: string): string[] {
  const here = path || "<root>";
  const out: string[] = [];
  for (const name of schema.required ?? []) {
    // A missing property with a default is filled in by the apiserver before validation.
    if (!(name in value) && schema.properties?.[name]?.default === undefined) {
      out.push(`${path}.${name}: required`);
    }
  }
  const count = Object.keys(value).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    out.push(`${here}: must have at least ${schema.minProperties} properties`);
  }
  if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    out.push(`${here}: must have at most ${schema.maxProperties} properties`);
  }
  const additional = schema.additionalProperties;
  for (const [name, item] of Object.entries(value)) {
    const property = schema.properties?.[name];
    if (property) out.push(...valueProblems(property, item, `${path}.${name}`));
    else if (typeof additional === "object") out.push(...valueProblems(additional, item, `${path}.${name}`));
    else if (!schema["x-kubernetes-preserve-unknown-fields"] && !schema["x-kubernetes-embedded-resource"]) {
      // The apiserver would prune it: a default that silently loses fields is a bug in the schema.
      out.push(`${path}.${name}: unknown field (it would be pruned)`);
    }
  }
  return out;
}
