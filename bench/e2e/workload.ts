/**
 * The benchmark workload shared by the driver and the write floor: the BenchParent CRD, how parents are made,
 * and the ConfigMaps every contender derives from a parent (K per parent, data from the spec).
 */
import type { K8sType, KubeObject } from "../../src/core/types.js";

export const GROUP = "bench.tsoperator.dev";

export const BenchParent: K8sType = {
  apiVersion: `${GROUP}/v1`,
  kind: "BenchParent",
  plural: "benchparents",
  namespaced: true,
};

export interface BenchParentObject extends KubeObject {
  spec: { k: number; payload?: string };
  status?: { observedGeneration?: number; children?: number };
}

export const benchParentCrd: KubeObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `benchparents.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: {
      plural: "benchparents",
      singular: "benchparent",
      kind: "BenchParent",
      listKind: "BenchParentList",
    },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["k"],
                properties: { k: { type: "integer", minimum: 0 }, payload: { type: "string" } },
              },
              status: {
                type: "object",
                properties: {
                  observedGeneration: { type: "integer" },
                  children: { type: "integer" },
                  // tsoperator writes its Synced condition here (since its status says Synced=True on success).
                  conditions: {
                    type: "array",
                    items: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

export function parentName(i: number): string {
  return `p-${i}`;
}

export function childName(parent: string, i: number): string {
  return `${parent}-${i}`;
}

/** The K children of a parent, as the write floor creates them (peers build the same names and data). */
export function childrenOf(parent: BenchParentObject): KubeObject[] {
  const name = parent.metadata.name ?? "";
  const { k, payload = "" } = parent.spec;
  return Array.from({ length: k }, (_, i) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: childName(name, i),
      namespace: parent.metadata.namespace,
      labels: { [`${GROUP}/parent`]: name },
      ownerReferences: [
        {
          apiVersion: BenchParent.apiVersion,
          kind: BenchParent.kind,
          name,
          uid: parent.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    data: { index: String(i), k: String(k), payload },
  }));
}
