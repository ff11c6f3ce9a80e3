/**
 * Brings one parent's children to the desired state, per update strategy, writing only what differs:
 * a child whose desired-hash annotation matches and whose fields our field manager owns are unchanged costs no
 * request. Every object the server returns is handed to `recordWrite` so the next sync reads its own writes.
 */
import { isAlreadyExists, isConflict, isNotFound } from "../../core/errors.js";
import { describeObject, type K8sType, type KubeObject, type ManagedFieldsEntry } from "../../core/types.js";
import type { ResourceApi } from "../../client/resource-api.js";
import type { OperatorConfig } from "../api/config.js";
import { hashOf } from "../../core/json.js";
import { DESIRED_HASH_ANNOTATION, type DesiredChild } from "./desired-state.js";

export interface ChildSyncDeps {
  readonly config: OperatorConfig;
  api(type: K8sType): ResourceApi;
  /** Stores a server answer in the cache (read your own writes). */
  recordWrite(type: K8sType, obj: KubeObject): void;
  onWrite(verb: "create" | "apply" | "replace" | "delete" | "adopt", what: string): void;
  readonly signal: AbortSignal;
}

/**
 * What the operator's field manager owned right after its last write, per child uid. A difference later means
 * another writer took fields from us (drift), so we write again. Not persisted: after a restart the current
 * ownership becomes the baseline, so a restart costs no writes.
 */
export class OwnershipMemory {
  /** Per child uid: the fingerprint, and the resourceVersion it was taken from. */
  readonly #owned = new Map<string, { fingerprint: string; resourceVersion: string | undefined }>();

  fingerprint(obj: KubeObject, manager: string): string | undefined {
    const entries = (obj.metadata.managedFields ?? []).filter(
      (e: ManagedFieldsEntry) => e.manager === manager && !e.subresource,
    );
    return entries.length ? hashOf(entries.map((e) => [e.operation, e.fieldsV1])) : undefined;
  }

  remember(obj: KubeObject, manager: string): void {
    const uid = obj.metadata.uid;
    const fingerprint = this.fingerprint(obj, manager);
    if (uid && fingerprint)
      this.#owned.set(uid, { fingerprint, resourceVersion: obj.metadata.resourceVersion });
  }

  /** True when our ownership shrank or changed since our last write. Unknown children get a baseline. */
  drifted(obj: KubeObject, manager: string): boolean {
    const uid = obj.metadata.uid;
    if (!uid) return false;
    const known = this.#owned.get(uid);
    // The very version we fingerprinted: nothing can have changed (the common case, and no hashing).
    if (known && known.resourceVersion === obj.metadata.resourceVersion) return false;
    const fingerprint = this.fingerprint(obj, manager);
    if (!known || fingerprint === known.fingerprint) {
      if (fingerprint) this.#owned.set(uid, { fingerprint, resourceVersion: obj.metadata.resourceVersion });
      return false;
    }
    return true;
  }

  forget(uid: string | undefined): void {
    if (uid) this.#owned.delete(uid);
  }
}

export interface ChildSyncResult {
  writes: number;
  /** Some child is waiting for an old instance to disappear (recreate, or deletion in progress). */
  waiting: boolean;
}

/** Applies the desired children and deletes the existing ones that are not desired any more. */
export async function syncChildren(
  desired: readonly DesiredChild[],
  existingByType: ReadonlyMap<K8sType, readonly KubeObject[]>,
  memory: OwnershipMemory,
  deps: ChildSyncDeps,
): Promise<ChildSyncResult> {
  const result: ChildSyncResult = { writes: 0, waiting: false };
  const wanted = new Set<string>();
  // Children are independent of each other: write them concurrently (bounded), as a parent with K children
  // would otherwise take K round trips.
  await inParallel(desired, CHILD_WRITE_CONCURRENCY, async (child) => {
    wanted.add(`${child.type.apiVersion}/${child.type.kind}|${child.namespace ?? ""}|${child.name}`);
    const existing = (existingByType.get(child.type) ?? []).find(
      (o) => o.metadata.name === child.name && (o.metadata.namespace || undefined) === child.namespace,
    );
    await syncOne(child, existing, memory, deps, result);
  });
  // Deletions only once every desired child is written, so a replacement exists before the old one goes.
  const unwanted: Array<[K8sType, KubeObject]> = [];
  for (const [type, objects] of existingByType) {
    for (const obj of objects) {
      const id = `${type.apiVersion}/${type.kind}|${obj.metadata.namespace ?? ""}|${obj.metadata.name ?? ""}`;
      if (!wanted.has(id) && !obj.metadata.deletionTimestamp) unwanted.push([type, obj]);
    }
  }
  await inParallel(unwanted, CHILD_WRITE_CONCURRENCY, async ([type, obj]) => {
    await deleteChild(type, obj, deps);
    memory.forget(obj.metadata.uid);
    result.writes++;
  });
  return result;
}

