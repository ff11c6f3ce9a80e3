import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { K8sType, KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { ChildWriteMemory, syncChildren, type ChildSyncDeps } from "../../src/operator/engine/child-sync.js";
import { prepareDesiredChildren } from "../../src/operator/engine/desired-state.js";
import { FakeWriteApi, apiError } from "../support/fake-write-api.js";
import { SHARD_BUCKET_LABEL, bucketOf } from "../../src/core/shard-hash.js";

const Parent: K8sType = { apiVersion: "example.com/v1", kind: "Widget", plural: "widgets", namespaced: true };
const ConfigMap = k8sTypes.core.v1.ConfigMap;
const PARENT_UID = "parent-uid";
const parent: KubeObject = {
  apiVersion: Parent.apiVersion,
  kind: Parent.kind,
  metadata: { name: "w", namespace: "ns", uid: PARENT_UID, generation: 1 },
};

function configWith(child: ChildConfig): OperatorConfig {
  return new OperatorConfig("test-operator", Parent).withChild(ConfigMap, child);
}

function desired(config: OperatorConfig, ...children: KubeObject[]) {
  return prepareDesiredChildren(
    { children, status: null },
    { config, parent, parentNamespaced: true, isNamespaced: () => true },
  );
}

const cm = (name: string, data: Record<string, string> = { a: "1" }): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data,
});

function deps(config: OperatorConfig, fake: FakeWriteApi): ChildSyncDeps & { recorded: KubeObject[] } {
  const recorded: KubeObject[] = [];
  return {
    config,
    parentUid: PARENT_UID,
    api: (type) => fake.api(type),
    recordWrite: (_type, obj) => recorded.push(obj) > 0,
    onWrite: () => {},
    signal: new AbortController().signal,
    recorded,
  };
}

/** One sync of `children` with nothing cached (every child is first POSTed). */
const syncUncached = (config: OperatorConfig, fake: FakeWriteApi, ...children: KubeObject[]) =>
  syncChildren(desired(config, ...children), new Map(), new ChildWriteMemory(), deps(config, fake));

const ours = {
  apiVersion: Parent.apiVersion,
  kind: Parent.kind,
  name: "w",
  uid: PARENT_UID,
  controller: true,
};
const theirs = {
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  name: "other",
  uid: "other-uid",
  controller: true,
};

