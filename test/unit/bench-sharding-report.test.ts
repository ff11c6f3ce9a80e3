/**
 * The sharding section of bench/RESULTS.md computes its projection from the saved runs: per-replica CPU (every
 * replica's own list, watch and cache) and per-share CPU (the syncs) are separated from two replica counts. Checked
 * here on round figures, so a change to the renderer cannot silently change what the projection claims.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { renderResults, type ShardingData, type ShardingRun } from "../../bench/report-sections.js";

function run(replicas: number, cpuPerReplica: number, convergeS: number): ShardingRun {
  return {
    replicas,
    convergeS,
    readyS: 1,
    createS: 10,
    loadAvgAtStart: 1,
    controlPlaneCpuS: 40,
    perReplica: Array.from({ length: replicas }, (_, i) => ({
      identity: `replica-${i}`,
      cpuS: cpuPerReplica,
      rssMB: 200,
      maxRssMB: 210,
      buckets: 32 / replicas,
      syncs: 1000 / replicas,
    })),
  };
}

void describe("bench sharding report", () => {
  it("separates per-replica and per-share CPU and projects from them", () => {
    // N=1000: 1 replica 10 s of CPU, 3 replicas 6 s each (18 s): c = (18 - 10) / 2 = 4 s, s = 6 s,
    // i.e. 4 ms and 6 ms per parent; a replica of 3 needs 4 + 6 / 3 = 6 ms per parent.
    const data: ShardingData = {
      command: "x",
      date: "2026-11-30",
      node: "v20",
      cores: 2,
      n: 1000,
      k: 4,
      buckets: 32,
      runs: [run(1, 10, 30), run(3, 6, 40)],
    };
    const text = renderResults([{ id: "sharding", kind: "sharding", order: 70, heading: "Sharding", data }]);
    assert.match(text, /about 4\.00 ms per parent whatever its share \(startup, ring, list, watch and cache/);
    assert.match(text, /and 6\.00 ms per parent of its share for the syncs/);
    assert.match(text, /10\.00 ms per parent with R=1, 6\.00 ms per parent with R=3/);
    assert.match(text, /a speedup of 1\.67x for 3 replicas/);
    // (10 + 40) s of CPU over 2 cores: no replica count converges faster than 25 s here.
    assert.match(text, /takes 25\.0 s: no replica count can converge N=1000 faster/);
    assert.match(text, /\| 3 \| 40\.0 \| 1\.33 \|/);
  });
});
