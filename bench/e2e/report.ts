/**
 * Turns a saved end-to-end run into its section of bench/RESULTS.md (see bench/report-sections.ts): tables,
 * the write-floor ratios over the repeated rounds (median and spread), and statements computed from the figures.
 */
import { asMap, median, table } from "../results-file.js";
import { verbTotals, writesIn } from "./audit.js";
import { summarize } from "./extras.js";
import type { RunResult } from "./scenario.js";

const VERBS = ["create", "patch", "update", "get", "list", "watch", "delete"];

const fmt = (x: number | undefined, digits = 2) =>
  x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);

export interface ReportInput {
  command: string;
  date: string;
  machine: string;
  versions: string[];
  peers: Array<{ name: string; status: string; perParent?: string }>;
  /** Runs of the floors and tsoperator per configuration (older saved runs: 1). */
  rounds?: number;
  results: RunResult[];
  notes: string[];
}

/** The first round of each contender and configuration: what the per-contender tables show. */
const firstRound = (results: RunResult[]) => results.filter((r) => (r.round ?? 0) === 0);

/** Per configuration, `tsoperator time / <floor> time` in each round where both converged. */
function roundRatios(results: RunResult[], config: string, floorName: string): number[] {
  return pairedRatios(results, config, "tsoperator", floorName, (r) => r.convergeS);
}

/** CPU seconds of the contender plus the apiserver's and etcd's over the same span: what a run on a shared machine spends. */
const totalCpuS = (r: RunResult) => r.cpuS + r.controlPlaneCpuS;

/** Per configuration, `measure(a) / measure(b)` in each round where both converged. */
function pairedRatios(
  results: RunResult[],
  config: string,
  a: string,
  b: string,
  measure: (r: RunResult) => number,
): number[] {
  const rows = results.filter((r) => `${r.n}x${r.k}` === config && r.converged);
  const out: number[] = [];
  for (const x of rows.filter((r) => r.contender === a)) {
    const base = rows.find((r) => r.contender === b && (r.round ?? 0) === (x.round ?? 0));
    if (base) out.push(measure(x) / measure(base));
  }
  return out;
}

/** ready / LIST of every restart pair (older saved runs: the one pair they have). */
function restartRatios(x: NonNullable<RunResult["restart"]>): number[] {
  const pairs = x.pairs ?? [{ readyS: x.readyS, rawListS: x.rawListS }];
  return pairs.flatMap((p) => (p.readyS === undefined ? [] : [p.readyS / p.rawListS]));
}

function restartSummary(x: NonNullable<RunResult["restart"]>): string {
  const ratios = restartRatios(x);
  if (ratios.length === 0) return "-";
  return ratios.length === 1
    ? fmt(ratios[0])
    : `${fmt(median(ratios))} (median of ${ratios.length} pairs, spread ${spread(ratios)})`;
}

/** A build of the tsoperator peer from another tree (--variant), named tsoperator@<name>. */
const isVariant = (contender: string) => contender.startsWith("tsoperator@");

/**
 * Per round, a variant's converge time and CPU per parent over tsoperator's in the same round: the two builds run
 * back to back, so the pairs cancel most of the machine's drift between rounds.
 */
function variantRatios(results: RunResult[], config: string, variant: string) {
  return {
    time: pairedRatios(results, config, variant, "tsoperator", (r) => r.convergeS),
    cpu: pairedRatios(results, config, variant, "tsoperator", (r) => r.cpuS),
  };
}

function variantTable(all: RunResult[], configs: string[]): string[] {
  const variants = [...new Set(all.map((r) => r.contender))].filter(isVariant);
  if (variants.length === 0) return [];
  return [
    "### Builds of the tsoperator peer side by side",
    "",
    "Each variant is the tsoperator peer bundled from another tree (`--variant`), run in every round next to the " +
      "current one; ratios pair the two runs of a round. Below 1: the variant converged faster or used less CPU.",
    "",
    table(
      [
        "N",
        "K",
        "variant",
        "converge / tsoperator (median)",
        "spread",
        "CPU / tsoperator (median)",
        "spread",
      ],
      configs.flatMap((config) => {
        const [n = "", k = ""] = config.split("x");
        return variants.map((variant) => {
          const { time, cpu } = variantRatios(all, config, variant);
          return [n, k, variant, fmt(median(time)), spread(time), fmt(median(cpu)), spread(cpu)];
        });
      }),
    ),
    "",
  ];
}

const spread = (xs: number[]) => (xs.length ? `${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}` : "-");