describe("child sync never touches what is not ours", () => {
  it("leaves an existing object controlled by another owner alone and reports a conflict", async () => {
    const config = configWith(ChildConfig.apply().adoptOrphans());
    const fake = new FakeWriteApi();
    fake.put({
      ...cm("web", { keep: "me" }),
      metadata: { name: "web", namespace: "ns", ownerReferences: [theirs] },
    });
    const result = await syncChildren(
      desired(config, cm("web")),
      new Map(),
      new ChildWriteMemory(),
      deps(config, fake),
    );
    assert.deepEqual(
      fake.requests.map((r) => r.verb),
      ["create", "get"],
    );
    assert.equal(result.conflicts.length, 1);
    assert.match(
      result.conflicts[0]!.message,
      /ConfigMap.v1 ns\/web exists and is controlled by ReplicaSet other/,
    );
    assert.deepEqual(fake.objects.get("ns/web")?.data, { keep: "me" });
  });

  it("does not adopt an object with no controller unless the child type opted in", async () => {
    const config = configWith(ChildConfig.apply());
    const fake = new FakeWriteApi();
    fake.put({ ...cm("web", { keep: "me" }), metadata: { name: "web", namespace: "ns" } });
    const result = await syncChildren(
      desired(config, cm("web")),
      new Map(),
      new ChildWriteMemory(),
      deps(config, fake),
    );
    assert.equal(fake.writes().length, 1, "only the refused create");
    assert.match(result.conflicts[0]!.message, /exists and is not owned by this Widget/);
    assert.deepEqual(fake.objects.get("ns/web")?.data, { keep: "me" });
  });

  it("adopts an orphan when opted in, keeping the other (non-controller) owner references", async () => {
    const config = configWith(ChildConfig.apply().adoptOrphans());
    const fake = new FakeWriteApi();
    const other = { apiVersion: "v1", kind: "Secret", name: "s", uid: "secret-uid" };
    fake.put({
      ...cm("web", { old: "x" }),
      metadata: { name: "web", namespace: "ns", ownerReferences: [other] },
    });
    const result = await syncChildren(
      desired(config, cm("web")),
      new Map(),
      new ChildWriteMemory(),
      deps(config, fake),
    );
    assert.deepEqual(result.conflicts, []);
    const patch = fake.requests.find((r) => r.verb === "patch");
    assert.equal(patch?.patchType, "json");
    const ops = patch?.body as Array<{ op: string; path: string }>;
    assert.deepEqual(ops[0], { op: "test", path: "/metadata/resourceVersion", value: "101" });
    assert.ok(ops.some((o) => o.op === "add" && o.path === "/metadata/ownerReferences/-"));
    const stored = fake.objects.get("ns/web")!;
    assert.deepEqual(
      stored.metadata.ownerReferences?.map((r) => r.uid),
      ["secret-uid", PARENT_UID],
    );
    assert.deepEqual(stored.data, { a: "1" }, "brought to the desired state after adoption");
  });

  it("never deletes a cached object that carries our labels but not our controller reference", async () => {
    const config = configWith(ChildConfig.apply());
    const fake = new FakeWriteApi();
    const impostor = fake.put({
      ...cm("copied"),
      metadata: { name: "copied", namespace: "ns", labels: { "tsoperator.dev/parent-uid": PARENT_UID } },
    });
    const result = await syncChildren(
      [],
      new Map([[ConfigMap, [impostor]]]),
      new ChildWriteMemory(),
      deps(config, fake),
    );
    assert.equal(fake.requests.length, 0);
    assert.equal(result.writes, 0);
  });

  it("counts a delete answered 404 as no write (nothing changed, no requeue)", async () => {
    const config = configWith(ChildConfig.apply());
    const fake = new FakeWriteApi();
    const gone: KubeObject = {
      ...cm("gone"),
      metadata: { name: "gone", namespace: "ns", uid: "u1", ownerReferences: [ours] },
    };
    const result = await syncChildren(
      [],
      new Map([[ConfigMap, [gone]]]),
      new ChildWriteMemory(),
      deps(config, fake),
    );
    assert.deepEqual(
      fake.requests.map((r) => r.verb),
      ["delete"],
    );
    assert.equal(result.writes, 0);
  });

  it("re-applies a child whose hash matches but whose field another manager took", async () => {
    const config = configWith(ChildConfig.apply());
    const fake = new FakeWriteApi();
    const [child] = desired(config, cm("web"));
    const live = fake.put({ ...child!.object, metadata: { ...child!.object.metadata } });
    const withOurs = fake.put({ ...live, metadata: { ...live.metadata, managedFields: undefined } });
    // Our entry owns everything but data.a (another manager changed it).
    const { fieldSetOf } = await import("../support/fake-write-api.js");
    const fields = fieldSetOf({
      metadata: {
        labels: child!.object.metadata.labels,
        annotations: child!.object.metadata.annotations,
        ownerReferences: child!.object.metadata.ownerReferences,
      },
    });
    const drifted: KubeObject = {
      ...withOurs,
      metadata: {
        ...withOurs.metadata,
        managedFields: [
          { manager: "test-operator", operation: "Apply", fieldsType: "FieldsV1", fieldsV1: fields },
        ],
      },
    };
    const d = deps(config, fake);
    await syncChildren([child!], new Map([[ConfigMap, [drifted]]]), new ChildWriteMemory(), d);
    assert.deepEqual(
      fake.requests.map((r) => r.verb),
      ["apply"],
    );
    // ...and with every field still ours, the same child costs no request.
    fake.requests.length = 0;
    const allOurs: KubeObject = {
      ...drifted,
      metadata: {
        ...drifted.metadata,
        managedFields: [
          {
            manager: "test-operator",
            operation: "Apply",
            fieldsType: "FieldsV1",
            fieldsV1: { ...fields, "f:data": { "f:a": {} } },
          },
        ],
      },
    };
    await syncChildren([child!], new Map([[ConfigMap, [allOurs]]]), new ChildWriteMemory(), d);
    assert.equal(fake.requests.length, 0);
  });

  it("surfaces a rejected create as the API error (not a conflict)", async () => {
    const config = configWith(ChildConfig.apply());
    const fake = new FakeWriteApi();
    fake.failures.set("create", [apiError(422, "Invalid", 'ConfigMap "web" is invalid: data[bad key!]')]);
    await assert.rejects(
      syncChildren(desired(config, cm("web")), new Map(), new ChildWriteMemory(), deps(config, fake)),
      /is invalid/,
    );
  });
});

