/**
 * The reflector against the in-memory fake API: paginated list then watch, exact diffs on relist after 410 Gone,
 * reconnects with backoff, dead-connection detection, and no silent stop. Also the shared informer factory.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { TsOperatorError } from "../../src/core/errors.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { K8sType, KubeObject } from "../../src/core/types.js";
import { InformerFactory, SharedInformer } from "../../src/runtime/informer-factory.js";
import { Reflector, type ReflectorOptions, type ReflectorState } from "../../src/runtime/reflector.js";
import { Store, type StoreEvent } from "../../src/runtime/store.js";
import { FakeResourceApi } from "../support/fake-resource-api.js";

const ConfigMap = k8sTypes.core.v1.ConfigMap;
const connectionError = () => new TsOperatorError("TSOP_CONNECTION_ERROR", "ECONNREFUSED");
const fmt = (e: StoreEvent) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`;

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(2);
  }
}

function setup(fake: FakeResourceApi, options: ReflectorOptions = {}) {
  const store = new Store();
  const events: StoreEvent[] = [];
  const states: ReflectorState[] = [];
  const errors: unknown[] = [];
  const reflector = new Reflector(fake, store, {
    backoff: { initialMs: 10, maxMs: 80, jitter: 0 },
    pageSize: 2,
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
    onStateChange: (status) => states.push(status.state),
    onError: (error) => errors.push(error),
  });
  return { store, events, states, errors, reflector };
}

/** Store content as "name@rv", sorted, for exact comparisons. */
const contents = (store: Store) =>
  store
    .list()
    .map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)
    .sort();
const serverContents = (fake: FakeResourceApi) =>
  [...fake.objects.values()].map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();

/** Makes the fake's next LISTs take their snapshot at once but answer only when `release()` is called. */
function holdLists(fake: FakeResourceApi): { release: () => void; snapshots: () => number } {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let snapshots = 0;
  const list = fake.list.bind(fake);
  fake.list = async (options) => {
    const page = await list(options);
    snapshots++;
    await held;
    return page;
  };
  return { release, snapshots: () => snapshots };
}

