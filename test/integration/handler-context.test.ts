/**
 * The handler's context against a real apiserver: an Event the handler records on every sync is one Event object
 * on the parent whose count grows (deduplicated like the engine's own), and the handler's log lines carry the
 * parent they are about.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import type { Handler } from "../../src/operator/api/handler.js";
import type { CoreV1Event } from "../../src/operator/observe/events.js";
import { startOperator } from "../../src/operator/manager/runner.js";
import { recordingLogger } from "../../src/testing/recording-logger.js";
import { Widget, widgetCrd, type WidgetObject } from "../support/crds.js";
import { useTestEnvironment } from "../support/integration-env.js";
import { eventually } from "../support/operator-harness.js";

const shared = useTestEnvironment([widgetCrd]);

describe("handler context on a real apiserver", () => {
  it("the handler's Event is one Event on the parent with a growing count; its log lines name the parent", async () => {
    const { env, admin } = shared;
    const ns = `handler-context-${Date.now() % 100000}`;
    await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
    const config = new OperatorConfig("context-operator", Widget)
      .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
      .withNamespace(ns)
      .withServerPort(0);
    let calls = 0;
    const handler: Handler<WidgetObject> = {
      sync(request, context) {
        calls++;
        context.logger.info({ replicas: request.parent.spec?.replicas }, "handler ran");
        context.events.normal("Configured", "configuration applied");
        const name = request.parent.metadata.name ?? "";
        return {
          children: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { r: "1" } }],
          status: {},
        };
      },
    };
    const { logger, lines } = recordingLogger();
    const op = startOperator(config, handler, { clientConfig: env.clientConfig("context-operator"), logger });
    try {
      await op.ready;
      const parents = admin.resource(Widget, ns);
      const parent = await parents.create({
        apiVersion: Widget.apiVersion,
        kind: Widget.kind,
        metadata: { name: "w1", namespace: ns },
        spec: { replicas: 1 },
      });
      await eventually("first sync", async () => calls >= 1);
      for (const replicas of [2, 3]) {
        const before = calls;
        await parents.patch("w1", "merge", { spec: { replicas } });
        await eventually(`sync of replicas=${replicas}`, async () => calls > before);
      }
      // Let the follow-up syncs settle, then stop (stop flushes the Events in flight).
      await eventually("converged", async () => {
        const seen = calls;
        await new Promise((r) => setTimeout(r, 500));
        return calls === seen;
      });
      await op.stop();
      assert.ok(calls >= 3, `calls: ${calls}`);
      const events = (
        await admin
          .resource<CoreV1Event>(k8sTypes.core.v1.Event, ns)
          .list({ fieldSelector: `involvedObject.uid=${parent.metadata.uid}` })
      ).items.filter((e) => e.reason === "Configured");
      assert.equal(events.length, 1, JSON.stringify(events, null, 2));
      assert.equal(events[0]?.count, calls, "every call counted on the one Event");
      assert.equal(events[0]?.type, "Normal");
      assert.equal(events[0]?.message, "configuration applied");
      assert.equal(events[0]?.source.component, "context-operator");

      const handlerLines = lines.filter((l) => l.message === "handler ran");
      assert.equal(handlerLines.length, calls);
      for (const line of handlerLines) {
        assert.deepEqual(line.fields["parent"], { namespace: ns, name: "w1", uid: parent.metadata.uid });
        assert.equal(line.fields["operator"], "context-operator");
      }
    } finally {
      await op.stop();
    }
  });
});
