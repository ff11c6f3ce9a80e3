/**
 * The schema builders (`s.string()`, `s.object({...})` ...): each value is an immutable structural OpenAPI schema
 * plus the static TypeScript type of the data it accepts, so one definition gives both the CRD and the types
 * (`Infer<typeof spec>`). Options the apiserver would reject (a look-ahead pattern, a default that does not
 * validate, minimum above maximum) throw `TSOP_INVALID_SCHEMA` here, at the line that wrote them; rules that need
 * the whole tree (CEL cost bounds, list-map keys) are checked by `assertStructural`.
 */
import { TsOperatorError } from "../core/errors.js";
import type { ObjectMeta } from "../core/types.js";
import { celField, celVisible } from "./cel.js";
import { valueProblems } from "./check-value.js";
import type { JSONSchemaProps, JsonValue, ValidationRule } from "./json-schema.js";
import { re2Problem } from "./re2.js";

/**
 * Whether an object property may be absent: "required" (listed in `required`), "optional" (may be absent, also
 * when read back), "defaulted" (may be omitted when writing; the apiserver fills it in, so it is always there
 * when read).
 */
export type Presence = "required" | "optional" | "defaulted";

export function schemaError(message: string): TsOperatorError {
  return new TsOperatorError("TSOP_INVALID_SCHEMA", message);
}

/** Options of a CEL rule besides its expression. */
export type RuleOptions = Omit<ValidationRule, "rule">;

/**
 * A structural schema for values of type `Out` (as read from the apiserver; `In` is what may be written).
 * Subclasses add their type's options; the modifiers here (`optional`, `nullable`, `default`) change the static
 * type, so call them last: `s.integer().min(0).default(1)`.
 */
export class Schema<Out, In = Out, P extends Presence = "required"> {
  /** Type-only: the type of the data when read. */
  declare readonly _out: Out;
  /** Type-only: the type of the data when written. */
  declare readonly _in: In;
  declare readonly _presence: P;

  /** @internal Use the `s` builders. */
  constructor(
    protected readonly json: JSONSchemaProps,
    readonly presence: P,
  ) {}

  /** The OpenAPI v3 schema (a fresh copy). */
  toJSON(): JSONSchemaProps {
    return structuredClone(this.json);
  }

  /** A copy of this builder with `patch` merged into its schema (keeps the subclass and its options). */
  protected with(patch: JSONSchemaProps, presence: Presence = this.presence): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    const json: JSONSchemaProps = { ...this.json, ...patch };
    for (const key of Object.keys(json) as Array<keyof JSONSchemaProps>)
      if (json[key] === undefined) delete json[key];
    Object.assign(copy, this, { json, presence });
    return copy;
  }

  /** A copy with a size bound (minLength, maxItems ...) set, checked against its partner. */
  protected count(key: CountKey, n: number): this {
    if (!Number.isInteger(n) || n < 0) throw schemaError(`${key} must be a non-negative integer, got ${n}`);
    const next = this.with({ [key]: n });
    checkRange(next.json, ...COUNT_PAIRS[key]);
    return next;
  }

  /** The field's description (shown by `kubectl explain`). */
  describe(description: string): this {
    return this.with({ description });
  }

  /**
   * Adds a CEL rule (`x-kubernetes-validations`); `self` is this value. The apiserver rejects a write that
   * breaks it with `message`. A rule on a string, list or map needs its maxLength / maxItems / maxProperties so
   * its cost can be bounded (`assertStructural` says which is missing).
   *
   * @example
   * s.integer().validate("self % 2 == 0", "must be even")
   */
  validate(rule: string, message?: string | RuleOptions): this {
    if (!rule.trim()) throw schemaError("validate(): the CEL rule is empty");
    const options = typeof message === "string" ? { message } : (message ?? {});
    const entry: ValidationRule = { rule, ...options };
    return this.with({
      "x-kubernetes-validations": [...(this.json["x-kubernetes-validations"] ?? []), entry],
    });
  }

  /** The property may be absent (it is left out of its object's `required`). */
  optional(): Schema<Out, In, "optional"> {
    return this.with({}, "optional") as unknown as Schema<Out, In, "optional">;
  }

  /** `null` is a valid value (`nullable: true`); without it the apiserver drops nulls. */
  nullable(): Schema<Out | null, In | null, P> {
    // The apiserver checks enum without regard to nullable and refuses null even when the enum lists it
    // (found by test/integration/schema-property.test.ts), so a nullable enum could never hold null.
    if (this.json.enum)
      throw schemaError("an enum cannot be nullable (the apiserver refuses null); use .optional()");
    return this.with({ nullable: true });
  }

  /**
   * The value the apiserver fills in when the property is absent. It is checked against this schema now, so a
   * default the apiserver would refuse fails here. A defaulted property is optional when writing and always
   * present when reading.
   */
  default(value: Exclude<In, undefined>): Schema<Out, In, "defaulted"> {
    const problems = valueProblems(this.json, value);
    if (problems.length) {
      throw schemaError(`default ${JSON.stringify(value)} does not match its schema: ${problems.join("; ")}`);
    }
    return this.with({ default: structuredClone(value) as JsonValue }, "defaulted") as unknown as Schema<
      Out,
      In,
      "defaulted"
    >;
  }
}

