/**
 * EventRecorder against a real kube-apiserver: Events are accepted as written (namespaced and cluster-scoped
 * subjects), repeats are aggregated into one Event whose count grows, and they are visible to a field-selected
 * list as `kubectl describe` would show them.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { EventRecorder, type CoreV1Event } from "../../src/operator/observe/events.js";
import { OperatorMetrics } from "../../src/operator/observe/metrics.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";

describe("operator events against a real apiserver", () => {
  let env: TestEnvironment;
  let client: KubeClient;
  let metrics: OperatorMetrics;
  const namespace = `events-${Date.now().toString(36)}`;

  before(async () => {
    env = await TestEnvironment.start({ controllerManager: false });
    metrics = new OperatorMetrics({ controller: "events-test" });
    client = await KubeClient.fromConfig(env.clientConfig(), { metrics: metrics.clientMetrics() });
    await client
      .resource(k8sTypes.core.v1.Namespace)
      .create({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  });
  after(async () => {
    await client?.close();
    await env?.stop();
  });

  async function eventsAbout(obj: KubeObject): Promise<CoreV1Event[]> {
    const ns = obj.metadata.namespace ?? "default";
    const list = await client
      .resource<CoreV1Event>(k8sTypes.core.v1.Event, ns)
      .list({ fieldSelector: `involvedObject.uid=${obj.metadata.uid}` });
    return list.items;
  }

  it("creates Events and aggregates repeats into one with a growing count", async () => {
    const cm = await client.resource(k8sTypes.core.v1.ConfigMap, namespace).create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "subject", namespace },
      data: { a: "1" },
    });
    const recorder = new EventRecorder({
      events: client.resource(k8sTypes.core.v1.Event),
      component: "events-test",
      onOutcome: metrics.eventHook(),
    });

    await recorder.record(cm, "Warning", "SyncFailed", "handler threw: boom");
    await recorder.record(cm, "Warning", "SyncFailed", "handler threw: boom");
    await recorder.record(cm, "Warning", "SyncFailed", "handler threw: boom");
    await recorder.record(cm, "Normal", "Synced", "2 children applied");
    await recorder.flush();

    const events = await eventsAbout(cm);
    assert.equal(events.length, 2, JSON.stringify(events, null, 2));
    const failed = events.find((e) => e.reason === "SyncFailed");
    assert.ok(failed);
    assert.equal(failed.count, 3);
    assert.equal(failed.type, "Warning");
    assert.equal(failed.message, "handler threw: boom");
    assert.equal(failed.involvedObject.kind, "ConfigMap");
    assert.equal(failed.involvedObject.name, "subject");
    assert.equal(failed.involvedObject.uid, cm.metadata.uid);
    assert.equal(failed.source.component, "events-test");
    assert.equal(failed.reportingComponent, "events-test");
    assert.ok(Date.parse(failed.lastTimestamp) >= Date.parse(failed.firstTimestamp));
    const synced = events.find((e) => e.reason === "Synced");
    assert.equal(synced?.count, 1);

    const text = await metrics.metricsText();
    assert.match(text, /tsoperator_events_total\{controller="events-test",outcome="created"\} 2/);
    assert.match(text, /tsoperator_events_total\{controller="events-test",outcome="aggregated"\} 2/);
    assert.match(text, /rest_client_requests_total\{code="201",method="POST"\} \d+/);
  });

  it("puts Events about cluster-scoped objects in the default namespace", async () => {
    const ns = await client.resource(k8sTypes.core.v1.Namespace).get(namespace);
    const recorder = new EventRecorder({
      events: client.resource(k8sTypes.core.v1.Event),
      component: "events-test",
    });
    await recorder.record(ns, "Normal", "Finalized", "cleanup done");
    await recorder.record(ns, "Normal", "Finalized", "cleanup done");
    const events = await eventsAbout(ns);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.metadata.namespace, "default");
    assert.equal(events[0]?.count, 2);
  });
});
