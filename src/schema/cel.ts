/**
 * CEL helpers for `x-kubernetes-validations`: how a property name is written in a rule. The apiserver exposes
 * properties whose names are not CEL identifiers under escaped names (KEP-2876), so rules we generate must use
 * them too.
 */

import type { JSONSchemaProps } from "./json-schema.js";

const RESERVED = new Set([
  "true",
  "false",
  "null",
  "in",
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

/** `name` as it is accessed in a CEL rule (`self.<celField(name)>`). */
export function celField(name: string): string {
  if (RESERVED.has(name)) return `__${name}__`;
  return name
    .replaceAll("__", "__underscores__")
    .replaceAll(".", "__dot__")
    .replaceAll("-", "__dash__")
    .replaceAll("/", "__slash__");
}

/**
 * Whether CEL rules can see a property: the apiserver gives CEL a declared type per schema node, and a node with
 * no type (x-kubernetes-preserve-unknown-fields alone) has none, so `self.x` does not compile.
 */
export function celVisible(schema: JSONSchemaProps): boolean {
  return schema.type !== undefined || schema["x-kubernetes-int-or-string"] === true;
}
