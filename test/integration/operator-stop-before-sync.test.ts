/**
 * Engine bug (found with the RBAC tests of issue 7): stopping an operator whose caches never synced (here: a
 * user without permission to list the parents) must settle `done` and resolve `stop()`. Today
 * OperatorController.start() awaits factory.waitForSync(), which never resolves once the informers are stopped,
 * so the runner's `done` stays pending for ever and `op.stop()` never returns (a SIGTERM during a failing start
 * would hang until the kubelet kills the pod).
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { silentLogger } from "../../src/core/logger.js";
import { startOperator } from "../../src/operator/manager/runner.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { Widget, widgetCrd } from "../support/crds.js";

void describe("operator stop before its caches synced", () => {
  let env: TestEnvironment;
  before(async () => {
    env = await TestEnvironment.start({ crds: [widgetCrd], controllerManager: false });
  });
  after(async () => {
    await env?.stop();
  });

  void it("resolves stop() and settles done when the caches can never sync", async () => {
    const config = new OperatorConfig("stuck", Widget).withChild(
      k8sTypes.core.v1.ConfigMap,
      ChildConfig.apply(),
    );
    const op = startOperator(config, () => ({ children: [] }), {
      clientConfig: env.clientConfigFor("nobody"),
      logger: silentLogger,
    });
    await delay(500);
    const outcome = await Promise.race([op.stop().then(() => "stopped"), delay(5000).then(() => "hung")]);
    assert.equal(outcome, "stopped", "op.stop() did not return within 5 s");
  });
});