/** Any builder; what object shapes, arrays and maps hold. */
export type AnySchema = Schema<unknown, unknown, Presence>;

/** The TypeScript type of the data a schema accepts, as read back from the apiserver. */
export type Infer<S extends AnySchema> = S["_out"];
/** The type of the data when writing it: defaulted properties may be left out. */
export type InferInput<S extends AnySchema> = S["_in"];

/** Flattens intersections so editors show one object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type Shape = Record<string, AnySchema>;

export type KeysWhere<S extends Shape, P extends Presence> = {
  [K in keyof S]: S[K]["_presence"] extends P ? K : never;
}[keyof S];

export type ObjectOut<S extends Shape> = Simplify<
  { [K in KeysWhere<S, "required" | "defaulted">]: S[K]["_out"] } & {
    [K in KeysWhere<S, "optional">]?: S[K]["_out"];
  }
>;
export type ObjectIn<S extends Shape> = Simplify<
  { [K in KeysWhere<S, "required">]: S[K]["_in"] } & {
    [K in KeysWhere<S, "optional" | "defaulted">]?: S[K]["_in"];
  }
>;

function checkRange(json: JSONSchemaProps, low: keyof JSONSchemaProps, high: keyof JSONSchemaProps): void {
  const a = json[low];
  const b = json[high];
  if (typeof a === "number" && typeof b === "number" && a > b) {
    throw schemaError(`${String(low)} ${a} is greater than ${String(high)} ${b}`);
  }
}

export type CountKey = "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties";
/** Each size bound and its partner, checked together so min never exceeds max whichever is set last. */
const COUNT_PAIRS: Record<CountKey, [CountKey, CountKey]> = {
  minLength: ["minLength", "maxLength"],
  maxLength: ["minLength", "maxLength"],
  minItems: ["minItems", "maxItems"],
  maxItems: ["minItems", "maxItems"],
  minProperties: ["minProperties", "maxProperties"],
  maxProperties: ["minProperties", "maxProperties"],
};

/** Formats the apiserver validates (k8s.io/kube-openapi's strfmt registry); others are accepted and ignored. */
export type StringFormat =
  | "date-time"
  | "date"
  | "duration"
  | "byte"
  | "password"
  | "email"
  | "hostname"
  | "ipv4"
  | "ipv6"
  | "cidr"
  | "mac"
  | "uri"
  | "uuid"
  | "uuid3"
  | "uuid4"
  | "uuid5"
  | "bsonobjectid"
  | "isbn"
  | "isbn10"
  | "isbn13"
  | "creditcard"
  | "ssn"
  | "hexcolor"
  | "rgbcolor";

