/**
 * The operator's life as a process: SIGTERM mid-sync lets the sync finish its writes before exiting 0; a fatal
 * error (the parent type is not served) rejects startup with a clear, typed error.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { silentLogger } from "../../src/core/logger.js";
import { startOperator } from "../../src/operator/manager/runner.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { Widget, widgetCrd } from "../support/crds.js";

let env: TestEnvironment;
let admin: KubeClient;

before(async () => {
  env = await TestEnvironment.start({ crds: [widgetCrd] });
  admin = await KubeClient.fromConfig(env.clientConfig("test-admin"));
});
after(async () => {
  await admin?.close();
  await env?.stop();
});

describe("operator lifecycle", () => {
  it("on SIGTERM finishes the in-flight sync (its writes land) and exits 0", async () => {
    await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: "graceful" } });
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/slow-operator.ts"], {
      env: {
        ...process.env,
        KUBECONFIG_PATH: env.kubeconfigPath,
        WATCH_NAMESPACE: "graceful",
        SLOW_MS: "2000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await admin.resource(Widget, "graceful").create({
      apiVersion: Widget.apiVersion,
      kind: Widget.kind,
      metadata: { name: "slow" },
      spec: {},
    });
    const deadline = Date.now() + 30_000;
    while (!out.includes("sync-start slow")) {
      assert.ok(Date.now() < deadline, `sync never started; stdout: ${out} stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGTERM");
    const code = await exited;
    assert.equal(code, 0, `exit code; stderr: ${err.slice(-2000)}`);
    assert.match(out, /sync-end slow[\s\S]*exited-cleanly/);
    // The sync that was in flight wrote its child and status before the process ended.
    const cm = await admin.resource(k8sTypes.core.v1.ConfigMap, "graceful").getOrUndefined("slow-child");
    assert.ok(cm, "child written by the in-flight sync");
    const parent = await admin.resource(Widget, "graceful").get("slow");
    const status = parent.status as {
      done?: boolean;
      observedGeneration?: number;
      conditions?: Array<{ type: string; status: string }>;
    };
    assert.equal(status.done, true);
    assert.equal(status.observedGeneration, 1);
    assert.deepEqual(
      status.conditions?.map((c) => [c.type, c.status]),
      [["Synced", "True"]],
    );
  });

  it("rejects startup with TSOP_UNKNOWN_TYPE when the parent type is not served", async () => {
    const config = new OperatorConfig("lost-operator", {
      apiVersion: "test.tsoperator.dev/v1",
      kind: "Gadget",
      plural: "gadgets",
    })
      .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
      .withServerPort(0);
    const op = startOperator(config, () => ({ children: [] }), {
      clientConfig: env.clientConfig(),
      logger: silentLogger,
    });
    await assert.rejects(op.ready, (e: Error & { code?: string }) => {
      assert.equal(e.code, "TSOP_UNKNOWN_TYPE");
      assert.match(e.message, /no resource "gadgets" in test.tsoperator.dev\/v1 \(known: widgets/);
      return true;
    });
    await assert.rejects(op.done, /gadgets/);
  });
});
