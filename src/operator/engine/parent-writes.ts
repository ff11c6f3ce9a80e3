/**
 * The writes an operator makes to a parent: its status (server-side apply on the status subresource, only when
 * it differs), the engine's own "Synced" condition on errors, and the finalizer.
 */
import { isNotFound } from "../../core/errors.js";
import type { Condition, KubeObject } from "../../core/types.js";
import type { ResourceApi } from "../../client/resource-api.js";
import { canonicalJson, hashOfCanonical } from "../../core/json.js";

/** Condition type the engine writes on the parent when a sync fails (and removes once a sync succeeds). */
export const SYNC_CONDITION = "Synced";

export type { Condition };

type StatusObject = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };

/**
 * Per parent uid, what we last asked for and what the server then stored, when the two differ. When the server
 * normalises a status (schema pruning, defaults, quantities), the stored one never deep-equals ours; remembering
 * the pair keeps that from becoming a write on every sync. A status stored as written needs no entry: it equals
 * what the next sync asks for, and most parents hold none.
 */
export class StatusMemory {
  readonly #written = new Map<string, { desired: string; stored: string }>();

  /** `want`: the desired status's canonicalJson, computed once by the caller for this and `remember`. */
  isCurrent(parent: KubeObject, want: string): boolean {
    const have = canonicalJson(parent.status ?? {});
    if (want === have) return true;
    const last = this.#written.get(parent.metadata.uid ?? "");
    return (
      last !== undefined && last.desired === hashOfCanonical(want) && last.stored === hashOfCanonical(have)
    );
  }

  remember(uid: string | undefined, want: string, stored: unknown): void {
    if (!uid) return;
    const have = canonicalJson(stored ?? {});
    if (want === have) this.#written.delete(uid);
    else this.#written.set(uid, { desired: hashOfCanonical(want), stored: hashOfCanonical(have) });
  }

  forget(uid: string | undefined): void {
    if (uid) this.#written.delete(uid);
  }

  get size(): number {
    return this.#written.size;
  }
}

export interface ParentWriteDeps {
  readonly api: ResourceApi;
  readonly fieldManager: string;
  readonly signal: AbortSignal;
  /** Stores a server answer in the cache; false when the cache does not hold it (deleted meanwhile). */
  recordWrite(obj: KubeObject): boolean;
}

/**
 * The status after a successful sync: what the handler asked for, `observedGeneration` (the children of this
 * generation are applied) and `Synced=True`. Its lastTransitionTime is kept while it stays True, so an unchanged
 * success costs no write.
 */
export function desiredStatus(parent: KubeObject, status: object): StatusObject {
  const asked = status as StatusObject;
  return withSyncCondition(
    { ...asked, conditions: Array.isArray(asked.conditions) ? asked.conditions : [] },
    syncCondition(parent, "True", "Synced", "the desired children are applied"),
    parent,
  );
}

/** The status `finalize` asked for, plus observedGeneration (no Synced condition: there is nothing to apply). */
export function finalizeStatus(parent: KubeObject, status: object): StatusObject {
  return { ...(status as StatusObject), observedGeneration: parent.metadata.generation ?? 0 };
}

/**
 * For a handler that leaves the status alone (`status: null`): only a failure condition of ours is turned back
 * to True. Undefined when nothing needs writing.
 */
export function statusAfterRecovery(parent: KubeObject): StatusObject | undefined {
  if (!hasSyncError(parent)) return undefined;
  return withSyncCondition(
    currentStatus(parent),
    syncCondition(parent, "True", "Synced", "the desired children are applied"),
  );
}

/**
 * The current status with the engine's Synced=False condition set. Everything else, `observedGeneration`
 * included, stays as it is: a failed sync has not applied this generation. The transition time of an earlier
 * False is kept, so the same failure again costs no write.
 */
export function statusWithSyncError(
  parent: KubeObject,
  error: { reason: string; message: string },
): StatusObject {
  return withSyncCondition(
    currentStatus(parent),
    syncCondition(parent, "False", error.reason, error.message.slice(0, 4096)),
  );
}

