/**
 * Renders bench/RESULTS.md from the saved results (bench/results/*.json): one renderer per kind of benchmark,
 * each a pure function of what that benchmark saved, so the file can be regenerated at any time and holds no
 * hand-written text. Ratios and statements are computed here from the saved figures.
 */
import { renderSection, type ReportInput } from "./e2e/report.js";
import { asMap, median, saveResult, table, type SavedResult } from "./results-file.js";

/** Where figures came from when they were not saved by the benchmark run itself (older runs). */
interface Provenance {
  /** e.g. "transcribed from bench/RESULTS.md at commit e1e9e3b (run of 2026-11-25)" */
  source?: string;
}

export interface CacheMemoryData extends Provenance {
  command: string;
  date: string;
  node: string;
  rows: Array<{
    contender: string;
    objects: number;
    jsonBytes: number;
    heapPerObject: number;
    rssPerObject: number;
    syncS: number;
    idleMillicores: number | null;
  }>;
  creates: Array<{ count: number; seconds: number; concurrency: number }>;
}

export interface CacheSyncTimeData extends Provenance {
  command: string;
  date: string;
  node: string;
  count: number;
  pageSize: number;
  rawMs: number[];
  reflectorMs: number[];
  createS: number;
}

export interface ClientThroughputData extends Provenance {
  command: string;
  date: string;
  node: string;
  gets: number;
  creates: number;
  concurrency: number;
  rounds: number;
  contenders: Array<{ name: string; getsPerS: number[]; createsPerS: number[] }>;
}

export interface ChildCreateData {
  command: string;
  date: string;
  node: string;
  n: number;
  concurrency: number;
  rounds: number;
  /** creates/s per round, per verb */
  post: number[];
  createOnlyApply: number[];
}

const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
const runs = (xs: number[], digits = 0) => xs.map((x) => x.toFixed(digits)).join(", ");
const source = (p: Provenance) => (p.source ? [`Figures ${p.source}.`, ""] : []);

function cacheMemory(d: CacheMemoryData): string {
  return [
    `Command: \`${d.command}\` (${d.date}, Node ${d.node}, local kube-apiserver + etcd, each contender in its own ` +
      "child process; bytes per object = growth from before the first LIST to after sync, after GC).",
    "",
    ...source(d),
    table(
      [
        "contender",
        "objects",
        "stripped JSON B/obj",
        "heapUsed B/obj",
        "heap / JSON",
        "RSS B/obj",
        "RSS / JSON",
        "sync s",
        "idle CPU millicores",
      ],
      d.rows.map((r) => [
        r.contender,
        String(r.objects),
        f(r.jsonBytes, 0),
        f(r.heapPerObject, 0),
        `${f(r.heapPerObject / r.jsonBytes)}x`,
        f(r.rssPerObject, 0),
        `${f(r.rssPerObject / r.jsonBytes)}x`,
        f(r.syncS),
        r.idleMillicores === null ? "" : f(r.idleMillicores),
      ]),
    ),
    "",
    ...d.creates.map(
      (c) =>
        `- created ${c.count} ConfigMaps in ${f(c.seconds, 1)} s (concurrency ${c.concurrency}, ${f(c.count / c.seconds, 0)}/s)`,
    ),
  ].join("\n");
}

function cacheSyncTime(d: CacheSyncTimeData): string {
  const raw = median(d.rawMs);
  const refl = median(d.reflectorMs);
  return [
    `Command: \`${d.command}\` (${d.date}, Node ${d.node}, local kube-apiserver + etcd, page size ${d.pageSize}, ` +
      "alternating runs after one warm-up of each).",
    "",
    ...source(d),
    table(
      ["objects", "raw paginated LIST loop (median)", "reflector to synced (median)", "ratio (goal <= 1.1)"],
      [[String(d.count), `${f(raw / 1000)} s`, `${f(refl / 1000)} s`, f(refl / raw)]],
    ),
    "",
    `- raw runs: ${runs(d.rawMs)} ms; reflector runs: ${runs(d.reflectorMs)} ms`,
    `- creating the ${d.count} ConfigMaps took ${f(d.createS, 1)} s`,
  ].join("\n");
}

