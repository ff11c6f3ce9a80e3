/**
 * What the sharding integration tests (sharding-replicas, sharding-scale) share: the audit policy that records
 * every bucket Lease as written, replicas of test/support/sharded-operator-process.ts as child processes, the
 * bucket holders read from the Leases, the convergence check of Widgets and their two ConfigMaps, and the two
 * readings of the audit log: the writer check (every parent write made by the bucket's holder of the moment)
 * and the handoffs (a bucket released by one replica, acquired by the next).
 */
import { strict as assert } from "node:assert";
import { after, before } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import type { ResourceApi } from "../../src/client/resource-api.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { bucketOf } from "../../src/core/shard-hash.js";
import type { KubeObject } from "../../src/core/types.js";
import type { Lease } from "../../src/runtime/leader-election.js";
import type { AuditEvent } from "../../src/testing/audit-log.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { Widget, widgetCrd } from "./crds.js";
import {
  bucketHolders,
  converged as convergedOf,
  pool,
  spawnReplica,
  type Replica,
} from "./shard-replicas.js";

export { pool, until, type Replica } from "./shard-replicas.js";

/** Metadata of every write; Lease bodies too, so the holder of each bucket at each moment is on record. */
export const SHARDING_AUDIT_POLICY: KubeObject = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  metadata: { name: "sharding" },
  omitStages: ["RequestReceived", "ResponseStarted"],
  rules: [
    { level: "None", verbs: ["get", "list", "watch"] },
    {
      level: "RequestResponse",
      verbs: ["create", "update"],
      resources: [{ group: "coordination.k8s.io", resources: ["leases"] }],
    },
    { level: "Metadata", verbs: ["create", "update", "patch", "delete"] },
  ],
};

/** The ring's name: the operator's (sharded-operator-process names it "sharded"). */
const RING = "sharded";

export interface RingTiming {
  buckets: number;
  leaseMs: number;
  renewMs: number;
  retryMs: number;
}

/** Starts one replica (a process running the sharded operator on `namespace`); it prints "ready" when synced. */
export function startReplica(
  env: TestEnvironment,
  namespace: string,
  identity: string,
  timing: RingTiming,
): Replica {
  return spawnReplica(identity, {
    KUBECONFIG_PATH: env.kubeconfigPath,
    WATCH_NAMESPACE: namespace,
    BUCKETS: String(timing.buckets),
    LEASE_MS: String(timing.leaseMs),
    RENEW_MS: String(timing.renewMs),
    RETRY_MS: String(timing.retryMs),
  });
}

/** A control plane with the sharding audit policy, a namespace for the Widgets, and the replicas started on it. */
export interface ShardingCluster {
  readonly env: TestEnvironment;
  readonly client: KubeClient;
  readonly replicas: Replica[];
  /** Starts a replica (killed at teardown if still running). */
  replica: (identity: string) => Replica;
  widgets: () => ResourceApi;
  /** Creates Widgets `names` at spec.version 1; returns name -> uid (the audit log checks need the buckets). */
  createWidgets: (names: readonly string[]) => Promise<Map<string, string>>;
}

/**
 * Registers the suite's before/after hooks: starts the cluster before its tests, tears it down after.
 * `shardedListAndWatch` turns the API server's gate on, so the replicas' caches follow their buckets.
 */
