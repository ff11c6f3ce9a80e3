/**
 * Watches against a real kube-apiserver: events in order, bookmarks (the watch-list initial-events-end bookmark,
 * so the test does not wait for the periodic minute-long bookmark), 410 after etcd compaction, a long-lived watch
 * that outlives its inactivity window while events flow, and cancellation that frees the connection.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasCode, isGone } from "../../src/core/errors.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { KubeClient } from "../../src/client/kube-client.js";
import type { WatchEvent } from "../../src/client/resource-api.js";
import { WatchExpiredError } from "../../src/client/watch-stream.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";

let env: TestEnvironment;
let client: KubeClient;
let ns: string;

before(async () => {
  // Secrets bypass the watch cache so a watch from a compacted revision reaches etcd and gets 410 (the cache
  // would otherwise serve old resourceVersions from its own window).
  env = await TestEnvironment.start({
    controllerManager: false,
    apiServerFlags: ["--watch-cache-sizes=secrets#0"],
  });
  client = await KubeClient.fromConfig(env.clientConfig("client-watch-test"));
  ns = `client-watch-${Date.now()}`;
  await client.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
});
after(async () => {
  await client?.close();
  await env?.stop();
});

const cms = () => client.resource(k8sTypes.core.v1.ConfigMap, ns);

describe("watch", () => {
  it("receives ADDED, MODIFIED and DELETED in order", async () => {
    const rv = (await cms().list()).metadata.resourceVersion;
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of cms().watch({
        resourceVersion: rv,
        fieldSelector: "metadata.name=w1",
        signal: ac.signal,
      })) {
        seen.push(`${e.type}:${e.object.metadata.name}`);
        if (e.type === "DELETED") return;
      }
    })();
    await cms().create({ metadata: { name: "w1" } });
    await cms().patch("w1", "merge", { data: { a: "1" } });
    await cms().delete("w1");
    await withTimeout(done, 10_000);
    assert.deepEqual(seen, ["ADDED:w1", "MODIFIED:w1", "DELETED:w1"]);
  });

  it("sends initial events then the initial-events-end BOOKMARK (watch-list)", async () => {
    await cms().create({ metadata: { name: "initial-a", labels: { wl: "1" } } });
    await cms().create({ metadata: { name: "initial-b", labels: { wl: "1" } } });
    const events: WatchEvent[] = [];
    for await (const e of cms().watch({
      sendInitialEvents: true,
      labelSelector: "wl=1",
      timeoutSeconds: 30,
    })) {
      events.push(e);
      if (e.type === "BOOKMARK") break;
    }
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "ADDED", "BOOKMARK"],
    );
    const bookmark = events[2]!.object;
    assert.equal(bookmark.metadata.annotations?.["k8s.io/initial-events-end"], "true");
    assert.ok(bookmark.metadata.resourceVersion);
  });

  it("fails with TSOP_WATCH_EXPIRED (410) from a resourceVersion compacted away", async () => {
    const secrets = client.resource(k8sTypes.core.v1.Secret, ns);
    const old = (await secrets.list()).metadata.resourceVersion!;
    for (let i = 0; i < 3; i++) await secrets.create({ metadata: { name: `s${i}` } });
    await env.compactEtcd();
    await assert.rejects(
      async () => {
        for await (const _ of secrets.watch({ resourceVersion: old, timeoutSeconds: 10 })) {
          /* an expired watch fails before or instead of events */
        }
      },
      (e: unknown) => {
        assert.ok(e instanceof WatchExpiredError, String(e));
        assert.ok(hasCode(e, "TSOP_WATCH_EXPIRED"));
        assert.ok(isGone(e));
        return true;
      },
    );
  });

  it("stays open past the inactivity window while events flow", async () => {
    const rv = (await cms().list()).metadata.resourceVersion;
    const ac = new AbortController();
    let count = 0;
    const watching = (async () => {
      for await (const e of cms().watch({
        resourceVersion: rv,
        labelSelector: "flow=1",
        inactivityTimeoutMs: 1500,
        signal: ac.signal,
      })) {
        if (e.type === "ADDED") count++;
      }
    })();
    for (let i = 0; i < 8; i++) {
      await cms().create({ metadata: { name: `flow-${i}`, labels: { flow: "1" } } });
      await new Promise((r) => setTimeout(r, 500)); // 4 s in total, well past 1.5 s
    }
    await eventuallyTrue(() => count === 8);
    ac.abort();
    await assert.rejects(watching, (e: unknown) => hasCode(e, "TSOP_ABORTED"));
  });

  it("fails with TSOP_WATCH_INACTIVE when nothing arrives within the window", async () => {
    const rv = (await cms().list()).metadata.resourceVersion;
    const started = Date.now();
    await assert.rejects(
      async () => {
        for await (const _ of cms().watch({
          resourceVersion: rv,
          labelSelector: "never=1",
          allowWatchBookmarks: false,
          inactivityTimeoutMs: 1000,
        })) {
          /* none */
        }
      },
      (e: unknown) => hasCode(e, "TSOP_WATCH_INACTIVE"),
    );
    assert.ok(Date.now() - started < 5000);
  });

  it("frees the connection on break and on abort (a one-connection client can still make requests)", async () => {
    const single = await KubeClient.fromConfig(env.clientConfig("single-connection"), { connections: 1 });
    try {
      const api = single.resource(k8sTypes.core.v1.ConfigMap, ns);
      await api.create({ metadata: { name: "cancel-me" } });
      for await (const e of api.watch({ fieldSelector: "metadata.name=cancel-me" })) {
        assert.equal(e.type, "ADDED");
        break;
      }
      // Would wait for the (server-side 30 min) watch to end if the connection were still held.
      await withTimeout(api.get("cancel-me"), 5000);

      const ac = new AbortController();
      const watching = (async () => {
        for await (const _ of api.watch({ fieldSelector: "metadata.name=cancel-me", signal: ac.signal })) {
          /* the ADDED event, then silence */
        }
      })();
      await new Promise((r) => setTimeout(r, 300));
      ac.abort();
      await assert.rejects(watching, (e: unknown) => hasCode(e, "TSOP_ABORTED"));
      await withTimeout(api.get("cancel-me"), 5000);
      assert.equal(single.requestCounts().watch, 2);
    } finally {
      await single.close();
    }
  });

  it("ends normally when the server's timeoutSeconds expires", async () => {
    const started = Date.now();
    const events: KubeObject[] = [];
    for await (const e of cms().watch({
      resourceVersion: (await cms().list()).metadata.resourceVersion,
      labelSelector: "never=1",
      timeoutSeconds: 1,
    })) {
      events.push(e.object);
    }
    assert.ok(Date.now() - started < 10_000);
  });
});

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function eventuallyTrue(cond: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
