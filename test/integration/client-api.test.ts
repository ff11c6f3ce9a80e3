/**
 * KubeClient's dynamic API against a real kube-apiserver: CRUD on built-in and custom types, pagination,
 * selectors, every patch type, server-side apply (field ownership, conflicts, force, removal of dropped fields),
 * delete with preconditions and propagation, the status subresource and discovery.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiError, hasCode, isConflict, isNotFound } from "../../src/core/errors.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { KubeClient } from "../../src/client/kube-client.js";
import type { ResourceApi } from "../../src/client/resource-api.js";
import { TestEnvironment } from "../../src/testing/test-environment.js";
import { testCrd } from "../support/crds.js";

const widgetCrd = testCrd("Widget", "widgets", "Namespaced", "client-test.example.com");
/** No `namespaced`: learned through discovery. */
const Widget = { apiVersion: "client-test.example.com/v1", kind: "Widget", plural: "widgets" };
type WidgetObj = KubeObject<{ size?: number; color?: string }, { phase?: string; ready?: boolean }>;
type ConfigMap = KubeObject & { data?: Record<string, string> };

let env: TestEnvironment;
let client: KubeClient;
let ns: string;

before(async () => {
  env = await TestEnvironment.start({ crds: [widgetCrd] });
  client = await KubeClient.fromConfig(env.clientConfig("client-api-test"));
  ns = `client-api-${Date.now()}`;
  await client.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
});
after(async () => {
  await client?.close();
  await env?.stop();
});

function cmApi(): ResourceApi<ConfigMap> {
  return client.resource<ConfigMap>(k8sTypes.core.v1.ConfigMap, ns);
}

describe("ConfigMap CRUD", () => {
  it("creates, gets, replaces and deletes", async () => {
    const cms = cmApi();
    const created = await cms.create({ metadata: { name: "crud" }, data: { a: "1" } });
    assert.ok(created.metadata.uid);
    const got = await cms.get("crud");
    assert.deepEqual(got.data, { a: "1" });
    const replaced = await cms.replace({ ...got, data: { a: "2" } });
    assert.deepEqual(replaced.data, { a: "2" });
    // stale resourceVersion: optimistic concurrency
    await assert.rejects(cms.replace({ ...got, data: { a: "3" } }), (e: unknown) => isConflict(e));
    await cms.delete("crud");
    assert.equal(await cms.getOrUndefined("crud"), undefined);
    await assert.rejects(cms.get("crud"), (e: unknown) => isNotFound(e) && e.status.reason === "NotFound");
  });

  it("reports AlreadyExists with the server's Status", async () => {
    const cms = cmApi();
    await cms.create({ metadata: { name: "dup" } });
    await assert.rejects(cms.create({ metadata: { name: "dup" } }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.statusCode, 409);
      assert.equal(e.reason, "AlreadyExists");
      return true;
    });
  });

  it("does not persist a dry-run create", async () => {
    const cms = cmApi();
    const out = await cms.create({ metadata: { name: "dry" } }, { dryRun: true });
    assert.equal(out.metadata.name, "dry");
    assert.equal(await cms.getOrUndefined("dry"), undefined);
  });
});

describe("list", () => {
  before(async () => {
    const cms = cmApi();
    for (let i = 0; i < 7; i++) {
      await cms.create({
        metadata: { name: `page-${i}`, labels: { suite: "paging", parity: i % 2 ? "odd" : "even" } },
      });
    }
  });

  it("paginates with limit and continue", async () => {
    const cms = cmApi();
    const first = await cms.list({ labelSelector: "suite=paging", limit: 3 });
    assert.equal(first.items.length, 3);
    assert.ok(first.metadata.continue);
    const pages: number[] = [];
    const names: string[] = [];
    for await (const page of cms.listPages({ labelSelector: "suite=paging", limit: 3 })) {
      pages.push(page.items.length);
      names.push(...page.items.map((i) => i.metadata.name!));
    }
    assert.deepEqual(pages, [3, 3, 1]);
    assert.equal(new Set(names).size, 7);
  });

  it("filters with label and field selectors, across namespaces too", async () => {
    const cms = cmApi();
    assert.equal((await cms.list({ labelSelector: "suite=paging,parity=odd" })).items.length, 3);
    assert.equal((await cms.list({ labelSelector: "suite=paging,parity notin (odd)" })).items.length, 4);
    const one = await cms.list({ fieldSelector: "metadata.name=page-4" });
    assert.deepEqual(
      one.items.map((i) => i.metadata.name),
      ["page-4"],
    );
    const all = await client
      .resource<ConfigMap>(k8sTypes.core.v1.ConfigMap)
      .list({ labelSelector: "suite=paging" });
    assert.equal(all.items.length, 7);
    assert.ok(all.items.every((i) => i.metadata.namespace === ns));
  });
});

