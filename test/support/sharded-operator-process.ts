/**
 * Child process for the sharding tests: one replica of a sharded operator (2 ConfigMaps per Widget carrying
 * the spec's version, status with the version) run through startOperator. Prints JSON lines: "ready" once its
 * caches synced (with the port of its /metrics), "buckets" on every change of its share (from the shard metrics), "exited" after a graceful
 * stop (SIGTERM). The tests SIGKILL it to simulate a crash.
 */
import { ClientConfig } from "../../src/client/config.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { silentLogger } from "../../src/core/logger.js";
import { startOperator } from "../../src/operator/manager/runner.js";
import { Widget } from "./crds.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const identity = env("IDENTITY");
const print = (event: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ event, identity, at: Date.now(), ...extra })}\n`);

const config = new OperatorConfig("sharded", Widget)
  .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
  .withNamespace(env("WATCH_NAMESPACE"))
  .withConcurrency(Number(process.env.CONCURRENCY ?? 8))
  .withServerPort(0)
  .withHealthEnabled(false)
  .withSharding({
    buckets: Number(env("BUCKETS")),
    key: "uid",
    identity,
    leaseNamespace: env("WATCH_NAMESPACE"),
    leaseDurationMs: Number(env("LEASE_MS")),
    renewDeadlineMs: Number(env("RENEW_MS")),
    retryPeriodMs: Number(env("RETRY_MS")),
  });

const op = startOperator<KubeObject<{ version?: number }>>(
  config,
  (request) => {
    const name = request.parent.metadata.name ?? "";
    const version = request.parent.spec?.version ?? 0;
    return {
      status: { version },
      children: ["a", "b"].map((suffix) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${name}-${suffix}` },
        data: { version: String(version) },
      })),
    };
  },
  {
    clientConfig: ClientConfig.fromKubeconfig("sharded-operator", { path: env("KUBECONFIG_PATH") }),
    logger: silentLogger,
  },
);
process.once("SIGTERM", () => {
  void op.stop().then(() => {
    print("exited");
    process.exit(0);
  });
});
await op.ready;
// The metrics port: tests read the replica's /metrics (cached objects per type, shard gauges).
print("ready", { port: op.serverPort });
let last = "";
const timer = setInterval(() => {
  void op.metrics.registry
    .getSingleMetric("tsoperator_shard_buckets_held")
    ?.get()
    .then((m) => {
      const held = m.values[0]?.value ?? 0;
      const key = String(held);
      if (key !== last) {
        last = key;
        print("buckets", { held, rssBytes: process.memoryUsage().rss, cpuUs: process.cpuUsage() });
      }
    });
}, 200);
timer.unref();
await op.done;
