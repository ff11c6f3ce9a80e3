/**
 * Generates src/core/generated/k8s-objects.ts: TypeScript types of the built-in kinds in `k8sTypes` (and every
 * type they reference), read from the pinned kube-apiserver's own /openapi/v3 documents. The output is types
 * only (no runtime code), so the types follow the Kubernetes version the project tests against at no cost to
 * the package's runtime. Rerun after bumping the control plane:
 *
 *   npx tsx scripts/generate-k8s-types.ts
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { k8sTypes } from "../src/core/k8s-types.js";
import { splitApiVersion, type K8sType } from "../src/core/types.js";
import { TestEnvironment } from "../src/testing/test-environment.js";

interface OpenApiSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  allOf?: OpenApiSchema[];
  $ref?: string;
  enum?: unknown[];
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-group-version-kind"?: Array<{ group: string; version: string; kind: string }>;
}

const OUT = fileURLToPath(new URL("../src/core/generated/k8s-objects.ts", import.meta.url));

/** Types written by hand instead of generated: core's ObjectMeta (what KubeObject uses) and the scalars. */
const FIXED: Record<string, string> = {
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": "ObjectMeta",
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "string",
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "string",
  "io.k8s.apimachinery.pkg.api.resource.Quantity": "string | number",
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "number | string",
  "io.k8s.apimachinery.pkg.runtime.RawExtension": "Record<string, unknown>",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "unknown",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "unknown",
};

function allKinds(): K8sType[] {
  const groups: Record<string, Record<string, Record<string, K8sType>>> = k8sTypes;
  return Object.values(groups).flatMap((versions) =>
    Object.values(versions).flatMap((kinds) => Object.values(kinds)),
  );
}

