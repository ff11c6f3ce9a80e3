/**
 * Child process for the crash-safety and leader-election tests: a real operator (3 ConfigMaps per parent, a
 * finalizer, status with the spec's version) run through startOperator, printing "ready" once its caches have
 * synced and "leading" / "following" when LEADER_ELECTION=1. The tests kill it with SIGKILL at random moments.
 */
import { ClientConfig } from "../../src/client/config.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { silentLogger } from "../../src/core/logger.js";
import { startOperator } from "../../src/operator/manager/runner.js";
import { Widget } from "./crds.js";

interface CrashSpec {
  version?: number;
}

const config = new OperatorConfig("crash-operator", Widget)
  .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
  .withNamespace(process.env.WATCH_NAMESPACE)
  .withConcurrency(8)
  .withServerPort(0);
if (process.env.LEADER_ELECTION === "1") {
  config.withLeaderElection({
    leaseNamespace: process.env.WATCH_NAMESPACE,
    identity: process.env.IDENTITY,
    leaseDurationMs: 4_000,
    renewDeadlineMs: 3_000,
    retryPeriodMs: 500,
  });
}

const op = startOperator<import("../../src/core/types.js").KubeObject<CrashSpec>>(
  config,
  {
    sync(request) {
      const name = request.parent.metadata.name ?? "";
      const version = request.parent.spec?.version ?? 0;
      const children = [0, 1, 2].map((i) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${name}-${i}` },
        data: { version: String(version), index: String(i) },
      }));
      return { status: { version, children: request.children.ofType(k8sTypes.core.v1.ConfigMap).count() }, children };
    },
    finalize() {
      return undefined;
    },
  },
  {
    clientConfig: ClientConfig.fromKubeconfig("crash-operator", { path: process.env.KUBECONFIG_PATH }),
    logger: silentLogger,
    handleSignals: true,
    observer: {
      onWrite: () => process.stdout.write("write\n"),
    },
  },
);
await op.ready;
process.stdout.write("ready\n");
await op.done;
process.stdout.write("exited\n");
