/**
 * Two scenarios run on a converged contender (scenario.ts calls them): drift repair (someone else deletes 10% of
 * the children and changes 10% of the rest; time and requests until every child is back) and memory over time
 * (RSS, and heap where the contender reports it, sampled every second during open-loop churn).
 */
import type { KubeObject } from "../../src/core/types.js";
import { writesIn, type RequestCounts } from "./audit.js";
import type { ContenderProcess } from "./contenders.js";
import { rssBytes } from "./proc.js";
import type { Harness } from "./scenario.js";
import { BenchParent, GROUP, parentName, type BenchParentObject } from "./workload.js";

const ConfigMap = { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What the driver writes into a changed child: no contender ever writes it. */
const DRIFTED = "drifted-by-bench";

export interface DriftResult {
  children: number;
  deleted: number;
  modified: number;
  repaired: boolean;
  /** From the first deletion sent to the LIST that saw every child back as desired (polled every 250 ms). */
  repairS: number;
  /** The contender's requests from the first deletion to 3 s after the repair. */
  requests: RequestCounts;
  writes: number;
}

export interface MemorySample {
  /** Seconds since the churn started. */
  s: number;
  rssMb: number;
  /** V8 heap used, when the contender reports it (HEAP lines; tsoperator only). */
  heapMb?: number | undefined;
}

export interface MemoryResult {
  seconds: number;
  rate: number;
  updates: number;
  /** True when the run was shorter than the 10 minutes (--memory-seconds). */
  shortened: boolean;
  samples: MemorySample[];
}

/** Every 10th child deleted, every 10th of the others (offset 5) has its payload changed; then polls until repaired. */
export async function driftRepair(
  h: Harness,
  namespace: string,
  user: string,
  timeoutMs = 60_000,
): Promise<DriftResult> {
  const api = h.admin.resource<KubeObject & { data?: Record<string, string> }>(ConfigMap, namespace);
  const labelSelector = `${GROUP}/parent`;
  const children = (await api.list({ labelSelector })).items.sort((a, b) =>
    (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""),
  );
  const deleted = children.filter((_, i) => i % 10 === 0);
  const modified = children.filter((_, i) => i % 10 === 5);
  // What each changed child must read again: its payload before the change.
  const want = new Map(modified.map((c) => [c.metadata.name ?? "", c.data?.["payload"]]));
  await h.audit.readNew();
  const started = performance.now();
  await Promise.all([
    ...deleted.map((c) => api.delete(c.metadata.name ?? "").catch(() => undefined)),
    ...modified.map((c) =>
      api.patch(c.metadata.name ?? "", "merge", { data: { payload: DRIFTED } }).catch(() => undefined),
    ),
  ]);
  let repaired = false;
  let repairS = NaN;
  const deadline = started + timeoutMs;
  while (performance.now() < deadline) {
    const now = (await api.list({ labelSelector })).items;
    const byName = new Map(now.map((c) => [c.metadata.name ?? "", c]));
    const back =
      children.every((c) => byName.has(c.metadata.name ?? "")) &&
      [...want].every(([name, payload]) => byName.get(name)?.data?.["payload"] === payload);
    if (back) {
      repairS = (performance.now() - started) / 1000;
      repaired = true;
      break;
    }
    await sleep(250);
  }
  await sleep(3_000);
  const requests = (await h.audit.readNew()).get(user) ?? new Map<string, number>();
  return {
    children: children.length,
    deleted: deleted.length,
    modified: modified.length,
    repaired,
    repairS,
    requests,
    writes: writesIn(requests),
  };
}

/** Open-loop spec updates at `rate` for `seconds`, round robin over the parents; RSS (and heap) every second. */
export async function memoryOverTime(
  h: Harness,
  namespace: string,
  n: number,
  proc: ContenderProcess,
  rate: number,
  seconds: number,
): Promise<MemoryResult> {
  const api = h.admin.resource<BenchParentObject>(BenchParent, namespace);
  const samples: MemorySample[] = [];
  const started = performance.now();
  const sample = () =>
    samples.push({
      s: Math.round((performance.now() - started) / 100) / 10,
      rssMb: rssBytes(proc.pid) / 2 ** 20,
      heapMb: proc.heapBytes === undefined ? undefined : proc.heapBytes / 2 ** 20,
    });
  sample();
  const timer = setInterval(sample, 1_000);
  const total = Math.round(rate * seconds);
  const inFlight = new Set<Promise<unknown>>();
  try {
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      const p = api
        .patch(parentName(i % n), "merge", { spec: { payload: `memory-${i}` } })
        .catch(() => undefined)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    // One more second so the last sample covers the end of the churn.
    await sleep(1_000);
  } finally {
    clearInterval(timer);
  }
  sample();
  return { seconds, rate, updates: total, shortened: seconds < 600, samples };
}

/** Least-squares slope of `ys` over `xs`, per unit of x. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export interface MemorySummary {
  startMb: number;
  endMb: number;
  maxMb: number;
  /** MB per minute over the whole run and over its second half (after warm-up). */
  slopeMbPerMin: number;
  secondHalfSlopeMbPerMin: number;
  /**
   * "no growth trend" only when the second half's slope is within +-0.5% of its mean per minute and the end is
   * not above the first half's maximum by more than 1% (RSS moves in pages; a fixed MB threshold would call a
   * 10 MB process's noise and a 100 MB process's growth alike); otherwise what the figures show.
   */
  verdict: string;
}

export function summarize(
  samples: MemorySample[],
  pick: (s: MemorySample) => number | undefined,
): MemorySummary | undefined {
  const points = samples.flatMap((s) => {
    const v = pick(s);
    return v === undefined ? [] : [[s.s, v] as const];
  });
  if (points.length < 4) return undefined;
  const xs = points.map(([x]) => x / 60);
  const ys = points.map(([, y]) => y);
  const half = Math.floor(points.length / 2);
  const startMb = ys[0]!;
  const endMb = ys[ys.length - 1]!;
  const maxMb = Math.max(...ys);
  const slopeMbPerMin = slope(xs, ys);
  const secondHalfSlopeMbPerMin = slope(xs.slice(half), ys.slice(half));
  const firstHalfMax = Math.max(...ys.slice(0, half));
  const secondHalf = ys.slice(half);
  const tolerance = (0.005 * secondHalf.reduce((a, b) => a + b, 0)) / secondHalf.length;
  const flat = Math.abs(secondHalfSlopeMbPerMin) <= tolerance && endMb <= firstHalfMax * 1.01;
  const verdict = flat
    ? "no growth trend"
    : secondHalfSlopeMbPerMin > tolerance
      ? `grows ${secondHalfSlopeMbPerMin.toFixed(2)} MB/min in the second half`
      : secondHalfSlopeMbPerMin < -tolerance
        ? `falls ${(-secondHalfSlopeMbPerMin).toFixed(2)} MB/min in the second half`
        : `flat second half, but ends above the first half's maximum (${endMb.toFixed(1)} > ${firstHalfMax.toFixed(1)} MB)`;
  return { startMb, endMb, maxMb, slopeMbPerMin, secondHalfSlopeMbPerMin, verdict };
}
