/**
 * Helpers of the multi-process sharding tests: spawning replicas of test/support/sharded-operator-process.ts,
 * reading who holds which bucket from the ring's Leases, reading a replica's /metrics, and polling.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import type { KubeClient } from "../../src/client/kube-client.js";
import { Widget } from "./crds.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { Lease } from "../../src/runtime/leader-election.js";
import { SHARD_RING_LABEL } from "../../src/runtime/shard-ring.js";

export interface Replica {
  identity: string;
  proc: ChildProcess;
  lines: Array<Record<string, unknown>>;
  /** Resolves with the replica's metrics port once its caches synced. */
  ready: Promise<number>;
  exited: Promise<number | null>;
}

/** Starts one replica process; `env` adds to (or overrides) the inherited environment. */
export function spawnReplica(identity: string, env: Record<string, string>): Replica {
  const proc = spawn(process.execPath, ["--import", "tsx", "test/support/sharded-operator-process.ts"], {
    env: { ...process.env, IDENTITY: identity, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Array<Record<string, unknown>> = [];
  let onReady!: (port: number) => void;
  const ready = new Promise<number>((resolve) => (onReady = resolve));
  createInterface({ input: proc.stdout }).on("line", (line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      if (parsed.event === "ready") onReady(Number(parsed.port));
    } catch {
      // not ours
    }
  });
  return {
    identity,
    proc,
    lines,
    ready,
    exited: new Promise((resolve) => proc.once("exit", (code) => resolve(code))),
  };
}

/** Runs `fn` on every item, `width` at a time. */
export async function pool<T>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Polls `check` every 250 ms; resolves with the time it took, throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(250);
  }
  return Date.now() - started;
}

/** The holder of each bucket of ring `ring`, from its Leases. */
export async function bucketHolders(
  client: KubeClient,
  namespace: string,
  ring: string,
): Promise<Map<number, string>> {
  const list = await client
    .resource<Lease>(k8sTypes.coordination.v1.Lease, namespace)
    .list({ labelSelector: `${SHARD_RING_LABEL}=${ring}` });
  const out = new Map<number, string>();
  for (const lease of list.items) {
    const match = /-bucket-(\d+)$/.exec(lease.metadata.name ?? "");
    if (match && lease.spec?.holderIdentity) out.set(Number(match[1]), lease.spec.holderIdentity);
  }
  return out;
}

/** The samples of one metric on a replica's /metrics: label set (as written) to value. */
export async function scrape(port: number, metric: string): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await response.text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    const match = /^[^{ ]+(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (match) out.set(match[1] ?? "", Number(match[2]));
  }
  return out;
}

/** `tsoperator_cached_objects` of a replica for the types whose label contains `kind`. */
export async function cachedObjects(port: number, kind: string): Promise<number> {
  let total = 0;
  for (const [labels, value] of await scrape(port, "tsoperator_cached_objects")) {
    if (new RegExp(`type="[^"]*\\b${kind}\\b`).test(labels)) total += value;
  }
  return total;
}

/**
 * Convergence of the sharded test operator (children `<parent>-a` and `<parent>-b` carrying the parent's spec
 * version): the parents whose status (with observedGeneration == generation) and both children show `version`
 * (one for all, or each parent's own), and the number of children seen.
 */
export async function converged(
  client: KubeClient,
  namespace: string,
  version: number | ((parent: string) => number),
  childSelector?: string,
): Promise<{ parents: number; children: number }> {
  const expected = typeof version === "number" ? () => version : version;
  const children = new Map<string, string>();
  for await (const page of client
    .resource(k8sTypes.core.v1.ConfigMap, namespace)
    .listPages({ limit: 1000, labelSelector: childSelector })) {
    for (const cm of page.items)
      children.set(cm.metadata.name ?? "", String((cm.data as Record<string, string> | undefined)?.version));
  }
  let parents = 0;
  for await (const page of client.resource(Widget, namespace).listPages({ limit: 1000 })) {
    for (const w of page.items) {
      const name = w.metadata.name ?? "";
      const want = expected(name);
      const status = w.status as { version?: number; observedGeneration?: number } | undefined;
      if (
        status?.version === want &&
        status.observedGeneration === w.metadata.generation &&
        children.get(`${name}-a`) === String(want) &&
        children.get(`${name}-b`) === String(want)
      )
        parents++;
    }
  }
  return { parents, children: children.size };
}
