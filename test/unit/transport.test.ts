/**
 * The transport against a local node:http server: which failures are retried (and which never are), Retry-After,
 * 401 -> refresh -> one retry, the rate limiter, aborts, headers and typed errors.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { ApiError, hasCode } from "../../src/core/errors.js";
import { ClientConfig } from "../../src/client/config.js";
import type { CredentialProvider } from "../../src/client/credentials.js";
import { KubeClient } from "../../src/client/kube-client.js";
import type { RequestMetricEvent } from "../../src/client/transport.js";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let endpoint: string;
let handler: Handler;
let seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }>;

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
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
  handler = (_req, res) => json(res, 200, { ok: true });
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
function status(code: number, reason: string, message = reason) {
  return { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message };
}

function tokenProvider(tokens: string[], refreshable = true) {
  let i = 0;
  let invalidations = 0;
  const provider: CredentialProvider = {
    get: () => Promise.resolve({ authorization: `Bearer ${tokens[Math.min(i, tokens.length - 1)]}` }),
    invalidate: () => {
      invalidations++;
      if (!refreshable) return false;
      i++;
      return true;
    },
  };
  return { provider, invalidations: () => invalidations };
}

async function client(
  init: Partial<ConstructorParameters<typeof ClientConfig>[0]> = {},
  metrics?: RequestMetricEvent[],
) {
  const config = new ClientConfig({ apiServerEndpoint: endpoint, userAgent: "transport-test/1", ...init });
  return KubeClient.fromConfig(config, {
    maxRetries: 3,
    maxRetryDelayMs: 50,
    metrics: metrics ? { onRequest: (e) => metrics.push(e) } : undefined,
  });
}

describe("transport", () => {
  it("sends user agent, authorization and impersonation headers (one Impersonate-Group per group)", async () => {
    const { provider } = tokenProvider(["t0"]);
    const c = await client({
      credentials: { kind: "provider", provider },
      impersonate: "alice",
      impersonateGroups: ["devs", "ops"],
      impersonateUid: "uid-1",
    });
    await c.request({ method: "GET", path: "/api" });
    const h = seen[0]!.headers;
    assert.equal(h["user-agent"], "transport-test/1");
    assert.equal(h.authorization, "Bearer t0");
    assert.equal(h["impersonate-user"], "alice");
    assert.equal(h["impersonate-uid"], "uid-1");
    const groups = seen[0]!.headers["impersonate-group"];
    // node joins repeated headers with ", "
    assert.equal(groups, "devs, ops");
    await c.close();
  });

  it("retries a GET after 503 with Retry-After, capped", async () => {
    let n = 0;
    handler = (_req, res) =>
      n++ < 2
        ? json(res, 503, status(503, "ServiceUnavailable"), { "retry-after": "3600" })
        : json(res, 200, { n });
    const c = await client();
    const started = performance.now();
    const out = await c.request<{ n: number }>({ method: "GET", path: "/api/v1/pods" });
    assert.equal(out.n, 3);
    assert.equal(seen.length, 3);
    assert.ok(performance.now() - started < 1000, "an hour-long Retry-After is capped by maxRetryDelayMs");
    await c.close();
  });

  it("retries a GET after 429 and gives up after maxRetries with the server's Status", async () => {
    handler = (_req, res) =>
      json(res, 429, status(429, "TooManyRequests", "slow down"), { "retry-after": "0" });
    const c = await client();
    await assert.rejects(c.request({ method: "GET", path: "/api/v1/pods" }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.statusCode, 429);
      assert.equal(err.status.message, "slow down");
      return true;
    });
    assert.equal(seen.length, 4);
    await c.close();
  });

  it("never repeats a write that is not marked safe to repeat after a 503 (it may have been processed)", async () => {
    handler = (_req, res) => json(res, 503, status(503, "ServiceUnavailable"), { "retry-after": "0" });
    const c = await client();
    await assert.rejects(
      c.request({ method: "POST", path: "/api/v1/namespaces/x/configmaps", body: { a: 1 } }),
      /503/,
    );
    assert.equal(seen.length, 1);
    await c.close();
  });

  it("on 401 invalidates the credentials and retries once with fresh ones", async () => {
    handler = (req, res) =>
      req.headers.authorization === "Bearer fresh"
        ? json(res, 200, {})
        : json(res, 401, status(401, "Unauthorized"));
    const t = tokenProvider(["stale", "fresh"]);
    const c = await client({ credentials: { kind: "provider", provider: t.provider } });
    await c.request({ method: "POST", path: "/api/v1/namespaces/x/configmaps", body: {} });
    assert.deepEqual(
      seen.map((s) => s.headers.authorization),
      ["Bearer stale", "Bearer fresh"],
    );
    assert.equal(t.invalidations(), 1);
    await c.close();
  });

  it("retries a 401 only once, and not at all for static credentials", async () => {
    handler = (_req, res) => json(res, 401, status(401, "Unauthorized"));
    const t = tokenProvider(["a", "b", "c"]);
    const c = await client({ credentials: { kind: "provider", provider: t.provider } });
    await assert.rejects(
      c.request({ method: "GET", path: "/api" }),
      (e: unknown) => e instanceof ApiError && e.statusCode === 401,
    );
    assert.equal(seen.length, 2);
    await c.close();

    seen = [];
    const c2 = await client({ credentials: { kind: "bearer", token: "static" } });
    await assert.rejects(
      c2.request({ method: "GET", path: "/api" }),
      (e: unknown) => e instanceof ApiError && e.statusCode === 401,
    );
    assert.equal(seen.length, 1);
    await c2.close();
  });

  it("retries GET but not POST when the connection dies after the request was sent", async () => {
    handler = (req) => req.socket.destroy();
    const c = await client();
    await assert.rejects(c.request({ method: "GET", path: "/api" }), (e: unknown) =>
      hasCode(e, "TSOP_CONNECTION_ERROR"),
    );
    assert.equal(seen.length, 4);
    seen = [];
    await assert.rejects(c.request({ method: "POST", path: "/api/v1/x", body: {} }), (e: unknown) =>
      hasCode(e, "TSOP_CONNECTION_ERROR"),
    );
    assert.equal(seen.length, 1);
    await c.close();
  });

  it("retries any request that never reached the server (connection refused)", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const metrics: RequestMetricEvent[] = [];
    const c = await KubeClient.fromConfig(
      new ClientConfig({ apiServerEndpoint: `http://127.0.0.1:${port}`, userAgent: "t" }),
      {
        maxRetries: 2,
        maxRetryDelayMs: 10,
        metrics: { onRequest: (e) => metrics.push(e) },
      },
    );
    await assert.rejects(c.request({ method: "POST", path: "/api/v1/x", body: {} }), (e: unknown) => {
      assert.ok(hasCode(e, "TSOP_CONNECTION_ERROR"));
      assert.match((e as Error).message, /ECONNREFUSED/);
      return true;
    });
    assert.equal(metrics.length, 3);
    assert.ok(metrics.every((m) => m.code === "<error>" && m.verb === "create"));
    await c.close();
  });

  it("fails with TSOP_CONNECTION_ERROR, sending nothing, when the client certificate cannot be used", async () => {
    // The TLS context is built once per pool, before the first request (not per connection).
    const pem = (label: string) => `-----BEGIN ${label}-----\nbm90\n-----END ${label}-----\n`;
    const provider: CredentialProvider = {
      get: () => Promise.resolve({ certPem: pem("CERTIFICATE"), keyPem: pem("PRIVATE KEY") }),
      invalidate: () => false,
    };
    const c = await client({ credentials: { kind: "provider", provider } });
    await assert.rejects(c.request({ method: "GET", path: "/version" }), (e: unknown) =>
      hasCode(e, "TSOP_CONNECTION_ERROR"),
    );
    assert.deepEqual(seen, []);
    await c.close();
  });

  it("turns a non-Status error body into an ApiError with a synthesised Status", async () => {
    handler = (_req, res) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("bad gateway from a proxy");
    };
    const c = await client({}, undefined);
    await assert.rejects(c.request({ method: "PUT", path: "/api/v1/x", body: {} }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.statusCode, 502);
      assert.equal(e.status.message, "bad gateway from a proxy");
      return true;
    });
    await c.close();
  });

  it("rate-limits with a token bucket (qps, burst)", async () => {
    const c = await client({ qps: 20, burst: 2 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => c.request({ method: "GET", path: "/api" })));
    const elapsed = performance.now() - started;
    // 2 immediately, then 4 more at 50 ms intervals: ~200 ms.
    assert.ok(elapsed >= 180, `took ${elapsed} ms`);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
    await c.close();
  });

  it("aborts a request waiting for the server with TSOP_ABORTED", async () => {
    handler = () => undefined; // never answers
    const c = await client();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(c.request({ method: "GET", path: "/api", signal: ac.signal }), (e: unknown) =>
      hasCode(e, "TSOP_ABORTED"),
    );
    await c.close();
  });

  it("aborts a request waiting for the rate limiter or a retry delay", async () => {
    const c = await client({ qps: 0.1, burst: 1 });
    await c.request({ method: "GET", path: "/api" });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await assert.rejects(c.request({ method: "GET", path: "/api", signal: ac.signal }), (e: unknown) =>
      hasCode(e, "TSOP_ABORTED"),
    );
    await c.close();

    handler = (_req, res) => json(res, 503, status(503, "ServiceUnavailable"), { "retry-after": "5" });
    const c2 = await KubeClient.fromConfig(new ClientConfig({ apiServerEndpoint: endpoint, userAgent: "t" }));
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    const started = performance.now();
    await assert.rejects(c2.request({ method: "GET", path: "/api", signal: ac2.signal }), (e: unknown) =>
      hasCode(e, "TSOP_ABORTED"),
    );
    assert.ok(performance.now() - started < 1000);
    await c2.close();
  });

  it("reports every attempt to the metrics hook and counts requests by verb", async () => {
    const metrics: RequestMetricEvent[] = [];
    const c = await client({}, metrics);
    const cms = c.resource(
      { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
      "ns",
    );
    handler = (_req, res) => json(res, 200, { metadata: { name: "a" } });
    await cms.get("a");
    await cms.create({ metadata: { name: "b" } });
    await cms.patch("a", "merge", { data: { x: "1" } });
    assert.deepEqual(
      metrics.map((m) => [m.method, m.verb, m.resource, m.code]),
      [
        ["GET", "get", "ConfigMap/v1", "200"],
        ["POST", "create", "ConfigMap/v1", "200"],
        ["PATCH", "patch", "ConfigMap/v1", "200"],
      ],
    );
    assert.deepEqual(c.requestCounts(), { get: 1, create: 1, patch: 1 });
    assert.equal(c.writeCount(), 2);
    await c.close();
  });

  it("keeps connections alive across requests", async () => {
    const c = await client();
    for (let i = 0; i < 5; i++) await c.request({ method: "GET", path: "/api" });
    const ports = new Set(seen.map((s) => s.headers["x-port"]));
    assert.equal(ports.size, 1);
    let connections = 0;
    server.on("connection", () => connections++);
    for (let i = 0; i < 5; i++) await c.request({ method: "GET", path: "/api" });
    assert.equal(connections, 0, "no new connection for sequential requests");
    await c.close();
  });

  it("honours a path prefix in the endpoint (API server behind a proxy)", async () => {
    const c = await KubeClient.fromConfig(
      new ClientConfig({ apiServerEndpoint: `${endpoint}/k8s/clusters/c-1/`, userAgent: "t" }),
    );
    await c.request({ method: "GET", path: "/api/v1/namespaces" });
    assert.equal(seen[0]!.url, "/k8s/clusters/c-1/api/v1/namespaces");
    await c.close();
  });
});

/**
 * The body of a JSON answer is read by the transport itself (not through a stream the caller sees): these pin
 * what happens while it arrives, whatever reads it.
 */