void describe("reflector", () => {
  void it("requests the next page of a LIST before compacting the current one", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    for (const name of ["a", "b", "c", "d", "e"]) fake.put(name, { v: name });
    const pages: KubeObject[][] = [];
    const previousFrozen: boolean[] = [];
    const list = fake.list.bind(fake);
    fake.list = async (options) => {
      const previous = pages.at(-1);
      if (previous) previousFrozen.push(previous.every((o) => Object.isFrozen(o)));
      const page = await list(options);
      pages.push(page.items);
      return page;
    };
    const { store, reflector } = setup(fake);
    reflector.start();
    await store.synced;
    // The server works on page n+1 while the reflector compacts page n.
    assert.deepEqual(previousFrozen, [false, false]);
    assert.deepEqual(contents(store), serverContents(fake));
    assert.ok(store.list().every((o) => Object.isFrozen(o)));
    await reflector.stop();
  });

  void it("lists page by page, then watches from the list's resourceVersion", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    for (const name of ["a", "b", "c", "d", "e"]) fake.put(name, { v: name });
    const { store, events, reflector } = setup(fake);
    reflector.start();
    await store.synced;
    assert.equal(fake.listCalls, 3, "5 objects in pages of 2");
    assert.deepEqual(contents(store), serverContents(fake));
    assert.equal(events.length, 5);
    const a = store.get("ns/a");
    assert.equal(a?.kind, "ConfigMap", "list items get apiVersion/kind");
    assert.equal(a?.metadata.managedFields, undefined, "managedFields stripped");
    assert.ok(Object.isFrozen(a));
    await until(() => fake.watchCalls.length === 1, "watch");
    assert.equal(fake.watchCalls[0]?.resourceVersion, "6");
    fake.put("a", { v: "a2" });
    fake.remove("b");
    fake.put("f");
    await until(() => events.length === 8, "3 watch events");
    assert.deepEqual(events.slice(5).map(fmt), ["MODIFIED a@7", "DELETED b@8", "ADDED f@9"]);
    fake.bookmark();
    fake.rv = 42; // history moves on elsewhere; a bookmark tells us
    fake.bookmark();
    await until(() => store.resourceVersion === "42", "bookmark");
    assert.equal(reflector.state, "watching");
    await reflector.stop();
    assert.equal(reflector.state, "stopped");
  });

  void it("relists after 410 Gone and emits exactly what changed while disconnected", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    for (const name of ["same", "changed", "deleted", "recreated"]) fake.put(name);
    const { store, events, reflector } = setup(fake);
    reflector.start();
    await store.synced;
    await until(() => fake.watchCalls.length === 1, "watch");
    const same = store.get("ns/same");
    events.length = 0;

    // The connection drops; while we are away, things change and history is compacted.
    fake.disconnectWatches(connectionError());
    fake.put("changed", { v: 2 });
    fake.remove("deleted");
    fake.remove("recreated");
    fake.put("recreated", { v: 3 });
    fake.put("new");
    fake.compact();

    await until(() => reflector.status.relists === 1 && reflector.state === "watching", "relist");
    assert.deepEqual(events.map(fmt).sort(), [
      "ADDED new@10",
      "DELETED deleted@4",
      "MODIFIED changed@6",
      "MODIFIED recreated@9",
    ]);
    assert.equal(store.get("ns/same"), same, "unchanged object not replaced");
    assert.deepEqual(contents(store), serverContents(fake));
    // Resumed from the relist's resourceVersion: later changes flow again.
    fake.put("later");
    await until(() => store.has("ns/later"), "event after relist");
    await reflector.stop();
  });

  void it("a relist keeps what our own writes stored after its snapshot: no DELETED, no step back", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    fake.put("a", { v: 1 });
    fake.put("b", { v: 1 });
    const { store, events, reflector } = setup(fake, { pageSize: 10 });
    reflector.start();
    await store.synced;
    await until(() => fake.watchCalls.length === 1, "watch");
    events.length = 0;

    const lists = holdLists(fake);
    fake.expireWatches();
    await until(() => lists.snapshots() === 1, "the relist's snapshot");
    // While the relist's answer is on its way, a sync of ours creates "c" and updates "a"; their answers are stored.
    const created = fake.put("c", { v: 1 });
    const updated = fake.put("a", { v: 2 });
    assert.ok(reflector.recordWrite(created));
    assert.ok(reflector.recordWrite(updated));
    lists.release();
    await until(() => reflector.status.relists === 1 && reflector.state === "watching", "relist");

    assert.deepEqual(events.map(fmt), [], "the relist changed nothing the store held");
    assert.equal(store.get("ns/c"), created, "the created object stayed");
    assert.equal(store.get("ns/a")?.metadata.resourceVersion, updated.metadata.resourceVersion);
    // The watch from the snapshot re-delivers both writes (no-ops), then what follows.
    fake.remove("c");
    await until(() => !store.has("ns/c"), "a later deletion");
    assert.deepEqual(events.map(fmt), [`DELETED c@${fake.rv}`]);
    assert.deepEqual(contents(store), serverContents(fake));
    await reflector.stop();
  });

  void it("after reselect, a relist drops a write it cannot tell still belongs (the watch would never free it)", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    fake.put("keep", {}, { labels: { side: "x" } });
    const { store, reflector } = setup(fake, { labelSelector: "side=x" });
    reflector.start();
    await store.synced;
    const lists = holdLists(fake);
    const moved = reflector.reselect({ labelSelector: "side=y" });
    await until(() => lists.snapshots() === 1, "the new selection's snapshot");
    const other = fake.put("other", {}, { labels: { side: "x" } });
    assert.ok(reflector.recordWrite(other));
    lists.release();
    await moved;
    assert.deepEqual(contents(store), [], "nothing of side=y; the side=x write is gone with its selection");
    await reflector.stop();
  });

  void it("a relist cut after some of its pages (error, then stop) leaves the store and its indexes as they were", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    for (const name of ["a", "b", "c", "d", "e"]) fake.put(name);
    const { store, events, reflector } = setup(fake);
    store.addIndex("name", (o) => [o.metadata.name ?? ""]);
    reflector.start();
    await store.synced;
    await until(() => fake.watchCalls.length === 1, "watch");
    const before = store.list();
    events.length = 0;

    // Later pages fail once, then hang until aborted: page 1 (a, b) of each relist arrives with changes, the rest never does.
    let failed = false;
    let hung = false;
    const list = fake.list.bind(fake);
    fake.list = async (options) => {
      if (options?.continue) {
        if (!failed) {
          failed = true;
          throw connectionError();
        }
        hung = true;
        // Until the request is aborted, as a real one is.
        return new Promise<never>((_, reject) =>
          options.signal?.addEventListener("abort", () => reject(options.signal?.reason as Error)),
        );
      }
      return list(options);
    };
    fake.disconnectWatches(connectionError());
    fake.put("a", { v: 2 });
    fake.remove("e");
    fake.put("f");
    fake.compact();
    await until(() => hung, "the second relist to hang on its second page");
    assert.equal(reflector.state, "relisting");
    assert.deepEqual(events, [], "no event from a LIST that did not finish");
    assert.deepEqual(store.list(), before, "the same objects, the same identities");
    assert.deepEqual(store.indexValues("name").sort(), ["a", "b", "c", "d", "e"]);
    await reflector.stop();
    assert.deepEqual(store.list(), before);
    assert.deepEqual(events, []);
  });

  void it("relists when the server expires an open watch (410 ERROR event)", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    fake.put("a");
    const { store, events, reflector } = setup(fake);
    reflector.start();
    await store.synced;
    await until(() => fake.watchCalls.length === 1, "watch");
    fake.expireWatches();
    await until(() => reflector.status.relists === 1 && fake.watchCalls.length === 2, "relist");
    assert.equal(events.length, 1, "nothing replayed as added");
    await reflector.stop();
  });

  void it("retries failed lists with growing backoff, then syncs", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    fake.put("a");
    fake.listFailures.push(connectionError(), connectionError(), connectionError());
    const { store, states, errors, reflector } = setup(fake);
    const started = performance.now();
    reflector.start();
    await store.synced;
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 10 + 20 + 40 - 3, `backoff 10+20+40 ms, took ${elapsed}`);
    assert.equal(errors.length, 3);
    assert.deepEqual(states.slice(0, 7), [
      "listing",
      "backingOff",
      "listing",
      "backingOff",
      "listing",
      "backingOff",
      "listing",
    ]);
    assert.equal(reflector.status.consecutiveFailures, 0, "success resets the backoff");
    await reflector.stop();
  });

  void it("reconnects a broken watch from its last resourceVersion with backoff, without relisting", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    fake.put("a");
    const { store, events, reflector } = setup(fake);
    reflector.start();
    await store.synced;
    await until(() => fake.watchCalls.length === 1, "watch");
    fake.watchFailures.push(connectionError(), connectionError());
    fake.disconnectWatches(connectionError());
    fake.put("b"); // happens while disconnected; must be replayed by the resumed watch
    await until(() => store.has("ns/b"), "resume");
    assert.equal(fake.watchCalls.length, 4);
    assert.deepEqual(
      fake.watchCalls.map((c) => c.resourceVersion),
      ["2", "2", "2", "2"],
    );
    assert.equal(fake.listCalls, 1, "no relist needed");
    assert.deepEqual(events.map(fmt), ["ADDED a@2", "ADDED b@3"]);
    await reflector.stop();
  });

  void it("detects a silent (dead) watch with the inactivity timeout and reconnects", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    fake.stallWatches = true;
    const { store, errors, reflector } = setup(fake, { inactivityTimeoutMs: 40 });
    reflector.start();
    await store.synced;
    await until(() => errors.length >= 1, "inactivity");
    assert.ok(errors.every((e) => e instanceof TsOperatorError && e.code === "TSOP_WATCH_INACTIVE"));
    fake.stallWatches = false;
    await until(() => fake.watchers.size === 1, "healthy watch");
    fake.put("a");
    await until(() => store.has("ns/a"), "event on the new watch");
    await reflector.stop();
  });

  void it("never stops silently: handler errors, odd errors, empty watches and stop() during backoff", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    const { store, errors, reflector } = setup(fake, {
      onEvent: (event) => {
        if (event.object.metadata.name === "poison") throw new Error("handler bug");
      },
    });
    reflector.start();
    await store.synced;
    await until(() => fake.watchers.size === 1, "watch");
    fake.put("poison");
    fake.put("after");
    await until(() => store.has("ns/after"), "events after a throwing handler");
    // A non-Kubernetes error from the transport, then a watch that the server closes at once.
    fake.disconnectWatches(new TypeError("socket hang up"));
    await until(() => fake.watchers.size === 1 && fake.watchCalls.length === 2, "reconnect");
    fake.disconnectWatches();
    await until(
      () => reflector.state === "backingOff" || fake.watchCalls.length === 3,
      "empty watch handled",
    );
    fake.put("still-alive");
    await until(() => store.has("ns/still-alive"), "still alive");
    assert.ok(errors.some((e) => e instanceof Error && e.message === "handler bug"));
    assert.ok(errors.some((e) => e instanceof TypeError));
    // stop() while backing off returns promptly.
    fake.watchFailures.push(connectionError());
    fake.disconnectWatches(connectionError());
    await until(() => reflector.state === "backingOff", "backing off");
    await reflector.stop();
    assert.equal(reflector.state, "stopped");
  });

  void it("stops even if the client's watch ignores its abort signal", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    const hanging: FakeResourceApi = Object.create(fake) as FakeResourceApi;
    hanging.watch = () => ({
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => undefined) }),
    });
    const { store, reflector } = setup(hanging);
    reflector.start();
    await store.synced;
    await delay(5);
    await reflector.stop();
    assert.equal(reflector.state, "stopped");
  });
});