function clientThroughput(d: ClientThroughputData): string {
  const raw = d.contenders[0]!;
  const rawGet = median(raw.getsPerS);
  const rawCreate = median(raw.createsPerS);
  return [
    `Command: \`${d.command}\` (${d.date}, Node ${d.node}; ${d.gets} GETs and ${d.creates} creates per round, ` +
      `concurrency ${d.concurrency}, ${d.rounds} rounds alternating the order of contenders; local kube-apiserver + ` +
      "etcd on the same machine, client-certificate auth over TLS). Ratios are medians measured in the same run.",
    "",
    ...source(d),
    table(
      [
        "contender",
        "GET/s (median)",
        `ratio vs ${raw.name}`,
        "create/s (median)",
        `ratio vs ${raw.name}`,
        "GET/s per round",
        "create/s per round",
      ],
      d.contenders.map((c) => [
        c.name,
        f(median(c.getsPerS), 0),
        f(median(c.getsPerS) / rawGet),
        f(median(c.createsPerS), 0),
        f(median(c.createsPerS) / rawCreate),
        runs(c.getsPerS),
        runs(c.createsPerS),
      ]),
    ),
  ].join("\n");
}

function childCreate(d: ChildCreateData): string {
  const post = median(d.post);
  const apply = median(d.createOnlyApply);
  return [
    `Command: \`${d.command}\` (${d.date}, Node ${d.node}, local kube-apiserver + etcd, no controller manager): ` +
      `${d.n} ConfigMaps per round and verb, concurrency ${d.concurrency}, ${d.rounds} rounds alternating which verb ` +
      "goes first, each round in a fresh namespace. The engine creates absent children with the POST.",
    "",
    table(
      ["verb", "creates/s (median)", "creates/s per round", "rate / POST's"],
      [
        ["POST (same field manager)", f(post, 0), runs(d.post), "1.00"],
        ["create-only server-side apply", f(apply, 0), runs(d.createOnlyApply), f(apply / post)],
      ],
    ),
  ].join("\n");
}

export interface RelatedLatencyData {
  command: string;
  date: string;
  node: string;
  parents: number;
  secrets: number;
  rounds: number;
  timed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  transcribed?: string;
}

function relatedLatency(d: RelatedLatencyData): string {
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  return [
    `Command: \`${d.command}\` (${d.date}, Node ${d.node}, local kube-apiserver + etcd on the same 2-core machine, ` +
      "operator in the bench process)." +
      (d.transcribed ? ` ${d.transcribed}` : ""),
    "",
    table(
      ["parents", "Secrets", "parents per Secret", "rounds", "child writes timed", "p50", "p99", "max"],
      [
        [
          String(d.parents),
          String(d.secrets),
          String(d.parents / d.secrets),
          String(d.rounds),
          String(d.timed),
          ms(d.p50Ms),
          ms(d.p99Ms),
          ms(d.maxMs),
        ],
      ],
    ),
    "",
    "- latency: from just before the Secret's PATCH is sent to the engine's write of each child of a parent that",
    "  references it (watch event, reverse-index lookup, queue, sync, write).",
  ].join("\n");
}

export interface ShardingRun {
  replicas: number;
  /** From spawning the replicas to every parent observed with all its children. */
  convergeS: number;
  /** From spawning to the last replica's READY (caches synced). */
  readyS: number;
  createS: number;
  loadAvgAtStart: number;
  /** kube-apiserver + etcd CPU seconds over the same interval. */
  controlPlaneCpuS: number;
  perReplica: Array<{
    identity: string;
    cpuS: number;
    rssMB: number;
    maxRssMB: number;
    buckets: number;
    syncs: number;
  }>;
}