describe("transport: reading a JSON answer's body", () => {
  /** Headers at once, then the body in `parts` (Buffers or strings), `gapMs` apart; `end` false leaves it open. */
  function chunked(status: number, parts: Array<string | Buffer>, gapMs: number, end = true): Handler {
    return (_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.flushHeaders();
      let i = 0;
      const next = (): void => {
        if (res.destroyed) return;
        if (i < parts.length) {
          res.write(parts[i++]);
          setTimeout(next, gapMs);
        } else if (end) res.end();
      };
      setTimeout(next, gapMs);
    };
  }

  it("parses a body sent in pieces, a UTF-8 character split between two of them and a byte order mark", async () => {
    const text = Buffer.from(JSON.stringify({ name: "ü-€-😀", n: [1, 2, 3] }), "utf8");
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    // Cut inside the 4-byte emoji.
    const cut = text.indexOf(Buffer.from("😀", "utf8")) + 2;
    handler = chunked(200, [bom, text.subarray(0, cut), text.subarray(cut)], 10);
    const c = await client();
    assert.deepEqual(await c.request({ method: "GET", path: "/api" }), { name: "ü-€-😀", n: [1, 2, 3] });
    await c.close();
  });

  it("answers undefined for 204 and TSOP_API_ERROR for a 200 that is not JSON", async () => {
    const c = await client();
    handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    assert.equal(await c.request({ method: "DELETE", path: "/api/x" }), undefined);
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>proxy says hi</html>");
    };
    await assert.rejects(c.request({ method: "GET", path: "/api" }), (e: unknown) =>
      hasCode(e, "TSOP_API_ERROR"),
    );
    await c.close();
  });

  it("reports the time to the headers to the metrics hook, not the time to the end of the body", async () => {
    const metrics: RequestMetricEvent[] = [];
    handler = chunked(200, ['{"a":', "1}"], 150);
    const c = await client({}, metrics);
    const started = performance.now();
    assert.deepEqual(await c.request({ method: "GET", path: "/api" }), { a: 1 });
    assert.ok(performance.now() - started >= 250);
    assert.equal(metrics.length, 1);
    assert.ok(metrics[0]!.durationMs < 150, `durationMs ${metrics[0]!.durationMs}`);
    await c.close();
  });

  it("ends with TSOP_ABORTED when the signal fires while the body arrives", async () => {
    handler = chunked(200, ['{"items":[', "1,", "2,"], 30, false);
    const c = await client();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 80);
    const started = performance.now();
    await assert.rejects(c.request({ method: "GET", path: "/api", signal: ac.signal }), (e: unknown) =>
      hasCode(e, "TSOP_ABORTED"),
    );
    assert.ok(performance.now() - started < 1000);
    await c.close();
  });

  it("ends with TSOP_REQUEST_TIMEOUT when the body stalls longer than bodyTimeoutMs", async () => {
    handler = chunked(200, ['{"items":['], 10, false);
    const config = new ClientConfig({ apiServerEndpoint: endpoint, userAgent: "t" });
    const c = await KubeClient.fromConfig(config, { bodyTimeoutMs: 100, maxRetries: 0 });
    await assert.rejects(c.request({ method: "GET", path: "/api" }), (e: unknown) =>
      hasCode(e, "TSOP_REQUEST_TIMEOUT"),
    );
    await c.close();
  });

  it("a connection lost mid-body: TSOP_CONNECTION_ERROR for a 200; an error answer keeps its status code", async () => {
    const cut =
      (status: number): Handler =>
      (_req, res) => {
        res.writeHead(status, { "content-type": "application/json", "content-length": "100" });
        res.write('{"kind":"Sta');
        setTimeout(() => res.destroy(), 20);
      };
    const c = await client();
    handler = cut(200);
    await assert.rejects(c.request({ method: "POST", path: "/api", body: "{}" }), (e: unknown) =>
      hasCode(e, "TSOP_CONNECTION_ERROR"),
    );
    handler = cut(403);
    await assert.rejects(
      c.request({ method: "POST", path: "/api", body: "{}" }),
      (e: unknown) => e instanceof ApiError && e.statusCode === 403 && e.status.reason === "Forbidden",
    );
    await c.close();
  });
});
