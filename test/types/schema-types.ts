/**
 * Type tests: compiled by `npm run typecheck` (and so by `npm test` through test/unit/schema-types.test.ts).
 * Each `@ts-expect-error` line must fail to compile; if inference regressed (an `any`, a lost optional, an
 * untyped child), the directive itself becomes the compile error. The `Equal` checks pin exact types.
 * Nothing here runs: the operator calls sit in a function that is never called.
 */
import {
  ChildConfig,
  OperatorConfig,
  k8sTypes,
  startOperator,
  type Handler,
  type HandlerFor,
  type KubeObject,
  type SyncRequest,
} from "tsoperator";
import {
  defineResource,
  s,
  type Infer,
  type InferInput,
  type ObjectOf,
  type SpecOf,
  type StatusOf,
} from "tsoperator/schema";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const equal = <A, B>(proof: Equal<A, B>): Equal<A, B> => proof;

const spec = s.object({
  message: s.string().maxLength(100),
  replicas: s.int32().min(0).default(1),
  mode: s.enum(["fast", "safe"]).optional(),
  labels: s.map(s.string()).optional(),
  port: s.intOrString().optional(),
  note: s.string().nullable().optional(),
  source: s.union({ git: s.object({ url: s.string() }), s3: s.object({ bucket: s.string() }) }).optional(),
});

// Read back: a defaulted property is always present; written: it may be left out.
equal<
  Infer<typeof spec>,
  {
    message: string;
    replicas: number;
    mode?: "fast" | "safe";
    labels?: Record<string, string>;
    port?: number | string;
    note?: string | null;
    source?: { git: { url: string }; s3?: never } | { s3: { bucket: string }; git?: never };
  }
>(true);
equal<InferInput<typeof spec>["replicas"], number | undefined>(true);

export const Echo = defineResource({
  group: "types.tsoperator.dev",
  kind: "Echo",
  plural: "echoes",
  scope: "Namespaced",
  versions: {
    v1: { spec, status: s.object({ phase: s.enum(["Ready", "Progressing"]).optional(), url: s.string().optional() }) },
  },
});

equal<SpecOf<typeof Echo>, Infer<typeof spec>>(true);
equal<StatusOf<typeof Echo>["phase"], "Ready" | "Progressing" | undefined>(true);
// The engine's fields are part of the status type, optional.
equal<StatusOf<typeof Echo>["observedGeneration"], number | undefined>(true);
equal<ObjectOf<typeof k8sTypes.apps.v1.Deployment>["kind"], string | undefined>(true);

export function typeChecks(): void {
  const config = new OperatorConfig("echo", Echo).withChild(k8sTypes.apps.v1.Deployment, ChildConfig.apply());

  const handler: HandlerFor<typeof Echo> = {
    sync(request) {
      const replicas: number = request.parent.spec.replicas;
      // @ts-expect-error a misspelt spec field
      void request.parent.spec.mesage;
      const deployment = request.children.ofType(k8sTypes.apps.v1.Deployment).first();
      const ready: number | undefined = deployment?.status?.readyReplicas;
      // @ts-expect-error a wrong child field (readyReplica)
      void deployment?.status?.readyReplica;
      void [replicas, ready];
      return { children: [], status: { phase: "Ready" } };
    },
  };
  startOperator(config, handler);

  const wrongStatus: HandlerFor<typeof Echo> = {
    sync: () => ({
      children: [],
      status: {
        // @ts-expect-error a wrong status type: phase is "Ready" | "Progressing"
        phase: 1,
      },
    }),
  };
  void wrongStatus;

  // Inline handlers: the parent is typed from the config and the status is checked. TypeScript widens string
  // literals written inside a generic call ("Ready" becomes string), so an inline handler returns a typed value
  // (or is annotated with HandlerFor, as above).
  const phaseOf = (parent: ObjectOf<typeof Echo>): "Ready" | "Progressing" =>
    parent.spec.replicas > 0 ? "Ready" : "Progressing";
  startOperator(config, (request) => ({ children: [], status: { phase: phaseOf(request.parent) } }));
  // @ts-expect-error a wrong status type in an inline handler
  startOperator(config, (request) => ({ children: [], status: { phase: request.parent.spec.replicas } }));
  // @ts-expect-error a handler written for another parent type
  startOperator(config, (request: SyncRequest<KubeObject<{ other: string }>>) => ({
    children: [],
    status: { phase: request.parent.spec?.other },
  }));

  // A child literal is checked against the built-in kind's type.
  const child: ObjectOf<typeof k8sTypes.apps.v1.Deployment> = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "x" },
    spec: {
      selector: { matchLabels: { app: "x" } },
      template: { spec: { containers: [{ name: "x", image: "nginx" }] } },
      // @ts-expect-error a wrong child field (replica instead of replicas)
      replica: 2,
    },
  };
  void child;

  // Untyped use keeps working: a hand-written K8sType and a handler typed by hand.
  type Widget = KubeObject<{ size: number }, { ready: boolean }>;
  const widgetType = { apiVersion: "example.com/v1", kind: "Widget", plural: "widgets" };
  const widgets: Handler<Widget, { ready: boolean }> = {
    sync: () => ({ children: [], status: { ready: true } }),
  };
  startOperator(new OperatorConfig("widgets", widgetType), widgets);
  startOperator(new OperatorConfig("widgets", widgetType), (request) => ({
    children: request.children.ofType<Widget>(widgetType).toArray(),
    status: { anything: "goes" },
  }));
}
