import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { K8sType, KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import type { SyncResponse } from "../../src/operator/api/handler.js";
import { HandlerOutputError, prepareDesiredChildren } from "../../src/operator/engine/desired-state.js";

const Parent: K8sType = { apiVersion: "example.com/v1", kind: "Widget", plural: "widgets", namespaced: true };
const parent: KubeObject = {
  apiVersion: Parent.apiVersion,
  kind: Parent.kind,
  metadata: { name: "w", namespace: "ns", uid: "parent-uid", generation: 1 },
};
const config = new OperatorConfig("test-operator", Parent).withChild(
  k8sTypes.core.v1.ConfigMap,
  ChildConfig.apply(),
);
const prepare = (response: SyncResponse) =>
  prepareDesiredChildren(response, { config, parent, parentNamespaced: true, isNamespaced: () => true });
const cm = (name: string, data: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data,
});

function problemsOf(response: SyncResponse) {
  try {
    prepare(response);
  } catch (error) {
    if (error instanceof HandlerOutputError) return error.problems;
    throw error;
  }
  assert.fail("the answer was accepted");
}

describe("the desired children are what the server will receive", () => {
  it("hashes a Date as the string that is sent: a changed date is a changed child", () => {
    const at = (iso: string) => prepare({ children: [cm("c", { since: new Date(iso) })], status: null })[0]!;
    const first = at("2026-01-02T03:04:05.000Z");
    assert.equal((first.object.data as Record<string, unknown>).since, "2026-01-02T03:04:05.000Z");
    assert.notEqual(first.hash, at("2026-02-02T03:04:05.000Z").hash);
  });

  it("never shares or edits the handler's objects", () => {
    const labels = { app: "web" };
    const child: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", labels },
      data: {},
    };
    const [prepared] = prepare({ children: [child], status: null });
    assert.notEqual(prepared!.object.metadata.labels, labels);
    assert.deepEqual(labels, { app: "web" });
    assert.deepEqual(Object.keys(child.metadata), ["name", "labels"]);
  });

  it("refuses values JSON would change or drop (not-json), in a child and in the status, naming where", () => {
    const problems = problemsOf({
      children: [cm("nan", { n: Number.NaN }), cm("map", { m: new Map() }), cm("fine", { a: "1" })],
      status: { ready: 1n },
    });
    assert.deepEqual(
      problems.map((p) => [p.child, p.rule, p.message]),
      [
        ["response", "not-json", "status.ready is a BigInt, which JSON cannot carry"],
        ["ConfigMap nan", "not-json", "data.n is NaN, which JSON cannot carry"],
        ["ConfigMap map", "not-json", "data.m is a Map, which JSON cannot carry"],
      ],
    );
  });
});