export interface ShardingData {
  command: string;
  date: string;
  node: string;
  cores: number;
  n: number;
  k: number;
  buckets: number;
  /** ShardedListAndWatch on: each replica caches only its buckets (absent in runs saved before the option). */
  gate?: boolean;
  runs: ShardingRun[];
  /** Why the run is smaller than asked, when it is. */
  note?: string;
}

function sharding(d: ShardingData): string {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const opCpu = (r: ShardingRun) => sum(r.perReplica.map((p) => p.cpuS));
  const per = (r: ShardingRun, pick: (p: ShardingRun["perReplica"][number]) => number, digits = 0) =>
    r.perReplica.map((p) => f(pick(p), digits)).join(" / ");
  const busy = (r: ShardingRun) => (opCpu(r) + r.controlPlaneCpuS) / (r.convergeS * d.cores);
  const base = [...d.runs].sort((a, b) => a.replicas - b.replicas)[0];
  const lines = [
    `Command: \`${d.command}\` (${d.date}, Node ${d.node}, ${d.cores} cores shared by the replicas, kube-apiserver and ` +
      "etcd (and by other work on the machine: see the load average); local control plane without controller " +
      "manager; each replica is the bundled tsoperator peer run by plain node with `withSharding` (default lease " +
      "timings: 15 s lease, 2 s rounds); one run per replica count, each in a fresh namespace after its parents " +
      "were created; converge time from spawning the replicas to every parent observed with all its children). " +
      (d.gate
        ? "The API server ran with ShardedListAndWatch: each replica lists, watches and caches only its buckets."
        : "ShardedListAndWatch off: each replica lists, watches and caches every parent and child and filters on the client."),
    "",
    ...(d.note ? [d.note, ""] : []),
    table(
      [
        "replicas",
        "converge s",
        "time / 1 replica's",
        "last ready s",
        "buckets per replica",
        "handler calls per replica",
        "CPU s per replica",
        "operator CPU s (all replicas)",
        "operator CPU ms / parent",
        "RSS MB per replica (at convergence)",
        "max RSS MB per replica",
        "apiserver+etcd CPU s",
        "apiserver+etcd CPU ms / parent",
        "CPU split operator : control plane",
        "share of the cores used (operator + control plane)",
        "load avg at start",
      ],
      d.runs.map((r) => [
        String(r.replicas),
        f(r.convergeS, 1),
        base ? f(r.convergeS / base.convergeS) : "-",
        f(r.readyS, 1),
        per(r, (p) => p.buckets),
        per(r, (p) => p.syncs),
        per(r, (p) => p.cpuS, 1),
        f(opCpu(r), 1),
        f((opCpu(r) * 1000) / d.n, 2),
        per(r, (p) => p.rssMB),
        per(r, (p) => p.maxRssMB),
        f(r.controlPlaneCpuS, 1),
        f((r.controlPlaneCpuS * 1000) / d.n, 2),
        `${f((100 * opCpu(r)) / (opCpu(r) + r.controlPlaneCpuS), 0)}% : ${f((100 * r.controlPlaneCpuS) / (opCpu(r) + r.controlPlaneCpuS), 0)}%`,
        `${f(100 * busy(r), 0)}%`,
        f(r.loadAvgAtStart, 1),
      ]),
    ),
  ];
  if (!base) return lines.join("\n");
  const opMs = (opCpu(base) * 1000) / d.n;
  const cpMs = (base.controlPlaneCpuS * 1000) / d.n;
  // However the parents are split, the work is about the same: the operator's and the API server's CPU for
  // the whole run, spread over this machine's cores, is the least time any replica count can take here.
  const floorS = (opCpu(base) + base.controlPlaneCpuS) / d.cores;
  const more = d.runs.filter((r) => r.replicas > base.replicas);
  lines.push(
    "",
    "Projection (computed from the figures above):",
    "",
    `- CPU per parent (K=${d.k}), from the ${base.replicas}-replica run: operator ${f(opMs, 2)} ms (cache sync and ` +
      `startup included), API server + etcd ${f(cpMs, 2)} ms. One core of operator CPU converges about ` +
      `${f(1000 / opMs, 0)} parents/s; a replica holding a full core converges its share P in P x ${f(opMs, 2)} ms.`,
    `- On this ${d.cores}-core machine the replicas, the API server and etcd share the cores: the ${base.replicas}-replica ` +
      `run used ${f(100 * busy(base), 0)}% of them (${f((100 * base.controlPlaneCpuS) / (opCpu(base) + base.controlPlaneCpuS), 0)}% ` +
      `of that in the API server and etcd)` +
      (base.loadAvgAtStart > d.cores
        ? `, with other work on the machine too (load average ${f(base.loadAvgAtStart, 1)} at the start). `
        : ". ") +
      `Its CPU (${f(opCpu(base) + base.controlPlaneCpuS, 1)} s) spread over ${d.cores} cores takes ${f(floorS, 1)} s: ` +
      `no replica count can converge N=${d.n} faster than that here. More replicas cannot beat one once the API ` +
      "server saturates the machine; they only add their own startup, cache and ring CPU.",
    ...more.map((r) => {
      const rss = sum(r.perReplica.map((p) => p.rssMB)) / r.replicas;
      const baseRss = sum(base.perReplica.map((p) => p.rssMB)) / base.replicas;
      return (
        `- ${r.replicas} replicas: ${f(r.convergeS, 1)} s (${f(r.convergeS / base.convergeS)}x the ${base.replicas}-replica time), ` +
        `operator CPU ${f(opCpu(r), 1)} s in all (${f(opCpu(r) / opCpu(base))}x the ${base.replicas}-replica run's), ` +
        `handler calls ${per(r, (p) => p.syncs)}; RSS per replica ${f(rss, 0)} MB vs ${f(baseRss, 0)} MB ` +
        `(${f(rss / baseRss)}x: ` +
        (rss / baseRss > 0.8
          ? "the caches hardly shrink with the share). "
          : "the caches shrink with the share). ") +
        `They used ${f(100 * busy(r), 0)}% of the cores against ${f(100 * busy(base), 0)}%` +
        (r.convergeS < base.convergeS && busy(base) < 0.8
          ? `: the ${base.replicas}-replica run did not saturate the machine, so the time gained comes from more ` +
            "syncs in flight (each replica runs its own workers) against the API server's latency, and from a " +
            "larger share of a machine shared with other work; it does not show what spare cores would add."
          : ".")
      );
    }),
    ...projection(d, base, opCpu),
  );
  return lines.join("\n");
}

