/**
 * Property: whatever the builders can produce, the real apiserver accepts. A seeded generator builds
 * CRDS x VERSIONS random specs (strings with RE2 patterns and formats, bounded and unbounded lists and maps,
 * list-maps, sets, unions, CEL rules, defaults, nullable, embedded and preserve-unknown objects, escaped
 * property names); each CRD carries VERSIONS of them as separate versions. Every CRD must become Established
 * (structural, CEL within its cost budget), and every version must accept an object built from the generator's
 * sample value. SCHEMA_SEED=<n> replays a run.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defineResource, type DefinedResource, type VersionDefinition } from "../../src/schema/index.js";
import { SchemaGenerator } from "../support/random-schemas.js";
import { useTestEnvironment } from "../support/integration-env.js";

const SEED = Number(process.env.SCHEMA_SEED ?? 20261129);
const CRDS = 26;
const VERSIONS = 8;

interface Case {
  resource: DefinedResource<Record<string, VersionDefinition>>;
  samples: Record<string, unknown>;
}

function buildCases(): Case[] {
  const generator = new SchemaGenerator(SEED);
  const cases: Case[] = [];
  for (let i = 0; i < CRDS; i++) {
    const versions: Record<string, VersionDefinition> = {};
    const samples: Record<string, unknown> = {};
    for (let v = 1; v <= VERSIONS; v++) {
      const { schema, sample } = generator.spec();
      versions[`v${v}`] = { spec: schema, storage: v === 1 };
      samples[`v${v}`] = sample;
    }
    try {
      const resource = defineResource({
        group: "property.tsoperator.dev",
        kind: `Random${i}`,
        plural: `randoms${i}`,
        scope: "Namespaced",
        versions,
      });
      cases.push({ resource, samples });
    } catch (err) {
      throw new Error(`seed ${SEED}, CRD ${i}: the builders produced a schema defineResource refuses`, {
        cause: err,
      });
    }
  }
  return cases;
}

const cases = buildCases();
const shared = useTestEnvironment([]);

describe(`random schemas from the builders (seed ${SEED})`, () => {
  it(`${CRDS * VERSIONS} random schemas are all accepted by the apiserver and Established`, async () => {
    const started = Date.now();
    const failures: string[] = [];
    // Installed four CRDs at a time: concurrent enough to keep the run short on two cores.
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          try {
            await shared.env.installCrds([next.resource], 60_000);
          } catch (err) {
            failures.push(
              `${next.resource.kind}: ${(err as Error).message}\n${JSON.stringify(next.resource.crd())}`,
            );
          }
        }
      }),
    );
    assert.deepEqual(failures, [], `seed ${SEED}: ${failures.length} CRDs refused`);
    console.log(
      `# installed ${CRDS} CRDs with ${CRDS * VERSIONS} random schemas in ${Date.now() - started} ms`,
    );
  });

  it("every version accepts an object built from its sample value", async () => {
    await shared.env.adminJson("POST", "/api/v1/namespaces", { metadata: { name: "property" } });
    const failures: string[] = [];
    for (const { resource, samples } of cases) {
      for (const [version, sample] of Object.entries(samples)) {
        const object = {
          apiVersion: `${resource.group}/${version}`,
          kind: resource.kind,
          metadata: { name: `sample-${version}` },
          spec: sample,
        };
        const path = `/apis/${resource.group}/${version}/namespaces/property/${resource.plural}`;
        const { status, body } = await shared.env.adminJson("POST", path, object, [400, 422]);
        if (status !== 201) {
          const schema = resource.crd().spec.versions.find((v) => v.name === version)?.schema;
          failures.push(
            `${resource.kind} ${version}: ${(body as { message?: string }).message}\nsample ${JSON.stringify(sample)}\nschema ${JSON.stringify(schema)}`,
          );
        }
      }
    }
    assert.deepEqual(failures, [], `seed ${SEED}: ${failures.length} samples refused`);
  });
});
