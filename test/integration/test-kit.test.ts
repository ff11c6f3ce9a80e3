/**
 * TestKit against a real control plane: withTestNamespace leaves no namespace behind (also when the test using
 * it fails and a parent is stuck in finalization), assertion failures are readable, reconcileAndAssertSuccess
 * surfaces handler errors, calls are counted, and the caller's OperatorConfig is not modified.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { TestKit } from "../../src/testing/test-kit.js";
import { GadgetType, gadget, gadgetConfig, gadgetCrd, gadgetHandler } from "../fixtures/test-kit/gadget.js";

const { ConfigMap } = k8sTypes.core.v1;
const FIXTURE = fileURLToPath(new URL("../fixtures/test-kit/failing-test.fixture.ts", import.meta.url));

async function namespaceExists(env: TestEnvironment, name: string): Promise<boolean> {
  const { status } = await env.adminJson("GET", `/api/v1/namespaces/${name}`, undefined, [404]);
  return status !== 404;
}

describe("TestKit", () => {
  let env: TestEnvironment;
  let kit: TestKit;

  before(async () => {
    env = await TestEnvironment.start({ crds: [gadgetCrd] });
    kit = await TestKit.withTestNamespace(gadgetConfig(), env.clientConfig(), gadgetHandler, { timeoutMs: 15_000 });
  });

  after(async () => {
    try {
      await kit?.close();
    } finally {
      await env?.stop();
    }
  });

  it("scopes the operator to a fresh namespace without modifying the caller's config", async () => {
    const config = gadgetConfig();
    const scoped = await TestKit.withTestNamespace(config, env.clientConfig(), gadgetHandler);
    try {
      assert.equal(config.namespace, undefined);
      assert.equal(scoped.config.namespace, scoped.namespace);
      assert.match(scoped.namespace ?? "", /^tsop-test-[0-9a-f]{8}$/);
      assert.ok(await namespaceExists(env, scoped.namespace!));
    } finally {
      await scoped.close();
    }
    assert.equal(await namespaceExists(env, scoped.namespace!), false, "close() waited until the namespace was gone");
  });

  it("counts sync calls, reads the operator's view of a parent and asserts children", async () => {
    await kit.createParent(gadget("blue", { color: "blue" }));
    await kit.assertChildResourceEq("blue", ConfigMap, "blue-cm", { data: { color: "blue" } });
    await kit.reconcileAndAssertSuccess("blue");
    assert.ok(kit.syncCount("blue") >= 1);
    assert.equal(kit.handlerErrorCount("blue"), 0);
    const state = kit.getCurrentStateForParent("blue");
    assert.equal(state?.parent.metadata.name, "blue");
    assert.deepEqual(
      state?.children.ofType(ConfigMap).toArray().map((c) => c.metadata.name),
      ["blue-cm"],
    );
    assert.equal(kit.getCurrentStateForParent("nope"), undefined);
  });

  it("shows expected and actual as a readable diff when a resource does not match in time", async () => {
    const failure = await kit
      .assertResourceEqEventually(ConfigMap, "blue-cm", { data: { color: "green", size: "L" } }, { timeoutMs: 300 })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    assert.ok(failure instanceof assert.AssertionError, "an AssertionError");
    assert.match(failure.message, /data\.color: expected "green", actual "blue"/);
    assert.match(failure.message, /data\.size: expected "L", actual \(missing\)/);
    assert.match(failure.message, /expected \(subset\):\n {4}data:\n {6}color: green/);
    assert.deepEqual(failure.actual, { data: { color: "blue" } });
    assert.deepEqual(failure.expected, { data: { color: "green", size: "L" } });
  });

  it("reconcileAndAssertSuccess fails with the handler's error", async () => {
    await kit.createParent(gadget("broken", { fail: true }));
    await assert.rejects(kit.reconcileAndAssertSuccess("broken"), (err: Error) => {
      assert.match(err.message, /\[handler\].*gadget broken refuses to sync/);
      return true;
    });
    assert.ok(kit.handlerErrorCount("broken") >= 1);
    // Fixed: the next generation succeeds.
    await kit.api(GadgetType).patch("broken", "merge", { spec: { fail: false } });
    await kit.reconcileAndAssertSuccess("broken");
    await kit.assertResourceExistsEventually(ConfigMap, "broken-cm");
  });

  it("deletes parents and waits for them and their children to go, calling finalize", async () => {
    await kit.deleteParent("blue");
    await kit.assertResourceDeletedEventually(GadgetType, "blue");
    await kit.assertResourceDeletedEventually(ConfigMap, "blue-cm");
    assert.equal(kit.finalizeCount("blue"), 1);
  });

  it("leaves no namespace behind when the test using it fails (parent stuck in finalization)", async () => {
    // Without NODE_TEST_CONTEXT the child is a test run of its own, not a subprocess of this one.
    const { NODE_TEST_CONTEXT: _ignored, ...parentEnv } = process.env;
    const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", FIXTURE], {
      env: { ...parentEnv, KUBECONFIG: env.kubeconfigPath },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.notEqual(code, 0, `the fixture's test fails:\n${output}`);
    assert.match(output, /deliberate failure/);
    const namespace = /TEST_NAMESPACE=(\S+)/.exec(output)?.[1];
    assert.ok(namespace, `the fixture printed its namespace:\n${output}`);
    assert.equal(await namespaceExists(env, namespace), false, `namespace ${namespace} is gone`);
    const { body } = await env.adminJson("GET", "/api/v1/namespaces");
    const leftovers = (body as { items: Array<{ metadata: { name: string } }> }).items
      .map((n) => n.metadata.name)
      .filter((n) => n.startsWith("tsop-test-") && n !== kit.namespace);
    assert.deepEqual(leftovers, []);
  });

  it("TestEnvironment.start() connects to the current kubeconfig with USE_EXISTING_CLUSTER=true", async () => {
    const saved = { use: process.env.USE_EXISTING_CLUSTER, kubeconfig: process.env.KUBECONFIG };
    process.env.USE_EXISTING_CLUSTER = "true";
    process.env.KUBECONFIG = env.kubeconfigPath;
    try {
      const existing = await TestEnvironment.start();
      try {
        const scoped = await TestKit.withTestNamespace(gadgetConfig(), existing.clientConfig(), gadgetHandler);
        await scoped.close();
      } finally {
        await existing.stop();
      }
    } finally {
      for (const [key, value] of [["USE_EXISTING_CLUSTER", saved.use], ["KUBECONFIG", saved.kubeconfig]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
