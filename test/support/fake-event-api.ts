/**
 * A minimal in-memory core/v1 Event API for unit tests of the EventRecorder: create, merge-patch, get, list,
 * with failure injection. Everything else throws: the recorder must not need it.
 */
import { ApiError } from "../../src/core/errors.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { objectKey, type KubeList, type KubeObject, type ObjectId } from "../../src/core/types.js";
import type { ResourceApi } from "../../src/client/resource-api.js";

const notImplemented = (): never => {
  throw new Error("not implemented in the fake event API");
};

export class FakeEventApi implements ResourceApi {
  readonly type = k8sTypes.core.v1.Event;
  readonly namespace = undefined;
  readonly objects = new Map<string, KubeObject>();
  readonly calls: Array<{ verb: "create" | "patch"; id: string; body: unknown }> = [];
  /** Errors thrown by the next create / patch calls, in order. */
  createFailures: Error[] = [];
  patchFailures: Error[] = [];
  #rv = 0;

  async create(obj: KubeObject): Promise<KubeObject> {
    const id = objectKey({ namespace: obj.metadata.namespace, name: obj.metadata.name ?? "" });
    this.calls.push({ verb: "create", id, body: structuredClone(obj) });
    const failure = this.createFailures.shift();
    if (failure) throw failure;
    if (this.objects.has(id)) throw new ApiError("POST", id, 409, { reason: "AlreadyExists" });
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.#rv);
    stored.metadata.uid = `uid-${this.#rv}`;
    this.objects.set(id, stored);
    return structuredClone(stored);
  }

  async patch(id: ObjectId | string, type: string, patch: unknown): Promise<KubeObject> {
    const key = typeof id === "string" ? id : objectKey(id);
    this.calls.push({ verb: "patch", id: key, body: structuredClone(patch) });
    const failure = this.patchFailures.shift();
    if (failure) throw failure;
    if (type !== "merge") throw new Error(`unexpected patch type ${type}`);
    const existing = this.objects.get(key);
    if (!existing) throw new ApiError("PATCH", key, 404, { reason: "NotFound" });
    const updated = { ...existing, ...(patch as Record<string, unknown>) } as KubeObject;
    updated.metadata = { ...existing.metadata, resourceVersion: String(++this.#rv) };
    this.objects.set(key, updated);
    return structuredClone(updated);
  }

  async get(id: ObjectId | string): Promise<KubeObject> {
    const obj = await this.getOrUndefined(id);
    if (!obj)
      throw new ApiError("GET", typeof id === "string" ? id : objectKey(id), 404, { reason: "NotFound" });
    return obj;
  }

  async getOrUndefined(id: ObjectId | string): Promise<KubeObject | undefined> {
    const obj = this.objects.get(typeof id === "string" ? id : objectKey(id));
    return obj && structuredClone(obj);
  }

  async list(): Promise<KubeList> {
    return {
      metadata: { resourceVersion: String(this.#rv) },
      items: [...this.objects.values()].map((o) => structuredClone(o)),
    };
  }

  /** Stored events, for assertions. */
  events(): Array<KubeObject & { count?: number; reason?: string; message?: string }> {
    return [...this.objects.values()];
  }

  listPages = notImplemented;
  replace = notImplemented;
  apply = notImplemented;
  delete = notImplemented;
  watch = notImplemented;
  replaceStatus = notImplemented;
  patchStatus = notImplemented;
  applyStatus = notImplemented;
}
