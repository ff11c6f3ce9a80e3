/**
 * A tiny in-memory API for unit tests of the sync engine: objects by namespace/name, every request logged, and
 * per-verb failures to inject. It is a test tool for edge cases, never a substitute for the real-apiserver tests.
 */
import { ApiError, TsOperatorError } from "../../src/core/errors.js";
import type { K8sType, KubeObject, ObjectId } from "../../src/core/types.js";
import type { ResourceApi } from "../../src/client/resource-api.js";

export interface LoggedRequest {
  verb: "get" | "create" | "apply" | "replace" | "patch" | "delete" | "applyStatus";
  name: string;
  body?: unknown;
  patchType?: string;
  signal?: AbortSignal | undefined;
}

export function apiError(code: number, reason: string, message = reason): ApiError {
  return new ApiError("TEST", "/fake", code, {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code,
    reason,
    message,
  });
}

export class FakeWriteApi {
  readonly objects = new Map<string, KubeObject>();
  readonly requests: LoggedRequest[] = [];
  /** Called once a request is sent, before it is answered (to make something happen meanwhile). */
  onRequest: ((verb: LoggedRequest["verb"]) => void) | undefined = undefined;
  /** Errors thrown by the next requests of a verb, in order. */
  readonly failures = new Map<LoggedRequest["verb"], Error[]>();
  /** What the server makes of a status it stores (schema pruning, defaults); by default it keeps it as sent. */
  normalizeStatus: (status: unknown) => unknown = (status) => status;
  #rv = 100;
  #uid = 0;

  constructor(readonly manager = "test-operator") {}

  put(obj: KubeObject): KubeObject {
    const stored = structuredClone(obj);
    stored.metadata.uid ??= `uid-${++this.#uid}`;
    stored.metadata.resourceVersion = String(++this.#rv);
    this.objects.set(keyOf(stored.metadata), stored);
    return structuredClone(stored);
  }

  writes(): LoggedRequest[] {
    return this.requests.filter((r) => r.verb !== "get");
  }

  #fail(verb: LoggedRequest["verb"]): void {
    const error = this.failures.get(verb)?.shift();
    if (error) throw error;
  }

