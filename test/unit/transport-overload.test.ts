/**
 * Overload and outages at the client layer, against a local node:http server: 429 is retried on every verb after
 * its Retry-After; 5xx and lost connections are retried only for writes that are safe to repeat (apply, named
 * create, delete with a uid precondition); retries are bounded and stop on abort and on close; every attempt is
 * reported to the metrics hook; no client-side rate limit unless `qps` is set; and many requests sharing one
 * AbortSignal put one listener on it, not one each.
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import { ApiError, hasCode, isTransient, TsOperatorError, type ApiStatus } from "../../src/core/errors.js";
import { ClientConfig } from "../../src/client/config.js";
import { KubeClient, type KubeClientOptions } from "../../src/client/kube-client.js";
import { rateLimiterFor, type RequestMetricEvent } from "../../src/client/transport.js";
import { TokenBucket } from "../../src/client/rate-limiter.js";
import { startLocalHttpServer, type LocalHttpServer } from "../support/local-http-server.js";

/** Answers one request; `n` counts the requests seen so far on the same method and path, from 1. */
type Answer = (req: IncomingMessage, res: ServerResponse, n: number) => void;

let local: LocalHttpServer;
let endpoint: string;
let answer: Answer;
let requests: string[];

before(async () => {
  local = await startLocalHttpServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    requests.push(key);
    answer(req, res, requests.filter((r) => r === key).length);
  });
  endpoint = local.endpoint;
});
after(() => local.close());
beforeEach(() => {
  requests = [];
  answer = (_req, res) => reply(res, 200, { metadata: { name: "a" } });
});

function reply(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(code, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
function failure(code: number, reason: string, message = reason): ApiStatus {
  return { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message };
}
/** The first `times` requests on a path get `code`, the next ones 200. */
function failFirst(times: number, code: number, headers: Record<string, string> = {}): Answer {
  return (_req, res, n) =>
    n <= times
      ? reply(res, code, failure(code, "Overloaded"), headers)
      : reply(res, 200, { metadata: { n } });
}

function newClient(options: KubeClientOptions = {}, qps?: number) {
  const config = new ClientConfig({ apiServerEndpoint: endpoint, userAgent: "overload-test", qps });
  return KubeClient.fromConfig(config, { maxRetries: 3, maxRetryDelayMs: 2_000, ...options });
}
const ConfigMap = { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true };
const cmPath = (name: string) => `/api/v1/namespaces/ns/configmaps/${name}`;
const count = (key: string) => requests.filter((r) => r === key).length;

describe("429 Too Many Requests", () => {
  it("retries POST, PUT, PATCH and DELETE after the server's Retry-After, one repeat each", async () => {
    answer = failFirst(1, 429, { "retry-after": "1" });
    const c = await newClient();
    const writes = [
      {
        method: "POST",
        path: "/api/v1/namespaces/ns/configmaps",
        body: { metadata: { generateName: "x-" } },
      },
      { method: "PUT", path: cmPath("put"), body: { metadata: { name: "put" } } },
      {
        method: "PATCH",
        path: cmPath("patch"),
        body: { data: { a: "1" } },
        contentType: "application/merge-patch+json",
      },
      { method: "DELETE", path: cmPath("delete") },
    ] as const;
    const started = performance.now();
    const took = await Promise.all(
      writes.map(async (w) => {
        await c.request({ ...w });
        return performance.now() - started;
      }),
    );
    for (const ms of took)
      assert.ok(ms >= 950 && ms < 2_500, `waited ${Math.round(ms)} ms for Retry-After: 1`);
    for (const w of writes) assert.equal(count(`${w.method} ${w.path}`), 2, `${w.method} sent twice`);
    await c.close();
  });

  it("gives up after maxRetries with the server's 429 Status, an error isTransient recognises", async () => {
    answer = (_req, res) =>
      reply(res, 429, failure(429, "TooManyRequests", "the server is overloaded"), { "retry-after": "1" });
    const c = await newClient({ maxRetries: 2, maxRetryDelayMs: 20 });
    const started = performance.now();
    await assert.rejects(
      c.resource(ConfigMap, "ns").patch("a", "merge", { data: { a: "1" } }),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.statusCode, 429);
        assert.equal(err.status.message, "the server is overloaded");
        assert.ok(isTransient(err));
        return true;
      },
    );
    assert.equal(requests.length, 3, "one request and maxRetries repeats");
    assert.ok(performance.now() - started < 500, "Retry-After is capped by maxRetryDelayMs");
    await c.close();
  });
});

