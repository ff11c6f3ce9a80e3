/**
 * The echo-server example operator: for every EchoServer it runs a Deployment of a tiny HTTP echo server
 * (server-side apply) and a Service in front of it (replace), and mirrors the Deployment's status into the
 * EchoServer's status. Run it with `npx tsx examples/echo-server/src/operator.ts` against the current kubeconfig.
 *
 * The library is imported through relative paths so the example runs from a clone without a build; in your own
 * project these imports are `from "tsoperator"`.
 */
import { pathToFileURL } from "node:url";
import {
  k8sTypes,
  ChildConfig,
  OperatorConfig,
  runOperator,
  type HandlerFor,
  type SyncRequest,
  type SyncResponse,
  type k8s,
} from "tsoperator";
import { EchoServerType, type EchoServer, type EchoServerStatus } from "./resource.js";

export { EchoServerType, type EchoServer, type EchoServerSpec, type EchoServerStatus } from "./resource.js";

export const ECHO_PORT = 5678;

export const config = new OperatorConfig("echo-server-operator", EchoServerType)
  // apply: fields other controllers add to the Deployment survive, and fields we stop sending are removed.
  .withChild(k8sTypes.apps.v1.Deployment, ChildConfig.apply())
  // replace (roperator's PUT) to show the strategy; the apiserver keeps the allocated clusterIP on a PUT.
  .withChild(k8sTypes.core.v1.Service, ChildConfig.replace())
  .withNamespace(process.env.WATCH_NAMESPACE);

/** Labels shared by the Deployment's pods and the Service's selector. */
function podLabels(parent: EchoServer): Record<string, string> {
  return {
    "app.kubernetes.io/name": "echo-server",
    "examples.tsoperator.dev/echoserver": parent.metadata.name ?? "",
  };
}

/** The Deployment, checked against the built-in Deployment type (a misspelt field does not compile). */
export function desiredDeployment(parent: EchoServer): k8s.Deployment {
  const spec = parent.spec;
  const labels = podLabels(parent);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: parent.metadata.name, labels },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "echo",
              image: spec.image,
              args: [`-text=${spec.message}`, `-listen=:${ECHO_PORT}`],
              ports: [{ name: "http", containerPort: ECHO_PORT, protocol: "TCP" }],
            },
          ],
        },
      },
    },
  };
}

export function desiredService(parent: EchoServer): k8s.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: parent.metadata.name, labels: podLabels(parent) },
    spec: {
      selector: podLabels(parent),
      ports: [{ name: "http", port: 80, targetPort: ECHO_PORT, protocol: "TCP" }],
    },
  };
}

/** The status: the existing Deployment's counts (0 when absent: nothing has reported them yet). */
export function statusFor(parent: EchoServer, deployment: k8s.Deployment | undefined): EchoServerStatus {
  const observed = deployment?.status ?? {};
  const desired = parent.spec.replicas;
  const readyReplicas = observed.readyReplicas ?? 0;
  return {
    phase: deployment && readyReplicas >= desired ? "Ready" : "Progressing",
    replicas: observed.replicas ?? 0,
    readyReplicas,
    availableReplicas: observed.availableReplicas ?? 0,
    updatedReplicas: observed.updatedReplicas ?? 0,
    unavailableReplicas: observed.unavailableReplicas ?? 0,
    url: `http://${parent.metadata.name}.${parent.metadata.namespace}.svc`,
  };
}

/** sync: pure function of the snapshot; the engine creates, updates and deletes to match. */
export function sync(request: SyncRequest<EchoServer>): SyncResponse<EchoServerStatus> {
  const parent = request.parent;
  const deployment = request.children.ofType(k8sTypes.apps.v1.Deployment).get(parent.metadata.name ?? "");
  return {
    children: [desiredDeployment(parent), desiredService(parent)],
    status: statusFor(parent, deployment),
  };
}

export const handler: HandlerFor<typeof EchoServerType> = { sync };

/** Runs the operator with the environment's credentials (service account in a pod, else the kubeconfig). */
export async function main(): Promise<void> {
  await runOperator(config, handler);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(() => {
    // runOperator has logged the fatal error.
    process.exit(1);
  });
}
