/**
 * The schema builders refuse, at the line that wrote it, what the apiserver would refuse at install time: non-RE2
 * patterns, defaults that do not validate, inverted bounds, bad list-map keys, CEL rules without the size bounds
 * the cost budget needs, and malformed resource definitions. assertStructural names the JSON path of each problem.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { hasCode } from "../../src/core/errors.js";
import {
  assertStructural,
  celField,
  defineResource,
  re2Problem,
  s,
  structuralProblems,
  type JSONSchemaProps,
} from "../../src/schema/index.js";

/** Asserts `fn` throws TSOP_INVALID_SCHEMA with a message matching `pattern`. */
function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(hasCode(err, "TSOP_INVALID_SCHEMA"), `expected TSOP_INVALID_SCHEMA, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("RE2 pattern check", () => {
  it("accepts RE2 syntax, including what JavaScript lacks", () => {
    for (const ok of [
      "^[a-z]+$",
      "^(?i)abc$",
      "a{2,3}?",
      "(?P<name>x)",
      "[[:alpha:]]+",
      "\\Qa.b\\E",
      "[(?=]",
      "a\\)",
      "^\\p{L}+$",
      "\\x{263a}+",
      "x{,}+",
    ]) {
      assert.equal(re2Problem(ok), undefined, ok);
    }
  });
  it("names look-ahead, look-behind, backreferences, atomic groups and possessive quantifiers", () => {
    const cases: Array<[string, RegExp]> = [
      ["^(?=.*[0-9]).+$", /look-ahead \(\?= at offset 1/],
      ["^(?!x)", /look-ahead \(\?!/],
      ["(?<=a)b", /look-behind \(\?<=/],
      ["(?<!a)b", /look-behind \(\?<!/],
      ["(a)\\1", /backreference \\1 at offset 3/],
      ["(?<n>a)\\k<n>", /named backreference/],
      ["(?>a+)", /atomic group/],
      ["a++", /possessive quantifier/],
      ["a{2,3}+", /possessive quantifier \{2,3\}\+/],
      ["(ab", /missing '\)'/],
      ["[ab", /unterminated character class/],
    ];
    for (const [pattern, message] of cases)
      assert.match(re2Problem(pattern) ?? "(accepted)", message, pattern);
  });
  it("s.string().pattern() throws with the construct", () => {
    rejects(() => s.string().pattern("^(?=x)"), /pattern "\^\(\?=x\)" is not RE2: look-ahead/);
  });
});

describe("builder options", () => {
  it("rejects a default that does not match the schema, saying why", () => {
    rejects(() => s.integer().min(1).default(0), /default 0 does not match its schema: <root>: must be >= 1/);
    rejects(() => s.string().maxLength(2).default("abc"), /must be at most 2 characters/);
    rejects(() => s.enum(["a", "b"]).default("c" as "a"), /must be one of "a", "b"/);
    rejects(() => s.object({ a: s.string() }).default({} as { a: string }), /\.a: required/);
    rejects(
      () => s.object({ a: s.string().optional() }).default({ b: 1 } as never),
      /\.b: unknown field \(it would be pruned\)/,
    );
    rejects(() => s.string().pattern("^[a-z]+$").default("ABC"), /must match/);
    rejects(() => s.int32().default(2 ** 31), /does not fit in int32/);
    rejects(() => s.array(s.string()).listType("set").default(["a", "a"]), /duplicate item/);
  });
  it("accepts a default that only becomes complete through nested defaults", () => {
    const schema = s.object({ a: s.integer().default(1) }).default({});
    assert.deepEqual(schema.toJSON().default, {});
  });
  it("rejects inverted and negative bounds", () => {
    rejects(() => s.string().maxLength(2).minLength(3), /minLength 3 is greater than maxLength 2/);
    rejects(() => s.integer().max(1).min(2), /minimum 2 is greater than maximum 1/);
    rejects(() => s.array(s.string()).minItems(-1), /minItems must be a non-negative integer/);
    rejects(() => s.map(s.string()).maxProperties(1.5), /maxProperties must be a non-negative integer/);
    rejects(() => s.number().multipleOf(0), /multipleOf must be positive/);
  });
  it("rejects list-map keys that are optional, missing or not scalar, and sets of objects", () => {
    const item = s.object({ name: s.string(), port: s.int32().optional(), tags: s.array(s.string()) });
    rejects(
      () => item && s.array(item).listMap("port" as "name"),
      /key "port" must be a required or defaulted scalar/,
    );
    rejects(() => s.array(item).listMap("tags"), /key "tags" must be a required or defaulted scalar/);
    rejects(() => s.array(s.string()).listMap(...([] as never[])), /listMap needs object items/);
    rejects(() => s.array(item).listType("set"), /listType "set" needs scalar items/);
  });
  it("rejects exactlyOneOf over required properties and duplicate enum values", () => {
    rejects(
      () => s.object({ a: s.string(), b: s.string().optional() }).exactlyOneOf("a" as "b", "b"),
      /property "a" must be an optional property/,
    );
    rejects(() => s.enum(["a", "a"]), /duplicate values/);
    rejects(() => s.enum(["a"]).nullable(), /an enum cannot be nullable/);
    rejects(() => s.integer().validate("  "), /the CEL rule is empty/);
  });
  it("writes exactly-one-of as a CEL rule with a message, escaping property names", () => {
    const json = s
      .object({ "a-b": s.string().optional(), in: s.string().optional() })
      .exactlyOneOf("a-b", "in")
      .toJSON();
    assert.deepEqual(json["x-kubernetes-validations"], [
      {
        rule: "[has(self.a__dash__b), has(self.__in__)].filter(x, x).size() == 1",
        message: "exactly one of a-b, in must be set",
      },
    ]);
    assert.equal(celField("x.y/z__w"), "x__dot__y__slash__z__underscores__w");
  });
  it("is immutable: options return new builders", () => {
    const base = s.string();
    base.maxLength(3);
    assert.deepEqual(base.toJSON(), { type: "string" });
  });
});

describe("assertStructural", () => {
  const root = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: "object", properties: { spec } });

  it("accepts the builders' output and a typical hand-written schema", () => {
    assertStructural(root(s.object({ a: s.string(), m: s.map(s.quantity()), l: s.array(s.any()) }).toJSON()));
  });
  it("names the JSON path of every problem in one error", () => {
    const bad = root({
      type: "object",
      properties: {
        ports: { type: "array", items: { properties: { name: { type: "string", pattern: "(?=a)" } } } },
        ref: { $ref: "#/definitions/x" } as JSONSchemaProps,
        both: { type: "object", properties: {}, additionalProperties: { type: "string" } },
        closed: { type: "object", additionalProperties: false },
        union: { anyOf: [{ type: "string" }, { type: "integer" }] },
        uniq: { type: "array", items: { type: "string" }, uniqueItems: true },
      },
    });
    const problems = structuralProblems(bad);
    const expect = [
      /^\.spec\.ports\[\*\]: type is missing/,
      /^\.spec\.ports\[\*\]\.name: pattern "\(\?=a\)" is not RE2: look-ahead/,
      /^\.spec\.ref: \$ref is not allowed in a CRD schema/,
      /^\.spec\.both: properties and additionalProperties are mutually exclusive/,
      /^\.spec\.closed: additionalProperties must be a schema/,
      /^\.spec\.union anyOf\[0\]: type is not allowed inside anyOf/,
      /^\.spec\.uniq: uniqueItems is not allowed/,
    ];
    for (const pattern of expect)
      assert.ok(
        problems.some((p) => pattern.test(p)),
        `${pattern} in\n${problems.join("\n")}`,
      );
    rejects(() => assertStructural(bad), /not a valid structural schema:\n {2}\.spec/);
  });
  it("checks the root and list types", () => {
    const problems = structuralProblems({
      type: "object",
      properties: {
        metadata: { type: "object", properties: { labels: { type: "object" } } },
        spec: {
          type: "object",
          properties: {
            m: {
              type: "array",
              items: { type: "object", properties: { k: { type: "string" } } },
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["k"],
            },
            set: { type: "array", items: { type: "object" }, "x-kubernetes-list-type": "set" },
            d: { type: "integer", minimum: 3, default: 1 },
          },
        },
      },
    });
    assert.ok(
      problems.some((p) => p.startsWith(".metadata: may only restrict name and generateName")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.startsWith('.spec.m: list-map key "k" must be required or have a default')),
    );
    assert.ok(
      problems.some((p) => p.startsWith('.spec.set: x-kubernetes-list-type "set" needs scalar items')),
    );
    assert.ok(problems.some((p) => p.startsWith(".spec.d: default 1: <root>: must be >= 3")));
  });
  it("requires the size bounds a CEL rule's cost depends on", () => {
    const spec = s.object({
      name: s.string().validate("self.startsWith('a')", "must start with a"),
      items: s.array(s.object({ id: s.string().maxLength(5).validate("self != 'x'") })),
      pair: s.object({ a: s.string(), b: s.string().maxLength(3) }).validate("self.a == self.b"),
      choice: s.union({ x: s.string(), y: s.string() }),
      when: s.dateTime().validate("self > timestamp('2000-01-01T00:00:00Z')"),
    });
    const problems = structuralProblems(root(spec.toJSON()));
    const expect = [
      /^\.spec\.name: CEL rule "self\.startsWith\('a'\)" is on an unbounded string: set maxLength/,
      /^\.spec\.items\[\*\]\.id: CEL rule "self != 'x'" runs once per item of \.spec\.items: set its maxItems/,
      /^\.spec\.pair: CEL rule "self\.a == self\.b" reads \.spec\.pair\.a, an unbounded string: set maxLength/,
    ];
    for (const pattern of expect)
      assert.ok(
        problems.some((p) => pattern.test(p)),
        `${pattern} in\n${problems.join("\n")}`,
      );
    // has() only tests presence, and a timestamp has a fixed size: neither needs bounds.
    assert.ok(
      !problems.some((p) => p.startsWith(".spec.choice") || p.startsWith(".spec.when")),
      problems.join("\n"),
    );
    assert.equal(problems.length, 3, problems.join("\n"));
  });
});

describe("defineResource", () => {
  const spec = s.object({ replicas: s.int32().default(1) });
  const base = {
    group: "test.tsoperator.dev",
    kind: "Thing",
    plural: "things",
    scope: "Namespaced",
  } as const;

  it("requires exactly one storage version when there are several", () => {
    rejects(
      () => defineResource({ ...base, versions: { v1: { spec }, v2: { spec } } }),
      /exactly one version must have storage: true, found 0/,
    );
    rejects(
      () =>
        defineResource({ ...base, versions: { v1: { spec, storage: true }, v2: { spec, storage: true } } }),
      /found 2 \(v1, v2\)/,
    );
  });
  it("checks names, printer column paths and scale paths", () => {
    rejects(
      () => defineResource({ ...base, group: "nodot", versions: { v1: { spec } } }),
      /group "nodot" must be a DNS subdomain/,
    );
    rejects(
      () => defineResource({ ...base, kind: "thing", versions: { v1: { spec } } }),
      /kind "thing" must be UpperCamelCase/,
    );
    rejects(
      () =>
        defineResource({
          ...base,
          versions: {
            v1: { spec, printerColumns: [{ name: "R", type: "integer", jsonPath: ".spec.replica" }] },
          },
        }),
      /printer column "R": no field "replica" in the schema/,
    );
    rejects(
      () =>
        defineResource({
          ...base,
          versions: {
            v1: {
              spec,
              scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.conditions" },
            },
          },
        }),
      /scale statusReplicasPath ".status.conditions": must name an integer field, found array/,
    );
  });
  it("reports schema problems with the version and path", () => {
    rejects(
      () =>
        defineResource({
          ...base,
          versions: { v1: { spec: s.object({ n: s.string().validate("size(self) > 1") }) } },
        }),
      /version v1: \.spec\.n: CEL rule "size\(self\) > 1" is on an unbounded string: set maxLength/,
    );
  });
  it("refuses required status fields: the engine's failure write carries only conditions", () => {
    rejects(
      () => defineResource({ ...base, versions: { v1: { spec, status: s.object({ phase: s.string() }) } } }),
      /status properties must be optional \(.optional\(\) or .default\(\)\): phase/,
    );
  });
  it("adds observedGeneration and conditions to the status, and the status subresource", () => {
    const R = defineResource({
      ...base,
      versions: { v1: { spec, status: s.object({ ready: s.boolean().optional() }) } },
    });
    const version = R.crd().spec.versions[0];
    assert.ok(version);
    const status = version.schema.openAPIV3Schema.properties?.status;
    assert.deepEqual(Object.keys(status?.properties ?? {}), ["ready", "observedGeneration", "conditions"]);
    assert.equal(status?.properties?.conditions?.["x-kubernetes-list-type"], "map");
    assert.deepEqual(version.subresources, { status: {} });
    // Spec has no required field: it defaults to {} so its fields' defaults apply.
    assert.deepEqual(version.schema.openAPIV3Schema.properties?.spec?.default, {});
    assert.equal(R.apiVersion, "test.tsoperator.dev/v1");
    assert.equal(R.namespaced, true);
    assert.equal(R.crd().metadata.name, "things.test.tsoperator.dev");
  });
});
