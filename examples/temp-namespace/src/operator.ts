/**
 * The temp-namespace example operator: a cluster-scoped TempNamespace owns a Namespace of the same name (a
 * cluster-scoped child) and a ConfigMap inside it (a namespaced child of a cluster-scoped parent, so it names its
 * namespace). After `spec.ttlSeconds` the operator stops returning the children, so the engine deletes the
 * Namespace; `resyncAfterMs` wakes it up exactly then, with no event needed. `finalize` keeps the TempNamespace
 * until a Namespace that is already terminating has gone, so "TempNamespace deleted" means "namespace gone".
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
  type FinalizeResponse,
  type HandlerFor,
  type SyncRequest,
  type SyncResponse,
  type k8s,
} from "tsoperator";
import { TempNamespaceType, type TempNamespace, type TempNamespaceStatus } from "./resource.js";

export {
  TempNamespaceType,
  type TempNamespace,
  type TempNamespaceSpec,
  type TempNamespaceStatus,
} from "./resource.js";

/** Name of the ConfigMap the operator keeps inside the namespace. */
export const INFO_CONFIGMAP = "temp-namespace";

export const config = new OperatorConfig("temp-namespace-operator", TempNamespaceType)
  .withChild(k8sTypes.core.v1.Namespace, ChildConfig.apply())
  .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply());

/** When the namespace expires, in epoch ms. */
export function expiryOf(parent: TempNamespace): number {
  const created = Date.parse(parent.metadata.creationTimestamp ?? "");
  return (Number.isNaN(created) ? Date.now() : created) + parent.spec.ttlSeconds * 1000;
}

// The API server stores timestamps to the second; writing them that way keeps the status stable between syncs.
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

/**
 * sync: while the TTL runs, the Namespace and its ConfigMap, and a wake-up at expiry; after it, no children
 * (the engine deletes the Namespace, and the namespace controller everything in it).
 */
export function sync(
  request: SyncRequest<TempNamespace>,
  now: number = Date.now(),
): SyncResponse<TempNamespaceStatus> {
  const parent = request.parent;
  const name = parent.metadata.name ?? "";
  const expiresAtMs = expiryOf(parent);
  const expiresAt = rfc3339(expiresAtMs);
  if (now >= expiresAtMs) {
    const stillThere = request.children.ofType(k8sTypes.core.v1.Namespace).exists(name);
    return {
      children: [],
      status: {
        phase: "Expired",
        namespace: name,
        expiresAt,
        message: stillThere
          ? `TTL passed: namespace ${name} is being deleted`
          : `TTL passed: namespace ${name} deleted`,
      },
    };
  }
  const namespace: k8s.Namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "examples.tsoperator.dev/temp-namespace": "true" } },
  };
  const info: k8s.ConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    // The parent is cluster-scoped: a namespaced child must say where it lives.
    metadata: { name: INFO_CONFIGMAP, namespace: name },
    data: { expiresAt, owner: parent.spec.owner ?? "", ttlSeconds: String(parent.spec.ttlSeconds) },
  };
  return {
    children: [namespace, info],
    status: {
      phase: "Active",
      namespace: name,
      expiresAt,
      message: `namespace ${name} expires at ${expiresAt}`,
    },
    // Wake up at expiry (plus a little, so the clock has surely passed it); no watch event would do it.
    resyncAfterMs: expiresAtMs - now + 250,
  };
}

/**
 * finalize: a Namespace that is already terminating (TTL passed, or a foreground delete of the TempNamespace)
 * must be gone before the TempNamespace goes, so ask to be called again until it is. A live Namespace is left to
 * the garbage collector, which deletes it once the TempNamespace is gone (its ownerReference points there).
 */
export function finalize(request: SyncRequest<TempNamespace>): FinalizeResponse<TempNamespaceStatus> {
  const parent = request.parent;
  const name = parent.metadata.name ?? "";
  const namespace = request.children.ofType(k8sTypes.core.v1.Namespace).get(name);
  const base = { phase: "Deleting" as const, namespace: name, expiresAt: rfc3339(expiryOf(parent)) };
  if (namespace?.metadata.deletionTimestamp) {
    return {
      status: { ...base, message: `waiting for namespace ${name} to finish terminating` },
      retryAfterMs: 1000,
    };
  }
  return {
    status: {
      ...base,
      message: namespace
        ? `namespace ${name} is deleted by the garbage collector`
        : `namespace ${name} is gone`,
    },
  };
}

export const handler: HandlerFor<typeof TempNamespaceType> = {
  sync: (request) => sync(request),
  finalize,
};

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
