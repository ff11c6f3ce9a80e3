/**
 * Shared pieces of the operator scenario tests: a handler driven entirely by the parent's spec (the desired
 * children are written literally in `spec.children`), call recording, and polling helpers.
 */
import assert from "node:assert/strict";
import type { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { K8sType, KubeObject } from "../../src/core/types.js";
import type { FinalizeResponse, Handler, SyncRequest, SyncResponse } from "../../src/operator/api/handler.js";

export interface ScenarioSpec {
  children?: KubeObject[];
  /** sync throws this message. */
  fail?: string;
  /** Extra status fields; `null` status means "do not touch". */
  status?: Record<string, unknown> | null;
  resyncAfterMs?: number;
  /** finalize asks to be called again this many times before allowing deletion. */
  finalizeRetries?: number;
  finalizeRetryMs?: number;
}

export type ScenarioParent = KubeObject<ScenarioSpec, Record<string, unknown>>;

export interface CallLog {
  syncs: Map<string, number[]>;
  finalizes: Map<string, number[]>;
}

export function newCallLog(): CallLog {
  return { syncs: new Map(), finalizes: new Map() };
}

function record(map: Map<string, number[]>, name: string): number {
  const list = map.get(name) ?? [];
  list.push(Date.now());
  map.set(name, list);
  return list.length;
}

export function scenarioSync(log: CallLog) {
  return (request: SyncRequest<ScenarioParent>): SyncResponse => {
    const spec = request.parent.spec ?? {};
    record(log.syncs, request.parent.metadata.name ?? "");
    if (spec.fail) throw new Error(spec.fail);
    return {
      status: spec.status === null ? null : { childCount: request.children.all().length, ...spec.status },
      children: spec.children ?? [],
      resyncAfterMs: spec.resyncAfterMs,
    };
  };
}

export function scenarioHandler(log: CallLog, withFinalize = false): Handler<ScenarioParent> {
  const sync = scenarioSync(log);
  if (!withFinalize) return { sync };
  return {
    sync,
    finalize(request): FinalizeResponse {
      const spec = request.parent.spec ?? {};
      const n = record(log.finalizes, request.parent.metadata.name ?? "");
      if (n <= (spec.finalizeRetries ?? 0)) {
        return { status: { finalizing: n }, retryAfterMs: spec.finalizeRetryMs ?? 300 };
      }
      return { status: { finalizing: "done" } };
    },
  };
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      assert.fail(
        `not within ${timeoutMs} ms: ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ""}`,
      );
    }
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export const cm = (
  name: string,
  data: Record<string, string>,
  extra: Partial<KubeObject> = {},
): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, ...(extra.metadata ?? {}) },
  data,
});

export async function getOrUndefined(
  client: KubeClient,
  type: K8sType,
  namespace: string | undefined,
  name: string,
): Promise<KubeObject | undefined> {
  return client.resource(type, namespace).getOrUndefined(name);
}

export const ConfigMap = k8sTypes.core.v1.ConfigMap;
export const Secret = k8sTypes.core.v1.Secret;
export const ServiceAccount = k8sTypes.core.v1.ServiceAccount;
export const PodTemplate = k8sTypes.core.v1.PodTemplate;

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The engine's Synced condition on a parent, if any. */
export function syncedOf(parent: KubeObject): Condition | undefined {
  const conditions = (parent.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conditions.find((c) => c.type === "Synced");
}