describe("patch", () => {
  it("applies merge, JSON and strategic-merge patches", async () => {
    const cms = cmApi();
    await cms.create({ metadata: { name: "patchme" }, data: { a: "1", b: "2" } });
    let out = await cms.patch("patchme", "merge", { data: { a: "10", b: null } });
    assert.deepEqual(out.data, { a: "10" });
    out = await cms.patch("patchme", "json", [
      { op: "add", path: "/data/c", value: "3" },
      { op: "remove", path: "/data/a" },
    ]);
    assert.deepEqual(out.data, { c: "3" });
    out = await cms.patch({ namespace: ns, name: "patchme" }, "strategic", {
      metadata: { labels: { x: "y" } },
    });
    assert.deepEqual(out.metadata.labels, { x: "y" });
  });

  it("reports a failed JSON patch test as an ApiError", async () => {
    const cms = cmApi();
    await cms.create({ metadata: { name: "jsontest" }, data: { a: "1" } });
    await assert.rejects(
      cms.patch("jsontest", "json", [{ op: "test", path: "/data/a", value: "2" }]),
      (e: unknown) => e instanceof ApiError && e.statusCode === 422,
    );
  });

  it("rejects strategic merge on a custom resource with the server's 415", async () => {
    const widgets = client.resource<WidgetObj>(Widget, ns);
    await widgets.create({
      apiVersion: Widget.apiVersion,
      kind: "Widget",
      metadata: { name: "smp" },
      spec: { size: 1 },
    });
    await assert.rejects(
      widgets.patch("smp", "strategic", { spec: { size: 2 } }),
      (e: unknown) => e instanceof ApiError && e.statusCode === 415,
    );
    const merged = await widgets.patch("smp", "merge", { spec: { size: 2 } });
    assert.equal(merged.spec?.size, 2);
  });
});

describe("server-side apply", () => {
  it("creates, owns fields, removes dropped fields, and keeps other managers' fields", async () => {
    const cms = cmApi();
    await cms.apply(
      { metadata: { name: "ssa" }, data: { mine: "1", dropme: "x" } },
      { fieldManager: "op-a" },
    );
    await cms.apply({ metadata: { name: "ssa" }, data: { theirs: "t" } }, { fieldManager: "op-b" });
    const out = await cms.apply({ metadata: { name: "ssa" }, data: { mine: "2" } }, { fieldManager: "op-a" });
    assert.deepEqual(out.data, { mine: "2", theirs: "t" });
    const managers = out.metadata.managedFields?.map((m) => m.manager).sort();
    assert.deepEqual(managers, ["op-a", "op-b"]);
  });

  it("conflicts (409) on a field owned by another manager unless forced", async () => {
    const cms = cmApi();
    await cms.apply({ metadata: { name: "ssa-conflict" }, data: { k: "a" } }, { fieldManager: "owner" });
    await assert.rejects(
      cms.apply({ metadata: { name: "ssa-conflict" }, data: { k: "b" } }, { fieldManager: "intruder" }),
      (e: unknown) => {
        assert.ok(isConflict(e));
        assert.match(e.message, /conflict/i);
        return true;
      },
    );
    const forced = await cms.apply(
      { metadata: { name: "ssa-conflict" }, data: { k: "b" } },
      { fieldManager: "intruder", force: true },
    );
    assert.equal(forced.data?.k, "b");
    assert.deepEqual(
      forced.metadata.managedFields?.map((m) => m.manager),
      ["intruder"],
    );
  });
});