/** `status` with our condition in place of any earlier one; `observedGeneration` set when `appliedFor` is given. */
function withSyncCondition(
  status: StatusObject,
  condition: Condition,
  appliedFor?: KubeObject,
): StatusObject {
  const others = (status.conditions ?? []).filter((c) => c?.type !== SYNC_CONDITION);
  const observed = appliedFor ? { observedGeneration: appliedFor.metadata.generation ?? 0 } : {};
  return { ...status, ...observed, conditions: [...others, condition] };
}

/** Our condition for the parent's generation; the transition time of an earlier condition with this status stays. */
function syncCondition(
  parent: KubeObject,
  status: "True" | "False",
  reason: string,
  message: string,
): Condition {
  const previous = currentSyncCondition(parent);
  return {
    type: SYNC_CONDITION,
    status,
    reason,
    message,
    lastTransitionTime:
      previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : now(),
    observedGeneration: parent.metadata.generation ?? 0,
  };
}

function currentStatus(parent: KubeObject): StatusObject {
  return (parent.status ?? {}) as StatusObject;
}

function currentSyncCondition(parent: KubeObject): Condition | undefined {
  const conditions = currentStatus(parent).conditions;
  return Array.isArray(conditions) ? conditions.find((c) => c?.type === SYNC_CONDITION) : undefined;
}

let nowSecond = Number.NaN;
let nowText = "";

/** The current time as a condition carries it (whole seconds). Formatted once per second, not once per sync. */
function now(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== nowSecond) {
    nowSecond = second;
    nowText = new Date(second * 1000).toISOString().replace(".000Z", "Z");
  }
  return nowText;
}

/** Writes `desired` as the parent's status unless it is already there. Returns whether it wrote. */
export async function writeStatus(
  parent: KubeObject,
  desired: StatusObject,
  memory: StatusMemory,
  deps: ParentWriteDeps,
): Promise<boolean> {
  const want = canonicalJson(desired);
  if (memory.isCurrent(parent, want)) return false;
  const updated = await deps.api.applyStatus(
    {
      apiVersion: parent.apiVersion,
      kind: parent.kind,
      metadata: { name: parent.metadata.name, namespace: parent.metadata.namespace },
      status: desired,
    },
    { fieldManager: deps.fieldManager, force: true, signal: deps.signal },
  );
  // A parent deleted before this answer came is not remembered: its deletion event, which frees the entry, is past.
  if (deps.recordWrite(updated)) memory.remember(parent.metadata.uid, want, updated.status);
  return true;
}

export function hasSyncError(parent: KubeObject): boolean {
  return currentSyncCondition(parent)?.status === "False";
}

export function hasFinalizer(parent: KubeObject, name: string): boolean {
  return parent.metadata.finalizers?.includes(name) ?? false;
}

/** Adds our finalizer; the resourceVersion makes it fail (409) rather than overwrite a concurrent change. */
export async function addFinalizer(
  parent: KubeObject,
  name: string,
  deps: ParentWriteDeps,
): Promise<KubeObject> {
  const updated = await deps.api.patch(
    { namespace: parent.metadata.namespace, name: parent.metadata.name ?? "" },
    "merge",
    {
      metadata: {
        resourceVersion: parent.metadata.resourceVersion,
        finalizers: [...(parent.metadata.finalizers ?? []), name],
      },
    },
    { fieldManager: deps.fieldManager, signal: deps.signal },
  );
  deps.recordWrite(updated);
  return updated;
}

/** Removes our finalizer, testing its position first so a concurrent change cannot make us remove another. */
export async function removeFinalizer(
  parent: KubeObject,
  name: string,
  deps: ParentWriteDeps,
): Promise<void> {
  const index = parent.metadata.finalizers?.indexOf(name) ?? -1;
  if (index < 0) return;
  try {
    const updated = await deps.api.patch(
      { namespace: parent.metadata.namespace, name: parent.metadata.name ?? "" },
      "json",
      [
        { op: "test", path: `/metadata/finalizers/${index}`, value: name },
        { op: "remove", path: `/metadata/finalizers/${index}` },
      ],
      { fieldManager: deps.fieldManager, signal: deps.signal },
    );
    deps.recordWrite(updated);
  } catch (err) {
    // Gone already: the finalizer was the last thing holding it.
    if (isNotFound(err)) return;
    throw err;
  }
}
