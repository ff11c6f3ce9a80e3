/**
 * Overload is weather, not failure (DESIGN 7, issue 12 section 3), against the real API Priority and Fairness
 * of the test kube-apiserver: a FlowSchema sends every request of the operator's user to a tiny
 * PriorityLevelConfiguration that rejects what it cannot serve, so the apiserver answers real 429s. 500 parents
 * with one ConfigMap child each still converge exactly, no parent ever shows a failure caused by a 429 and no
 * Event reports one, and the operator sends at most 1.5x the requests of the same workload unthrottled.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { K8sType, KubeObject } from "../../src/core/types.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { widgetCrd } from "../support/crds.js";
import { ConfigMap, cm, eventually, sleep, syncedOf } from "../support/operator-harness.js";
import { startScenario, type Scenario } from "../support/operator-scenario.js";
import { grantUserClusterRole, revokeUserClusterRole } from "../support/user-rbac.js";

const PARENTS = 500;
const THROTTLED_USER = "apf-operator";
const BASELINE_USER = "apf-baseline-operator";
const FLOW_SCHEMA = "tsoperator-apf-test";
const PRIORITY_LEVEL = "tsoperator-apf-test-tiny";

const clusterType = (apiVersion: string, kind: string, plural: string): K8sType => ({
  apiVersion,
  kind,
  plural,
  namespaced: false,
});
const FlowSchema = clusterType("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "flowschemas");
const PriorityLevel = clusterType(
  "flowcontrol.apiserver.k8s.io/v1",
  "PriorityLevelConfiguration",
  "prioritylevelconfigurations",
);

let env: TestEnvironment;
let admin: KubeClient;

before(async () => {
  env = await TestEnvironment.start({ crds: [widgetCrd] });
  admin = await KubeClient.fromConfig(env.clientConfig("test-admin"));
  for (const user of [THROTTLED_USER, BASELINE_USER]) await grantOperatorRole(user);
});
after(async () => {
  // Cluster-wide objects go even when the control plane is shared (USE_EXISTING_CLUSTER).
  if (admin) {
    await deleteApfObjects();
    for (const user of [THROTTLED_USER, BASELINE_USER]) await revokeUserClusterRole(admin, user);
    await admin.close();
  }
  await env?.stop();
});

/**
 * What the scenario operator needs, and no more: its parents and their status, ConfigMap children, read access to
 * the other child types the scenario declares (their informers list and watch them), and Events. An
 * impersonated user (not the admin certificate, which is in system:masters and therefore exempt from APF) is
 * what lets a FlowSchema single out the operator's requests.
 */
async function grantOperatorRole(user: string): Promise<void> {
  await grantUserClusterRole(admin, user, [
    {
      apiGroups: ["test.tsoperator.dev"],
      resources: ["widgets"],
      verbs: ["get", "list", "watch", "patch", "update"],
    },
    {
      apiGroups: ["test.tsoperator.dev"],
      resources: ["widgets/status"],
      verbs: ["get", "patch", "update"],
    },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["*"] },
    {
      apiGroups: [""],
      resources: ["secrets", "serviceaccounts", "podtemplates"],
      verbs: ["get", "list", "watch"],
    },
    { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch"] },
  ]);
}

/**
 * A priority level with the smallest share there is and nothing borrowed: with the default server limit (600
 * seats shared by the nominal shares of all levels, about 245 with the built-in ones) it gets ceil(600 x 1 /
 * 246) = 3 seats. `lendablePercent: 0` keeps others from taking them; `borrowingLimitPercent: 0` keeps it from
 * borrowing the idle seats of other levels, which would otherwise hide the overload. `Reject` answers 429 at
 * once instead of queueing.
 */
async function createApfObjects(): Promise<KubeObject> {
  await admin.resource(PriorityLevel).create({
    metadata: { name: PRIORITY_LEVEL },
    spec: {
      type: "Limited",
      limited: {
        nominalConcurrencyShares: 1,
        lendablePercent: 0,
        borrowingLimitPercent: 0,
        limitResponse: { type: "Reject" },
      },
    },
  });
  // Precedence 500: ahead of global-default (9900) and service-accounts (9000), which would otherwise match an
  // authenticated user; the exempt and system schemas match system groups this user is not in.
  return admin.resource(FlowSchema).create({
    metadata: { name: FLOW_SCHEMA },
    spec: {
      priorityLevelConfiguration: { name: PRIORITY_LEVEL },
      matchingPrecedence: 500,
      distinguisherMethod: { type: "ByUser" },
      rules: [
        {
          subjects: [{ kind: "User", user: { name: THROTTLED_USER } }],
          resourceRules: [
            { verbs: ["*"], apiGroups: ["*"], resources: ["*"], clusterScope: true, namespaces: ["*"] },
          ],
          nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
        },
      ],
    },
  });
}