export class StringSchema<T extends string = string> extends Schema<T> {
  minLength(n: number): this {
    return this.count("minLength", n);
  }
  maxLength(n: number): this {
    return this.count("maxLength", n);
  }
  /** A regular expression in RE2 syntax (no look-around or backreferences): the apiserver compiles it with Go. */
  pattern(pattern: string): this {
    const problem = re2Problem(pattern);
    if (problem) throw schemaError(`pattern ${JSON.stringify(pattern)} is not RE2: ${problem}`);
    return this.with({ pattern });
  }
  format(format: StringFormat): this {
    return this.with({ format });
  }
}

export class NumberSchema extends Schema<number> {
  /** Inclusive lower bound (`exclusive: true` for a strict one). */
  min(minimum: number, options: { exclusive?: boolean } = {}): this {
    const next = this.with({ minimum, ...(options.exclusive ? { exclusiveMinimum: true } : {}) });
    checkRange(next.json, "minimum", "maximum");
    return next;
  }
  /** Inclusive upper bound (`exclusive: true` for a strict one). */
  max(maximum: number, options: { exclusive?: boolean } = {}): this {
    const next = this.with({ maximum, ...(options.exclusive ? { exclusiveMaximum: true } : {}) });
    checkRange(next.json, "minimum", "maximum");
    return next;
  }
  multipleOf(n: number): this {
    if (!(n > 0)) throw schemaError(`multipleOf must be positive, got ${n}`);
    return this.with({ multipleOf: n });
  }
}

export class ObjectSchema<S extends Shape> extends Schema<ObjectOut<S>, ObjectIn<S>> {
  /** @internal */
  constructor(
    json: JSONSchemaProps,
    readonly shape: S,
  ) {
    super(json, "required");
  }

  /** Exactly one of these (optional) properties must be set: a CEL rule, as controller-gen's ExactlyOneOf. */
  exactlyOneOf(...keys: Array<KeysWhere<S, "optional"> & string>): this {
    return this.oneOfRule(keys, "== 1", "exactly one of");
  }
  /** At most one of these (optional) properties may be set (controller-gen's AtMostOneOf). */
  atMostOneOf(...keys: Array<KeysWhere<S, "optional"> & string>): this {
    return this.oneOfRule(keys, "<= 1", "at most one of");
  }

  private oneOfRule(keys: string[], comparison: string, words: string): this {
    if (keys.length < 2) throw schemaError(`${words}: name at least two properties`);
    for (const key of keys) {
      const property = this.shape[key];
      if (property?.presence !== "optional") {
        throw schemaError(
          `${words}: property ${JSON.stringify(key)} must be an optional property of this object`,
        );
      }
      if (!celVisible(property.toJSON())) {
        throw schemaError(
          `${words}: property ${JSON.stringify(key)} has no type (s.any()), so CEL rules cannot see it`,
        );
      }
    }
    const rule = `[${keys.map((k) => `has(self.${celField(k)})`).join(", ")}].filter(x, x).size() ${comparison}`;
    return this.validate(rule, `${words} ${keys.join(", ")} must be set`);
  }

  /**
   * Keep fields the schema does not list (`x-kubernetes-preserve-unknown-fields`) instead of pruning them.
   * The type gains an index signature.
   */
  preserveUnknownFields(): Schema<
    ObjectOut<S> & Record<string, unknown>,
    ObjectIn<S> & Record<string, unknown>
  > {
    return this.with({ "x-kubernetes-preserve-unknown-fields": true });
  }

  /** "atomic": server-side apply replaces the whole object instead of merging its fields. */
  mapType(type: "atomic" | "granular"): this {
    return this.with({ "x-kubernetes-map-type": type });
  }
}

export class MapSchema<V extends AnySchema> extends Schema<
  Record<string, V["_out"]>,
  Record<string, V["_in"]>