describe("a child created with a POST is then applied with its fields claimed", () => {
  /** Creates `web` through the engine (a POST), then syncs a changed desired state against what it stored. */
  async function createThenChange(fake: FakeWriteApi, between?: () => void) {
    const config = configWith(ChildConfig.apply());
    const d = deps(config, fake);
    await syncChildren(desired(config, cm("web", { a: "1", b: "2" })), new Map(), new ChildWriteMemory(), d);
    between?.();
    const stored = fake.objects.get("ns/web")!;
    fake.requests.length = 0;
    await syncChildren(
      desired(config, cm("web", { a: "1" })),
      new Map([[ConfigMap, [stored]]]),
      new ChildWriteMemory(),
      d,
    );
    return fake.requests.map((r) => r.verb);
  }

  it("turns our POST's Update entry into our Apply entry before the first apply (so it can remove fields)", async () => {
    const fake = new FakeWriteApi();
    assert.deepEqual(await createThenChange(fake), ["patch", "apply"]);
    const claim = fake.requests[0]!.body as Array<{ op: string; path: string; value: unknown }>;
    assert.deepEqual(claim.at(-1), {
      op: "replace",
      path: "/metadata/managedFields/0/operation",
      value: "Apply",
    });
  });

  it("finds our entry on the object when another manager's entry comes first", async () => {
    const fake = new FakeWriteApi();
    const verbs = await createThenChange(fake, () => {
      const obj = fake.objects.get("ns/web")!;
      obj.metadata.managedFields = [
        { manager: "intruder", operation: "Update", fieldsType: "FieldsV1", fieldsV1: { "f:data": {} } },
        ...(obj.metadata.managedFields ?? []),
      ];
    });
    assert.deepEqual(verbs, ["patch", "get", "patch", "apply"]);
    const claim = fake.requests[2]!.body as Array<{ op: string; path: string; value: unknown }>;
    assert.equal(claim.at(-1)?.path, "/metadata/managedFields/1/operation");
  });

  it("claims nothing once our Apply entry exists", async () => {
    const fake = new FakeWriteApi();
    await createThenChange(fake);
    const stored = fake.objects.get("ns/web")!;
    fake.requests.length = 0;
    const config = configWith(ChildConfig.apply());
    await syncChildren(
      desired(config, cm("web", { a: "2" })),
      new Map([[ConfigMap, [stored]]]),
      new ChildWriteMemory(),
      deps(config, fake),
    );
    assert.deepEqual(
      fake.requests.map((r) => r.verb),
      ["apply"],
    );
  });
});

describe("sharded children carry their parent's bucket", () => {
  const sharded = () => configWith(ChildConfig.apply()).withSharding({ buckets: 8 });

  it("labels every child with the parent's bucket (the child cache's label selector)", () => {
    const [child] = desired(sharded(), cm("web"));
    assert.equal(child?.object.metadata.labels?.[SHARD_BUCKET_LABEL], String(bucketOf(PARENT_UID, 8)));
    const [plain] = desired(configWith(ChildConfig.apply()), cm("web"));
    assert.equal(plain?.object.metadata.labels?.[SHARD_BUCKET_LABEL], undefined);
  });

  it("takes over a child made before sharding (ours, unlabelled, so not in the sharded cache) in place", async () => {
    const config = sharded();
    const fake = new FakeWriteApi();
    fake.put({
      ...cm("web", { a: "0" }),
      metadata: { name: "web", namespace: "ns", uid: "old-uid", ownerReferences: [ours] },
    });
    const result = await syncUncached(config, fake, cm("web"));
    // The create is refused (409), the object is read, labelled, then applied: never deleted or recreated.
    assert.deepEqual(
      fake.requests.map((r) => r.verb),
      ["create", "get", "patch", "apply"],
    );
    assert.equal(result.conflicts.length, 0);
    const now = fake.objects.get("ns/web");
    assert.equal(now?.metadata.uid, "old-uid");
    assert.equal(now?.metadata.labels?.[SHARD_BUCKET_LABEL], String(bucketOf(PARENT_UID, 8)));
    assert.deepEqual(now?.data, { a: "1" });
  });

  it("switching sharding on is not a change of the child: a recreate child only gets the label", async () => {
    const [before] = desired(configWith(ChildConfig.recreate()), cm("job"));
    const config = configWith(ChildConfig.recreate()).withSharding({ buckets: 8 });
    const [after] = desired(config, cm("job"));
    assert.equal(after?.hash, before?.hash, "the bucket label is not in the desired hash");
    const fake = new FakeWriteApi();
    fake.put({ ...before!.object, metadata: { ...before!.object.metadata, uid: "old-uid" } });
    const cached = fake.objects.get("ns/job")!;
    const result = await syncChildren(
      [after!],
      new Map([[ConfigMap, [cached]]]),
      new ChildWriteMemory(),
      deps(config, fake),
    );
    assert.deepEqual(
      fake.requests.map((r) => r.verb),
      ["patch"],
    );
    assert.equal(result.waiting, false);
    assert.equal(fake.objects.get("ns/job")?.metadata.uid, "old-uid");
    assert.equal(
      fake.objects.get("ns/job")?.metadata.labels?.[SHARD_BUCKET_LABEL],
      String(bucketOf(PARENT_UID, 8)),
    );
  });
});
