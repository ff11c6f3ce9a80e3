/**
 * A seeded generator of random schemas built with the `s` builders, each with a sample value that satisfies it
 * (also its CEL rules), for the property test that installs them on the real apiserver. Seeded rather than
 * fast-check: no new dependency, and a failing seed is printed and replayed with SCHEMA_SEED.
 */
import { celVisible, s, type AnySchema, type Shape } from "../../src/schema/index.js";
import { rng } from "./seeded-random.js";

export interface Generated {
  schema: AnySchema;
  /** A value the schema accepts (undefined: leave the property out). */
  sample: unknown;
}

/** Property names, including ones CEL must escape (a-b, in, namespace, x.y, __u). */
const NAMES = [
  "alpha",
  "beta",
  "gamma",
  "delta",
  "a-b",
  "in",
  "namespace",
  "x.y",
  "__u",
  "count",
  "name",
  "spec2",
];
/** RE2 patterns (some not valid JavaScript, like (?i)) with a matching sample. */
const PATTERNS: Array<[string, string]> = [
  ["^[a-z]+$", "abc"],
  ["^(?i)abc$", "ABC"],
  ["^[0-9]{2,4}$", "123"],
  ["^\\p{L}+$", "héllo"],
  ["^[[:alpha:]]+-\\d+$", "ab-12"],
  ["^(a|b)*c\\z", "abac"],
];
const FORMATS: Array<[Parameters<ReturnType<typeof s.string>["format"]>[0], string]> = [
  ["date-time", "2024-05-06T07:08:09Z"],
  ["date", "2024-05-06"],
  ["email", "a@example.com"],
  ["ipv4", "10.0.0.1"],
  ["uuid", "123e4567-e89b-12d3-a456-426614174000"],
  ["hostname", "example.com"],
  ["byte", "aGVsbG8="],
];