/** The first sentence of a description, for a one-line JSDoc that helps in editors without bloating the file. */
function summary(description: string | undefined): string | undefined {
  if (!description) return undefined;
  const first =
    description
      .split(/(?<=\.)\s/)[0]
      ?.replace(/\s+/g, " ")
      .replace(/\*\//g, "*\\/") ?? "";
  return first.length > 200 ? `${first.slice(0, 197)}...` : first;
}

class Emitter {
  private readonly names = new Map<string, string>();
  private readonly emitted = new Set<string>();
  private readonly queue: string[] = [];
  readonly lines: string[] = [];

  constructor(private readonly schemas: Map<string, OpenApiSchema>) {
    // Short names (the last segment); a clash gets the group and version in front (CoreV1Event, EventsV1Event).
    const byShort = new Map<string, string[]>();
    for (const key of schemas.keys()) {
      const short = key.split(".").pop() ?? key;
      byShort.set(short, [...(byShort.get(short) ?? []), key]);
    }
    for (const [short, keys] of byShort) {
      for (const key of keys) {
        if (keys.length === 1) this.names.set(key, short);
        else {
          const parts = key.split(".");
          const version = parts[parts.length - 2] ?? "";
          const group = parts[parts.length - 3] ?? "";
          const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
          this.names.set(key, `${cap(group)}${cap(version)}${short}`);
        }
      }
    }
  }

  nameOf(key: string): string {
    const fixed = FIXED[key];
    if (fixed) return fixed;
    const name = this.names.get(key);
    if (!name) throw new Error(`no schema ${key}`);
    if (!this.emitted.has(key)) {
      this.emitted.add(key);
      this.queue.push(key);
    }
    return name;
  }

  /** Emits `key` and everything it references. */
  emitAll(keys: string[]): void {
    for (const key of keys) this.nameOf(key);
    for (let key = this.queue.shift(); key; key = this.queue.shift()) this.emit(key);
  }

  private emit(key: string): void {
    const schema = this.schemas.get(key);
    if (!schema) throw new Error(`no schema ${key}`);
    const name = this.names.get(key) ?? key;
    const doc = summary(schema.description);
    if (doc) this.lines.push(`/** ${doc} */`);
    const isKind =
      (schema["x-kubernetes-group-version-kind"]?.length ?? 0) > 0 && schema.properties?.metadata;
    this.lines.push(`export type ${name} = ${this.typeOf(schema, "", isKind ? "kind" : "plain")};`, "");
  }

  private typeOf(schema: OpenApiSchema, indent: string, mode: "kind" | "plain" = "plain"): string {
    if (schema.$ref) return this.nameOf(schema.$ref.replace("#/components/schemas/", ""));
    if (schema.allOf?.length === 1 && schema.allOf[0]) return this.typeOf(schema.allOf[0], indent);
    if (schema["x-kubernetes-int-or-string"]) return "number | string";
    if (schema.enum?.length && schema.type === "string") {
      return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
    }
    switch (schema.type) {
      case "string":
        return "string";
      case "integer":
      case "number":
        return "number";
      case "boolean":
        return "boolean";
      case "array":
        return `Array<${schema.items ? this.typeOf(schema.items, indent) : "unknown"}>`;
      case "object":
      case undefined:
        break;
      default:
        return "unknown";
    }
    if (schema.properties) {
      const inner = `${indent}  `;
      const required = new Set(schema.required ?? []);
      // Objects read from the server always have metadata; KubeObject requires it.
      if (mode === "kind") required.add("metadata");
      const fields = Object.entries(schema.properties).map(([prop, value]) => {
        const doc = summary(value.description);
        const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(prop) ? prop : JSON.stringify(prop);
        const line = `${inner}${key}${required.has(prop) ? "" : "?"}: ${this.typeOf(value, inner)};`;
        return doc ? `${inner}/** ${doc} */\n${line}` : line;
      });
      return `{\n${fields.join("\n")}\n${indent}}`;
    }
    if (typeof schema.additionalProperties === "object") {
      return `Record<string, ${this.typeOf(schema.additionalProperties, indent)}>`;
    }
    return "Record<string, unknown>";
  }
}

async function main(): Promise<void> {
  const env = await TestEnvironment.start({ controllerManager: false });
  try {
    const version = ((await env.adminJson("GET", "/version")).body as { gitVersion: string }).gitVersion;
    const answer = (await env.adminJson("GET", "/openapi/v3")).body;
    // The index is served as JSON without a JSON content type on some versions: parse it ourselves then.
    const index = (typeof answer === "string" ? JSON.parse(answer) : answer) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const kinds = allKinds();
    const schemas = new Map<string, OpenApiSchema>();
    const roots: Array<{ kind: K8sType; key: string }> = [];
    const wanted = new Set(
      kinds.map((k) => (k.apiVersion.includes("/") ? `apis/${k.apiVersion}` : `api/${k.apiVersion}`)),
    );
    for (const path of wanted) {
      const entry = index.paths[path];
      if (!entry) throw new Error(`the apiserver serves no OpenAPI document for ${path}`);
      const doc = (await env.adminJson("GET", entry.serverRelativeURL)).body as {
        components: { schemas: Record<string, OpenApiSchema> };
      };
      for (const [key, schema] of Object.entries(doc.components.schemas)) schemas.set(key, schema);
    }
    for (const kind of kinds) {
      const { group, version: v } = splitApiVersion(kind.apiVersion);
      const key = [...schemas.entries()].find(([, schema]) =>
        schema["x-kubernetes-group-version-kind"]?.some(
          (g) => g.group === group && g.version === v && g.kind === kind.kind,
        ),
      )?.[0];
      if (!key) throw new Error(`no OpenAPI schema for ${kind.kind} ${kind.apiVersion}`);
      roots.push({ kind, key });
    }
    const emitter = new Emitter(schemas);
    emitter.emitAll(roots.map((r) => r.key));
    const header = [
      "/**",
      ` * Types of the built-in Kubernetes kinds in k8sTypes, generated from kube-apiserver ${version}'s /openapi/v3 by`,
      " * scripts/generate-k8s-types.ts. Types only: nothing here exists at runtime. Do not edit; regenerate.",
      " */",
      'import type { ObjectMeta } from "../types.js";',
      "",
    ];
    const kindMap = [
      "/** Every generated kind by `apiVersion/kind`, for looking one up by name. */",
      "export interface K8sObjects {",
      ...roots.map(
        (r) => `  ${JSON.stringify(`${r.kind.apiVersion}/${r.kind.kind}`)}: ${emitter.nameOf(r.key)};`,
      ),
      "}",
      "",
    ];
    // Formatted like the rest of the repository, so regenerating gives no diff but the real changes.
    const text = [...header, ...emitter.lines, ...kindMap].join("\n");
    await writeFile(OUT, await format(text, { ...(await resolveConfig(OUT)), filepath: OUT }));
    console.log(`wrote ${OUT} (${roots.length} kinds, Kubernetes ${version})`);
  } finally {
    await env.stop();
  }
}

await main();
