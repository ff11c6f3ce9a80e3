/**
 * `tsoperator crd <module>`: finds the resources a module defines and prints their CRDs as YAML (or writes a
 * file); --export picks one; a module without resources is a usage error naming it.
 */
import { strict as assert } from "node:assert";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { hasCode } from "../../src/core/errors.js";
import type { KubeObject } from "../../src/core/types.js";
import { crdCommand } from "../../src/cli/crd-command.js";
import { EchoServerType } from "../../examples/echo-server/src/resource.js";

const ECHO = "examples/echo-server/src/resource.ts";
const TEMP = "examples/temp-namespace/src/resource.ts";

const documents = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS() as KubeObject);

describe("tsoperator crd", () => {
  it("prints the CRD of the module's defineResource export, equal to .crd()", async () => {
    const docs = documents(await crdCommand([ECHO]));
    assert.deepEqual(docs, [EchoServerType.crd()]);
    assert.equal(docs[0]?.metadata.name, "echoservers.examples.tsoperator.dev");
  });

  it("writes several modules' worth with --out and picks one with --export", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tsop-crd-"));
    try {
      const out = join(dir, "crds.yaml");
      assert.match(await crdCommand([TEMP, "--out", out]), /wrote 1 CustomResourceDefinition\(s\)/);
      const docs = documents(await readFile(out, "utf8"));
      assert.equal(docs[0]?.metadata.name, "tempnamespaces.examples.tsoperator.dev");
      const picked = documents(await crdCommand([ECHO, "--export", "EchoServerType"]));
      assert.equal(picked.length, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the module when it exports no resource, and the export when it is not one", async () => {
    await assert.rejects(crdCommand(["src/core/json.ts"]), (err: unknown) => {
      assert.ok(hasCode(err, "TSOP_USAGE"));
      assert.match(err.message, /src\/core\/json\.ts exports no resource defined with defineResource/);
      return true;
    });
    await assert.rejects(
      crdCommand([ECHO, "--export", "DEFAULT_IMAGE"]),
      /export "DEFAULT_IMAGE" is neither/,
    );
    await assert.rejects(crdCommand([ECHO, "--bogus"]), /unknown option --bogus/);
  });
});
