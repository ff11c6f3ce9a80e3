/**
 * What loading the operator runtime costs at start-up: modules most operators never use stay unloaded until
 * asked for (prom-client's process metrics and entry module, the YAML parser for kubeconfig files). Runs in its
 * own process (node --test gives each file one), so nothing else has loaded them first.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";

const require = createRequire(import.meta.url);

function loaded(specifier: string): boolean {
  return require.cache[require.resolve(specifier)] !== undefined;
}

describe("start-up imports", () => {
  it("loading the runtime and building metrics loads neither prom-client's process metrics nor yaml", async () => {
    await import("../../src/operator/manager/runner.js");
    await import("../../src/client/config.js");
    const { OperatorMetrics } = await import("../../src/operator/observe/metrics.js");
    new OperatorMetrics({ controller: "c" }).recordStatusWrite();
    assert.equal(loaded("prom-client/lib/counter.js"), true, "the metrics in use are loaded");
    assert.equal(loaded("prom-client"), false, "prom-client's entry module");
    assert.equal(loaded("prom-client/lib/defaultMetrics.js"), false);
    assert.equal(loaded("yaml"), false);
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