async function deleteApfObjects(): Promise<void> {
  await admin
    .resource(FlowSchema)
    .delete(FLOW_SCHEMA)
    .catch(() => undefined);
  await admin
    .resource(PriorityLevel)
    .delete(PRIORITY_LEVEL)
    .catch(() => undefined);
}

/**
 * The apiserver's APF configuration is applied by a controller, a moment after the objects are created. Every
 * response names the FlowSchema that classified it (X-Kubernetes-PF-FlowSchema-UID), so ask as the user until
 * it is ours. This probe uses its own client: the operator's counters stay the operator's.
 */
async function waitUntilClassified(flowSchemaUid: string): Promise<void> {
  const probe = await KubeClient.fromConfig(
    env.clientConfig("apf-probe").with({ impersonate: THROTTLED_USER }),
  );
  try {
    await eventually("the FlowSchema classifies the operator's requests", async () => {
      const res = await probe.transport.request({ method: "GET", path: "/api" });
      await res.body.dump();
      return res.headers["x-kubernetes-pf-flowschema-uid"] === flowSchemaUid;
    });
  } finally {
    await probe.close();
  }
}

/** The seats the apiserver gave the tiny level, from its own metrics: the figure the 429s follow from. */
async function seatsOfTinyLevel(): Promise<string[]> {
  const res = await admin.transport.request({ method: "GET", path: "/metrics" });
  const text = await res.body.text();
  return text
    .split("\n")
    .filter((l) => l.includes(`priority_level="${PRIORITY_LEVEL}"`) && /_limit_seats\{/.test(l));
}

const mentions429 = (text: string) => /429|TooManyRequests|too many requests/i.test(text);

interface RunFigures {
  ms: number;
  /** Every attempt the operator's client sent, by Kubernetes verb. */
  byVerb: Record<string, number>;
  total: number;
  /** Everything but list and watch: see compare() below. */
  work: number;
  answered429: number;
  /** Attempts by HTTP code, for the figures. */
  byCode: Record<string, number>;
  childWrites: number;
  statusWrites: number;
  syncs: number;
  /**
   * Parents whose final status.childCount (the handler's view of its children) is not 1. Reported, not asserted:
   * unthrottled, the engine drops the follow-up sync after a write for some parents (see the report on issue 12),
   * which also makes the baseline's request count lower than it should be, and the 1.5x bound stricter.
   */
  staleChildCount: number;
  /** Every Synced=False seen on any parent while polling, as "name: reason: message". */
  failures: string[];
}

/** 500 parents, one ConfigMap child each, on an operator running as `user`; waits until all have converged. */
async function runWorkload(user: string, prefix: string): Promise<RunFigures> {
  const s = await startScenario(env, admin, (c) => c.withConcurrency(8), {
    prefix,
    clientConfig: env.clientConfig("apf-operator").with({ impersonate: user }),
  });
  const failures = new Set<string>();
  try {
    const started = performance.now();
    // The admin (exempt from APF) creates the parents, 25 at a time: the load under test is the operator's.
    for (let i = 0; i < PARENTS; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, PARENTS - i) }, (_, j) =>
          s.createParent(`p${i + j}`, { children: [cm(`c${i + j}`, { index: String(i + j) })] }),
        ),
      );
    }
    // Poll every parent while the operator works: a failure condition that is later repaired must still count.
    await eventually(
      `${PARENTS} parents Synced=True for their generation`,
      async () => {
        const { items } = await s.parents.list();
        let converged = 0;
        for (const p of items) {
          const synced = syncedOf(p);
          if (synced?.status === "False")
            failures.add(`${p.metadata.name}: ${synced.reason ?? ""}: ${synced.message ?? ""}`);
          const observed = (p.status as { observedGeneration?: number } | undefined)?.observedGeneration;
          if (synced?.status === "True" && observed === p.metadata.generation) converged++;
        }
        if (converged === PARENTS) return true;
        await sleep(400);
        return false;
      },
      100_000,
    );
    const ms = performance.now() - started;
    const final = await s.parents.list();
    const staleChildCount = final.items.filter(
      (p) => (p.status as { childCount?: number } | undefined)?.childCount !== 1,
    ).length;
    await assertChildrenExact(s);
    // No Warning Event either: a transient overload is not news for `kubectl describe`.
    const events = await admin.resource(k8sTypes.core.v1.Event, s.ns).list();
    const overloadEvents = events.items
      .map((e) => `${(e as { reason?: string }).reason}: ${(e as { message?: string }).message}`)
      .filter(mentions429);
    assert.deepEqual(overloadEvents, [], "no Event reports a 429");

    const byVerb = s.op.client.requestCounts();
    const total = Object.values(byVerb).reduce((a, b) => a + b, 0);
    return {
      ms,
      byVerb,
      total,
      work: total - (byVerb.list ?? 0) - (byVerb.watch ?? 0),
      answered429: await s.op.metrics.requestCount({ code: "429" }),
      byCode: await countsByCode(s),
      childWrites: s.writes.length,
      statusWrites: s.statusWrites.length,
      syncs: [...s.log.syncs.values()].reduce((n, times) => n + times.length, 0),
      staleChildCount,
      failures: [...failures],
    };
  } finally {
    await s.stop();
  }
}