const label = "tsoperator.io/shard-bucket";

/** A started informer sharded by `label` over 4 buckets, holding none yet, with its events and stored names. */
function labelSharded(fake: FakeResourceApi) {
  const informer = new SharedInformer(
    fake,
    { namespace: "ns", shard: { by: { label }, buckets: 4, held: [] } },
    { backoff: { initialMs: 10, maxMs: 80, jitter: 0 } },
  );
  const events: string[] = [];
  informer.subscribe((e) => events.push(`${e.type} ${e.object.metadata.name}`));
  informer.start();
  const names = () =>
    informer.store
      .list()
      .map((o) => o.metadata.name)
      .sort();
  return { informer, events, names };
}

void describe("informer factory", () => {
  void it("shares one reflector per type, namespace and selector, and fans events out to subscribers", async () => {
    const fakes = new Map<string, FakeResourceApi>();
    const provider = {
      resource<T extends KubeObject = KubeObject>(type: K8sType, namespace?: string) {
        const key = `${type.kind}/${namespace ?? ""}`;
        let fake = fakes.get(key);
        if (!fake) fakes.set(key, (fake = new FakeResourceApi(type, namespace)));
        return fake as unknown as import("../../src/client/resource-api.js").ResourceApi<T>;
      },
    };
    const factory = new InformerFactory(provider);
    const a = factory.informer(ConfigMap, { namespace: "ns" });
    const b = factory.informer(ConfigMap, { namespace: "ns" });
    const c = factory.informer(ConfigMap, { namespace: "ns", labelSelector: "x=y" });
    assert.equal(a, b);
    assert.notEqual(a, c);
    const fake = fakes.get("ConfigMap/ns")!;
    fake.put("one");
    const first: string[] = [];
    const second: string[] = [];
    a.subscribe((e) => first.push(fmt(e)));
    factory.start();
    await factory.waitForSync();
    assert.ok(factory.hasSynced);
    fake.put("two");
    await until(() => first.length === 2, "event");
    // A late subscriber gets the current content replayed, then live events, with the very same objects.
    let seenObject: KubeObject | undefined;
    const off = a.subscribe((e) => {
      second.push(fmt(e));
      seenObject ??= e.object;
    });
    assert.deepEqual(second.sort(), ["ADDED one@2", "ADDED two@3"]);
    assert.equal(seenObject, a.store.get(seenObject?.metadata.name === "one" ? "ns/one" : "ns/two"));
    off();
    fake.put("three");
    await until(() => first.length === 3, "event");
    assert.equal(second.length, 2, "unsubscribed");
    assert.equal(a.subscriberCount, 1);
    // Created after start: starts right away.
    const late = factory.informer(k8sTypes.core.v1.Secret, { namespace: "ns" });
    await late.synced;
    await factory.stop();
    assert.equal(a.status.state, "stopped");
  });

  void it("a sharded informer follows its buckets: none lists nothing, each reshard relists and drops what left", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    for (let i = 0; i < 8; i++) fake.put(`cm-${i}`, {}, { labels: { [label]: String(i % 4) } });
    const { informer, events, names } = labelSharded(fake);
    await informer.synced;
    assert.equal(informer.store.size, 0);
    assert.equal(fake.listCalls, 0, "no bucket held: no request (the server refuses an empty selection)");

    await informer.reshard([1]);
    assert.deepEqual(names(), ["cm-1", "cm-5"]);
    await informer.reshard([1, 2]);
    assert.deepEqual(names(), ["cm-1", "cm-2", "cm-5", "cm-6"]);
    // The watch follows the new selection.
    fake.put("cm-10", {}, { labels: { [label]: "2" } });
    fake.put("cm-11", {}, { labels: { [label]: "3" } });
    await until(() => informer.store.size === 5, "watch event of a held bucket");
    await informer.reshard([2]);
    assert.deepEqual(names(), ["cm-10", "cm-2", "cm-6"]);
    assert.deepEqual(events.filter((e) => e.startsWith("DELETED")).sort(), ["DELETED cm-1", "DELETED cm-5"]);
    // A write of an object outside the held buckets is not stored: no watch event would ever remove it.
    const outside = fake.put("cm-12", {}, { labels: { [label]: "1" } });
    assert.equal(informer.recordWrite(outside), false);
    // Two reshards in a row: the last one wins, and both resolve.
    await Promise.all([informer.reshard([0]), informer.reshard([3])]);
    assert.deepEqual(names(), ["cm-11", "cm-3", "cm-7"]);
    await informer.reshard([]);
    assert.equal(informer.store.size, 0);
    await informer.stop();
  });

  void it("a reshard keeps the writes recorded while it lists that belong to the held buckets, and only those", async () => {
    const fake = new FakeResourceApi(ConfigMap, "ns");
    fake.put("cm-1", {}, { labels: { [label]: "1" } });
    const { informer, events, names } = labelSharded(fake);
    await informer.reshard([1]);
    events.length = 0;

    const lists = holdLists(fake);
    const grown = informer.reshard([1, 2]);
    await until(() => lists.snapshots() === 1, "the reshard's snapshot");
    // A sync of bucket 1 creates a child while bucket 2 is being listed.
    const child = fake.put("cm-1b", {}, { labels: { [label]: "1" } });
    assert.ok(informer.recordWrite(child));
    lists.release();
    await grown;
    assert.deepEqual(events, [], "no DELETED for the child created during the LIST");
    assert.equal(informer.store.get("ns/cm-1b"), child);

    // Bucket 1 is given up while a LIST for [1, 2] is under way: its recorded write does not outlive it.
    const lists2 = holdLists(fake);
    const again = informer.reshard([1, 2, 3]);
    await until(() => lists2.snapshots() === 1, "the next snapshot");
    const late = fake.put("cm-1c", {}, { labels: { [label]: "1" } });
    assert.ok(informer.recordWrite(late));
    const shrunk = informer.reshard([2, 3]);
    lists2.release();
    await Promise.all([again, shrunk]);
    assert.deepEqual(names(), [], "bucket 1's objects, the late write included, are dropped");
    await informer.stop();
  });
});