export function shardingCluster(
  namespace: string,
  timing: RingTiming,
  options: { shardedListAndWatch?: boolean } = {},
): ShardingCluster {
  let env: TestEnvironment | undefined;
  let client: KubeClient | undefined;
  const replicas: Replica[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the sharding cluster is not started (used outside a test?)");
    return value;
  };
  before(async () => {
    env = await TestEnvironment.start({
      controllerManager: false,
      crds: [widgetCrd],
      auditPolicy: SHARDING_AUDIT_POLICY,
      // With the gate the replicas' caches follow their buckets (re-listed on every handoff).
      featureGates: options.shardedListAndWatch ? { ShardedListAndWatch: true } : {},
    });
    client = await KubeClient.fromConfig(env.clientConfig());
    await client
      .resource(k8sTypes.core.v1.Namespace)
      .create({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  });
  after(async () => {
    killReplicas(replicas);
    await client?.close();
    await env?.stop();
  });
  const cluster: ShardingCluster = {
    get env() {
      return started(env);
    },
    get client() {
      return started(client);
    },
    replicas,
    replica: (identity) => {
      const r = startReplica(started(env), namespace, identity, timing);
      replicas.push(r);
      return r;
    },
    widgets: () => started(client).resource(Widget, namespace),
    createWidgets: async (names) => {
      const uids = new Map<string, string>();
      await pool(names, 16, async (name) => {
        const created = await cluster.widgets().create({
          apiVersion: Widget.apiVersion,
          kind: Widget.kind,
          metadata: { name },
          spec: { version: 1 },
        });
        uids.set(name, created.metadata.uid ?? "");
      });
      return uids;
    },
  };
  return cluster;
}

/** SIGKILLs the replicas still running (test teardown). */
export function killReplicas(replicas: readonly Replica[]): void {
  for (const r of replicas)
    if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill("SIGKILL");
}

/** Bucket -> holder, from the ring's bucket Leases (free buckets are left out). */
export function holders(client: KubeClient, namespace: string): Promise<Map<number, string>> {
  return bucketHolders(client, namespace, RING);
}

/** Buckets held by each of `replicas`, in their order. */
export function countsOf(held: Map<number, string>, replicas: readonly Replica[]): number[] {
  return replicas.map((r) => [...held.values()].filter((h) => h === r.identity).length);
}

/** Parents that show `expected(name)` everywhere (status, observedGeneration, both children). */
export async function converged(
  client: KubeClient,
  namespace: string,
  expected: (name: string) => number,
): Promise<number> {
  return (await convergedOf(client, namespace, expected)).parents;
}

/** Microsecond audit timestamps as fractional milliseconds since the epoch. */
const auditTime = (s: string) => Date.parse(s) + Number(/\.\d{3}(\d{3})/.exec(s)?.[1] ?? 0) / 1000;
const succeeded = (e: AuditEvent) => (e.responseStatus?.code ?? 0) < 300;

/** One successful write of a bucket Lease: the holder it wrote, the request's received and completed times. */
interface LeaseWrite {
  rv: bigint;
  recv: number;
  done: number;
  holder: string;
}

/**
 * Holder history per bucket in commit order (resourceVersion of the written Lease; completion times can come
 * out of order under load).
 */
function bucketHistory(events: readonly AuditEvent[]): Map<number, LeaseWrite[]> {
  const history = new Map<number, LeaseWrite[]>();
  for (const e of events) {
    const match = /-bucket-(\d+)$/.exec(e.objectRef?.name ?? "");
    if (e.objectRef?.resource !== "leases" || !match || !succeeded(e)) continue;
    const written = (e as AuditEvent & { responseObject?: Lease }).responseObject;
    const list = history.get(Number(match[1])) ?? [];
    list.push({
      rv: BigInt(written?.metadata.resourceVersion ?? "0"),
      recv: auditTime(e.requestReceivedTimestamp),
      done: auditTime(e.stageTimestamp),
      holder: written?.spec?.holderIdentity ?? "",
    });
    history.set(Number(match[1]), list);
  }
  for (const list of history.values()) list.sort((a, b) => (a.rv < b.rv ? -1 : a.rv > b.rv ? 1 : 0));
  return history;
}

/** A write of a parent's children (`<parent>-a`, `<parent>-b`) or status, by a replica (user agent shard/<id>). */
interface ParentWrite {
  event: AuditEvent;
  parent: string;
  replica: string;
  bucket: number;
  recv: number;
  done: number;
}

function parentWrites(
  events: readonly AuditEvent[],
  uids: Map<string, string>,
  buckets: number,
): ParentWrite[] {
  const out: ParentWrite[] = [];
  for (const e of events) {
    const ref = e.objectRef;
    if (!ref || !succeeded(e) || !["create", "update", "patch"].includes(e.verb)) continue;
    let parent: string | undefined;
    if (ref.resource === "configmaps") parent = /^(w-\d+)-[ab]$/.exec(ref.name ?? "")?.[1];
    else if (ref.resource === "widgets" && ref.subresource === "status") parent = ref.name;
    const replica = /shard\/(\S+)/.exec(e.userAgent ?? "")?.[1];
    const uid = parent === undefined ? undefined : uids.get(parent);
    if (!parent || !replica || !uid) continue;
    const bucket = bucketOf(uid, buckets);
    out.push({
      event: e,
      parent,
      replica,
      bucket,
      recv: auditTime(e.requestReceivedTimestamp),
      done: auditTime(e.stageTimestamp),
    });
  }
  return out;
}

export interface WriterReport {
  writes: number;
  writers: Set<string>;
  leaseChanges: number;
  handoverParents: number;
  violations: string[];
}

/**
 * Replays the bucket Leases' holder history from the audit log and checks each write of a parent's children or
 * status against it: the writer must hold the parent's bucket at some moment of the write's [received,
 * completed] interval, and no other holder's term may have been acknowledged before the write was even received.
 */
export function checkWriters(events: AuditEvent[], uids: Map<string, string>, buckets: number): WriterReport {
  const history = bucketHistory(events);
  let leaseChanges = 0;
  for (const list of history.values())
    for (let i = 1; i < list.length; i++) if (list[i]?.holder !== list[i - 1]?.holder) leaseChanges++;
  /**
   * A write [recv, done] by `replica` is fenced when some Lease write naming `replica` was received before the
   * write completed, and the next Lease write naming anyone else (or nobody) had not completed when the write
   * was received. Anything else is a write outside the replica's term.
   */
  const fenced = (bucket: number, replica: string, recv: number, done: number): string | undefined => {
    const list = history.get(bucket) ?? [];
    let term = -1;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i] as LeaseWrite;
      if (entry.holder === replica && entry.recv <= done) term = i;
    }
    if (term < 0) return "never held by the writer before the write";
    let start = term;
    while (start > 0 && list[start - 1]?.holder === replica) start--;
    // The term began (the acquiring write arrived) before this write arrived: syncs start only after acquiring.
    if ((list[start] as LeaseWrite).recv > recv) return "acquired only after the write began";
    const next = list.slice(term + 1).find((entry) => entry.holder !== replica);
    if (next && next.done < recv) return `held by ${next.holder || "nobody"} from before the write`;
    return undefined;
  };
  const violations: string[] = [];
  const writers = new Set<string>();
  const writersByParent = new Map<string, Set<string>>();
  const writes = parentWrites(events, uids, buckets);
  for (const w of writes) {
    writers.add(w.replica);
    const set = writersByParent.get(w.parent) ?? new Set<string>();
    set.add(w.replica);
    writersByParent.set(w.parent, set);
    const problem = fenced(w.bucket, w.replica, w.recv, w.done);
    if (problem) {
      const ref = w.event.objectRef;
      violations.push(
        `${w.event.verb} ${ref?.resource} ${ref?.name} by ${w.replica} at ${w.event.requestReceivedTimestamp}: ` +
          `bucket ${w.bucket} ${problem}`,
      );
    }
  }
  const handoverParents = [...writersByParent.values()].filter((s) => s.size > 1).length;
  return { writes: writes.length, writers, leaseChanges, handoverParents, violations };
}

