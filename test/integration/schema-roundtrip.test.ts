/**
 * Every schema builder and option round-trips through the real kube-apiserver: the CRD defineResource produces is
 * accepted and Established, a valid object is stored exactly as sent, unknown fields are pruned (but kept where
 * the schema says so), defaults are applied, and each invalid object is refused with the message of the schema
 * rule or CEL rule that it breaks. Requests go through `env.adminJson` (raw HTTP), not tsoperator's client.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { KubeObject } from "../../src/core/types.js";
import { defineResource, s, type InferInput, type SpecOf } from "../../src/schema/index.js";
import { useTestEnvironment } from "../support/integration-env.js";

const spec = s
  .object({
    name: s.string().minLength(2).maxLength(20).pattern("^[a-z][a-z0-9-]*$").describe("A DNS-ish name."),
    mode: s.enum(["fast", "safe"]).default("safe"),
    created: s.dateTime().optional(),
    contact: s.string().format("email").optional(),
    port: s.intOrString().optional(),
    memory: s.quantity().optional(),
    replicas: s.int32().min(0).max(10).default(1),
    big: s.int64().optional(),
    ratio: s.number().min(0).max(1, { exclusive: true }).optional(),
    step: s.integer().multipleOf(5).optional(),
    enabled: s.boolean().default(true),
    labels: s.map(s.string().maxLength(63)).maxProperties(3).optional(),
    tags: s.array(s.string().maxLength(10)).listType("set").maxItems(3).optional(),
    ports: s
      .array(s.object({ name: s.string().maxLength(15), port: s.int32().min(1).max(65535) }))
      .listMap("name")
      .minItems(1)
      .maxItems(4)
      .optional(),
    raw: s.any().optional(),
    extra: s.object({ known: s.string().optional() }).preserveUnknownFields().optional(),
    template: s.embedded().optional(),
    typedTemplate: s.embedded({ spec: s.object({ image: s.string() }).optional() }).optional(),
    note: s.string().nullable().optional(),
    source: s.union({ git: s.object({ url: s.string() }), s3: s.object({ bucket: s.string() }) }).optional(),
    choice: s.object({ a: s.string().optional(), b: s.string().optional() }).atMostOneOf("a", "b").optional(),
    even: s.integer().validate("self % 2 == 0", "must be even").optional(),
    window: s
      .object({ start: s.int32(), end: s.int32() })
      .validate("self.start <= self.end", { message: "start must not be after end", fieldPath: ".start" })
      .optional(),
    code: s
      .string()
      .maxLength(8)
      .validate("self.startsWith('x-')", { messageExpression: "'code ' + self + ' must start with x-'" })
      .optional(),
    settings: s.object({ retries: s.int32().default(3), backoff: s.string().default("1s") }).default({}),
    atomicMap: s.map(s.int32()).mapType("atomic").optional(),
  })
  .describe("What the gadget should be.");

const status = s.object({
  phase: s.enum(["Pending", "Ready"]).optional(),
  replicas: s.int32().optional(),
  selector: s.string().optional(),
});

const Gadget = defineResource({
  group: "schema-test.tsoperator.dev",
  kind: "Gadget",
  plural: "gadgets",
  scope: "Namespaced",
  shortNames: ["gdg"],
  categories: ["tsoperator-test"],
  versions: {
    v1: {
      spec,
      status,
      storage: true,
      description: "A resource that uses every schema builder.",
      printerColumns: [
        { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
        { name: "Phase", type: "string", jsonPath: ".status.phase", priority: 1 },
      ],
      scale: {
        specReplicasPath: ".spec.replicas",
        statusReplicasPath: ".status.replicas",
        labelSelectorPath: ".status.selector",
      },
    },
    v1beta1: { spec, status, deprecated: true, deprecationWarning: "use v1" },
  },
});

type GadgetSpec = SpecOf<typeof Gadget>;

const shared = useTestEnvironment([Gadget]);
const ns = "schema-roundtrip";
const base = `/apis/schema-test.tsoperator.dev/v1/namespaces/${ns}/gadgets`;
let counter = 0;

/** POSTs a Gadget with this spec; returns the HTTP status and the body (the object, or the Status). */
async function create(
  gadgetSpec: unknown,
  path = base,
): Promise<{ status: number; body: KubeObject & { message?: string } }> {
  const name = `g${++counter}`;
  const { status: code, body } = await shared.env.adminJson(
    "POST",
    path,
    {
      apiVersion: path.includes("/v1beta1/") ? "schema-test.tsoperator.dev/v1beta1" : Gadget.apiVersion,
      kind: "Gadget",
      metadata: { name },
      spec: gadgetSpec,
    },
    [422, 400],
  );
  return { status: code, body: body as KubeObject & { message?: string } };
}

