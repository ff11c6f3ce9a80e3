/**
 * KubeClient's ResourceApi against a local fake server: REST paths and encoding, query strings, content types,
 * discovery (cached, refreshed on a miss, TSOP_UNKNOWN_TYPE), and watch connections that are freed on break,
 * abort and inactivity. The real API server semantics are covered by test/integration/client-*.test.ts.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { hasCode } from "../../src/core/errors.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { ClientConfig } from "../../src/client/config.js";
import { KubeClient } from "../../src/client/kube-client.js";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let endpoint: string;
let handler: Handler;
let seen: Array<{ method: string; url: string; contentType: string | undefined; body: string }>;

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, contentType: req.headers["content-type"], body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  seen = [];
  handler = (_req, res, body) => json(res, 200, body ? JSON.parse(body) : { metadata: {} });
});

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
const newClient = () =>
  KubeClient.fromConfig(new ClientConfig({ apiServerEndpoint: endpoint, userAgent: "t" }), {
    maxRetryDelayMs: 10,
  });

const Foo = { apiVersion: "example.com/v1", kind: "Foo", plural: "foos" };
const fooDiscovery = {
  kind: "APIResourceList",
  groupVersion: "example.com/v1",
  resources: [
    { name: "foos", kind: "Foo", namespaced: true, verbs: ["get"] },
    { name: "foos/status", kind: "Foo", namespaced: true },
    { name: "bars", kind: "Bar", namespaced: false },
  ],
};

describe("resource API paths and bodies", () => {
  it("builds core and group paths, URL-encodes names and namespaces", async () => {
    const c = await newClient();
    await c.resource(k8sTypes.core.v1.ConfigMap).get({ namespace: "n s", name: "a:b" });
    await c.resource(k8sTypes.apps.v1.Deployment, "prod").get("web");
    await c.resource(k8sTypes.core.v1.Namespace).get("kube-system");
    await c.resource(k8sTypes.core.v1.Pod, "bound").get("other/p1");
    assert.deepEqual(
      seen.map((s) => s.url),
      [
        "/api/v1/namespaces/n%20s/configmaps/a%3Ab",
        "/apis/apps/v1/namespaces/prod/deployments/web",
        "/api/v1/namespaces/kube-system",
        "/api/v1/namespaces/other/pods/p1",
      ],
    );
    await c.close();
  });

  it("requires a namespace for namespaced types", async () => {
    const c = await newClient();
    await assert.rejects(c.resource(k8sTypes.core.v1.ConfigMap).get("x"), (e: unknown) =>
      hasCode(e, "TSOP_INVALID_OBJECT"),
    );
    assert.equal(seen.length, 0);
    await c.close();
  });

  it("lists across all namespaces or one, with selectors, and follows continue", async () => {
    let page = 0;
    handler = (_req, res) =>
      json(res, 200, {
        metadata: { continue: ++page < 3 ? `tok${page}` : undefined },
        items: [{ metadata: { name: `p${page}` } }],
      });
    const c = await newClient();
    const pages = [];
    for await (const p of c
      .resource(k8sTypes.core.v1.Pod)
      .listPages({ limit: 1, labelSelector: "app in (a,b)" }))
      pages.push(p);
    assert.equal(pages.length, 3);
    assert.deepEqual(
      seen.map((s) => s.url),
      [
        "/api/v1/pods?labelSelector=app%20in%20(a%2Cb)&limit=1",
        "/api/v1/pods?labelSelector=app%20in%20(a%2Cb)&limit=1&continue=tok1",
        "/api/v1/pods?labelSelector=app%20in%20(a%2Cb)&limit=1&continue=tok2",
      ],
    );
    await c.close();
  });

  it("sends each patch type with its content type, apply with fieldManager/force and apiVersion/kind", async () => {
    const c = await newClient();
    const cms = c.resource(k8sTypes.core.v1.ConfigMap, "ns");
    await cms.patch("a", "merge", { data: { x: "1" } });
    await cms.patch("a", "json", [{ op: "remove", path: "/data/x" }]);
    await cms.patch("a", "strategic", { data: { x: "2" } });
    await cms.apply({ metadata: { name: "a" }, data: { y: "1" } }, { fieldManager: "op", force: true });
    await cms.applyStatus({ metadata: { name: "a" } }, { fieldManager: "op" });
    assert.deepEqual(
      seen.map((s) => [s.method, s.url, s.contentType]),
      [
        ["PATCH", "/api/v1/namespaces/ns/configmaps/a", "application/merge-patch+json"],
        ["PATCH", "/api/v1/namespaces/ns/configmaps/a", "application/json-patch+json"],
        ["PATCH", "/api/v1/namespaces/ns/configmaps/a", "application/strategic-merge-patch+json"],
        [
          "PATCH",
          "/api/v1/namespaces/ns/configmaps/a?fieldManager=op&force=true",
          "application/apply-patch+yaml",
        ],
        [
          "PATCH",
          "/api/v1/namespaces/ns/configmaps/a/status?fieldManager=op",
          "application/apply-patch+yaml",
        ],
      ],
    );
    assert.deepEqual(JSON.parse(seen[3]!.body), {
      metadata: { name: "a" },
      data: { y: "1" },
      apiVersion: "v1",
      kind: "ConfigMap",
    });
    await c.close();
  });

  it("sends DeleteOptions only when options are given", async () => {
    const c = await newClient();
    const cms = c.resource(k8sTypes.core.v1.ConfigMap, "ns");
    await cms.delete("a");
    await cms.delete("a", {
      propagationPolicy: "Foreground",
      preconditions: { uid: "u1" },
      gracePeriodSeconds: 0,
    });
    assert.equal(seen[0]!.body, "");
    assert.deepEqual(JSON.parse(seen[1]!.body), {
      kind: "DeleteOptions",
      apiVersion: "v1",
      propagationPolicy: "Foreground",
      gracePeriodSeconds: 0,
      preconditions: { uid: "u1" },
    });
    await c.close();
  });

  it("getOrUndefined returns undefined on 404", async () => {
    handler = (_req, res) => json(res, 404, { kind: "Status", code: 404, reason: "NotFound" });
    const c = await newClient();
    assert.equal(await c.resource(k8sTypes.core.v1.ConfigMap, "ns").getOrUndefined("nope"), undefined);
    await c.close();
  });
});

describe("discovery", () => {
  it("learns scope once and reuses it", async () => {
    handler = (req, res) =>
      req.url === "/apis/example.com/v1"
        ? json(res, 200, fooDiscovery)
        : json(res, 200, { metadata: { name: "f" } });
    const c = await newClient();
    const foos = c.resource(Foo, "ns");
    await foos.get("f1");
    await foos.get("f2");
    await c.resource(Foo, "other").get("f3");
    assert.deepEqual(
      seen.map((s) => s.url),
      [
        "/apis/example.com/v1",
        "/apis/example.com/v1/namespaces/ns/foos/f1",
        "/apis/example.com/v1/namespaces/ns/foos/f2",
        "/apis/example.com/v1/namespaces/other/foos/f3",
      ],
    );
    await c.close();
  });

  it("rejects an unknown plural with TSOP_UNKNOWN_TYPE listing the known ones", async () => {
    handler = (req, res) =>
      req.url === "/apis/example.com/v1" ? json(res, 200, fooDiscovery) : json(res, 404, {});
    const c = await newClient();
    await assert.rejects(c.resource({ ...Foo, plural: "fooz" }).list(), (e: unknown) => {
      assert.ok(hasCode(e, "TSOP_UNKNOWN_TYPE"));
      assert.match((e as Error).message, /no resource 'fooz' in example.com\/v1; known: bars, foos/);
      return true;
    });
    await c.close();
  });

  it("rejects a group/version the server does not serve", async () => {
    handler = (req, res) =>
      req.url === "/apis"
        ? json(res, 200, {
            groups: [{ name: "example.com", versions: [{ groupVersion: "example.com/v2", version: "v2" }] }],
          })
        : req.url === "/api"
          ? json(res, 200, { versions: ["v1"] })
          : json(res, 404, { kind: "Status", code: 404, reason: "NotFound" });
    const c = await newClient();
    await assert.rejects(c.resource(Foo).list(), (e: unknown) => {
      assert.ok(hasCode(e, "TSOP_UNKNOWN_TYPE"));
      assert.match((e as Error).message, /example.com\/v1 is not served.*example.com\/v2/);
      return true;
    });
    await c.close();
  });
});

describe("watch over HTTP", () => {
  function watchServer(onClose: () => void, events: string[] = []) {
    handler = (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.flushHeaders();
      for (const e of events) res.write(e);
      res.on("close", onClose);
    };
  }

  it("sends watch query parameters and frees the connection when the loop breaks", async () => {
    let closed = false;
    watchServer(
      () => (closed = true),
      [JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } }) + "\n"],
    );
    const c = await newClient();
    for await (const e of c
      .resource(k8sTypes.core.v1.ConfigMap, "ns")
      .watch({ resourceVersion: "5", labelSelector: "a=b", timeoutSeconds: 30 })) {
      assert.equal(e.object.metadata.name, "a");
      break;
    }
    assert.equal(
      seen[0]!.url,
      "/api/v1/namespaces/ns/configmaps?watch=true&resourceVersion=5&allowWatchBookmarks=true&labelSelector=a%3Db&timeoutSeconds=30",
    );
    await waitUntil(() => closed);
    await c.close();
  });

  it("fails with a timeout when the server does not even send headers", async () => {
    handler = () => undefined;
    const c = await newClient();
    const started = performance.now();
    await assert.rejects(
      async () => {
        for await (const _ of c.resource(k8sTypes.core.v1.ConfigMap).watch({ inactivityTimeoutMs: 100 })) {
          /* none */
        }
      },
      (e: unknown) => hasCode(e, "TSOP_REQUEST_TIMEOUT"),
    );
    assert.ok(performance.now() - started < 2000);
    await c.close();
  });

  it("fails with TSOP_WATCH_INACTIVE and frees the connection when the server goes silent", async () => {
    let closed = false;
    watchServer(() => (closed = true));
    const c = await newClient();
    await assert.rejects(
      async () => {
        for await (const _ of c.resource(k8sTypes.core.v1.ConfigMap).watch({ inactivityTimeoutMs: 100 })) {
          /* none */
        }
      },
      (e: unknown) => hasCode(e, "TSOP_WATCH_INACTIVE"),
    );
    await waitUntil(() => closed);
    await c.close();
  });

  it("ends with TSOP_ABORTED and frees the connection when the signal fires", async () => {
    let closed = false;
    watchServer(() => (closed = true));
    const c = await newClient();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(
      async () => {
        for await (const _ of c.resource(k8sTypes.core.v1.ConfigMap).watch({ signal: ac.signal })) {
          /* none */
        }
      },
      (e: unknown) => hasCode(e, "TSOP_ABORTED"),
    );
    await waitUntil(() => closed);
    await c.close();
  });

  it("maps an HTTP 410 answer to TSOP_WATCH_EXPIRED", async () => {
    handler = (_req, res) =>
      json(res, 410, { kind: "Status", code: 410, reason: "Expired", message: "too old" });
    const c = await newClient();
    await assert.rejects(
      async () => {
        for await (const _ of c.resource(k8sTypes.core.v1.ConfigMap).watch({ resourceVersion: "1" })) {
          /* none */
        }
      },
      (e: unknown) => hasCode(e, "TSOP_WATCH_EXPIRED"),
    );
    await c.close();
  });
});

// A generous deadline: this waits for an event (a closed socket), it does not time anything.
async function waitUntil(cond: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