/** Runs `checkWriters`, prints its figures and fails on the first violations. */
export function assertOneWriterPerTerm(
  events: AuditEvent[],
  uids: Map<string, string>,
  buckets: number,
): WriterReport {
  const report = checkWriters(events, uids, buckets);
  console.log(
    `audit: ${report.writes} parent writes by ${report.writers.size} replicas checked against ` +
      `${report.leaseChanges} bucket holder changes; ${report.handoverParents} parents written by more than one ` +
      "replica (each after a handoff)",
  );
  assert.deepEqual(report.violations.slice(0, 5), []);
  return report;
}

/** One bucket given back by a replica and taken by another, timed by the API server's audit clock. */
export interface Handoff {
  bucket: number;
  from: string;
  to: string;
  /** When the release (the Lease write with holder "") completed. */
  releasedAt: number;
  /** From the release's completion to the completion of the new holder's acquiring Lease write. */
  acquireMs: number;
  /** From the release's completion to the new holder's first completed write of one of the bucket's parents. */
  firstWriteMs: number | undefined;
  /**
   * Rounds of the new holder (renewals of its member Lease) completed between the moment the bucket was
   * there for it to take and its acquiring write: the release, or the releasing replica's leaving the ring
   * (deleting its member Lease) when that came later, since until then the others' shares do not grow.
   */
  acquirerRounds: number;
  /** Part of acquireMs spent waiting for the releasing replica to leave the ring (0 when it stayed). */
  waitedForLeaveMs: number;
}

