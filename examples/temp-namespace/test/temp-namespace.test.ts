/**
 * The temp-namespace example against a real control plane (the namespace and garbage-collector controllers run,
 * so namespaces really terminate and owned objects really go). The parent is cluster-scoped, so the kit runs the
 * operator cluster-wide (TestKit.create) and every test uses its own random names; close() deletes the parents.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { k8sTypes } from "tsoperator";
import { TestEnvironment, TestKit } from "tsoperator/testing";
import { INFO_CONFIGMAP, TempNamespaceType, config, handler, type TempNamespace } from "../src/operator.js";

const { Namespace, ConfigMap } = k8sTypes.core.v1;

const uniqueName = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex")}`;

function tempNamespace(name: string, ttlSeconds: number): TempNamespace {
  return {
    apiVersion: TempNamespaceType.apiVersion,
    kind: TempNamespaceType.kind,
    metadata: { name },
    spec: { ttlSeconds, owner: "temp-namespace test" },
  };
}

describe("temp-namespace example", () => {
  let env: TestEnvironment;
  let kit: TestKit;

  before(async () => {
    env = await TestEnvironment.start({ crds: [TempNamespaceType] });
    kit = await TestKit.create(config, env.clientConfig(), handler);
  });

  after(async () => {
    try {
      await kit?.close();
    } finally {
      await env?.stop();
    }
  });

  it("creates a Namespace and a ConfigMap inside it, and reports when it expires", async () => {
    const name = uniqueName("long");
    const created = await kit.createParent(tempNamespace(name, 3600));
    await kit.assertChildResourceEq(name, Namespace, name, {
      metadata: { labels: { "examples.tsoperator.dev/temp-namespace": "true" } },
    });
    await kit.assertChildResourceEq(
      name,
      ConfigMap,
      { namespace: name, name: INFO_CONFIGMAP },
      {
        data: { owner: "temp-namespace test", ttlSeconds: "3600" },
      },
    );
    const expected = new Date(Date.parse(created.metadata.creationTimestamp ?? "") + 3600_000)
      .toISOString()
      .replace(/\.\d+Z$/, "Z");
    await kit.assertResourceEqEventually(TempNamespaceType, name, {
      status: { phase: "Active", namespace: name, expiresAt: expected },
    });
    await kit.reconcileAndAssertSuccess(name);
    const state = kit.getCurrentStateForParent<TempNamespace>(name);
    assert.equal(state?.children.ofType(Namespace).count(), 1);
    assert.equal(state?.children.ofType(ConfigMap).count(), 1);
  });

  it("deletes the Namespace after the TTL, woken up by resyncAfterMs", async () => {
    const name = uniqueName("short");
    await kit.createParent(tempNamespace(name, 2));
    await kit.assertResourceExistsEventually(Namespace, name);
    await kit.assertResourceEqEventually(TempNamespaceType, name, { status: { phase: "Active" } });
    // Nothing changes in the cluster after this point: only the resync at expiry can make the operator act.
    await kit.assertResourceEqEventually(
      TempNamespaceType,
      name,
      { status: { phase: "Expired" } },
      { timeoutMs: 15_000 },
    );
    await kit.assertResourceDeletedEventually(Namespace, name, { timeoutMs: 30_000 });
    await kit.assertResourceEqEventually(TempNamespaceType, name, {
      status: { phase: "Expired", message: `TTL passed: namespace ${name} deleted` },
    });
    assert.equal(kit.handlerErrorCount(name), 0);
  });

  it("deleting a TempNamespace runs finalize; the garbage collector removes the Namespace", async () => {
    const name = uniqueName("gc");
    await kit.createParent(tempNamespace(name, 3600));
    await kit.assertResourceExistsEventually(Namespace, name);
    await kit.reconcileAndAssertSuccess(name);
    const parent = await kit.getResource(TempNamespaceType, name);
    assert.ok(parent?.metadata.finalizers?.includes(kit.config.finalizerName), "the finalizer was added");
    await kit.deleteParent(name);
    await kit.assertResourceDeletedEventually(TempNamespaceType, name);
    assert.ok(kit.finalizeCount(name) >= 1, "finalize ran");
    await kit.assertResourceDeletedEventually(Namespace, name, { timeoutMs: 30_000 });
  });

  it("never takes over a Namespace it did not create: it and its contents survive expiry and deletion", async () => {
    // Someone's Namespace (think "prod") with something in it, then a TempNamespace with the same name.
    const name = uniqueName("prod");
    await kit.api(Namespace).create({ metadata: { name } });
    await kit.client
      .resource(ConfigMap, name)
      .create({ metadata: { name: "payload" }, data: { keep: "me" } });
    await kit.createParent(tempNamespace(name, 2));
    let conflict: { reason?: string; message?: string } | undefined;
    for (const deadline = Date.now() + 15_000; conflict?.reason !== "ChildConflict";) {
      assert.ok(Date.now() < deadline, `no ChildConflict on the TempNamespace: ${JSON.stringify(conflict)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const parent = await kit.getResource<TempNamespace>(TempNamespaceType, name);
      const status = parent?.status as {
        conditions?: Array<{ type: string; reason?: string; message?: string }>;
      };
      conflict = status?.conditions?.find((c) => c.type === "Synced");
    }
    assert.match(
      conflict.message ?? "",
      new RegExp(`Namespace.v1 ${name} exists and is not owned by this TempNamespace`),
    );
    // Past its TTL the operator wants no children any more, and then the TempNamespace is deleted.
    await kit.assertResourceEqEventually(
      TempNamespaceType,
      name,
      { status: { phase: "Expired" } },
      { timeoutMs: 15_000 },
    );
    await kit.deleteParent(name);
    await kit.assertResourceDeletedEventually(TempNamespaceType, name, { timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 3000)); // room for a wrong deletion to show
    const namespace = await kit.getResource(Namespace, name);
    assert.ok(namespace, "the Namespace is still there");
    assert.equal(namespace.metadata.deletionTimestamp, undefined, "and not terminating");
    assert.equal(namespace.metadata.ownerReferences, undefined, "and owned by no TempNamespace");
    const payload = await kit.client.resource(ConfigMap, name).getOrUndefined("payload");
    assert.deepEqual(payload?.data, { keep: "me" }, "its contents survive");
    await kit.api(Namespace).delete(name);
  });

  it("finalize keeps the TempNamespace while its Namespace is terminating, retrying until it is gone", async () => {
    const name = uniqueName("hold");
    const hold = "examples.tsoperator.dev/test-hold";
    await kit.createParent(tempNamespace(name, 3600));
    await kit.assertResourceExistsEventually(Namespace, name);
    await kit.reconcileAndAssertSuccess(name);
    // Someone else deletes the Namespace, and a finalizer of theirs keeps it terminating.
    await kit.api(Namespace).patch(name, "merge", { metadata: { finalizers: [hold] } });
    await kit.deleteResource(Namespace, name);
    await kit.deleteParent(name);
    await kit.assertResourceEqEventually(TempNamespaceType, name, {
      status: { phase: "Deleting", message: `waiting for namespace ${name} to finish terminating` },
    });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.ok(await kit.getResource(TempNamespaceType, name), "still there while the Namespace terminates");
    assert.ok(kit.finalizeCount(name) >= 2, `finalize retried (calls: ${kit.finalizeCount(name)})`);
    // Release the Namespace: once it is gone, finalize lets the TempNamespace go.
    await kit.api(Namespace).patch(name, "json", [{ op: "remove", path: "/metadata/finalizers" }]);
    await kit.assertResourceDeletedEventually(Namespace, name, { timeoutMs: 30_000 });
    await kit.assertResourceDeletedEventually(TempNamespaceType, name, { timeoutMs: 15_000 });
  });
});
