/**
 * The EchoServer custom resource, defined once: its TypeScript types, the K8sType the operator watches and the
 * CRD (`npx tsoperator crd examples/echo-server/src/resource.ts`, or `EchoServerType.crd()`) all come from here.
 */
import {
  defineResource,
  s,
  type InferInput,
  type ObjectOf,
  type SpecOf,
  type StatusOf,
} from "tsoperator/schema";

export const DEFAULT_IMAGE = "hashicorp/http-echo:1.0";

const spec = s.object({
  message: s.string().maxLength(1024).describe("What the server answers to every request."),
  replicas: s.int32().min(0).default(1).describe("How many echo server pods run."),
  image: s.string().default(DEFAULT_IMAGE).describe("The echo server's container image."),
});

export const EchoServerType = defineResource({
  group: "examples.tsoperator.dev",
  kind: "EchoServer",
  plural: "echoservers",
  scope: "Namespaced",
  shortNames: ["echo"],
  versions: {
    v1: {
      spec,
      status: s.object({
        phase: s
          .enum(["Ready", "Progressing"])
          .describe('"Ready" when every desired replica is ready.')
          .optional(),
        replicas: s.int32().optional(),
        readyReplicas: s.int32().optional(),
        availableReplicas: s.int32().optional(),
        updatedReplicas: s.int32().optional(),
        unavailableReplicas: s.int32().optional(),
        url: s.string().describe("In-cluster address of the Service.").optional(),
      }),
      printerColumns: [
        { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
        { name: "Ready", type: "integer", jsonPath: ".status.readyReplicas" },
        { name: "Phase", type: "string", jsonPath: ".status.phase" },
      ],
    },
  },
});

export type EchoServer = ObjectOf<typeof EchoServerType>;
export type EchoServerSpec = SpecOf<typeof EchoServerType>;
export type EchoServerStatus = StatusOf<typeof EchoServerType>;
/** The spec as written by users: defaulted fields (replicas, image) may be left out. */
export type EchoServerSpecInput = InferInput<typeof spec>;