> {
  minProperties(n: number): this {
    return this.count("minProperties", n);
  }
  maxProperties(n: number): this {
    return this.count("maxProperties", n);
  }
  mapType(type: "atomic" | "granular"): this {
    return this.with({ "x-kubernetes-map-type": type });
  }
}

/** Keys of the items' object shape usable as list-map keys: scalars that are required or defaulted. */
export type ListMapKey<I extends AnySchema> =
  I extends ObjectSchema<infer S> ? KeysWhere<S, "required" | "defaulted"> & string : never;

export class ArraySchema<I extends AnySchema> extends Schema<Array<I["_out"]>, Array<I["_in"]>> {
  /** @internal */
  constructor(
    json: JSONSchemaProps,
    readonly items: I,
  ) {
    super(json, "required");
  }
  minItems(n: number): this {
    return this.count("minItems", n);
  }
  maxItems(n: number): this {
    return this.count("maxItems", n);
  }
  /**
   * How server-side apply merges the list: "atomic" (replaced whole, the default) or "set" (scalar items,
   * each owned separately, no duplicates).
   */
  listType(type: "atomic" | "set"): this {
    if (type === "set" && this.items.toJSON().type === "object") {
      throw schemaError('listType "set" needs scalar items; for objects use listMap(...keys)');
    }
    return this.with({ "x-kubernetes-list-type": type, "x-kubernetes-list-map-keys": undefined });
  }
  /** A list of objects keyed by `keys` (like containers by name): merged per item, keys unique. */
  listMap(...keys: Array<ListMapKey<I>>): this {
    if (!(this.items instanceof ObjectSchema)) throw schemaError("listMap needs object items");
    if (keys.length === 0) throw schemaError("listMap needs at least one key");
    const shape = (this.items as ObjectSchema<Shape>).shape;
    for (const key of keys) {
      const property = shape[key];
      const type = property?.toJSON().type;
      if (!property || property.presence === "optional" || type === "object" || type === "array") {
        throw schemaError(
          `listMap key ${JSON.stringify(key)} must be a required or defaulted scalar property`,
        );
      }
    }
    return this.with({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": keys });
  }
}

/** An embedded Kubernetes object (apiVersion, kind and metadata are validated by the apiserver). */
export type EmbeddedObject = {
  apiVersion: string;
  kind: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
};

export type UnionOut<M extends Shape> = {
  [K in keyof M]: Simplify<{ [P in K]: M[P]["_out"] } & { [P in Exclude<keyof M, K>]?: never }>;
}[keyof M];
export type UnionIn<M extends Shape> = {
  [K in keyof M]: Simplify<{ [P in K]: M[P]["_in"] } & { [P in Exclude<keyof M, K>]?: never }>;
}[keyof M];

/** The Kubernetes quantity syntax ("500m", "1Gi", "2"), as controller-gen writes it for resource.Quantity. */
export const QUANTITY_PATTERN =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

function shapeJson(shape: Shape): JSONSchemaProps {
  const properties: Record<string, JSONSchemaProps> = {};
  const required: string[] = [];
  for (const [name, property] of Object.entries(shape)) {
    if (!(property instanceof Schema))
      throw schemaError(`property ${JSON.stringify(name)} is not a schema builder`);
    properties[name] = property.toJSON();
    if (property.presence === "required") required.push(name);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

/**
 * The builders.
 *
 * @example
 * const spec = s.object({
 *   message: s.string().maxLength(200).describe("What the server answers"),
 *   replicas: s.int32().min(0).default(1),
 *   ports: s.array(s.object({ name: s.string(), port: s.int32() })).listMap("name").optional(),
 * });
 * type Spec = Infer<typeof spec>; // { message: string; replicas: number; ports?: {...}[] }
 */
export const s = {
  string(): StringSchema {
    return new StringSchema({ type: "string" }, "required");
  },
  /** A string restricted to these values. */
  enum<const T extends readonly [string, ...string[]]>(values: T): StringSchema<T[number]> {
    if (new Set(values).size !== values.length)
      throw schemaError(`enum has duplicate values: ${values.join(", ")}`);
    return new StringSchema<T[number]>({ type: "string", enum: [...values] }, "required");
  },
  /** An RFC 3339 timestamp string (`format: date-time`), as metav1.Time. */
  dateTime(): StringSchema {
    return new StringSchema({ type: "string", format: "date-time" }, "required");
  },
  /** An integer (`format: int64` unless int32 is asked for). */
  integer(format: "int32" | "int64" = "int64"): NumberSchema {
    return new NumberSchema({ type: "integer", format }, "required");
  },
  int32(): NumberSchema {
    return s.integer("int32");
  },
  int64(): NumberSchema {
    return s.integer("int64");
  },
  /** A floating-point number (`format: double`). */
  number(): NumberSchema {
    return new NumberSchema({ type: "number", format: "double" }, "required");
  },
  boolean(): Schema<boolean> {
    return new Schema<boolean>({ type: "boolean" }, "required");
  },
  /** Either an integer or a string (`x-kubernetes-int-or-string`), as intstr.IntOrString ("80" or "http"). */
  intOrString(): Schema<number | string> {
    return new Schema<number | string>(
      { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
      "required",
    );
  },
  /** A resource quantity ("500m", "1Gi", 2), as resource.Quantity. */
  quantity(): Schema<number | string> {
    return new Schema<number | string>(
      {
        "x-kubernetes-int-or-string": true,
        anyOf: [{ type: "integer" }, { type: "string" }],
        pattern: QUANTITY_PATTERN,
      },
      "required",
    );
  },
  /** An object with these properties; each is required unless marked `.optional()` or given a `.default()`. */
  object<S extends Shape>(shape: S): ObjectSchema<S> {
    return new ObjectSchema(shapeJson(shape), shape);
  },
  /** An object with arbitrary keys and values of one schema (`additionalProperties`), e.g. labels. */
  map<V extends AnySchema>(values: V): MapSchema<V> {
    return new MapSchema<V>({ type: "object", additionalProperties: values.toJSON() }, "required");
  },
  array<I extends AnySchema>(items: I): ArraySchema<I> {
    return new ArraySchema({ type: "array", items: items.toJSON() }, items);
  },
  /** Any JSON value, kept as sent (`x-kubernetes-preserve-unknown-fields`), like runtime.RawExtension. */
  any(): Schema<JsonValue> {
    return new Schema<JsonValue>({ "x-kubernetes-preserve-unknown-fields": true }, "required");
  },
  /**
   * A whole Kubernetes object inside this one (`x-kubernetes-embedded-resource`), e.g. a template. Without a
   * shape every field is kept; with one, the listed fields are validated and the rest pruned.
   */
  embedded<S extends Shape = Record<never, AnySchema>>(
    shape?: S,
  ): Schema<Simplify<EmbeddedObject & ObjectOut<S>>, Simplify<EmbeddedObject & ObjectIn<S>>> {
    const json: JSONSchemaProps = shape
      ? { ...shapeJson(shape), "x-kubernetes-embedded-resource": true }
      : {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          "x-kubernetes-preserve-unknown-fields": true,
        };
    return new Schema(json, "required");
  },
  /**
   * A union: an object with exactly one of these members set, checked by a CEL rule (controller-gen's
   * ExactlyOneOf). The type is the union of `{ member: value }` objects.
   *
   * @example
   * s.union({ http: s.object({ path: s.string() }), tcp: s.object({ port: s.int32() }) })
   */
  union<M extends Shape>(members: M): Schema<UnionOut<M>, UnionIn<M>> {
    const keys = Object.keys(members);
    const optional = Object.fromEntries(Object.entries(members).map(([k, v]) => [k, v.optional()]));
    return s.object(optional).exactlyOneOf(...(keys as never[])) as unknown as Schema<
      UnionOut<M>,
      UnionIn<M>
    >;
  },
};
