/**
 * The reflector against a real kube-apiserver + etcd: after a burst of 1,000 writes, an apiserver restart in the
 * middle of a burst, and an etcd compaction that forces 410 Gone, the store must equal a fresh LIST exactly (the
 * set of namespace/name@resourceVersion). We wait until the reflector has seen the last write (a sentinel
 * ConfigMap written after the burst), then compare: nothing else writes to the namespace, so equality must be
 * exact at that point, not "eventually". And the writes of our own recorded in the store while a relist runs
 * (a sharded informer relists at every handoff) survive it, as the apiserver's resourceVersions order them.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { isAlreadyExists, isNotFound } from "../../src/core/errors.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { ListOptions, ResourceApi, WatchEvent, WatchOptions } from "../../src/client/resource-api.js";
import type { KubeList, KubeObject } from "../../src/core/types.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { SharedInformer } from "../../src/runtime/informer-factory.js";
import { Reflector } from "../../src/runtime/reflector.js";
import { Store } from "../../src/runtime/store.js";

const ConfigMap = k8sTypes.core.v1.ConfigMap;
const Namespace = k8sTypes.core.v1.Namespace;

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** Retries an idempotent-enough write through apiserver outages; the final LIST is the truth anyway. */
async function persist(op: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await op();
      return;
    } catch (error) {
      // A create/delete whose answer was lost in an outage shows up as AlreadyExists/NotFound on retry.
      if (isAlreadyExists(error) || isNotFound(error)) return;
      if (attempt > 100) throw error;
      await delay(100);
    }
  }
}

/**
 * 1,000 writes over 200 names at concurrency 16: creates, merge-patch updates and deletes. Each name belongs to
 * one lane so writes to one name never race each other.
 */
async function burst(api: ResourceApi, prefix: string, total = 1000, onProgress?: (done: number) => void) {
  const lanes = 16;
  const names = 200;
  let done = 0;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const exists = new Set<string>();
      for (let i = lane; i < total; i += lanes) {
        const name = `${prefix}-${(i * 7 + lane) % names}`;
        if (!exists.has(name)) {
          await persist(() => api.create({ metadata: { name }, data: { v: String(i) } }));
          exists.add(name);
        } else if (i % 3 === 0) {
          await persist(() => api.delete(name));
          exists.delete(name);
        } else {
          await persist(() => api.patch(name, "merge", { data: { v: String(i) } }));
        }
        onProgress?.(++done);
      }
    }),
  );
}

async function serverSnapshot(api: ResourceApi): Promise<{ items: string[]; resourceVersion: string }> {
  const items: string[] = [];
  let resourceVersion = "";
  for await (const page of api.listPages({ limit: 250 })) {
    for (const o of page.items)
      items.push(`${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`);
    resourceVersion = page.metadata.resourceVersion ?? "";
  }
  return { items: items.sort(), resourceVersion };
}