/**
 * Operator CPU for real clusters. Every replica pays for its own startup, list, watch and cache of every parent
 * and child (c per parent, whatever its share) and for the syncs of its share (s per parent of the share), so
 * from two runs with R1 < R2 replicas: total CPU = R x c x N + s x N gives c and s, and one replica of R needs
 * N x (c + s / R) of CPU: the speedup of R replicas is (c + s) / (c + s / R), not R.
 */
function projection(d: ShardingData, base: ShardingRun, opCpu: (r: ShardingRun) => number): string[] {
  const top = [...d.runs].sort((a, b) => b.replicas - a.replicas)[0];
  const cpMs = (base.controlPlaneCpuS * 1000) / d.n;
  if (!top || top.replicas === base.replicas) return [];
  const cMs = ((opCpu(top) - opCpu(base)) * 1000) / d.n / (top.replicas - base.replicas);
  const sMs = (opCpu(base) * 1000) / d.n - base.replicas * cMs;
  if (!(cMs > 0 && sMs > 0))
    return [
      `- No projection: the two runs do not separate per-replica cost from sync cost (c ${f(cMs)}, s ${f(sMs)} ms).`,
    ];
  const perReplica = (r: number) => cMs + sMs / r;
  return [
    `- Split of the operator's CPU (from the ${base.replicas}- and ${top.replicas}-replica runs): every replica pays ` +
      `about ${f(cMs, 2)} ms per parent whatever its share (${d.gate ? "what does not divide: startup, the ring, its share of re-lists as buckets arrive" : "startup, ring, list, watch and cache of all parents and children"}), and ` +
      `${f(sMs, 2)} ms per parent of its share for the syncs. A replica of R then needs N x (${f(cMs, 2)} + ${f(sMs, 2)} / R) ms: ` +
      [1, 3, 10].map((r) => `${f(perReplica(r), 2)} ms per parent with R=${r}`).join(", ") +
      ` (a speedup of ${f(perReplica(1) / perReplica(3))}x for 3 replicas, ${f(perReplica(1) / perReplica(10))}x for 10, ` +
      `${d.gate ? "with the caches following the shard" : "while the caches are not sharded"}).`,
    `- On a real cluster (a core per replica, an API server with cores to spare), converging N=100000 parents ` +
      `(K=${d.k}) takes about ` +
      [1, 3, 10]
        .map((r) => `${f((100_000 * perReplica(r)) / 1000, 0)} s of CPU per replica with R=${r}`)
        .join(", ") +
      `; the API server and etcd need about N x ${f(cpMs, 2)} ms = ${f((100_000 * cpMs) / 1000, 0)} s of CPU whatever R ` +
      `is: each busy replica core needs about ${f(cpMs / perReplica(1), 1)} (R=1) to ${f(cpMs / perReplica(10), 1)} (R=10) ` +
      "cores of API server + etcd beside it to keep up (ratios measured here, where both share the cores).",
  ];
}

