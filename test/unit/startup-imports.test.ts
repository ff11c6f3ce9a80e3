/**
 * What loading the operator runtime costs at start-up: modules most operators never use stay unloaded until
 * asked for (prom-client's process metrics and entry module, the YAML parser for kubeconfig files, Node's bundled
 * undici behind node:http's ESM facade). Runs in its own process (node --test gives each file one), so nothing
 * else has loaded them first.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";

const require = createRequire(import.meta.url);

function loaded(specifier: string): boolean {
  return require.cache[require.resolve(specifier)] !== undefined;
}

/** Node's own copy of undici (fetch, WebSocket), loaded by the getters of node:http's ESM facade on Node.js 22. */
function bundledUndiciLoaded(): boolean {
  // moduleLoadList (Node's own modules loaded so far) is not in @types/node.
  const { moduleLoadList } = process as unknown as { moduleLoadList: string[] };
  return moduleLoadList.some((name) => name.endsWith("internal/deps/undici/undici"));
}

describe("start-up imports", () => {
  it("loading the runtime and building metrics loads neither prom-client's process metrics, yaml nor Node's undici", async () => {
    await import("../../src/operator/manager/runner.js");
    await import("../../src/client/config.js");
    const { OperatorMetrics } = await import("../../src/operator/observe/metrics.js");
    new OperatorMetrics({ controller: "c" }).recordStatusWrite();
    assert.equal(loaded("prom-client/lib/counter.js"), true, "the metrics in use are loaded");
    assert.equal(loaded("prom-client"), false, "prom-client's entry module");
    assert.equal(loaded("prom-client/lib/defaultMetrics.js"), false);
    assert.equal(loaded("yaml"), false);
    assert.equal(bundledUndiciLoaded(), false);
  });

  it("starts the metrics server without Node's bundled undici", async () => {
    const { OperatorMetrics } = await import("../../src/operator/observe/metrics.js");
    const { startOperatorServer } = await import("../../src/operator/observe/server.js");
    const { createPinoLogger } = await import("../../src/operator/observe/logger.js");
    const lines: string[] = [];
    const logger = createPinoLogger({ destination: { write: (line: string) => lines.push(line) } });
    const server = await startOperatorServer({
      port: 0,
      host: "127.0.0.1",
      metrics: new OperatorMetrics({ controller: "c" }),
      logger,
    });
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        process
          .getBuiltinModule("node:http")
          .get({ host: "127.0.0.1", port: server.port, path: "/metrics" }, (res) => {
            let body = "";
            res.on("data", (chunk: Buffer) => (body += chunk.toString()));
            res.on("end", () => resolve(body));
          })
          .on("error", reject);
      });
      assert.match(answer, /controller_runtime_reconcile_total/);
    } finally {
      await server.close();
    }
    assert.equal(bundledUndiciLoaded(), false);
    logger.info({ n: 1 }, "hello");
    assert.match(lines.join(""), /"msg":"hello"/);
  });

  it("loads them when asked: process metrics, a kubeconfig file", async () => {
    const { OperatorMetrics } = await import("../../src/operator/observe/metrics.js");
    const text = await new OperatorMetrics({ controller: "c", processMetrics: true }).metricsText();
    assert.match(text, /process_cpu_user_seconds_total/);
    assert.equal(loaded("prom-client/lib/defaultMetrics.js"), true);

    const { resolveKubeconfigSources } = await import("../../src/client/kubeconfig.js");
    const kubeconfig = [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]",
      "users: [{name: u, user: {token: t}}]",
      "contexts: [{name: x, context: {cluster: c, user: u}}]",
      "current-context: x",
    ].join("\n");
    const init = await resolveKubeconfigSources([{ path: "/in-memory", text: kubeconfig }], "t");
    assert.equal(init.apiServerEndpoint, "https://127.0.0.1:6443");
    assert.equal(loaded("yaml"), true);
  });
});
