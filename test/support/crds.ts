/**
 * CRDs used by the tests: a builder, a namespaced parent (`Widget`) and a cluster-scoped one (`ClusterWidget`),
 * all with a status subresource and a free-form spec and status.
 */
import type { K8sType, KubeObject } from "../../src/core/types.js";

/** A CRD with a status subresource whose spec and status take any fields. */
export function testCrd(
  kind: string,
  plural: string,
  scope: "Namespaced" | "Cluster" = "Namespaced",
  group = "test.tsoperator.dev",
): KubeObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { plural, singular: kind.toLowerCase(), kind },
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
                spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
              },
            },
          },
        },
      ],
    },
  };
}

export const widgetCrd = testCrd("Widget", "widgets", "Namespaced");
export const clusterWidgetCrd = testCrd("ClusterWidget", "clusterwidgets", "Cluster");

export const Widget: K8sType = { apiVersion: "test.tsoperator.dev/v1", kind: "Widget", plural: "widgets" };
export const ClusterWidget: K8sType = {
  apiVersion: "test.tsoperator.dev/v1",
  kind: "ClusterWidget",
  plural: "clusterwidgets",
};

export interface WidgetSpec {
  replicas?: number;
  data?: Record<string, string>;
  labels?: Record<string, string>;
  fail?: string;
}
export type WidgetObject = KubeObject<WidgetSpec, Record<string, unknown>>;