/** Request counts are Maps in a run and plain objects once saved. */
function reviveE2e(input: ReportInput): ReportInput {
  return {
    ...input,
    results: input.results.map((r) => ({
      ...r,
      requests: asMap(r.requests),
      ...(r.restart ? { restart: { ...r.restart, requests: asMap(r.restart.requests) } } : {}),
      ...(r.drift ? { drift: { ...r.drift, requests: asMap(r.drift.requests) } } : {}),
    })),
  };
}

/** The whole RESULTS.md. */
export function renderResults(all: SavedResult[]): string {
  const out = [
    "# Benchmark results",
    "",
    "Generated by code from the saved runs in `bench/results/*.json` (`npx tsx bench/render-results.ts` renders it " +
      "again; each benchmark saves its own file when it runs). Do not edit by hand.",
    "",
  ];
  let group: string | undefined;
  for (const r of all) {
    const sub = SUBSECTIONS[r.kind];
    if (sub) {
      if (group !== sub.group) out.push(`## ${sub.group}`, "");
      group = sub.group;
      out.push(`### ${r.heading}`, "", sub.render(r.data), "");
      continue;
    }
    group = undefined;
    if (r.kind === "e2e") out.push(renderSection(reviveE2e(r.data as ReportInput), r.heading), "");
    else out.push(`## ${r.heading}`, "", `(no renderer for kind "${r.kind}")`, "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

const SUBSECTIONS: Record<string, { group: string; render: (data: unknown) => string }> = {
  "cache-memory": { group: "Runtime cache", render: (d) => cacheMemory(d as CacheMemoryData) },
  "cache-sync-time": { group: "Runtime cache", render: (d) => cacheSyncTime(d as CacheSyncTimeData) },
  "client-throughput": { group: "Client", render: (d) => clientThroughput(d as ClientThroughputData) },
  "child-create": { group: "Client", render: (d) => childCreate(d as ChildCreateData) },
  "related-latency": { group: "Related objects", render: (d) => relatedLatency(d as RelatedLatencyData) },
  sharding: { group: "Sharding", render: (d) => sharding(d as ShardingData) },
};

/** Prints a benchmark's section and, unless `write` is false, saves it and re-renders RESULTS.md. */
export async function publish(result: SavedResult, write = true): Promise<void> {
  console.log(renderResults([result]));
  if (write) await saveResult(result, renderResults);
}