export class SchemaGenerator {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = rng(seed);
  }

  private int(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low + 1));
  }
  private chance(p: number): boolean {
    return this.random() < p;
  }
  private pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A random object schema (a spec), depth-limited. */
  spec(): Generated {
    return this.object(3, true);
  }

  /** `cel`: CEL rules are allowed here (no unbounded list or map above). */
  private any(depth: number, cel: boolean): Generated {
    const kinds = [
      "string",
      "string",
      "integer",
      "number",
      "boolean",
      "enum",
      "intOrString",
      "quantity",
      "dateTime",
    ];
    if (depth > 0) kinds.push("object", "object", "map", "array", "array", "union", "embedded", "any");
    const kind = this.pick(kinds);
    let generated = this.scalarOrNested(kind, depth, cel);
    if (this.chance(0.2)) generated = { ...generated, schema: generated.schema.describe(`random ${kind}`) };
    return generated;
  }

  private scalarOrNested(kind: string, depth: number, cel: boolean): Generated {
    switch (kind) {
      case "string":
        return this.string(cel);
      case "integer":
        return this.integer(cel);
      case "number": {
        let schema = s.number();
        const exclusive = this.chance(0.5);
        if (this.chance(0.5)) schema = schema.min(-1.5, { exclusive });
        if (this.chance(0.5)) schema = schema.max(2.5, { exclusive });
        return { schema, sample: 0.25 };
      }
      case "boolean":
        return { schema: s.boolean(), sample: this.chance(0.5) };
      case "enum": {
        const values = ["Red", "Green", "Blue"].slice(0, this.int(1, 3)) as [string, ...string[]];
        return { schema: s.enum(values), sample: this.pick(values) };
      }
      case "intOrString":
        return { schema: s.intOrString(), sample: this.chance(0.5) ? 8080 : "http" };
      case "quantity":
        return { schema: s.quantity(), sample: this.pick(["500m", "1Gi", 2, "1.5"]) };
      case "dateTime": {
        let schema = s.dateTime();
        if (cel && this.chance(0.3))
          schema = schema.validate("self > timestamp('2000-01-01T00:00:00Z')", "too early");
        return { schema, sample: "2024-01-01T00:00:00Z" };
      }
      case "object":
        return this.object(depth - 1, cel);
      case "map": {
        const bounded = this.chance(0.5);
        const value = this.any(depth - 1, cel && bounded);
        let schema = s.map(value.schema);
        if (bounded) schema = schema.maxProperties(this.int(1, 5));
        if (this.chance(0.2)) schema = schema.mapType("atomic");
        if (bounded && cel && celVisible(value.schema.toJSON()) && this.chance(0.3)) {
          schema = schema.validate("self.size() >= 0", "map size");
        }
        return { schema, sample: value.sample === undefined ? {} : { k1: value.sample } };
      }
      case "array":
        return this.array(depth, cel);
      case "union": {
        const members: Shape = {};
        const names = this.names(this.int(2, 3));
        const samples: Record<string, unknown> = {};
        for (const name of names) {
          let member = this.any(depth - 1, cel);
          // CEL cannot see an untyped (s.any()) member, so a union cannot name it.
          while (!celVisible(member.schema.toJSON())) member = this.any(depth - 1, cel);
          members[name] = member.schema;
          samples[name] = member.sample;
        }
        if (!cel) return this.string(false);
        const chosen = names.find((n) => samples[n] !== undefined && samples[n] !== null);
        if (!chosen) return this.string(false);
        return { schema: s.union(members), sample: { [chosen]: samples[chosen] } };
      }
      case "embedded":
        return this.chance(0.5)
          ? {
              schema: s.embedded(),
              sample: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: {} },
            }
          : {
              schema: s.embedded({ data: s.map(s.string()).optional() }),
              sample: { apiVersion: "v1", kind: "ConfigMap", data: { a: "b" } },
            };
      default:
        return { schema: s.any(), sample: { free: [1, "form"] } };
    }
  }

  private names(n: number): string[] {
    const pool = [...NAMES];
    const out: string[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(this.int(0, pool.length - 1), 1)[0] as string);
    return out;
  }

  private string(cel: boolean): Generated {
    if (this.chance(0.3)) {
      const [pattern, sample] = this.pick(PATTERNS);
      return { schema: s.string().pattern(pattern), sample };
    }
    if (this.chance(0.25)) {
      const [format, sample] = this.pick(FORMATS);
      return { schema: s.string().format(format), sample };
    }
    let schema = s.string();
    const sample = "sample";
    if (this.chance(0.4)) schema = schema.minLength(this.int(0, 6));
    const bounded = this.chance(0.6);
    if (bounded) schema = schema.maxLength(this.int(6, 300));
    if (bounded && cel && this.chance(0.4))
      schema = schema.validate("self != 'forbidden'", "must not be forbidden");
    return { schema, sample };
  }

  private integer(cel: boolean): Generated {
    let schema = this.chance(0.5) ? s.int32() : s.int64();
    if (this.chance(0.4)) schema = schema.min(this.int(-10, 0));
    if (this.chance(0.4)) schema = schema.max(this.int(10, 100));
    if (this.chance(0.2)) schema = schema.multipleOf(2);
    if (cel && this.chance(0.3))
      schema = schema.validate("self % 2 == 0", { message: "must be even", reason: "FieldValueInvalid" });
    return { schema, sample: 4 };
  }

  private object(depth: number, cel: boolean): Generated {
    const shape: Shape = {};
    const sample: Record<string, unknown> = {};
    const optional: string[] = [];
    for (const name of this.names(this.int(1, 4))) {
      const property = this.any(Math.max(depth, 0), cel);
      const roll = this.random();
      if (roll < 0.35) {
        shape[name] = property.schema;
        sample[name] = property.sample;
      } else if (roll < 0.7) {
        shape[name] = property.schema.optional();
        optional.push(name);
        if (this.chance(0.5)) sample[name] = property.sample;
      } else if (roll < 0.85 && property.sample !== undefined) {
        // A default: the sample is valid, so it is a valid default.
        shape[name] = property.schema.default(property.sample);
      } else if (!property.schema.toJSON().enum) {
        shape[name] = property.schema.nullable().optional();
        sample[name] = null;
      }
    }
    let schema: AnySchema = s.object(shape);
    const visible = optional.filter((name) => shape[name] && celVisible(shape[name].toJSON()));
    if (cel && visible.length >= 2 && this.chance(0.3)) {
      const [a, b] = visible as [string, string];
      const object = s.object(shape) as unknown as { atMostOneOf(...keys: string[]): AnySchema };
      schema = object.atMostOneOf(a, b);
      if (a in sample && b in sample) delete sample[b];
    } else if (this.chance(0.15)) {
      schema = s.object(shape).preserveUnknownFields();
      sample.unknownKept = { x: 1 };
    }
    return { schema, sample };
  }

  private array(depth: number, cel: boolean): Generated {
    const bounded = this.chance(0.5);
    const maxItems = this.int(2, 20);
    const celInside = cel && bounded;
    const roll = this.random();
    let schema;
    let sample: unknown[];
    if (roll < 0.3) {
      // A set of scalars.
      const item = this.chance(0.5) ? this.string(celInside) : this.integer(false);
      schema = s.array(item.schema).listType("set");
      sample = [item.sample];
    } else if (roll < 0.6) {
      // A list-map keyed by a required string.
      const value = this.any(Math.max(depth - 2, 0), celInside);
      const item = s.object({ key: s.string().maxLength(20), value: value.schema.optional() });
      schema = s.array(item).listMap("key");
      sample = [{ key: "a", ...(value.sample === undefined ? {} : { value: value.sample }) }];
    } else {
      const item = this.any(Math.max(depth - 1, 0), celInside);
      schema = s.array(item.schema);
      if (this.chance(0.3)) schema = schema.listType("atomic");
      sample = item.sample === undefined ? [] : [item.sample];
    }
    if (this.chance(0.3)) schema = schema.minItems(sample.length);
    if (bounded) schema = schema.maxItems(maxItems);
    if (bounded && cel && celVisible(schema.items.toJSON()) && this.chance(0.3))
      schema = schema.validate(`self.size() <= ${maxItems}`, "too many");
    return { schema, sample };
  }
}