describe("5xx and lost connections: repeated only where the write is safe to repeat", () => {
  it("repeats an apply answered 500, 502, 503 or 504, never a merge PATCH", async () => {
    const c = await newClient({ maxRetryDelayMs: 10 });
    const cms = c.resource(ConfigMap, "ns");
    for (const code of [500, 502, 503, 504]) {
      requests = [];
      answer = failFirst(1, code);
      await cms.apply({ metadata: { name: "applied" }, data: { a: "1" } }, { fieldManager: "op" });
      assert.equal(requests.length, 2, `apply answered ${code} is sent again`);

      requests = [];
      await assert.rejects(cms.patch("merged", "merge", { data: { a: "1" } }), (e: unknown) =>
        isTransient(e),
      );
      assert.equal(requests.length, 1, `merge PATCH answered ${code} is not sent again`);
    }
    await c.close();
  });

  it("repeats a delete with a uid precondition answered 500, not a plain delete or a PUT", async () => {
    answer = failFirst(1, 500);
    const c = await newClient({ maxRetryDelayMs: 10 });
    const cms = c.resource(ConfigMap, "ns");
    await cms.delete("guarded", { preconditions: { uid: "u-1" } });
    assert.equal(count(`DELETE ${cmPath("guarded")}`), 2);

    await assert.rejects(cms.delete("plain"), (e: unknown) => isApiError500(e));
    assert.equal(count(`DELETE ${cmPath("plain")}`), 1);
    await assert.rejects(cms.replace({ metadata: { name: "put" } }), (e: unknown) => isApiError500(e));
    assert.equal(count(`PUT ${cmPath("put")}`), 1);
    await c.close();
  });

  it("repeats a named create after a connection reset, not a generateName create", async () => {
    const c = await newClient({ maxRetryDelayMs: 10 });
    const cms = c.resource(ConfigMap, "ns");
    answer = (req, res, n) => (n === 1 ? req.socket.destroy() : reply(res, 201, { metadata: { name: "x" } }));
    await cms.create({ metadata: { name: "named" } });
    assert.equal(requests.length, 2, "the named create is sent again");

    requests = [];
    answer = (req) => req.socket.destroy();
    await assert.rejects(cms.create({ metadata: { generateName: "gen-" } }), (e: unknown) => {
      assert.ok(hasCode(e, "TSOP_CONNECTION_ERROR"));
      assert.ok(isTransient(e));
      return true;
    });
    assert.equal(requests.length, 1, "a create that may have made an object is not sent again");
    await c.close();
  });
});

