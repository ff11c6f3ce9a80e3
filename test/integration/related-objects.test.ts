/**
 * Related objects on a real apiserver: 1,000 parents each reference one of 100 Secrets. Updating one Secret
 * re-syncs exactly the 10 parents that reference it (handler call counts) and their children take the new value;
 * a parent that stops referencing a Secret is no longer re-synced by it; a referenced Secret that does not exist
 * is absent in the request, and its creation re-syncs the parent that waits for it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { silentLogger } from "../../src/core/logger.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import type { SyncFunction } from "../../src/operator/api/handler.js";
import { RelatedConfig } from "../../src/operator/api/related-config.js";
import { startOperator } from "../../src/operator/manager/runner.js";
import { Widget, widgetCrd } from "../support/crds.js";
import { useTestEnvironment } from "../support/integration-env.js";
import { eventually, sleep } from "../support/operator-harness.js";
import { ABSENT, startRelatedScenario, type RelatedScenario } from "../support/related-scenario.js";

const PARENTS = 1_000;
const SECRETS = 100;
const shared = useTestEnvironment([widgetCrd]);

const parentName = (i: number) => `p-${i}`;
const secretName = (j: number) => `s-${j}`;
const parentsOf = (j: number) =>
  Array.from({ length: PARENTS }, (_, i) => i)
    .filter((i) => i % SECRETS === j)
    .map(parentName);

/** Parents whose handler ran since `before` (a snapshot of the counts). */
function resynced(s: RelatedScenario, before: Map<string, number>): string[] {
  return [...s.calls]
    .filter(([name, n]) => n > (before.get(name) ?? 0))
    .map(([name]) => name)
    .sort();
}

/** Waits until no handler call happened for `quietMs`. */
async function settled(s: RelatedScenario, quietMs = 1_500): Promise<void> {
  await eventually(
    "handler calls settle",
    async () => {
      const total = () => [...s.calls.values()].reduce((a, b) => a + b, 0);
      const seen = total();
      await sleep(quietMs);
      return total() === seen;
    },
    60_000,
  );
}

describe("related objects", () => {
  let s: RelatedScenario;
  before(async () => {
    s = await startRelatedScenario(
      shared.admin,
      shared.env.clientConfig("related-operator"),
      `related-${Date.now() % 100000}`,
    );
    for (let j = 0; j < SECRETS; j++) await s.setSecret(secretName(j), "v1");
    const names = Array.from({ length: PARENTS }, (_, i) => parentName(i));
    await s.createParents(names, (name) => secretName(Number(name.slice(2)) % SECRETS));
    await eventually(
      "every child carries its Secret's value",
      async () => names.every((n) => s.childValue(n) === "v1"),
      240_000,
    );
    await settled(s);
  });
  after(async () => {
    await s?.stop();
  });

  it("updating one Secret re-syncs exactly the 10 parents that reference it, and their children change", async () => {
    const expected = parentsOf(7).sort();
    assert.equal(expected.length, 10);
    const before = new Map(s.calls);
    await s.setSecret(secretName(7), "v2");
    await eventually("children of secret 7 updated", async () =>
      expected.every((n) => s.childValue(n) === "v2"),
    );
    await settled(s);
    assert.deepEqual(resynced(s, before), expected);
    assert.equal(s.childValue(parentName(8)), "v1", "others keep the old value");
  });

  it("a parent that stops referencing a Secret is no longer re-synced by it", async () => {
    const moved = parentName(7); // referenced s-7, now s-8
    await s.setRef(moved, secretName(8));
    await eventually("moved parent synced", async () => s.childValue(moved) === "v1");
    await settled(s);
    const before = new Map(s.calls);
    await s.setSecret(secretName(7), "v3");
    const stillReferencing = parentsOf(7)
      .filter((n) => n !== moved)
      .sort();
    await eventually("children of secret 7 updated", async () =>
      stillReferencing.every((n) => s.childValue(n) === "v3"),
    );
    await settled(s);
    assert.deepEqual(resynced(s, before), stillReferencing);
    assert.equal(s.childValue(moved), "v1");
  });

  it("a referenced Secret that does not exist is absent, and its creation re-syncs the parent", async () => {
    const waiting = parentName(11);
    await s.setRef(waiting, "not-yet");
    await eventually("absent seen by the handler", async () => s.childValue(waiting) === ABSENT);
    await settled(s);
    const before = new Map(s.calls);
    await s.setSecret("not-yet", "here");
    await eventually("created Secret seen", async () => s.childValue(waiting) === "here");
    await settled(s);
    assert.deepEqual(resynced(s, before), [waiting]);
  });
});

describe("related objects filtered by a label selector", () => {
  it("caches and shows only matching objects; labelling one makes it visible and re-syncs its parents", async () => {
    const { env, admin } = shared;
    const ns = `related-selector-${Date.now() % 100000}`;
    await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
    const config = new OperatorConfig("selective-operator", Widget)
      .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
      .withRelated(
        k8sTypes.core.v1.Secret,
        RelatedConfig.referencedBy<KubeObject<{ secretRef?: string }>>(
          (p) => p.spec?.secretRef,
        ).withLabelSelector("visible=yes"),
      )
      .withNamespace(ns)
      .withServerPort(0);
    const sync: SyncFunction<KubeObject<{ secretRef?: string }>> = (request) => {
      const ref = request.parent.spec?.secretRef ?? "";
      const found = request.related.ofType(k8sTypes.core.v1.Secret).get(ref) ? "present" : ABSENT;
      const name = request.parent.metadata.name ?? "";
      return { children: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { found } }] };
    };
    const op = startOperator(config, sync, {
      clientConfig: env.clientConfig("selective-operator"),
      logger: silentLogger,
    });
    try {
      await op.ready;
      const secrets = admin.resource(k8sTypes.core.v1.Secret, ns);
      await secrets.create({ metadata: { name: "hidden", namespace: ns }, data: { value: "eA==" } });
      await admin.resource(Widget, ns).create({
        apiVersion: Widget.apiVersion,
        kind: Widget.kind,
        metadata: { name: "w", namespace: ns },
        spec: { secretRef: "hidden" },
      });
      const found = async () =>
        (
          (await admin.resource(k8sTypes.core.v1.ConfigMap, ns).getOrUndefined("w"))?.data as
            Record<string, string> | undefined
        )?.found;
      await eventually("an unlabelled Secret is absent", async () => (await found()) === ABSENT);
      const cached = op.controller.cachedObjects().find((c) => c.type.startsWith("Secret"));
      assert.equal(cached?.count, 0, "only matching Secrets are cached");
      await secrets.patch("hidden", "merge", { metadata: { labels: { visible: "yes" } } });
      await eventually("the labelled Secret is present", async () => (await found()) === "present");
    } finally {
      await op.stop();
    }
  });
});
