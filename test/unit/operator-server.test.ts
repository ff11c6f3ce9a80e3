import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { TsOperatorError } from "../../src/core/errors.js";
import { silentLogger } from "../../src/core/logger.js";
import { OperatorMetrics } from "../../src/operator/observe/metrics.js";
import {
  startOperatorServer,
  type LivenessReport,
  type OperatorServer,
  type ReadinessReport,
} from "../../src/operator/observe/server.js";

async function get(server: OperatorServer, path: string, method = "GET") {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text() };
}

describe("operator server", () => {
  const servers: OperatorServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it("serves metrics, liveness (and its /health alias) and readiness with a 503 detail", async () => {
    const metrics = new OperatorMetrics({ controller: "echo" });
    metrics.recordStatusWrite();
    let live: boolean | LivenessReport = true;
    let ready: ReadinessReport = {
      ok: false,
      detail: { caches: { "Pod/v1": false, "EchoServer.example.com/v1": true } },
    };
    const server = await startOperatorServer({
      port: 0,
      host: "127.0.0.1",
      metrics,
      health: { live: () => live, ready: async () => ready },
      logger: silentLogger,
    });
    servers.push(server);
    assert.ok(server.port > 0);

    const m = await get(server, "/metrics");
    assert.equal(m.status, 200);
    assert.match(m.type, /text\/plain/);
    assert.match(m.body, /tsoperator_status_writes_total\{controller="echo"\} 1/);

    assert.equal((await get(server, "/healthz")).status, 200);
    assert.equal((await get(server, "/health")).status, 200);
    live = false;
    assert.equal(
      (await get(server, "/healthz")).status,
      500,
      "a failed liveness check is a 500, as controller-runtime's",
    );
    assert.equal((await get(server, "/health")).status, 500);
    live = { ok: false, detail: { reason: "SyncStuck", longestBusySeconds: 1200, thresholdSeconds: 600 } };
    const stuck = await get(server, "/healthz");
    assert.equal(stuck.status, 500);
    assert.match(stuck.type, /application\/json/);
    assert.deepEqual(JSON.parse(stuck.body), {
      status: "not live",
      reason: "SyncStuck",
      longestBusySeconds: 1200,
      thresholdSeconds: 600,
    });
    live = { ok: true };
    assert.equal((await get(server, "/healthz")).status, 200);
    live = false;

    const notReady = await get(server, "/readyz");
    assert.equal(notReady.status, 503);
    assert.match(notReady.type, /application\/json/);
    assert.deepEqual(JSON.parse(notReady.body), {
      status: "not ready",
      caches: { "Pod/v1": false, "EchoServer.example.com/v1": true },
    });
    ready = { ok: true, detail: {} };
    const isReady = await get(server, "/readyz?verbose");
    assert.equal(isReady.status, 200);
    assert.equal((JSON.parse(isReady.body) as { status: string }).status, "ready");

    assert.equal((await get(server, "/nope")).status, 404);
    assert.equal((await get(server, "/metrics", "POST")).status, 405);
    assert.equal((await get(server, "/healthz", "HEAD")).status, 500);
  });

  it("answers 500 (liveness) and 503 (readiness) when a check throws, and 404 for disabled metrics/health", async () => {
    const server = await startOperatorServer({
      port: 0,
      host: "127.0.0.1",
      health: {
        live: () => Promise.reject(new Error("stuck")),
        ready: () => {
          throw new Error("cache broken");
        },
      },
      logger: silentLogger,
    });
    servers.push(server);
    assert.equal((await get(server, "/metrics")).status, 404);
    assert.equal((await get(server, "/healthz")).status, 500);
    const r = await get(server, "/readyz");
    assert.equal(r.status, 503);
    assert.equal((JSON.parse(r.body) as { error: string }).error, "cache broken");

    const bare = await startOperatorServer({ port: 0, host: "127.0.0.1", logger: silentLogger });
    servers.push(bare);
    assert.equal((await get(bare, "/healthz")).status, 404);
    assert.equal((await get(bare, "/readyz")).status, 404);
  });

  it("fails clearly when the port is taken", async () => {
    const first = await startOperatorServer({ port: 0, host: "127.0.0.1", logger: silentLogger });
    servers.push(first);
    await assert.rejects(
      startOperatorServer({ port: first.port, host: "127.0.0.1", logger: silentLogger }),
      (error: unknown) =>
        error instanceof TsOperatorError &&
        error.code === "TSOP_CONFIG_INVALID" &&
        error.message.includes(`${first.port} is already in use`),
    );
  });

  it("close() is idempotent and frees the port", async () => {
    const server = await startOperatorServer({ port: 0, host: "127.0.0.1", logger: silentLogger });
    await get(server, "/nope");
    await Promise.all([server.close(), server.close()]);
    const again = await startOperatorServer({ port: server.port, host: "127.0.0.1", logger: silentLogger });
    await again.close();
  });
});
