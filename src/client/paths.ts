/**
 * REST paths and query strings for resource types: pure functions, no I/O (kube-rs's request builders), so they
 * are trivially testable and cost a few string concatenations per request.
 */
import { splitApiVersion, type K8sType } from "../core/types.js";

/** "/api/v1" for the core group, "/apis/{group}/{version}" otherwise. */
export function groupVersionPath(apiVersion: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/**
 * The collection path of `type`, in `namespace` when given (namespaced types only; cluster-scoped types ignore
 * it). Without a namespace a namespaced type's path covers all namespaces (list/watch).
 */
export function collectionPath(type: K8sType, namespaced: boolean, namespace: string | undefined): string {
  const gv = groupVersionPath(type.apiVersion);
  return namespaced && namespace
    ? `${gv}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`
    : `${gv}/${type.plural}`;
}

export function objectPath(
  type: K8sType,
  namespaced: boolean,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): string {
  const base = `${collectionPath(type, namespaced, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${base}/${subresource}` : base;
}

export type QueryValue = string | number | boolean | undefined;

/** "?a=1&b=x" from the defined entries, or "" when there are none. */
export function queryString(params: Record<string, QueryValue>): string {
  let out = "";
  for (const key in params) {
    const value = params[key];
    if (value === undefined) continue;
    out += `${out ? "&" : "?"}${key}=${encodeURIComponent(String(value))}`;
  }
  return out;
}