  /** A ResourceApi of one type over this store (only what the engine uses is implemented). */
  api(type: K8sType): ResourceApi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the fake's methods close over the store
    const self = this;
    const log = (verb: LoggedRequest["verb"], name: string, extra: Partial<LoggedRequest> = {}) => {
      // Like the real client: a request whose signal has aborted is not sent.
      if (extra.signal?.aborted) throw new TsOperatorError("TSOP_ABORTED", "request aborted");
      self.requests.push({ verb, name, ...extra });
      self.onRequest?.(verb);
      self.#fail(verb);
    };
    const find = (id: ObjectId | string | KubeObject["metadata"]) => {
      const key = typeof id === "string" ? id : keyOf(id);
      const obj = self.objects.get(key);
      if (!obj) throw apiError(404, "NotFound", `${key} not found`);
      return obj;
    };
    const api: Partial<ResourceApi> = {
      type,
      async get(id, options) {
        log("get", typeof id === "string" ? id : id.name, { signal: options?.signal });
        return structuredClone(find(id));
      },
      async create(obj, options) {
        log("create", obj.metadata.name ?? "", { body: obj, signal: options?.signal });
        if (self.objects.has(keyOf(obj.metadata))) throw apiError(409, "AlreadyExists");
        return self.put(withManager(obj, self.manager, "Update"));
      },
      async apply(obj, options) {
        log("apply", obj.metadata.name ?? "", { body: obj, signal: options?.signal });
        const old = self.objects.get(keyOf(obj.metadata));
        const precondition = obj.metadata.resourceVersion;
        if (old && precondition && precondition !== old.metadata.resourceVersion) {
          throw apiError(409, "Conflict", "the object has been modified");
        }
        const applied = withManager(obj, self.manager, "Apply");
        // Like SSA, owner references are a map keyed by uid: entries owned by others stay.
        const refs = [
          ...(old?.metadata.ownerReferences ?? []).filter(
            (r) => !obj.metadata.ownerReferences?.some((o) => o.uid === r.uid),
          ),
          ...(obj.metadata.ownerReferences ?? []),
        ];
        return self.put({
          ...applied,
          metadata: {
            ...applied.metadata,
            uid: old?.metadata.uid,
            ownerReferences: refs.length ? refs : undefined,
          },
        });
      },
      async replace(obj, options) {
        log("replace", obj.metadata.name ?? "", { body: obj, signal: options?.signal });
        const old = find(obj.metadata);
        return self.put({
          ...withManager(obj, self.manager, "Update"),
          metadata: { ...withManager(obj, self.manager, "Update").metadata, uid: old.metadata.uid },
        });
      },
      async patch(id, patchType, patch, options) {
        const name = typeof id === "string" ? id : id.name;
        log("patch", name, { body: patch, patchType, signal: options?.signal });
        const obj = structuredClone(find(id));
        if (patchType === "json") {
          for (const op of patch as Array<{ op: string; path: string; value?: unknown }>) {
            if (op.op === "test" && op.path === "/metadata/resourceVersion") {
              if (op.value !== obj.metadata.resourceVersion) throw apiError(409, "Conflict", "test failed");
            } else if (op.path.startsWith("/metadata/managedFields/")) {
              // The engine's claim of its POST's entry: tests of manager/operation at an index, then a replace.
              const [, , , index = "", member = ""] = op.path.split("/");
              const entry = obj.metadata.managedFields?.[Number(index)] as
                Record<string, unknown> | undefined;
              if (op.op === "test" && entry?.[member] !== op.value)
                throw apiError(422, "Invalid", "test failed");
              if (op.op === "replace" && entry) entry[member] = op.value;
            } else if (op.op === "add" && op.path === "/metadata/ownerReferences/-") {
              obj.metadata.ownerReferences = [...(obj.metadata.ownerReferences ?? []), op.value as never];
            } else if (op.op === "add" && op.path === "/metadata/ownerReferences") {
              obj.metadata.ownerReferences = op.value as never;
            } else if (op.op === "add" && op.path === "/metadata/labels") {
              obj.metadata.labels = op.value as Record<string, string>;
            } else if (op.op === "add" && op.path.startsWith("/metadata/labels/")) {
              const label = op.path.slice("/metadata/labels/".length).replace(/~1/g, "/").replace(/~0/g, "~");
              obj.metadata.labels = { ...obj.metadata.labels, [label]: op.value as string };
            }
          }
        } else if (patchType === "merge") {
          // Only what the engine merges: labels.
          const labels = (patch as { metadata?: { labels?: Record<string, string> } }).metadata?.labels;
          if (labels) obj.metadata.labels = { ...obj.metadata.labels, ...labels };
        }
        return self.put(obj);
      },
      async delete(id, options) {
        log("delete", typeof id === "string" ? id : id.name, { signal: options?.signal });
        find(id);
        self.objects.delete(typeof id === "string" ? id : keyOf(id));
        return {};
      },
      async applyStatus(obj, options) {
        log("applyStatus", obj.metadata.name ?? "", { body: obj, signal: options?.signal });
        const stored = structuredClone(find(obj.metadata));
        stored.status = self.normalizeStatus(structuredClone(obj.status));
        return self.put(stored);
      },
    };
    return api as ResourceApi;
  }
}

function keyOf(meta: { namespace?: string | undefined; name?: string | undefined }): string {
  return `${meta.namespace ? `${meta.namespace}/` : ""}${meta.name ?? ""}`;
}

/** The object with a managedFields entry of `manager` owning every member it sets (like the server would). */
export function withManager(obj: KubeObject, manager: string, operation: "Apply" | "Update"): KubeObject {
  const copy = structuredClone(obj);
  const { name: _n, namespace: _ns, managedFields: _m, ...meta } = copy.metadata;
  const fields = fieldSetOf({ ...copy, metadata: meta, apiVersion: undefined, kind: undefined });
  copy.metadata.managedFields = [{ manager, operation, fieldsType: "FieldsV1", fieldsV1: fields }];
  return copy;
}

/** A fieldsV1 set for a JSON value (lists of objects keyed by `name` or `uid` when they have one; else atomic). */
export function fieldSetOf(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      const items: Record<string, unknown> = {};
      for (const item of v) {
        if (item && typeof item === "object" && ("name" in item || "uid" in item)) {
          const keyField = "uid" in item ? "uid" : "name";
          items[`k:${JSON.stringify({ [keyField]: (item as Record<string, unknown>)[keyField] })}`] =
            fieldSetOf(item);
        }
      }
      out[`f:${k}`] = items;
    } else {
      out[`f:${k}`] = fieldSetOf(v);
    }
  }
  return out;
}
