/**
 * What startOperators checks before it starts anything, and the one metrics registry several operators share.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OperatorConfig } from "../../src/operator/api/config.js";
import { startOperators } from "../../src/operator/manager/manager.js";
import { OperatorMetrics } from "../../src/operator/observe/metrics.js";

const Widget = { apiVersion: "test.tsoperator.dev/v1", kind: "Widget", plural: "widgets", namespaced: true };
const sync = () => ({ children: [] });

describe("startOperators", () => {
  it("needs at least one operator and unique names", () => {
    assert.throws(() => startOperators([]), { code: "TSOP_CONFIG_INVALID" });
    const a = new OperatorConfig("same", Widget);
    const b = new OperatorConfig("same", Widget);
    assert.throws(
      () =>
        startOperators([
          { config: a, handler: sync },
          { config: b, handler: sync },
        ]),
      { code: "TSOP_CONFIG_INVALID", message: /two operators are named "same"/ },
    );
  });

  it("refuses a sharded operator next to others, in either position, naming it", () => {
    const sharded = new OperatorConfig("sharded", Widget).withSharding({ buckets: 4 });
    const plain = new OperatorConfig("plain", Widget);
    for (const operators of [
      [sharded, plain],
      [plain, sharded],
    ]) {
      assert.throws(() => startOperators(operators.map((config) => ({ config, handler: sync }))), {
        code: "TSOP_CONFIG_INVALID",
        message: /operator "sharded" shards, and a sharded operator runs alone in its process/,
      });
    }
  });

  it("refuses sharding with leader election, from the config or the manager's option", () => {
    const sharded = new OperatorConfig("sharded", Widget).withSharding({ buckets: 4 });
    assert.throws(() => startOperators([{ config: sharded.clone().withLeaderElection(), handler: sync }]), {
      code: "TSOP_CONFIG_INVALID",
      message: /withSharding and leader election are exclusive \(operator "sharded"\)/,
    });
    assert.throws(
      () => startOperators([{ config: sharded, handler: sync }], { leaderElection: { leaseName: "x" } }),
      { code: "TSOP_CONFIG_INVALID", message: /exclusive/ },
    );
  });
});

describe("OperatorMetrics.forController", () => {
  it("reports several operators in one registry, told apart by the controller label", async () => {
    const alpha = new OperatorMetrics({ controller: "alpha" });
    const beta = alpha.forController("beta");
    assert.equal(beta.registry, alpha.registry);
    alpha.recordSync("success", 0.01);
    beta.recordSync("error", 0.01);
    beta.recordChildWrite("apply");
    alpha.observeCache(() => [["ConfigMap.v1", 3]]);
    beta.observeCache(() => [["ConfigMap.v1", 3]]);
    const text = await alpha.metricsText();
    assert.match(text, /controller_runtime_reconcile_total\{controller="alpha",result="success"\} 1/);
    assert.match(text, /controller_runtime_reconcile_total\{controller="beta",result="error"\} 1/);
    assert.match(text, /tsoperator_child_writes_total\{controller="beta",verb="apply"\} 1/);
    assert.doesNotMatch(text, /tsoperator_child_writes_total\{controller="alpha"/);
    assert.match(text, /tsoperator_cached_objects\{controller="alpha",type="ConfigMap.v1"\} 3/);
    assert.match(text, /tsoperator_cached_objects\{controller="beta",type="ConfigMap.v1"\} 3/);
    assert.equal(text.match(/# TYPE controller_runtime_reconcile_total /g)?.length, 1, "one metric family");
  });
});
