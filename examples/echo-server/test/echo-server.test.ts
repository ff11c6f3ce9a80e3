/**
 * The echo-server example against a real control plane. The local control plane runs no scheduler, no kubelet
 * and no deployment controller, so no ReplicaSets or Pods ever appear: these tests assert what the operator
 * controls (the Deployment's spec, the Service, the status) and simulate readiness by writing the Deployment's
 * status themselves through the status subresource, as the deployment controller would in a cluster.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { k8sTypes, type KubeObject } from "tsoperator";
import { TestEnvironment, TestKit } from "tsoperator/testing";
import { ECHO_PORT, EchoServerType, config, handler, type EchoServer } from "../src/operator.js";
import type { EchoServerSpecInput } from "../src/resource.js";

const { Deployment } = k8sTypes.apps.v1;
const { Service } = k8sTypes.core.v1;

/** What a user writes: the spec defaults (image) are left to the apiserver. */
function echoServer(name: string, replicas: number, message = "hello"): KubeObject<EchoServerSpecInput> {
  return {
    apiVersion: EchoServerType.apiVersion,
    kind: EchoServerType.kind,
    metadata: { name },
    spec: { message, replicas },
  };
}

describe("echo-server example", () => {
  let env: TestEnvironment;
  let kit: TestKit;

  before(async () => {
    env = await TestEnvironment.start({ crds: [EchoServerType] });
    kit = await TestKit.withTestNamespace(config, env.clientConfig(), handler);
  });

  after(async () => {
    try {
      await kit?.close();
    } finally {
      await env?.stop();
    }
  });

  it("creates a Deployment (apply) and a Service (replace) for an EchoServer", async () => {
    await kit.createParent(echoServer("alpha", 2, "hi there"));
    await kit.assertChildResourceEq("alpha", Deployment, "alpha", {
      spec: {
        replicas: 2,
        template: {
          spec: { containers: [{ name: "echo", args: ["-text=hi there", `-listen=:${ECHO_PORT}`] }] },
        },
      },
    });
    const service = await kit.assertChildResourceEq<KubeObject<{ clusterIP?: string }>>(
      "alpha",
      Service,
      "alpha",
      {
        spec: { ports: [{ port: 80, targetPort: ECHO_PORT }] },
      },
    );
    assert.ok(service.spec?.clusterIP, "the apiserver allocated a cluster IP");
    await kit.reconcileAndAssertSuccess("alpha");

    const state = kit.getCurrentStateForParent<EchoServer>("alpha");
    assert.ok(state, "the parent is in the operator's cache");
    assert.equal(state.children.ofType(Deployment).count(), 1);
    assert.equal(state.children.ofType(Service).count(), 1);
    assert.equal(kit.handlerErrorCount("alpha"), 0);
    assert.ok(kit.syncCount("alpha") >= 1);
  });

  it("reports Progressing with zero ready replicas: no Pods start on the local control plane", async () => {
    const parent = await kit.assertResourceEqEventually<EchoServer>(EchoServerType, "alpha", {
      status: { phase: "Progressing", replicas: 0, readyReplicas: 0, availableReplicas: 0 },
    });
    assert.equal(parent.status?.url, `http://alpha.${kit.namespace}.svc`);
    assert.equal(
      (parent.status as { observedGeneration?: number }).observedGeneration,
      parent.metadata.generation,
    );
  });

  it("mirrors the Deployment's status (written here as the deployment controller would)", async () => {
    await kit.api(Deployment).patchStatus("alpha", "merge", {
      status: { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 },
    });
    await kit.assertResourceEqEventually(EchoServerType, "alpha", {
      status: { phase: "Ready", replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 },
    });
  });

  it("applies a spec change to the Deployment and the status follows", async () => {
    await kit.api(EchoServerType).patch("alpha", "merge", { spec: { replicas: 3 } });
    await kit.assertChildResourceEq("alpha", Deployment, "alpha", { spec: { replicas: 3 } });
    await kit.reconcileAndAssertSuccess("alpha");
    // 2 of 3 ready now.
    await kit.assertResourceEqEventually(EchoServerType, "alpha", {
      status: { phase: "Progressing", readyReplicas: 2 },
    });
    await kit.reconcileAndAssertSuccess("alpha");
    // Converged: no sync loop (a write on every sync would re-queue the parent forever).
    const syncs = kit.syncCount("alpha");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(
      kit.syncCount("alpha") - syncs <= 2,
      `idle parent synced ${kit.syncCount("alpha") - syncs} more times`,
    );
  });

  it("re-creates a child deleted by someone else", async () => {
    const before = await kit.assertResourceExistsEventually(Service, "alpha");
    await kit.deleteResource(Service, "alpha");
    const after = await kit.assertResourceEqEventually(Service, "alpha", { spec: { ports: [{ port: 80 }] } });
    assert.notEqual(after.metadata.uid, before.metadata.uid, "a new Service");
  });

  it("garbage-collects the children when the EchoServer is deleted", async () => {
    await kit.createParent(echoServer("beta", 1));
    await kit.assertResourceExistsEventually(Deployment, "beta");
    await kit.assertResourceExistsEventually(Service, "beta");
    await kit.deleteParent("beta");
    await kit.assertResourceDeletedEventually(EchoServerType, "beta");
    await kit.assertResourceDeletedEventually(Deployment, "beta");
    await kit.assertResourceDeletedEventually(Service, "beta");
    // alpha is untouched.
    await kit.assertResourceExistsEventually(Deployment, "alpha");
  });
});
