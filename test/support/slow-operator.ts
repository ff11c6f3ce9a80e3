/**
 * Child process for the graceful-shutdown test: runs an operator through runOperatorWithClientConfig whose sync
 * takes SLOW_MS, printing "sync-start <name>" / "sync-end <name>" so the parent test can signal it mid-sync.
 */
import { ClientConfig } from "../../src/client/config.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { runOperatorWithClientConfig } from "../../src/operator/manager/runner.js";
import { silentLogger } from "../../src/core/logger.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { Widget } from "./crds.js";

void silentLogger;
const slowMs = Number(process.env.SLOW_MS ?? 2000);
const config = new OperatorConfig("slow-operator", Widget)
  .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
  .withNamespace(process.env.WATCH_NAMESPACE)
  .withServerPort(0);

await runOperatorWithClientConfig(
  config,
  ClientConfig.fromKubeconfig("slow-operator", { path: process.env.KUBECONFIG_PATH }),
  async (request) => {
    const name = request.parent.metadata.name ?? "";
    process.stdout.write(`sync-start ${name}\n`);
    await new Promise((r) => setTimeout(r, slowMs));
    process.stdout.write(`sync-end ${name}\n`);
    return {
      status: { done: true },
      children: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${name}-child` }, data: { a: "1" } }],
    };
  },
);
process.stdout.write("exited-cleanly\n");
