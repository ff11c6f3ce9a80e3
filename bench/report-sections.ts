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
};

/** Prints a benchmark's section and, unless `write` is false, saves it and re-renders RESULTS.md. */
export async function publish(result: SavedResult, write = true): Promise<void> {
  console.log(renderResults([result]));
  if (write) await saveResult(result, renderResults);
}
