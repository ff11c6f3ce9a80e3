/**
 * Absent children are created with a POST (cheaper for the API server than a create-only apply), which records
 * our fields under an "Update" entry of our field manager. On the real API server: the first later apply claims
 * that entry as our "Apply" entry, so a field or label the handler stops returning is removed, and afterwards
 * our manager holds one Apply entry and nothing else.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ManagedFieldsEntry } from "../../src/core/types.js";
import { useTestEnvironment } from "../support/integration-env.js";
import { widgetCrd } from "../support/crds.js";
import { ConfigMap, cm, eventually } from "../support/operator-harness.js";
import { startScenario } from "../support/operator-scenario.js";

const shared = useTestEnvironment([widgetCrd]);

const ourEntries = (entries: ManagedFieldsEntry[] | undefined) =>
  (entries ?? []).filter((e) => e.manager === "scenario-operator").map((e) => e.operation);

describe("children created with a POST", () => {
  it("are created under our Update entry, and the first apply claims it so removals work", async () => {
    const s = await startScenario(shared.env, shared.admin, (c) => c, { prefix: "create" });
    try {
      const labelled = (labels: Record<string, string>) => ({ metadata: { name: "c", labels } });
      await s.createParent("p", {
        children: [cm("c", { keep: "1", drop: "2" }, labelled({ mine: "x", gone: "y" }))],
      });
      const created = await eventually("child", () => s.get(ConfigMap, "c"));
      assert.deepEqual(ourEntries(created.metadata.managedFields), ["Update"]);
      assert.deepEqual(s.writes, [`create ConfigMap/v1 ${s.ns}/c`]);

      await s.setSpec("p", { children: [cm("c", { keep: "1" }, labelled({ mine: "x" }))] });
      const updated = await eventually("drop and gone removed", async () => {
        const obj = await s.get(ConfigMap, "c");
        return obj && (obj.data as Record<string, string>).drop === undefined && !obj.metadata.labels?.gone
          ? obj
          : undefined;
      });
      assert.deepEqual(updated.data, { keep: "1" });
      assert.deepEqual(ourEntries(updated.metadata.managedFields), ["Apply"]);
      assert.deepEqual(s.writes, [
        `create ConfigMap/v1 ${s.ns}/c`,
        `claim ConfigMap/v1 ${s.ns}/c`,
        `apply ConfigMap/v1 ${s.ns}/c`,
      ]);
    } finally {
      await s.stop();
    }
  });
});
