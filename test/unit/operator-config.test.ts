/**
 * OperatorConfig's naming scheme (every setter `withX` has the getter `x`) and clone(), which the TestKit uses
 * to scope a copy of the caller's config without changing it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ChildConfig, OperatorConfig, RelatedConfig } from "../../src/index.js";
import { k8sTypes } from "../../src/core/k8s-types.js";

const Widget = { apiVersion: "test.tsoperator.dev/v1", kind: "Widget", plural: "widgets", namespaced: true };

function settersOf(config: OperatorConfig): string[] {
  return Object.getOwnPropertyNames(Object.getPrototypeOf(config)).filter((name) => name.startsWith("with"));
}

function gettersOf(config: OperatorConfig): string[] {
  const proto = Object.getPrototypeOf(config) as object;
  return Object.getOwnPropertyNames(proto).filter(
    (name) => Object.getOwnPropertyDescriptor(proto, name)?.get !== undefined,
  );
}

test("every setter withX has a getter x, and every getter a setter", () => {
  const config = new OperatorConfig("widgets", Widget);
  const getterFor = (setter: string): string =>
    setter === "withChild" ? "children" : setter.charAt(4).toLowerCase() + setter.slice(5);
  const setters = settersOf(config);
  assert.ok(setters.length >= 15, `found setters: ${setters.join(", ")}`);
  const getters = new Set(gettersOf(config));
  for (const setter of setters)
    assert.ok(getters.has(getterFor(setter)), `${setter} has no getter ${getterFor(setter)}`);
  assert.deepEqual([...getters].sort(), setters.map(getterFor).sort());
});

test("clone() copies every setting and child, and the copy is independent", () => {
  const source = new OperatorConfig("widgets", Widget)
    .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.replace())
    .withRelated(k8sTypes.core.v1.Secret, RelatedConfig.referencedBy(() => "db"))
    .withNamespace("team-a")
    .withMetricsEnabled(false)
    .withHealthEnabled(false)
    .withServerPort(9191)
    .withMaxBackoffMs(1234)
    .withTrackingLabel("example.com/parent")
    .withOwnershipLabel("example.com/operator")
    .withFinalizerName("example.com/cleanup")
    .withConcurrency(7)
    .withLeaderElection({ leaseName: "widgets-lease" })
    .withSharding({ buckets: 16, key: "namespace" })
    .withFieldManager("widget-manager")
    .withSyncTimeoutMs(4321)
    .withStopGracePeriodMs(0)
    .withStuckThresholdMs(9876)
    .withRetryRateLimit({ qps: 3, burst: 5 });
  const copy = source.clone();
  for (const getter of gettersOf(source)) {
    assert.deepEqual(
      (copy as unknown as Record<string, unknown>)[getter],
      (source as unknown as Record<string, unknown>)[getter],
      getter,
    );
  }
  copy.withNamespace("team-b").withChild(k8sTypes.core.v1.Secret).withConcurrency(1);
  assert.equal(source.namespace, "team-a");
  assert.equal(source.concurrency, 7);
  assert.equal(source.children.length, 1);
  assert.equal(copy.children.length, 2);
  copy.withRelated(k8sTypes.core.v1.Node, RelatedConfig.mappedBy(() => []));
  assert.equal(source.related.length, 1);
  assert.equal(copy.related.length, 2);
});

test("setters reject bad values with TSOP_CONFIG_INVALID naming the setting", () => {
  const config = new OperatorConfig("widgets", Widget);
  assert.throws(() => config.withConcurrency(0), { code: "TSOP_CONFIG_INVALID", message: /concurrency/ });
  assert.throws(() => config.withServerPort(70000), { code: "TSOP_CONFIG_INVALID", message: /serverPort/ });
  assert.throws(() => config.withMaxBackoffMs(-1), { code: "TSOP_CONFIG_INVALID", message: /maxBackoffMs/ });
  assert.throws(() => config.withSyncTimeoutMs(0), { code: "TSOP_CONFIG_INVALID", message: /syncTimeoutMs/ });
});
