import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { K8sType, KubeObject } from "../../src/core/types.js";
import { SharedInformer, inScope } from "../../src/runtime/informer-factory.js";
import { Store } from "../../src/runtime/store.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { Reconciler } from "../../src/operator/engine/reconciler.js";
import { FakeResourceApi } from "../support/fake-resource-api.js";
import { FakeWriteApi, apiError } from "../support/fake-write-api.js";

const ConfigMap = k8sTypes.core.v1.ConfigMap;
const obj = (name: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns", uid: `uid-${name}`, resourceVersion: "10", ...extra },
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), "condition not reached");
}

describe("read your own writes", () => {
  it("stores a write of ours at once, so the next sync sees it before the watch does", async () => {
    const api = new FakeResourceApi(ConfigMap, "ns");
    const informer = new SharedInformer(api, { namespace: "ns" });
    informer.start();
    await informer.synced;
    informer.recordWrite(obj("mine", { resourceVersion: "500" }));
    assert.equal(informer.store.get({ namespace: "ns", name: "mine" })?.metadata.resourceVersion, "500");
    // An older version (the watch catching up later) does not replace it.
    informer.recordWrite(obj("mine", { resourceVersion: "499" }));
    assert.equal(informer.store.get({ namespace: "ns", name: "mine" })?.metadata.resourceVersion, "500");
    await informer.stop();
  });

  it("never resurrects an object whose deletion the watch delivered before the answer to our write", async () => {
    const api = new FakeResourceApi(ConfigMap, "ns");
    const informer = new SharedInformer(api, { namespace: "ns" });
    informer.start();
    await informer.synced;
    const written = api.put("gone", { a: "1" }); // our write, as the server answered it
    await waitFor(() => informer.store.get({ namespace: "ns", name: "gone" }) !== undefined);
    api.remove("gone"); // someone deletes it; the watch delivers that first
    await waitFor(() => informer.store.get({ namespace: "ns", name: "gone" }) === undefined);
    informer.recordWrite(structuredClone(written)); // then the answer to our write arrives
    assert.equal(informer.store.get({ namespace: "ns", name: "gone" }), undefined);
    // A write the watch has not reached yet is still recorded (read your own writes).
    informer.recordWrite(obj("new", { resourceVersion: String(api.rv + 5) }));
    assert.ok(informer.store.get({ namespace: "ns", name: "new" }));
    await informer.stop();
  });

  it("never stores an object outside the informer's scope (the watch would never remove it)", async () => {
    const api = new FakeResourceApi(ConfigMap, "ns");
    const informer = new SharedInformer(api, { namespace: "ns", labelSelector: "app=web" });
    informer.start();
    await informer.synced;
    informer.recordWrite(obj("elsewhere", { namespace: "other", labels: { app: "web" } }));
    informer.recordWrite(obj("unlabelled"));
    informer.recordWrite(obj("labelled", { labels: { app: "web" } }));
    assert.deepEqual(
      [...informer.store.values()].map((o) => o.metadata.name),
      ["labelled"],
    );
    await informer.stop();
  });

  it("evaluates equality-based selectors and refuses what it cannot evaluate", () => {
    const o = obj("x", { labels: { a: "1", b: "2" } });
    assert.equal(inScope(o, { labelSelector: "a=1,b==2" }), true);
    assert.equal(inScope(o, { labelSelector: "a!=1" }), false);
    assert.equal(inScope(o, { labelSelector: "a,!c" }), true);
    assert.equal(inScope(o, { labelSelector: "!a" }), false);
    assert.equal(inScope(o, { labelSelector: "a in (1)" }), false, "set-based: not evaluated, not stored");
    assert.equal(inScope(o, { fieldSelector: "metadata.name=x" }), false);
  });

  it("a DELETED event removes the stored object only when its uid matches", () => {
    const store = new Store();
    store.upsert(obj("name", { uid: "new-instance", resourceVersion: "20" }));
    assert.equal(store.remove(obj("name", { uid: "old-instance" })), undefined);
    assert.equal(store.get({ namespace: "ns", name: "name" })?.metadata.uid, "new-instance");
    assert.ok(store.remove(obj("name", { uid: "new-instance" })));
    assert.equal(store.size, 0);
  });
});

describe("finalizer race", () => {
  it("a 409 adding the finalizer is a quiet retry, not a failure", async () => {
    const Parent: K8sType = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      plural: "widgets",
      namespaced: true,
    };
    const fake = new FakeWriteApi();
    fake.put({
      apiVersion: Parent.apiVersion,
      kind: Parent.kind,
      metadata: { name: "w", namespace: "ns", generation: 1 },
    });
    fake.failures.set("patch", [apiError(409, "Conflict", "the object has been modified")]);
    const errors: string[] = [];
    const reconciler = new Reconciler({
      config: new OperatorConfig("test-operator", Parent).withChild(ConfigMap, ChildConfig.apply()),
      handler: { sync: () => ({ children: [] }), finalize: () => undefined },
      isNamespaced: () => true,
      api: (type) => fake.api(type),
      getParent: () => fake.objects.get("ns/w"),
      childrenOf: () => new Map(),
      recordWrite: () => true,
      observer: {
        onWrite() {},
        onStatusWrite() {},
        onSyncError: (_p, kind) => errors.push(kind),
        onFinalize() {},
        onRecovered() {},
      },
    });
    const outcome = await reconciler.reconcile("ns/w", new AbortController().signal);
    assert.deepEqual(outcome, { kind: "stale" });
    assert.deepEqual(errors, []);
    assert.equal(fake.requests.filter((r) => r.verb === "applyStatus").length, 0);
  });
});