/** Completion times of each replica's member Lease writes (one per round) and of its leaving (the delete). */
function memberActivity(events: readonly AuditEvent[]): {
  renewals: Map<string, number[]>;
  left: Map<string, number>;
} {
  const renewals = new Map<string, number[]>();
  const left = new Map<string, number>();
  for (const e of events) {
    if (e.objectRef?.resource !== "leases" || !/-member-/.test(e.objectRef.name ?? "") || !succeeded(e))
      continue;
    if (e.verb === "delete") {
      const replica = /shard\/(\S+)/.exec(e.userAgent ?? "")?.[1];
      if (replica) left.set(replica, auditTime(e.stageTimestamp));
      continue;
    }
    const holder = (e as AuditEvent & { responseObject?: Lease }).responseObject?.spec?.holderIdentity;
    if (!holder) continue;
    const list = renewals.get(holder) ?? [];
    list.push(auditTime(e.stageTimestamp));
    renewals.set(holder, list);
  }
  return { renewals, left };
}

/**
 * Orderly handoffs from the audit log: a bucket Lease written with holder "" by the replica that held it, then
 * written with a new holder. Releases nobody took (the end of a test) are left out, and so are takeovers of
 * expired Leases (no release in between: see `takeovers`).
 */
export function handoffs(events: AuditEvent[], uids: Map<string, string>, buckets: number): Handoff[] {
  const writes = parentWrites(events, uids, buckets);
  const members = memberActivity(events);
  const out: Handoff[] = [];
  for (const [bucket, list] of bucketHistory(events)) {
    for (let i = 1; i < list.length; i++) {
      const release = list[i] as LeaseWrite;
      const before = list[i - 1] as LeaseWrite;
      if (release.holder !== "" || before.holder === "") continue;
      const at = list.findIndex((entry, j) => j > i && entry.holder !== "");
      const acquire = list[at];
      if (!acquire) continue;
      // The new holder's term ends at the next Lease write naming someone else.
      const end = list.slice(at + 1).find((entry) => entry.holder !== acquire.holder)?.done ?? Infinity;
      const first = writes
        .filter(
          (w) =>
            w.bucket === bucket && w.replica === acquire.holder && w.done >= acquire.done && w.done < end,
        )
        .reduce((min, w) => Math.min(min, w.done), Infinity);
      const leftAt = members.left.get(before.holder);
      const available =
        leftAt !== undefined && leftAt > release.done && leftAt < acquire.done ? leftAt : release.done;
      out.push({
        bucket,
        from: before.holder,
        to: acquire.holder,
        releasedAt: release.done,
        acquireMs: acquire.done - release.done,
        firstWriteMs: Number.isFinite(first) ? first - release.done : undefined,
        acquirerRounds: (members.renewals.get(acquire.holder) ?? []).filter(
          (t) => t > available && t <= acquire.done,
        ).length,
        waitedForLeaveMs: available - release.done,
      });
    }
  }
  return out.sort((a, b) => a.releasedAt - b.releasedAt);
}

/** A bucket that changed holder without a release in between: taken over after its Lease expired. */
export interface Takeover {
  bucket: number;
  from: string;
  to: string;
  /** When the taking write completed (audit clock, ms since the epoch). */
  at: number;
  /** When the API server received the old holder's last write of the bucket's Lease (its last renewal). */
  lastRenewalReceived: number;
  /**
   * Rounds of the new holder (renewals of its member Lease) completed after the old holder's last renewal plus
   * `leaseMs`, up to the taking write: how many rounds it let pass once the Lease could have run out. Counted in
   * rounds, not milliseconds, so a machine that stretches every round does not change it. NaN without `leaseMs`.
   */
  roundsAfterExpiry: number;
}

/** Takeovers of expired bucket Leases; with `leaseMs`, each counts the new holder's rounds once it could take. */
export function takeovers(events: AuditEvent[], leaseMs?: number): Takeover[] {
  const renewals = leaseMs === undefined ? undefined : memberActivity(events).renewals;
  const out: Takeover[] = [];
  for (const [bucket, list] of bucketHistory(events)) {
    for (let i = 1; i < list.length; i++) {
      const [before, entry] = [list[i - 1] as LeaseWrite, list[i] as LeaseWrite];
      if (before.holder === "" || entry.holder === "" || entry.holder === before.holder) continue;
      const expiry = before.done + (leaseMs ?? 0);
      out.push({
        bucket,
        from: before.holder,
        to: entry.holder,
        at: entry.done,
        lastRenewalReceived: before.recv,
        roundsAfterExpiry: renewals
          ? (renewals.get(entry.holder) ?? []).filter((t) => t > expiry && t <= entry.done).length
          : Number.NaN,
      });
    }
  }
  return out;
}
