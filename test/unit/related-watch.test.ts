/**
 * The relation between parents and related objects, both forms: references (parent -> ids, reverse index
 * updated on parent events) and mappings (related object -> parent ids, updated on related events). An event on a
 * related object queues exactly the parents related to it, before and after the change.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { RelatedConfig } from "../../src/operator/api/related-config.js";
import { RelatedWatch } from "../../src/operator/manager/related-watch.js";
import type { InformerHandler, SharedInformer } from "../../src/runtime/informer-factory.js";
import { Store, type StoreEvent } from "../../src/runtime/store.js";
import { recordingLogger } from "../../src/testing/recording-logger.js";

/** An informer reduced to what RelatedWatch uses: a store and its subscribers, fed by hand. */
function fakeInformer() {
  const store = new Store();
  const handlers = new Set<InformerHandler>();
  const informer = {
    store,
    // As SharedInformer: what the store holds already is replayed unless replay is false.
    subscribe: (handler: InformerHandler, options: { replay?: boolean } = {}) => {
      handlers.add(handler);
      if (options.replay !== false) for (const object of store.values()) handler({ type: "ADDED", object });
      return () => handlers.delete(handler);
    },
  } as unknown as SharedInformer;
  const emit = (obj: KubeObject, deleted = false) => {
    let event: StoreEvent;
    if (deleted) {
      store.remove(obj);
      event = { type: "DELETED", object: obj };
    } else event = store.upsert(obj);
    for (const handler of handlers) handler(event);
  };
  return { informer, emit };
}

const parent = (name: string, secretRef?: unknown): KubeObject => ({
  apiVersion: "example.com/v1",
  kind: "App",
  metadata: { name, namespace: "ns", uid: name },
  spec: { secretRef },
});
const secret = (name: string, namespace = "ns", labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace, labels, resourceVersion: String(Math.random()) },
});

function watchOf(config: RelatedConfig, relatedNamespaced = true, before: KubeObject[] = []) {
  const { informer, emit } = fakeInformer();
  for (const obj of before) emit(obj);
  const queued: string[] = [];
  const { logger, lines } = recordingLogger();
  const watch = new RelatedWatch({
    type: k8sTypes.core.v1.Secret,
    config,
    informer,
    relatedNamespaced,
    parentNamespaced: true,
    enqueue: (key) => queued.push(key),
    logger,
  });
  watch.subscribe();
  const take = () => queued.splice(0).sort();
  return { watch, emit, take, lines };
}

describe("RelatedWatch by reference", () => {
  const config = RelatedConfig.referencedBy((p) => (p.spec as { secretRef?: string }).secretRef);

  it("queues exactly the parents referencing the changed object, following reference changes", () => {
    const { watch, emit, take } = watchOf(config);
    watch.parentChanged(parent("a", "db"));
    watch.parentChanged(parent("b", "db"));
    watch.parentChanged(parent("c", "other"));
    emit(secret("db"));
    assert.deepEqual(take(), ["ns/a", "ns/b"]);
    assert.deepEqual(
      watch.relatedTo("ns/a").map((o) => o.metadata.name),
      ["db"],
    );
    assert.deepEqual(watch.relatedTo("ns/c"), [], "a missing referenced object is absent");

    watch.parentChanged(parent("a", "other")); // a stops referencing db
    emit(secret("db"));
    assert.deepEqual(take(), ["ns/b"]);
    watch.parentDeleted(parent("b"));
    emit(secret("db"), true);
    assert.deepEqual(take(), []);
    emit(secret("db", "elsewhere"));
    assert.deepEqual(take(), [], "same name, another namespace");
    assert.equal(watch.find("ns", "db"), undefined);
  });

  it("a reference function that throws relates nothing and is logged", () => {
    const { watch, emit, take, lines } = watchOf(
      RelatedConfig.referencedBy(() => {
        throw new Error("bad spec");
      }),
    );
    watch.parentChanged(parent("a", "db"));
    emit(secret("db"));
    assert.deepEqual(take(), []);
    assert.equal(lines[0]?.level, "warn");
  });
});

describe("RelatedWatch by mapping", () => {
  it("queues the parents the object maps to before and after a change, and shows them its objects", () => {
    const config = RelatedConfig.mappedBy((s) => s.metadata.labels?.["app"]);
    const { watch, emit, take } = watchOf(config);
    emit(secret("s1", "ns", { app: "a" }));
    assert.deepEqual(take(), ["ns/a"]);
    assert.deepEqual(
      watch.relatedTo("ns/a").map((o) => o.metadata.name),
      ["s1"],
    );
    emit(secret("s1", "ns", { app: "b" })); // moved from a to b: both re-synced
    assert.deepEqual(take(), ["ns/a", "ns/b"]);
    assert.deepEqual(watch.relatedTo("ns/a"), []);
    emit(secret("s1", "ns", { app: "b" }), true);
    assert.deepEqual(take(), ["ns/b"]);
    assert.deepEqual(watch.relatedTo("ns/b"), []);
    assert.equal(watch.size, 0, "nothing kept for deleted objects");
  });

  it("a cluster-scoped related object maps to namespaced parents by explicit ids", () => {
    const config = RelatedConfig.mappedBy(() => [{ namespace: "x", name: "p" }, "bare"]);
    const { emit, take } = watchOf(config, false);
    emit({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", resourceVersion: "1" } });
    // A bare name takes the related object's namespace: a cluster-scoped object has none.
    assert.deepEqual(take(), ["bare", "x/p"]);
  });
});

describe("RelatedWatch on an informer another operator started", () => {
  it("sees the objects cached before it subscribed", () => {
    const config = RelatedConfig.mappedBy((s) => s.metadata.labels?.["app"]);
    const { watch, take } = watchOf(config, true, [secret("early", "ns", { app: "a" })]);
    assert.deepEqual(take(), ["ns/a"]);
    assert.deepEqual(
      watch.relatedTo("ns/a").map((o) => o.metadata.name),
      ["early"],
    );
  });
});