const storeSnapshot = (store: Store) =>
  store
    .list()
    .map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`)
    .sort();

/** Writes a sentinel, waits until the reflector has seen it, then compares the store with a fresh LIST. */
async function assertStoreEqualsList(api: ResourceApi, store: Store, label: string): Promise<void> {
  const sentinel = `sentinel-${Date.now()}`;
  const written = await api.create({ metadata: { name: sentinel }, data: { label } });
  const rv = Number(written.metadata.resourceVersion);
  await until(() => Number(store.resourceVersion ?? 0) >= rv, `reflector to reach resourceVersion ${rv}`);
  const server = await serverSnapshot(api);
  const mine = storeSnapshot(store);
  assert.ok(server.items.length > 1, "the burst left objects behind");
  assert.deepEqual(mine, server.items, `${label}: store == LIST (${server.items.length} objects)`);
}

/** A ResourceApi whose watches can be cut and held back, to keep the reflector away while history moves on. */
class GatedApi {
  readonly api: ResourceApi;
  #open = Promise.resolve();
  #release: () => void = () => undefined;
  readonly #controllers = new Set<AbortController>();
  constructor(api: ResourceApi) {
    this.api = api;
  }
  /** Cuts open watches; new ones wait until `open()`. */
  close(): void {
    this.#open = new Promise((resolve) => (this.#release = resolve));
    for (const c of this.#controllers) c.abort(new Error("cut by test"));
  }
  open(): void {
    this.#release();
  }
  wrap(): ResourceApi {
    const gated = Object.create(this.api) as ResourceApi;
    gated.watch = (options: WatchOptions = {}) => this.#watch(options);
    return gated;
  }
  async *#watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    await this.#open;
    const controller = new AbortController();
    this.#controllers.add(controller);
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    try {
      yield* this.api.watch({ ...options, signal });
    } finally {
      this.#controllers.delete(controller);
    }
  }
}

/** A ResourceApi whose LISTs, while held, take their snapshot (the first page) at once and answer on release. */
class ListHold {
  readonly api: ResourceApi;
  snapshots = 0;
  #held: Promise<void> | undefined;
  #release: () => void = () => undefined;
  constructor(api: ResourceApi) {
    const held = Object.create(api) as ResourceApi;
    held.listPages = (options) => this.#listPages(api, options);
    this.api = held;
  }
  hold(): void {
    this.snapshots = 0;
    this.#held = new Promise((resolve) => (this.#release = resolve));
  }
  release(): void {
    this.#held = undefined;
    this.#release();
  }
  async *#listPages(api: ResourceApi, options?: ListOptions): AsyncIterable<KubeList> {
    for await (const page of api.listPages(options)) {
      this.snapshots++;
      await this.#held;
      yield page;
    }
  }
}

async function namespaceFor(client: KubeClient, name: string): Promise<ResourceApi> {
  await client.resource(Namespace).create({ metadata: { name } });
  return client.resource(ConfigMap, name);
}

void describe("reflector consistency against a real control plane (watch cache on)", () => {
  let env: TestEnvironment;
  let client: KubeClient;
  before(async () => {
    env = await TestEnvironment.start({ controllerManager: false });
    client = await KubeClient.fromConfig(env.clientConfig());
  });
  after(async () => {
    await client?.close();
    await env?.stop();
  });

  void it("store equals a fresh LIST after a burst of 1,000 creates/updates/deletes while watching", async () => {
    const api = await namespaceFor(client, "burst");
    await burst(api, "pre", 100);
    const store = new Store();
    const reflector = new Reflector(api, store, { pageSize: 50, backoff: { initialMs: 100, maxMs: 2000 } });
    reflector.start();
    try {
      await store.synced;
      await burst(api, "cm");
      await assertStoreEqualsList(api, store, "burst");
      assert.equal(reflector.status.relists, 0);
    } finally {
      await reflector.stop();
    }
  });

  void it("a write of ours recorded while a reshard lists stays: no DELETED, no step back, then equal to a LIST", async () => {
    const namespace = "relist-writes";
    const api = await namespaceFor(client, namespace);
    const label = "example.com/bucket";
    const labelled = (name: string, bucket: number) => ({
      metadata: { name, labels: { [label]: String(bucket) } },
    });
    await api.create(labelled("b1-a", 1));
    await api.create(labelled("b2-a", 2));
    const lists = new ListHold(api);
    const informer = new SharedInformer(lists.api, {
      namespace,
      shard: { by: { label }, buckets: 4, held: [] },
    });
    const events: string[] = [];
    informer.subscribe((e) => events.push(`${e.type} ${e.object.metadata.name}`), { replay: false });
    informer.start();
    try {
      await informer.reshard([1]);
      events.length = 0;
      lists.hold();
      const grown = informer.reshard([1, 2]);
      await until(() => lists.snapshots > 0, "the reshard's LIST snapshot");
      // A sync of bucket 1 writes while bucket 2 is being listed; the answers go to the store at once.
      const created = await api.create(labelled("b1-b", 1));
      const updated = await api.patch("b1-a", "merge", { data: { v: "2" } });
      assert.ok(informer.recordWrite(created));
      assert.ok(informer.recordWrite(updated));
      lists.release();
      await grown;
      assert.deepEqual(events, ["ADDED b2-a"], "the relist brought bucket 2 and changed nothing else");
      assert.equal(informer.store.get(`${namespace}/b1-b`)?.metadata.uid, created.metadata.uid);
      assert.equal(
        informer.store.get(`${namespace}/b1-a`)?.metadata.resourceVersion,
        updated.metadata.resourceVersion,
      );
      // The watch from the snapshot replays both writes (no-ops); the store ends equal to the server's selection.
      await api.create(labelled("b2-sentinel", 2));
      await until(() => informer.store.has(`${namespace}/b2-sentinel`), "the watch after the reshard");
      const server = await api.list({ labelSelector: `${label} in (1,2)` });
      const names = (objects: readonly KubeObject[]) =>
        objects.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
      assert.deepEqual(names(informer.store.list()), names(server.items));
      assert.deepEqual(events, ["ADDED b2-a", "ADDED b2-sentinel"]);
    } finally {
      await informer.stop();
    }
  });

  void it("store equals a fresh LIST after the apiserver is stopped and restarted mid-burst", async () => {
    const api = await namespaceFor(client, "restart");
    const store = new Store();
    const states = new Set<string>();
    const reflector = new Reflector(api, store, {
      pageSize: 50,
      backoff: { initialMs: 100, maxMs: 2000 },
      onStateChange: (s) => states.add(s.state),
    });
    reflector.start();
    try {
      await store.synced;
      let restart: Promise<void> | undefined;
      await burst(api, "cm", 1000, (done) => {
        if (done === 400) restart = env.restartApiServer({ downMs: 1000 });
      });
      await restart;
      await assertStoreEqualsList(api, store, "restart");
      assert.ok(states.has("backingOff"), `went through backoff (states: ${[...states].join(",")})`);
      assert.equal(reflector.state, "watching");
    } finally {
      await reflector.stop();
    }
  });

  void it("store equals a fresh LIST after the apiserver crashes (SIGKILL) mid-burst and comes back", async () => {
    const api = await namespaceFor(client, "crash");
    const store = new Store();
    const reflector = new Reflector(api, store, { pageSize: 50, backoff: { initialMs: 100, maxMs: 2000 } });
    reflector.start();
    const before = env.pids()["kube-apiserver"];
    try {
      await store.synced;
      let crash: Promise<void> | undefined;
      await burst(api, "cm", 1000, (done) => {
        if (done === 300) crash = env.restartApiServer({ crash: true, downMs: 500 });
      });
      await crash;
      assert.notEqual(env.pids()["kube-apiserver"], before, "a new kube-apiserver process");
      assert.equal(env.pids().etcd !== undefined, true);
      await assertStoreEqualsList(api, store, "crash");
      assert.equal(reflector.state, "watching");
    } finally {
      await reflector.stop();
    }
  });
});

void describe("reflector consistency against a real control plane (etcd compaction, 410 Gone)", () => {
  let env: TestEnvironment;
  let client: KubeClient;
  before(async () => {
    // Without the watch cache, watches are served by etcd itself: a compacted resourceVersion is a 410 for sure.
    env = await TestEnvironment.start({ controllerManager: false, apiServerFlags: ["--watch-cache=false"] });
    client = await KubeClient.fromConfig(env.clientConfig());
  });
  after(async () => {
    await client?.close();
    await env?.stop();
  });

  void it("relists after etcd compaction (410 Gone) and ends exactly equal to a fresh LIST", async () => {
    const api = await namespaceFor(client, "compaction");
    await burst(api, "pre", 300);
    const gate = new GatedApi(api);
    const store = new Store();
    const events = { ADDED: 0, MODIFIED: 0, DELETED: 0 };
    const reflector = new Reflector(gate.wrap(), store, {
      pageSize: 50,
      backoff: { initialMs: 100, maxMs: 1000 },
      onEvent: (e) => events[e.type]++,
    });
    reflector.start();
    try {
      await store.synced;
      await until(() => reflector.state === "watching", "watching");
      const before = store.size;
      events.ADDED = events.MODIFIED = events.DELETED = 0;
      gate.close();
      await until(() => reflector.state === "backingOff" || reflector.status.watches > 1, "watch cut");
      await burst(api, "cm", 600);
      await env.compactEtcd();
      gate.open();
      await until(() => reflector.status.relists >= 1, "relist after 410 Gone");
      await assertStoreEqualsList(api, store, "compaction");
      // The relist emitted a diff, not a replay: never more ADDED than objects that did not exist before.
      assert.ok(events.ADDED < store.size, `added ${events.ADDED} of ${store.size} (had ${before})`);
      assert.ok(events.MODIFIED + events.DELETED + events.ADDED > 0);
    } finally {
      await reflector.stop();
    }
  });
});