describe("retries are bounded and stop on abort and on close", () => {
  it("stops waiting out a Retry-After when the request's signal aborts", async () => {
    answer = (_req, res) => reply(res, 429, failure(429, "TooManyRequests"), { "retry-after": "5" });
    const c = await newClient({ maxRetryDelayMs: 10_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = performance.now();
    await assert.rejects(
      c.resource(ConfigMap, "ns").patch("a", "merge", {}, { signal: ac.signal }),
      (e: unknown) => hasCode(e, "TSOP_ABORTED"),
    );
    assert.ok(performance.now() - started < 4_000, "well before the 5 s Retry-After");
    assert.equal(requests.length, 1);
    await c.close();
  });

  it("stops waiting out a Retry-After when the client closes, and sends nothing more", async () => {
    answer = (_req, res) => reply(res, 503, failure(503, "ServiceUnavailable"), { "retry-after": "5" });
    const c = await newClient({ maxRetryDelayMs: 10_000 });
    const pending = c.request({ method: "GET", path: "/api/v1/pods" });
    setTimeout(() => void c.close(), 100);
    const started = performance.now();
    await assert.rejects(pending, (e: unknown) => hasCode(e, "TSOP_SHUTDOWN"));
    assert.ok(performance.now() - started < 4_000, "well before the 5 s Retry-After");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(requests.length, 1);
  });

  it("waits at most maxRetries times maxRetryDelayMs in all, then surfaces the last answer", async () => {
    answer = (_req, res) => reply(res, 503, failure(503, "ServiceUnavailable"), { "retry-after": "3600" });
    const c = await newClient({ maxRetries: 4, maxRetryDelayMs: 50 });
    const started = performance.now();
    await assert.rejects(
      c.resource(ConfigMap, "ns").apply({ metadata: { name: "a" } }, { fieldManager: "op" }),
      (e: unknown) => isTransient(e) && (e as ApiError).statusCode === 503,
    );
    const took = performance.now() - started;
    assert.ok(took >= 190 && took < 5_000, `took ${Math.round(took)} ms`);
    assert.equal(requests.length, 5);
    await c.close();
  });
});

describe("metrics and rate limit", () => {
  it("reports every attempt with its own code, numbered", async () => {
    answer = failFirst(2, 429, { "retry-after": "0" });
    const events: RequestMetricEvent[] = [];
    const c = await newClient({ metrics: { onRequest: (e) => events.push(e) } });
    await c.resource(ConfigMap, "ns").patch("a", "merge", { data: {} });
    assert.deepEqual(
      events.map((e) => [e.verb, e.code, e.attempt]),
      [
        ["patch", "429", 1],
        ["patch", "429", 2],
        ["patch", "200", 3],
      ],
    );
    assert.deepEqual(c.requestCounts(), { patch: 3 });
    await c.close();
  });

  it("sets no client-side limit by default: the server's Priority and Fairness is the limiter", async () => {
    // Whether a limiter exists is a matter of construction, checked as such: a timing bound here would fail
    // on a loaded machine and pass a generous limiter.
    assert.equal(rateLimiterFor(undefined, undefined), undefined);
    assert.equal(rateLimiterFor(Number.POSITIVE_INFINITY, undefined), undefined);
    assert.ok(rateLimiterFor(100, undefined) instanceof TokenBucket);
    // End to end: with no limiter and no connection cap, 300 requests all reach a server that answers none.
    const held: ServerResponse[] = [];
    answer = (_req, res) => held.push(res);
    const c = await newClient();
    const all = Promise.all(Array.from({ length: 300 }, () => c.request({ method: "GET", path: "/api" })));
    const deadline = Date.now() + 30_000;
    while (held.length < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(held.length, 300, "all 300 requests reached the server while none was answered");
    for (const res of held) reply(res, 200, { metadata: { name: "a" } });
    await all;
    await c.close();
  });

  it("limits the rate when qps is set (a burst of qps, then qps per second)", async () => {
    const limited = await newClient({}, 100);
    const started = performance.now();
    await Promise.all(Array.from({ length: 150 }, () => limited.request({ method: "GET", path: "/api" })));
    // 100 at once, then 50 more at 10 ms intervals: half a second at least, however fast the machine.
    const took = performance.now() - started;
    assert.ok(took >= 450, `took ${Math.round(took)} ms`);
    await limited.close();

    await assert.rejects(newClient({}, -1), (e: unknown) => hasCode(e, "TSOP_CONFIG_INVALID"));
    await assert.rejects(newClient({}, 0), (e: unknown) => hasCode(e, "TSOP_CONFIG_INVALID"));
  });
});

describe("one shared AbortSignal for many requests", () => {
  it("50 concurrent writes sharing one signal add one listener to it, not one each", async () => {
    const held: ServerResponse[] = [];
    let allArrived!: () => void;
    const arrived = new Promise<void>((r) => (allArrived = r));
    answer = (_req, res) => {
      held.push(res);
      if (held.length === 50) allArrived();
    };
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const c = await newClient();
      const ac = new AbortController();
      const cms = c.resource(ConfigMap, "ns");
      const writes = Array.from({ length: 50 }, (_, i) =>
        cms.patch(`cm-${i}`, "merge", { data: { i: String(i) } }, { signal: ac.signal }),
      );
      await arrived;
      const listenersInFlight = getEventListeners(ac.signal, "abort").length;
      for (const res of held) reply(res, 200, { metadata: { name: "x" } });
      await Promise.all(writes);
      // process.emitWarning delivers on the next tick.
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(
        warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message),
        [],
      );
      assert.ok(listenersInFlight <= 1, `${listenersInFlight} listeners while 50 were in flight`);
      assert.equal(getEventListeners(ac.signal, "abort").length, 0, "none once they are done");
      await c.close();
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("aborting the shared signal still aborts every request: waiting on the server or on a Retry-After", async () => {
    answer = (req, res) => {
      if (req.url!.includes("slow")) return; // never answers
      reply(res, 429, failure(429, "TooManyRequests"), { "retry-after": "5" });
    };
    const c = await newClient({ maxRetryDelayMs: 10_000 });
    const ac = new AbortController();
    const cms = c.resource(ConfigMap, "ns");
    const all = Array.from({ length: 50 }, (_, i) =>
      cms.patch(i % 2 ? `slow-${i}` : `busy-${i}`, "merge", {}, { signal: ac.signal }),
    );
    while (requests.length < 50) await new Promise((r) => setTimeout(r, 10));
    const started = performance.now();
    ac.abort(new Error("stop"));
    const results = await Promise.allSettled(all);
    assert.ok(performance.now() - started < 4_000);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.ok(hasCode(r.reason, "TSOP_ABORTED"));
    }
    assert.equal(getEventListeners(ac.signal, "abort").length, 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(requests.length, 50, "nothing is sent after the abort");
    await c.close();
  });
  it("20 watches sharing one signal add one listener to it, and aborting it ends them all", async () => {
    let opened = 0;
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`${JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } })}\n`);
      opened++;
    };
    const c = await newClient();
    const ac = new AbortController();
    const cms = c.resource(ConfigMap, "ns");
    const watches = Array.from({ length: 20 }, async () => {
      for await (const event of cms.watch({ signal: ac.signal })) void event;
    });
    while (opened < 20) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(getEventListeners(ac.signal, "abort").length <= 1, "at most one listener for 20 open watches");
    ac.abort();
    for (const r of await Promise.allSettled(watches)) {
      assert.equal(r.status, "rejected");
      assert.ok(hasCode(r.reason, "TSOP_ABORTED"));
    }
    assert.equal(getEventListeners(ac.signal, "abort").length, 0);
    await c.close();
  });
});

describe("isTransient", () => {
  it("is true for overload, server errors, timeouts and lost connections; false for the rest", () => {
    const api = (code: number) => new ApiError("PATCH", "/x", code, failure(code, "R"));
    for (const code of [429, 500, 502, 503, 504]) assert.ok(isTransient(api(code)), String(code));
    for (const code of [400, 403, 404, 409, 410, 422, 501]) assert.ok(!isTransient(api(code)), String(code));
    assert.ok(isTransient(new TsOperatorError("TSOP_REQUEST_TIMEOUT", "t")));
    assert.ok(isTransient(new TsOperatorError("TSOP_CONNECTION_ERROR", "c")));
    assert.ok(!isTransient(new TsOperatorError("TSOP_ABORTED", "a")));
    assert.ok(!isTransient(new TsOperatorError("TSOP_INVALID_OBJECT", "i")));
    assert.ok(!isTransient(new Error("plain")));
    assert.ok(!isTransient(undefined));
  });
});

function isApiError500(e: unknown) {
  return e instanceof ApiError && e.statusCode === 500;
}