async function countsByCode(s: Scenario): Promise<Record<string, number>> {
  const metric = await s.op.metrics.registry.getSingleMetric("rest_client_requests_total")?.get();
  const byCode: Record<string, number> = {};
  for (const v of metric?.values ?? []) {
    const key = `${String(v.labels.method)} ${String(v.labels.code)}`;
    byCode[key] = (byCode[key] ?? 0) + v.value;
  }
  return byCode;
}

/** Every child exists with exactly the desired data, and there is nothing else of ours. */
async function assertChildrenExact(s: Scenario): Promise<void> {
  const { items } = await admin.resource(ConfigMap, s.ns).list();
  const data = new Map(items.map((c) => [c.metadata.name, c.data as Record<string, string> | undefined]));
  for (let i = 0; i < PARENTS; i++) assert.deepEqual(data.get(`c${i}`), { index: String(i) }, `child c${i}`);
  const ours = items.filter((c) => /^c\d+$/.test(c.metadata.name ?? ""));
  assert.equal(ours.length, PARENTS);
}

describe("overload from API Priority and Fairness", () => {
  it(`${PARENTS} parents converge exactly through real 429s, with no failure shown and at most 1.5x the requests`, async () => {
    // The unthrottled run first, with no FlowSchema in place at all: its own user, namespace and operator.
    const baseline = await runWorkload(BASELINE_USER, "apf-free");
    assert.equal(baseline.answered429, 0, "the baseline is not throttled");

    const flowSchema = await createApfObjects();
    try {
      await waitUntilClassified(flowSchema.metadata.uid!);
      const throttled = await runWorkload(THROTTLED_USER, "apf-tiny");
      console.log(`overload-apf seats: ${(await seatsOfTinyLevel()).join("; ")}`);
      const summary = (r: RunFigures) => ({ ...r, ms: Math.round(r.ms), failures: r.failures.length });
      const figures = { baseline: summary(baseline), throttled: summary(throttled) };
      console.log(`overload-apf figures: ${JSON.stringify(figures)}`);

      assert.ok(throttled.answered429 > 0, "the apiserver really answered 429");
      assert.deepEqual(
        throttled.failures.filter(mentions429),
        [],
        "no parent showed a failure caused by a 429",
      );
      assert.deepEqual(throttled.failures, [], "no parent showed any failure");
      // Compared without list and watch: those are a handful per informer (a LIST, then a WATCH reconnected on a
      // timer), the same for 5 parents or 500, so they say nothing about what overload does to the work. The rest
      // (applies, status patches, Events) scale with the parents; every attempt counts, 429 answers included.
      assert.ok(
        throttled.work <= 1.5 * baseline.work,
        `throttled ${throttled.work} requests vs ${baseline.work} unthrottled (${JSON.stringify(figures)})`,
      );
    } finally {
      await deleteApfObjects();
    }
  });
});