export function renderTables(input: ReportInput): string {
  const out: string[] = [];
  const all = input.results;
  input = { ...input, results: firstRound(all) };
  const configs = [...new Set(input.results.map((r) => `${r.n}x${r.k}`))];
  out.push("### 1-2, 5, 7: bulk create, requests per converged parent, memory, CPU per parent", "");
  out.push(
    "Converge time runs from the contender's STARTED line to the watcher seeing every parent's " +
      "status.observedGeneration == generation and all N*K children. Requests are the apiserver's audit events of " +
      "the contender's own user from process start to 3 s after convergence. CPU is the contender's (utime+stime) " +
      "until convergence; control-plane CPU is kube-apiserver + etcd over the same span. `floor` creates (POST) " +
      "and merge-patches the status; `floor-apply` makes the same writes with server-side apply; " +
      "`floor-ssa-status` makes tsoperator's requests (POSTs, a status apply); `floor-node` makes the floor's " +
      "writes with bare node:https. " +
      "`tsoperator time / its time` below 1 means tsoperator converged faster than that contender. " +
      "Handler calls are counted by the tsoperator peer itself (other frameworks do not report theirs). " +
      "RSS is read right after the write burst without forcing a GC: it includes garbage and allocator slack, " +
      "so it is an upper bound of what the cache costs (bench/cache-memory.ts measures the cache alone).",
    "",
  );
  for (const config of configs) {
    const rows = input.results.filter((r) => `${r.n}x${r.k}` === config);
    const floor = rows.find((r) => r.contender === "floor" && r.converged);
    const tso = rows.find((r) => r.contender === "tsoperator" && r.converged);
    const ssaFloor = rows.find((r) => r.contender === "floor-apply" && r.converged);
    const first = rows[0]!;
    const objects = first.n * (first.k + 1);
    out.push(`#### N=${first.n} parents, K=${first.k} children each`, "");
    out.push(
      table(
        [
          "contender",
          "converge s",
          "/ floor",
          "/ SSA floor",
          "tsoperator time / its time",
          "writes / parent",
          "handler calls / parent",
          ...VERBS.map((v) => `${v} / parent`),
          "CPU ms / parent",
          "apiserver+etcd CPU ms / parent",
          "RSS MB",
          "RSS B / object",
          "load avg at start",
        ],
        rows.map((r) => {
          const verbs = verbTotals(r.requests);
          const ok = r.converged;
          return [
            ok ? r.contender : `${r.contender} (FAILED)`,
            ok ? fmt(r.convergeS) : "-",
            ok && floor ? fmt(r.convergeS / floor.convergeS) : "-",
            ok && ssaFloor ? fmt(r.convergeS / ssaFloor.convergeS) : "-",
            ok && tso ? fmt(tso.convergeS / r.convergeS) : "-",
            fmt(writesIn(r.requests) / r.n),
            r.syncs !== undefined ? fmt(r.syncs / r.n) : "-",
            ...VERBS.map((v) => fmt((verbs.get(v) ?? 0) / r.n)),
            fmt((r.cpuS * 1000) / r.n),
            fmt((r.controlPlaneCpuS * 1000) / r.n),
            fmt(r.rssBytes / 2 ** 20, 1),
            fmt(r.rssBytes / objects, 0),
            fmt(r.loadAvg, 1),
          ];
        }),
      ),
      "",
    );
  }

  const rounds = input.rounds ?? 1;
  // Only a run with a floor has write-floor ratios.
  if (all.some((r) => r.contender.startsWith("floor"))) {
    // Every other floor that ran gets its own ratio columns (older saved runs had only floor-apply).
    const otherFloors = [...new Set(all.map((r) => r.contender))].filter(
      (name) => name.startsWith("floor") && name !== "floor",
    );
    out.push(`### Write-floor ratio over ${rounds} round${rounds === 1 ? "" : "s"}`, "");
    out.push(
      "Per configuration, the floors and tsoperator ran " +
        `${rounds} time${rounds === 1 ? "" : "s"}, back to back in alternating order; each ratio pairs the runs of one round ` +
        "(the tables above show round 1). The CPU ratio adds the apiserver's and etcd's CPU over the same span to " +
        "each contender's own: on a machine the control plane shares with the contender, converge time follows it.",
      "",
      table(
        [
          "N",
          "K",
          "tsoperator / floor (median)",
          "spread",
          "per round",
          "CPU with apiserver+etcd, tsoperator / floor (median)",
          "spread",
          ...otherFloors.flatMap((name) => [`tsoperator / ${name} (median)`, "spread"]),
          "handler calls / parent (median)",
        ],
        configs.map((config) => {
          const [n = "", k = ""] = config.split("x");
          const vsFloor = roundRatios(all, config, "floor");
          const cpuVsFloor = pairedRatios(all, config, "tsoperator", "floor", totalCpuS);
          const calls = all
            .filter(
              (r) => `${r.n}x${r.k}` === config && r.contender === "tsoperator" && r.syncs !== undefined,
            )
            .map((r) => r.syncs! / r.n);
          return [
            n,
            k,
            fmt(median(vsFloor)),
            spread(vsFloor),
            vsFloor.map((x) => fmt(x)).join(", ") || "-",
            fmt(median(cpuVsFloor)),
            spread(cpuVsFloor),
            ...otherFloors.flatMap((name) => {
              const ratios = roundRatios(all, config, name);
              return [fmt(median(ratios)), spread(ratios)];
            }),
            fmt(median(calls)),
          ];
        }),
      ),
      "",
    );
  }
  out.push(...variantTable(all, configs));

  // Memory per cached object, marginal: the RSS growth between the smallest and largest N at the same K.
  const marginal: string[][] = [];
  for (const name of [...new Set(input.results.map((r) => r.contender))]) {
    for (const k of [...new Set(input.results.map((r) => r.k))]) {
      const runs = input.results
        .filter((r) => r.contender === name && r.k === k && r.converged && r.rssBytes > 0)
        .sort((a, b) => a.n - b.n);
      if (runs.length < 2) continue;
      const lo = runs[0]!;
      const hi = runs[runs.length - 1]!;
      const objs = (hi.n - lo.n) * (k + 1);
      marginal.push([name, String(k), `${lo.n} -> ${hi.n}`, fmt((hi.rssBytes - lo.rssBytes) / objs, 0)]);
    }
  }
  if (marginal.length) {
    out.push("### 5: memory, marginal RSS per cached object (parents + children)", "");
    out.push(table(["contender", "K", "N", "RSS growth B / object"], marginal), "");
  }

  const idle = input.results.filter((r) => r.idle);
  if (idle.length) {
    out.push("### 6: idle CPU after convergence", "");
    out.push(
      table(
        ["contender", "N", "K", "contender millicores", "apiserver+etcd millicores"],
        idle.map((r) => [
          r.contender,
          String(r.n),
          String(r.k),
          fmt(r.idle!.millicores),
          fmt(r.idle!.controlPlaneMillicores),
        ]),
      ),
      "",
    );
  }

  const churn = input.results.filter((r) => r.churn.some((c) => c.updates > 0));
  if (churn.length) {
    out.push("### 4, 7: steady churn (spec updates, open loop, round robin over the parents)", "");
    out.push(
      table(
        ["contender", "N", "K", "updates/s", "updates", "p50 ms", "p99 ms", "unobserved", "CPU ms / update"],
        churn.flatMap((r) =>
          r.churn
            .filter((c) => c.updates > 0)
            .map((c) => [
              r.contender,
              String(r.n),
              String(r.k),
              String(c.rate),
              String(c.updates),
              fmt(c.p50Ms, 1),
              fmt(c.p99Ms, 1),
              String(c.unobserved),
              fmt(c.cpuMsPerUpdate),
            ]),
        ),
      ),
      "",
    );
  }

  const restart = input.results.filter((r) => r.restart);
  if (restart.length) {
    out.push("### 3: restart when converged", "");
    out.push(
      "Writes and requests are those of the first restart (until 5 s after it is ready). Later pairs only time a " +
        "restart and a raw paginated LIST of the same objects, in alternating order; the median is over every pair.",
      "",
    );
    out.push(
      table(
        [
          "contender",
          "N",
          "K",
          "writes after restart",
          "requests after restart",
          "ready s",
          "READY means",
          "raw paginated LIST s",
          "ready / LIST",
          "ready / LIST, median of pairs",
          "spread",
          "pairs",
        ],
        restart.map((r) => {
          const x = r.restart!;
          const all = [...x.requests].map(([key, v]) => `${key}: ${v}`).join(", ");
          const ratios = restartRatios(x);
          return [
            r.contender,
            String(r.n),
            String(r.k),
            String(x.writes),
            all || "-",
            fmt(x.readyS),
            x.readyMeaning,
            fmt(x.rawListS),
            x.readyS !== undefined ? fmt(x.readyS / x.rawListS) : "-",
            fmt(median(ratios)),
            spread(ratios),
            String(ratios.length),
          ];
        }),
      ),
      "",
    );
  }

  const drift = input.results.filter((r) => r.drift);
  if (drift.length) {
    out.push("### Drift repair when converged", "");
    out.push(
      "The driver (its own user) deletes every 10th child and changes the payload of every 10th of the others " +
        "(merge patch), all at once; repair time runs from the first of those requests to the first LIST (polled " +
        "every 250 ms) that shows every child back with its payload; requests are the contender's, from the " +
        "first deletion to 3 s after the repair.",
      "",
    );
    out.push(
      table(
        [
          "contender",
          "N",
          "K",
          "children",
          "deleted",
          "changed",
          "repaired",
          "repair s",
          "writes",
          "requests",
        ],
        drift.map((r) => {
          const d = r.drift!;
          return [
            r.contender,
            String(r.n),
            String(r.k),
            String(d.children),
            String(d.deleted),
            String(d.modified),
            d.repaired ? "yes" : "NO (60 s)",
            fmt(d.repairS),
            String(d.writes),
            [...asMap(d.requests)].map(([key, v]) => `${key}: ${v}`).join(", ") || "-",
          ];
        }),
      ),
      "",
    );
  }

  const memory = input.results.filter((r) => r.memory);
  if (memory.length) {
    const m0 = memory[0]!.memory!;
    out.push("### Memory over time under churn", "");
    out.push(
      `Open-loop spec updates at ${m0.rate}/s, round robin over the parents, for ${m0.seconds} s` +
        (m0.shortened
          ? ` (shortened: the issue asks for 600 s; this run used --memory-seconds=${m0.seconds})`
          : "") +
        "; RSS from /proc and, for tsoperator, the V8 heap in use (the peer's HEAP lines) every second. Slopes are " +
        "least-squares fits in MB per minute, over the whole run and over its second half. The verdict says " +
        '"no growth trend" only when the second half\'s slope is within +-0.5% of its mean per minute and the end ' +
        "is not more than 1% above the first half's maximum.",
      "",
    );
    const rows: string[][] = [];
    for (const r of memory) {
      const m = r.memory!;
      for (const [what, pick] of [
        ["RSS", (x: { rssMb: number }) => x.rssMb],
        ["heap", (x: { heapMb?: number | undefined }) => x.heapMb],
      ] as const) {
        const sum = summarize(m.samples, pick);
        if (!sum) continue;
        rows.push([
          r.contender,
          String(r.n),
          String(r.k),
          what,
          String(m.samples.length),
          fmt(sum.startMb, 1),
          fmt(sum.endMb, 1),
          fmt(sum.maxMb, 1),
          fmt(sum.slopeMbPerMin),
          fmt(sum.secondHalfSlopeMbPerMin),
          sum.verdict,
        ]);
      }
    }
    out.push(
      table(
        [
          "contender",
          "N",
          "K",
          "what",
          "samples",
          "start MB",
          "end MB",
          "max MB",
          "slope MB/min",
          "2nd-half slope MB/min",
          "verdict",
        ],
        rows,
      ),
      "",
    );
  }

  const failures = input.results.filter((r) => r.error);
  if (failures.length) {
    out.push("### Failures", "");
    for (const f of failures)
      out.push(`- ${f.contender} N=${f.n} K=${f.k}:`, "", "```", f.error!.trim(), "```", "");
  }
  return out.join("\n");
}

