/**
 * The TempNamespace custom resource, defined once: its TypeScript types, the K8sType the operator watches and the
 * CRD (`npx tsoperator crd examples/temp-namespace/src/resource.ts`, or `TempNamespaceType.crd()`).
 */
import { defineResource, s, type ObjectOf, type SpecOf, type StatusOf } from "tsoperator/schema";

export const TempNamespaceType = defineResource({
  group: "examples.tsoperator.dev",
  kind: "TempNamespace",
  plural: "tempnamespaces",
  scope: "Cluster",
  shortNames: ["tempns"],
  // The Namespace gets the same name, so the parent's name must be a valid namespace name.
  name: s.string().maxLength(63).pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
  versions: {
    v1: {
      spec: s.object({
        ttlSeconds: s
          .int64()
          .min(1)
          .describe("Seconds after the TempNamespace's creation at which its Namespace is deleted."),
        owner: s
          .string()
          .maxLength(253)
          .describe("Free text recorded in the Namespace's ConfigMap (who asked for it).")
          .optional(),
      }),
      status: s.object({
        phase: s.enum(["Active", "Expired", "Deleting"]).optional(),
        namespace: s.string().optional(),
        expiresAt: s.dateTime().describe("creationTimestamp + ttlSeconds (RFC 3339).").optional(),
        message: s.string().optional(),
      }),
      printerColumns: [
        { name: "TTL", type: "integer", jsonPath: ".spec.ttlSeconds" },
        { name: "Expires", type: "string", jsonPath: ".status.expiresAt" },
        { name: "Phase", type: "string", jsonPath: ".status.phase" },
      ],
    },
  },
});

export type TempNamespace = ObjectOf<typeof TempNamespaceType>;
export type TempNamespaceSpec = SpecOf<typeof TempNamespaceType>;
export type TempNamespaceStatus = StatusOf<typeof TempNamespaceType>;