const full: InferInput<typeof spec> = {
  name: "gadget-1",
  mode: "fast",
  created: "2024-01-02T03:04:05Z",
  contact: "ops@example.com",
  port: "http",
  memory: "1Gi",
  replicas: 3,
  big: 9007199254740991,
  ratio: 0.5,
  step: 15,
  enabled: false,
  labels: { a: "1", b: "2" },
  tags: ["x", "y"],
  ports: [
    { name: "http", port: 80 },
    { name: "https", port: 443 },
  ],
  raw: { anything: [1, "two", { three: null }] },
  extra: { known: "k", unknownButKept: { deep: true } },
  template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "t" }, data: { k: "v" } },
  typedTemplate: {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d" },
    spec: { image: "nginx" },
  },
  note: null,
  source: { git: { url: "https://example.com/repo.git" } },
  choice: { a: "only-a" },
  even: 4,
  window: { start: 1, end: 2 },
  code: "x-1",
  settings: { retries: 5, backoff: "2s" },
  atomicMap: { one: 1 },
};

describe("schema round trip on the real apiserver", () => {
  before(async () => {
    await shared.env.adminJson("POST", "/api/v1/namespaces", { metadata: { name: ns } });
  });

  it("the CRD is accepted and Established, with both versions served and one stored", async () => {
    const { body } = await shared.env.adminJson(
      "GET",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.schema-test.tsoperator.dev",
    );
    const crd = body as KubeObject & {
      spec: {
        versions: Array<{
          name: string;
          served: boolean;
          storage: boolean;
          additionalPrinterColumns?: unknown[];
        }>;
      };
      status: { conditions: Array<{ type: string; status: string }>; storedVersions: string[] };
    };
    assert.ok(crd.status.conditions.some((c) => c.type === "Established" && c.status === "True"));
    assert.ok(crd.status.conditions.some((c) => c.type === "NamesAccepted" && c.status === "True"));
    assert.deepEqual(crd.status.storedVersions, ["v1"]);
    assert.deepEqual(
      crd.spec.versions.map((v) => [v.name, v.served, v.storage]),
      [
        ["v1", true, true],
        ["v1beta1", true, false],
      ],
    );
    assert.equal(crd.spec.versions[0]?.additionalPrinterColumns?.length, 2);
  });

  it("stores a valid object exactly as sent, through either version", async () => {
    const created = await create(full);
    assert.equal(created.status, 201, created.body.message);
    const { body } = await shared.env.adminJson("GET", `${base}/${created.body.metadata.name}`);
    assert.deepEqual((body as KubeObject).spec, full);
    const beta = await create(full, base.replace("/v1/", "/v1beta1/"));
    assert.equal(beta.status, 201, beta.body.message);
    assert.deepEqual(beta.body.spec, full);
  });

  it("prunes unknown fields, except under preserve-unknown-fields and untyped embedded objects", async () => {
    const created = await create({
      ...full,
      unknownTop: 1,
      ports: [{ name: "http", port: 80, bogus: true }],
      typedTemplate: { ...full.typedTemplate, spec: { image: "nginx", bogus: 1 }, bogusTop: 2 },
      settings: { retries: 1, backoff: "1s", bogus: "x" },
      created: null,
    });
    assert.equal(created.status, 201, created.body.message);
    const stored = created.body.spec as GadgetSpec & Record<string, unknown>;
    assert.equal(stored.unknownTop, undefined);
    assert.deepEqual(stored.ports, [{ name: "http", port: 80 }]);
    assert.deepEqual(stored.typedTemplate, full.typedTemplate);
    assert.deepEqual(stored.settings, { retries: 1, backoff: "1s" });
    assert.deepEqual(stored.extra, full.extra);
    assert.deepEqual(stored.raw, full.raw);
    assert.deepEqual(stored.template, full.template);
    // null is kept where the schema is nullable and pruned where it is not.
    assert.equal(stored.note, null);
    assert.ok(!("created" in stored));
  });

  it("applies defaults, including nested ones inside a defaulted object", async () => {
    const created = await create({ name: "minimal" });
    assert.equal(created.status, 201, created.body.message);
    const expected: GadgetSpec = {
      name: "minimal",
      mode: "safe",
      replicas: 1,
      enabled: true,
      settings: { retries: 3, backoff: "1s" },
    };
    assert.deepEqual(created.body.spec, expected);
  });

  it("accepts the engine's status fields and serves the scale subresource", async () => {
    const created = await create({ name: "scaled", replicas: 2 });
    const name = created.body.metadata.name ?? "";
    const statusBody = {
      ...created.body,
      status: {
        phase: "Ready",
        replicas: 2,
        selector: "app=x",
        observedGeneration: 1,
        conditions: [
          { type: "Synced", status: "True", reason: "Ok", lastTransitionTime: "2024-01-01T00:00:00Z" },
        ],
      },
    };
    const { body } = await shared.env.adminJson("PUT", `${base}/${name}/status`, statusBody);
    assert.deepEqual((body as KubeObject).status, statusBody.status);
    const scale = await shared.env.adminJson("GET", `${base}/${name}/scale`);
    const scaleBody = scale.body as {
      spec: { replicas: number };
      status: { replicas: number; selector: string };
    };
    assert.deepEqual(
      [scaleBody.spec.replicas, scaleBody.status.replicas, scaleBody.status.selector],
      [2, 2, "app=x"],
    );
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ["a missing required field", { mode: "fast" }, /spec\.name: Required value/],
    [
      "a too short string",
      { name: "a" },
      /spec\.name: Invalid value: "a": spec\.name in body should be at least 2 chars long/,
    ],
    [
      "a too long string",
      { name: "a".repeat(21) },
      /spec\.name in body may not be more than 20 bytes|spec\.name: Too long/,
    ],
    [
      "a pattern mismatch",
      { name: "Bad_Name" },
      /spec\.name in body should match '\^\[a-z\]\[a-z0-9-\]\*\$'/,
    ],
    [
      "a value outside the enum",
      { name: "ok", mode: "slow" },
      /spec\.mode: Unsupported value: "slow": supported values: "fast", "safe"/,
    ],
    [
      "a malformed date-time",
      { name: "ok", created: "yesterday" },
      /spec\.created in body must be of type date-time/,
    ],
    ["a malformed email", { name: "ok", contact: "nobody" }, /spec\.contact in body must be of type email/],
    ["a float for an int-or-string", { name: "ok", port: 1.5 }, /spec\.port/],
    ["a malformed quantity", { name: "ok", memory: "lots" }, /spec\.memory in body should match/],
    [
      "a string for an integer",
      { name: "ok", replicas: "3" },
      /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer/,
    ],
    [
      "an integer above maximum",
      { name: "ok", replicas: 11 },
      /spec\.replicas in body should be less than or equal to 10/,
    ],
    [
      "an integer below minimum",
      { name: "ok", replicas: -1 },
      /spec\.replicas in body should be greater than or equal to 0/,
    ],
    [
      "a number at an exclusive maximum",
      { name: "ok", ratio: 1 },
      /spec\.ratio in body should be less than 1/,
    ],
    ["a number not a multiple", { name: "ok", step: 7 }, /spec\.step in body should be a multiple of 5/],
    [
      "a string for a boolean",
      { name: "ok", enabled: "yes" },
      /spec\.enabled in body must be of type boolean/,
    ],
    [
      "a map with too many entries",
      { name: "ok", labels: { a: "", b: "", c: "", d: "" } },
      /spec\.labels: Too many: 4: must have at most 3 items/,
    ],
    ["a set with a duplicate", { name: "ok", tags: ["x", "x"] }, /spec\.tags\[1\]: Duplicate value: "x"/],
    [
      "a list with too many items",
      { name: "ok", tags: ["a", "b", "c", "d"] },
      /spec\.tags: Too many: 4: must have at most 3 items/,
    ],
    [
      "a list-map with a duplicate key",
      {
        name: "ok",
        ports: [
          { name: "a", port: 1 },
          { name: "a", port: 2 },
        ],
      },
      /spec\.ports\[1\]: Duplicate value: \{"name":"a"\}/,
    ],
    ["a list below minItems", { name: "ok", ports: [] }, /spec\.ports in body should have at least 1 items/],
    [
      "an embedded object without kind",
      { name: "ok", template: { apiVersion: "v1", metadata: { name: "t" } } },
      /spec\.template\.kind: Required value/,
    ],
    [
      "null for a required field that is not nullable (pruned, so missing)",
      { name: null },
      /spec\.name: Required value/,
    ],
    [
      "two members of a union",
      { name: "ok", source: { git: { url: "u" }, s3: { bucket: "b" } } },
      /spec\.source: Invalid value: exactly one of git, s3 must be set/,
    ],
    [
      "no member of a union",
      { name: "ok", source: {} },
      /spec\.source: Invalid value: exactly one of git, s3 must be set/,
    ],
    [
      "both of an at-most-one-of",
      { name: "ok", choice: { a: "x", b: "y" } },
      /spec\.choice: Invalid value: at most one of a, b must be set/,
    ],
    ["an odd number for a CEL rule", { name: "ok", even: 3 }, /spec\.even: Invalid value: 3: must be even/],
    [
      "a window breaking its CEL rule (fieldPath)",
      { name: "ok", window: { start: 3, end: 1 } },
      /spec\.window\.start: Invalid value: start must not be after end/,
    ],
    [
      "a CEL messageExpression",
      { name: "ok", code: "y-1" },
      /spec\.code: Invalid value: "y-1": code y-1 must start with x-/,
    ],
    [
      "a defaulted field's nested type",
      { name: "ok", settings: { retries: "x" } },
      /spec\.settings\.retries in body must be of type integer/,
    ],
    [
      "a wrong value type in a map",
      { name: "ok", atomicMap: { a: "1" } },
      /spec\.atomicMap\.a in body must be of type integer/,
    ],
  ];
  for (const [what, gadgetSpec, message] of invalid) {
    it(`rejects ${what} with the rule's message`, async () => {
      const { status: code, body } = await create(gadgetSpec);
      assert.equal(code, 422, `expected 422, got ${code}: ${JSON.stringify(body).slice(0, 300)}`);
      assert.match(body.message ?? "", message);
    });
  }
});
