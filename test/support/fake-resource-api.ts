/**
 * An in-memory ResourceApi for unit tests of the runtime: a tiny "API server" with a global resourceVersion,
 * consistent paginated LISTs, WATCH from a resourceVersion with history replay, compaction (410 Gone), and
 * fault injection (failing lists/watches, dropped connections, stalled streams).
 */
import { TsOperatorError } from "../../src/core/errors.js";
import {
  objectKey,
  type K8sType,
  type KubeList,
  type KubeObject,
  type ObjectId,
} from "../../src/core/types.js";
import type {
  ListOptions,
  ResourceApi,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from "../../src/client/resource-api.js";

interface HistoryEntry {
  rv: number;
  event: WatchEvent;
}

interface Watcher {
  push(event: WatchEvent): void;
  fail(error: Error): void;
  end(): void;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Equality terms ("a=b") and set terms ("a in (x,y)", as a sharded child cache sends). */
function matchesSelector(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return (selector.match(/[^,(]+(\([^)]*\))?/g) ?? []).every((term) => {
    const set = /^\s*(\S+)\s+in\s+\(([^)]*)\)\s*$/.exec(term);
    if (set) return set[2]?.split(",").some((v) => v.trim() === obj.metadata.labels?.[set[1] ?? ""]) ?? false;
    const [k, v] = term.split("=");
    return k !== undefined && obj.metadata.labels?.[k.trim()] === v?.trim();
  });
}

export class FakeResourceApi implements ResourceApi {
  readonly type: K8sType;
  readonly namespace: string | undefined;
  rv = 1;
  compactedRv = 0;
  readonly objects = new Map<string, KubeObject>();
  readonly history: HistoryEntry[] = [];
  readonly watchers = new Set<Watcher>();
  /** Calls made, for assertions. */
  listCalls = 0;
  watchCalls: Array<{ resourceVersion: string | undefined }> = [];
  /** Errors thrown by the next list / watch calls, in order. */
  listFailures: Error[] = [];
  watchFailures: Error[] = [];
  /** When true, new watches open but never deliver anything (a dead connection). */
  stallWatches = false;
  #uid = 0;
  #snapshots = new Map<string, { rv: number; items: KubeObject[] }>();
  #token = 0;

  constructor(type: K8sType, namespace?: string) {
    this.type = type;
    this.namespace = namespace;
  }

  // ---- server-side mutations (what other clients would do) ----

  put(
    name: string,
    data: Record<string, unknown> = {},
    extra: Partial<KubeObject["metadata"]> = {},
  ): KubeObject {
    const namespace = extra.namespace ?? this.namespace ?? "default";
    const key = objectKey({ namespace, name });
    const existing = this.objects.get(key);
    this.rv++;
    const obj: KubeObject = {
      apiVersion: this.type.apiVersion,
      kind: this.type.kind,
      metadata: {
        ...extra,
        name,
        namespace,
        uid: existing?.metadata.uid ?? `uid-${++this.#uid}`,
        resourceVersion: String(this.rv),
        managedFields: [
          { manager: "kubectl", operation: "Update", fieldsV1: { "f:data": {} } },
          { manager: "tsoperator", operation: "Apply", fieldsV1: { "f:data": {} } },
        ],
      },
      data,
    };
    this.objects.set(key, obj);
    this.#record(existing ? "MODIFIED" : "ADDED", obj);
    return obj;
  }

  remove(name: string, namespace = this.namespace ?? "default"): void {
    const key = objectKey({ namespace, name });
    const existing = this.objects.get(key);
    if (!existing) throw new Error(`no ${key}`);
    this.objects.delete(key);
    this.rv++;
    const final = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(this.rv) } };
    this.#record("DELETED", final);
  }

  /** Forgets history up to now: watches from an older resourceVersion get 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
  }

  /** Sends a bookmark at the current resourceVersion to every open watch. */
  bookmark(): void {
    const event: WatchEvent = {
      type: "BOOKMARK",
      object: {
        apiVersion: this.type.apiVersion,
        kind: this.type.kind,
        metadata: { resourceVersion: String(this.rv) },
      },
    };
    for (const watcher of this.watchers) watcher.push(event);
  }

  /** Breaks every open watch with `error` (a dropped connection), or ends them normally when undefined. */
  disconnectWatches(error?: Error): void {
    for (const watcher of [...this.watchers]) {
      if (error === undefined) watcher.end();
      else watcher.fail(error);
    }
  }

  /** Sends a 410 Gone on every open watch, as the server does when the watch cache falls too far behind. */
  expireWatches(): void {
    this.disconnectWatches(new TsOperatorError("TSOP_WATCH_EXPIRED", "too old resource version"));
  }

  #record(type: WatchEventType, obj: KubeObject): void {
    const event: WatchEvent = { type, object: obj };
    this.history.push({ rv: this.rv, event });
    for (const watcher of this.watchers) watcher.push(event);
  }

  // ---- ResourceApi ----

  async get(id: ObjectId | string): Promise<KubeObject> {
    const obj = await this.getOrUndefined(id);
    if (!obj) throw new TsOperatorError("TSOP_API_ERROR", "not found");
    return obj;
  }

  async getOrUndefined(id: ObjectId | string): Promise<KubeObject | undefined> {
    const obj = this.objects.get(typeof id === "string" ? id : objectKey(id));
    return obj && clone(obj);
  }

  async list(options: ListOptions = {}): Promise<KubeList> {
    this.listCalls++;
    const failure = this.listFailures.shift();
    if (failure !== undefined) throw failure;
    await Promise.resolve();
    let snapshot: { rv: number; items: KubeObject[] };
    let offset = 0;
    if (options.continue) {
      const [token, start] = options.continue.split(":");
      const found = this.#snapshots.get(token ?? "");
      if (!found) throw new TsOperatorError("TSOP_WATCH_EXPIRED", "continue token expired");
      snapshot = found;
      offset = Number(start);
    } else {
      const items = [...this.objects.values()]
        .filter((o) => matchesSelector(o, options.labelSelector))
        .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""))
        .map((o) => {
          // Like the real server: list items carry no apiVersion/kind.
          const { apiVersion: _a, kind: _k, ...rest } = clone(o);
          return rest;
        });
      snapshot = { rv: this.rv, items };
    }
    const limit = options.limit ?? snapshot.items.length;
    const page = snapshot.items.slice(offset, offset + limit);
    let next: string | undefined;
    if (offset + limit < snapshot.items.length) {
      const token = String(++this.#token);
      this.#snapshots.set(token, snapshot);
      next = `${token}:${offset + limit}`;
    }
    return {
      apiVersion: "v1",
      kind: `${this.type.kind}List`,
      metadata: { resourceVersion: String(snapshot.rv), ...(next ? { continue: next } : {}) },
      items: page,
    };
  }

  async *listPages(options: ListOptions = {}): AsyncIterable<KubeList> {
    let cont: string | undefined;
    do {
      const page = await this.list({ ...options, continue: cont });
      yield page;
      cont = page.metadata.continue;
    } while (cont);
  }

  watch(options: WatchOptions = {}): AsyncIterable<WatchEvent> {
    this.watchCalls.push({ resourceVersion: options.resourceVersion });
    const failure = this.watchFailures.shift();
    const fromRv = Number(options.resourceVersion ?? this.rv);
    const selector = options.labelSelector;
    const watchers = this.watchers;
    const stall = this.stallWatches;
    const compactedRv = this.compactedRv;
    const backlog = this.history.filter((h) => h.rv > fromRv).map((h) => h.event);
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<WatchEvent> => {
        const queue: WatchEvent[] = stall || failure ? [] : backlog.map(clone);
        let error: Error | undefined = failure;
        let ended = false;
        let wake: (() => void) | undefined;
        if (error === undefined && fromRv < compactedRv) {
          error = new TsOperatorError(
            "TSOP_WATCH_EXPIRED",
            `too old resource version: ${fromRv} (${compactedRv})`,
          );
        }
        const watcher: Watcher = {
          push: (event) => {
            if (stall) return;
            queue.push(clone(event));
            wake?.();
          },
          fail: (e) => {
            // A broken connection: nothing that happens afterwards reaches this stream.
            watchers.delete(watcher);
            error = e;
            wake?.();
          },
          end: () => {
            watchers.delete(watcher);
            ended = true;
            wake?.();
          },
        };
        if (error === undefined) watchers.add(watcher);
        const close = () => {
          watchers.delete(watcher);
        };
        options.signal?.addEventListener("abort", () => watcher.fail(options.signal?.reason as Error), {
          once: true,
        });
        return {
          next: async (): Promise<IteratorResult<WatchEvent>> => {
            for (;;) {
              const event = queue.shift();
              if (event) {
                if (event.type !== "BOOKMARK" && !matchesSelector(event.object, selector)) continue;
                return { done: false, value: event };
              }
              if (error !== undefined) {
                close();
                const e = error;
                error = undefined;
                ended = true;
                throw e;
              }
              if (ended) {
                close();
                return { done: true, value: undefined };
              }
              await new Promise<void>((resolve) => (wake = resolve));
              wake = undefined;
            }
          },
          return: async (): Promise<IteratorResult<WatchEvent>> => {
            close();
            ended = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  async create(): Promise<KubeObject> {
    throw new Error("not implemented in the fake");
  }
  async replace(): Promise<KubeObject> {
    throw new Error("not implemented in the fake");
  }
  async patch(): Promise<KubeObject> {
    throw new Error("not implemented in the fake");
  }
  async apply(): Promise<KubeObject> {
    throw new Error("not implemented in the fake");
  }
  async delete(): Promise<unknown> {
    throw new Error("not implemented in the fake");
  }
  async replaceStatus(): Promise<KubeObject> {
    throw new Error("not implemented in the fake");
  }
  async patchStatus(): Promise<KubeObject> {
    throw new Error("not implemented in the fake");
  }
  async applyStatus(): Promise<KubeObject> {
    throw new Error("not implemented in the fake");
  }
}