/** Writes in flight at once for one parent's children. */
const CHILD_WRITE_CONCURRENCY = 8;

/** Runs `fn` over `items`, at most `limit` at once; the first failure rejects once all started ones settle. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failure) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}

async function syncOne(
  child: DesiredChild,
  existing: KubeObject | undefined,
  memory: OwnershipMemory,
  deps: ChildSyncDeps,
  result: ChildSyncResult,
): Promise<void> {
  const manager = deps.config.fieldManager;
  const api = deps.api(child.type);
  const what = describeObject(child.type, child.namespace, child.name);
  if (existing?.metadata.deletionTimestamp) {
    // Being deleted (by us for recreate, or by someone else): create it again once it is gone.
    result.waiting = true;
    return;
  }
  /** Records a write the server answered: metrics/logs, our ownership baseline, the cache. */
  const written = (verb: "create" | "apply" | "replace", obj: KubeObject) => {
    deps.onWrite(verb, what);
    memory.remember(obj, manager);
    deps.recordWrite(child.type, obj);
  };
  if (existing) {
    const unchanged = existing.metadata.annotations?.[DESIRED_HASH_ANNOTATION] === child.hash;
    if (child.strategy === "onDelete") return;
    if (unchanged && !memory.drifted(existing, manager)) return;
    result.writes++;
    if (child.strategy === "apply") {
      written(
        "apply",
        await api.apply(child.object, { fieldManager: manager, force: true, signal: deps.signal }),
      );
    } else if (child.strategy === "replace") {
      const body = {
        ...child.object,
        metadata: { ...child.object.metadata, resourceVersion: existing.metadata.resourceVersion },
      };
      written("replace", await api.replace(body, { fieldManager: manager, signal: deps.signal }));
    } else {
      // recreate: delete now; the deletion event brings us back to create the new one.
      await deleteChild(child.type, existing, deps);
      memory.forget(existing.metadata.uid);
      result.waiting = true;
    }
    return;
  }
  result.writes++;
  if (child.strategy === "apply") {
    // SSA creates or adopts an unlabelled object of the same name in one request.
    written(
      "apply",
      await api.apply(child.object, { fieldManager: manager, force: true, signal: deps.signal }),
    );
    return;
  }
  try {
    written("create", await api.create(child.object, { fieldManager: manager, signal: deps.signal }));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    // Exists but not in our cache: it lacks our ownership label (made by someone else, or before us). Adopt it
    // by adding labels and ownerReference only; its content follows the strategy on the next sync.
    const adopted = await api.patch(
      { namespace: child.namespace, name: child.name },
      "merge",
      {
        metadata: {
          labels: child.object.metadata.labels,
          ownerReferences: child.object.metadata.ownerReferences,
        },
      },
      { fieldManager: manager, signal: deps.signal },
    );
    deps.onWrite("adopt", what);
    deps.recordWrite(child.type, adopted);
  }
}

async function deleteChild(type: K8sType, obj: KubeObject, deps: ChildSyncDeps): Promise<void> {
  try {
    await deps.api(type).delete(
      { namespace: obj.metadata.namespace, name: obj.metadata.name ?? "" },
      {
        // Only this instance: never a newer object that reuses the name.
        preconditions: { uid: obj.metadata.uid ?? "" },
        propagationPolicy: "Background",
        signal: deps.signal,
      },
    );
    deps.onWrite("delete", describeObject(type, obj.metadata.namespace, obj.metadata.name));
  } catch (err) {
    // Already gone, or replaced by a new object with the same name (uid precondition): nothing to delete.
    if (isNotFound(err) || isConflict(err)) return;
    throw err;
  }
}
