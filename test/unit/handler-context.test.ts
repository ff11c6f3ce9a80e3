/**
 * The handler's context and the test helpers that build a request without a server: the context binds the logger
 * to the parent and sends Events about the parent to the recorder; syncRequestFor gives the engine's views.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { handlerContext } from "../../src/operator/engine/handler-context.js";
import { recordingLogger } from "../../src/testing/recording-logger.js";
import { syncRequestFor, testSyncContext } from "../../src/testing/sync-request.js";

const parent: KubeObject = {
  apiVersion: "example.com/v1",
  kind: "App",
  metadata: { name: "app", namespace: "team", uid: "u-1" },
  spec: { secretRef: "db" },
};
const secret = (name: string, namespace = "team"): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace },
  data: { password: "cGFzcw==" },
});

describe("handler context", () => {
  it("binds the logger to the parent and records Events on it", async () => {
    const { logger, lines } = recordingLogger({ operator: "apps" });
    const recorded: Array<[string | undefined, string, string, string]> = [];
    const context = handlerContext(parent, new AbortController().signal, {
      operatorName: "apps",
      logger,
      events: {
        record: (regarding, type, reason, message) => {
          recorded.push([regarding.metadata.uid, type, reason, message]);
          return Promise.resolve();
        },
      },
    });
    context.logger.info({ step: 1 }, "working");
    context.events.normal("Configured", "all set");
    context.events.warning("Degraded", "one replica");
    assert.equal(context.operatorName, "apps");
    assert.deepEqual(lines, [
      {
        level: "info",
        message: "working",
        fields: { operator: "apps", parent: { namespace: "team", name: "app", uid: "u-1" }, step: 1 },
      },
    ]);
    assert.deepEqual(recorded, [
      ["u-1", "Normal", "Configured", "all set"],
      ["u-1", "Warning", "Degraded", "one replica"],
    ]);
  });
});

describe("syncRequestFor", () => {
  it("shows children and related objects through the engine's views", () => {
    const cm: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "app", namespace: "team" },
    };
    const request = syncRequestFor(parent, { children: [cm], related: [secret("db"), secret("other", "x")] });
    assert.equal(request.children.ofType(k8sTypes.core.v1.ConfigMap).get("app")?.metadata.name, "app");
    assert.equal(request.children.ofType(k8sTypes.core.v1.Secret).count(), 0);
    const secrets = request.related.ofType(k8sTypes.core.v1.Secret);
    assert.equal(secrets.count(), 2);
    assert.equal(secrets.get("db")?.metadata.name, "db");
    // A bare name means the parent's namespace: "other" lives elsewhere, so it is absent by bare name.
    assert.equal(secrets.get("other"), undefined);
    assert.equal(secrets.get({ namespace: "x", name: "other" })?.metadata.name, "other");
    assert.equal(secrets.exists("missing"), false);
    assert.ok(Object.isFrozen(request.parent.metadata), "objects are frozen, as the cache's are");
  });

  it("rejects undeclared types when the declared ones are given", () => {
    const request = syncRequestFor(parent, {
      childTypes: [k8sTypes.core.v1.ConfigMap],
      relatedTypes: [k8sTypes.core.v1.Secret],
    });
    assert.throws(() => request.children.ofType(k8sTypes.core.v1.Secret), /not a declared child type/);
    assert.throws(() => request.related.ofType(k8sTypes.core.v1.ConfigMap), /not a declared related type/);
    assert.ok(request.related.ofType(k8sTypes.core.v1.Secret).isEmpty());
  });

  it("testSyncContext records what a handler logs and the Events it records", async () => {
    const handler = (request: typeof parent, context: ReturnType<typeof testSyncContext>) => {
      context.logger.info({}, "syncing");
      context.events.warning(
        "SecretMissing",
        `secret ${String((request.spec as { secretRef: string }).secretRef)}`,
      );
    };
    const context = testSyncContext({ parent, operatorName: "apps" });
    handler(syncRequestFor(parent).parent, context);
    await Promise.resolve();
    assert.deepEqual(context.recordedEvents, [
      { type: "Warning", reason: "SecretMissing", message: "secret db" },
    ]);
    assert.deepEqual(context.logLines[0]?.fields, { parent: { namespace: "team", name: "app", uid: "u-1" } });
  });
});