/** Plain statements derived from the figures: who was fastest, and where tsoperator meets its goals. */
export function findings(all: RunResult[]): string[] {
  const out: string[] = [];
  const results = firstRound(all);
  const configs = [...new Set(results.map((r) => `${r.n}x${r.k}`))];
  for (const config of configs) {
    const rows = results.filter((r) => `${r.n}x${r.k}` === config && r.converged);
    const floor = rows.find((r) => r.contender === "floor");
    const tso = rows.find((r) => r.contender === "tsoperator");
    // A variant is tsoperator itself, built from another tree: not a peer to rank against.
    const operators = rows.filter((r) => !r.contender.startsWith("floor") && !isVariant(r.contender));
    const fastest = [...operators].sort((a, b) => a.convergeS - b.convergeS)[0];
    const [n, k] = config.split("x");
    const parts: string[] = [];
    // "Fastest" says something only when more than one operator ran.
    if (fastest && operators.length > 1) {
      const among = operators.map((r) => r.contender).join(", ");
      parts.push(`fastest operator ${fastest.contender} (${fmt(fastest.convergeS)} s; among ${among})`);
    }
    if (tso && floor) {
      const ratios = roundRatios(all, config, "floor");
      const ratio = median(ratios);
      parts.push(
        `tsoperator / floor ${fmt(ratio)} (median of ${ratios.length}, spread ${spread(ratios)}; goal <= 1.15: ${ratio <= 1.15 ? "met" : "NOT met"})`,
      );
      const wt = writesIn(tso.requests);
      const wf = writesIn(floor.requests);
      parts.push(
        `tsoperator writes ${wt} vs floor ${wf} (${wt === wf ? "exactly the floor" : `${wt > wf ? "+" : ""}${wt - wf}`})`,
      );
      // The diagnostic floors with tsoperator's requests and watches (and its objects) separate the engine from
      // the server's price of what any operator asks of it.
      const ofRuns = (xs: number[]) => `median of ${xs.length}, spread ${spread(xs)}`;
      const watched = roundRatios(all, config, "floor-ssa-status-watch");
      const objects = roundRatios(all, config, "floor-engine-objects");
      if (watched.length)
        parts.push(
          `with tsoperator's requests and its two watches in the floor, tsoperator / floor-ssa-status-watch ${fmt(median(watched))} (${ofRuns(watched)})${objects.length ? "" : ": the engine's own share"}`,
        );
      if (objects.length) {
        const noEngine = pairedRatios(all, config, "floor-engine-objects", "floor", (r) => r.convergeS);
        parts.push(
          `with tsoperator's objects too, tsoperator / floor-engine-objects ${fmt(median(objects))} (${ofRuns(objects)}): the engine's own share; floor-engine-objects / floor ${fmt(median(noEngine))} (${ofRuns(noEngine)}): the same requests, objects and watches with no engine`,
        );
      }
      // On a machine the control plane shares, converge time follows the CPU of both sides.
      const cpu = pairedRatios(all, config, "tsoperator", "floor", totalCpuS);
      const own = all
        .filter((r) => `${r.n}x${r.k}` === config && r.converged && r.contender === "tsoperator")
        .map((r) => r.cpuS / totalCpuS(r));
      parts.push(
        `CPU of the contender plus apiserver and etcd per parent, tsoperator / floor ${fmt(median(cpu))} (${ofRuns(cpu)}); tsoperator's own CPU is ${fmt(median(own) * 100, 0)}% of that total`,
      );
    } else if (!tso) {
      parts.push("tsoperator did not converge");
    }
    const faster = tso
      ? operators.filter((r) => r.contender !== "tsoperator" && r.convergeS < tso.convergeS)
      : [];
    if (faster.length)
      parts.push(`faster than tsoperator here: ${faster.map((r) => r.contender).join(", ")}`);
    out.push(`N=${n} K=${k}: ${parts.join("; ")}`);
  }
  for (const r of results.filter((x) => x.contender === "tsoperator")) {
    if (r.restart)
      out.push(
        `tsoperator restart at N=${r.n} K=${r.k}: ${r.restart.writes} writes (goal 0), ready/LIST ${restartSummary(r.restart)} (goal <= 1.1)`,
      );
    if (r.idle)
      out.push(`tsoperator idle at N=${r.n} K=${r.k}: ${fmt(r.idle.millicores)} millicores (goal < 5)`);
    if (r.drift)
      out.push(
        `tsoperator drift repair at N=${r.n} K=${r.k}: ${r.drift.repaired ? `repaired in ${fmt(r.drift.repairS)} s` : "NOT repaired within 60 s"} with ${r.drift.writes} writes for ${r.drift.deleted + r.drift.modified} drifted children`,
      );
    if (r.memory) {
      const rss = summarize(r.memory.samples, (x) => x.rssMb);
      const heap = summarize(r.memory.samples, (x) => x.heapMb);
      out.push(
        `tsoperator memory over ${r.memory.seconds} s of churn${r.memory.shortened ? " (shortened run)" : ""}: RSS ${rss?.verdict ?? "-"}; heap ${heap?.verdict ?? "-"}`,
      );
    }
  }
  return out;
}

export function renderSection(input: ReportInput, heading = "End-to-end"): string {
  return [
    `## ${heading}`,
    "",
    `Command: \`${input.command}\` (${input.date}).`,
    "",
    `Machine: ${input.machine}.`,
    "",
    "Versions:",
    "",
    ...input.versions.map((v) => `- ${v}`),
    "",
    "Contenders:",
    "",
    ...input.peers.map(
      (p) =>
        `- ${p.name}${p.perParent ? ` (${p.perParent})` : ""}: ${p.status.includes("\n") ? `\n\n  \`\`\`\n  ${p.status.split("\n").join("\n  ")}\n  \`\`\`\n` : p.status}`,
    ),
    "",
    renderTables(input),
    "### Findings (computed from the figures above)",
    "",
    ...findings(input.results).map((f) => `- ${f}`),
    "",
    ...(input.notes.length ? ["### Reading", "", ...input.notes.map((n) => `- ${n}`), ""] : []),
  ].join("\n");
}