describe("delete", () => {
  it("honours preconditions", async () => {
    const cms = cmApi();
    const cm = await cms.create({ metadata: { name: "precond" } });
    await assert.rejects(
      cms.delete("precond", { preconditions: { uid: "00000000-0000-0000-0000-000000000000" } }),
      (e: unknown) => isConflict(e),
    );
    await assert.rejects(cms.delete("precond", { preconditions: { resourceVersion: "1" } }), (e: unknown) =>
      isConflict(e),
    );
    await cms.delete("precond", {
      preconditions: { uid: cm.metadata.uid!, resourceVersion: cm.metadata.resourceVersion! },
    });
    assert.equal(await cms.getOrUndefined("precond"), undefined);
  });

  it("propagates: Foreground waits for dependents, Orphan keeps them", async () => {
    const cms = cmApi();
    const parent = await cms.create({ metadata: { name: "parent-fg" } });
    const owner = {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "parent-fg",
      uid: parent.metadata.uid!,
      blockOwnerDeletion: true,
    };
    await cms.create({ metadata: { name: "child-fg", ownerReferences: [owner] } });
    const answer = (await cms.delete("parent-fg", { propagationPolicy: "Foreground" })) as ConfigMap;
    assert.ok(answer.metadata.deletionTimestamp, "foreground deletion returns the object being deleted");
    assert.ok(answer.metadata.finalizers?.includes("foregroundDeletion"));
    await eventually(
      async () =>
        (await cms.getOrUndefined("child-fg")) === undefined &&
        (await cms.getOrUndefined("parent-fg")) === undefined,
    );

    const p2 = await cms.create({ metadata: { name: "parent-orphan" } });
    await cms.create({
      metadata: {
        name: "child-orphan",
        ownerReferences: [{ ...owner, name: "parent-orphan", uid: p2.metadata.uid! }],
      },
    });
    await cms.delete("parent-orphan", { propagationPolicy: "Orphan", gracePeriodSeconds: 0 });
    await eventually(async () => (await cms.getOrUndefined("parent-orphan")) === undefined);
    const child = await cms.get("child-orphan");
    assert.equal(child.metadata.ownerReferences ?? undefined, undefined);
  });
});

describe("custom resources and the status subresource", () => {
  it("learns the scope of a CRD through discovery and does CRUD", async () => {
    const widgets = client.resource<WidgetObj>(Widget, ns);
    const w = await widgets.create({
      apiVersion: Widget.apiVersion,
      kind: "Widget",
      metadata: { name: "w1" },
      spec: { size: 3 },
    });
    assert.equal(w.metadata.namespace, ns);
    assert.equal((await widgets.get("w1")).spec?.size, 3);
    assert.equal((await widgets.list()).items.length >= 1, true);
    await widgets.delete("w1");
    assert.equal(await widgets.getOrUndefined("w1"), undefined);
  });

  it("writes status only through the status subresource", async () => {
    const widgets = client.resource<WidgetObj>(Widget, ns);
    const w = await widgets.create({
      apiVersion: Widget.apiVersion,
      kind: "Widget",
      metadata: { name: "st" },
      spec: { size: 1 },
      status: { phase: "ignored" },
    });
    assert.equal(w.status, undefined, "status on create is ignored");

    const afterStatus = await widgets.replaceStatus({ ...w, spec: { size: 99 }, status: { phase: "Ready" } });
    assert.equal(afterStatus.status?.phase, "Ready");
    assert.equal(afterStatus.spec?.size, 1, "spec changes through /status are ignored");
    assert.equal(
      afterStatus.metadata.generation,
      w.metadata.generation,
      "a status write does not bump generation",
    );

    const patched = await widgets.patchStatus("st", "merge", { status: { ready: true } });
    assert.deepEqual(patched.status, { phase: "Ready", ready: true });

    const applied = await widgets.applyStatus(
      {
        apiVersion: Widget.apiVersion,
        kind: "Widget",
        metadata: { name: "st" },
        status: { phase: "Applied" },
      },
      { fieldManager: "status-writer", force: true },
    );
    assert.equal(applied.status?.phase, "Applied");

    const ignored = await widgets.replace({ ...applied, status: { phase: "via-main" } });
    assert.equal(ignored.status?.phase, "Applied", "status changes through the main resource are ignored");
  });

  it("rejects an unknown type with TSOP_UNKNOWN_TYPE naming the known ones", async () => {
    await assert.rejects(client.resource({ ...Widget, plural: "gadgets" }, ns).list(), (e: unknown) => {
      assert.ok(hasCode(e, "TSOP_UNKNOWN_TYPE"));
      assert.match(
        (e as Error).message,
        /no resource 'gadgets' in client-test.example.com\/v1; known: widgets/,
      );
      return true;
    });
    await assert.rejects(
      client.resource({ apiVersion: "nope.example.com/v1", kind: "Nope", plural: "nopes" }).list(),
      (e: unknown) => hasCode(e, "TSOP_UNKNOWN_TYPE"),
    );
  });

  it("counts requests by verb", () => {
    const counts = client.requestCounts();
    assert.ok((counts.create ?? 0) > 0 && (counts.get ?? 0) > 0 && (counts.patch ?? 0) > 0);
    assert.ok(client.writeCount() > 0);
  });
});

async function eventually(cond: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail("condition not met in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}
