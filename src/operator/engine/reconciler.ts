/**
 * The sync engine: reconciles one parent. Reads the parent and its children from the cache, calls the handler,
 * validates its answer, then writes status, children and deletions, in that order, writing only what differs.
 * Finalization and the finalizer live here too. It never reads the API server to decide anything.
 */
import { TsOperatorError, errorMessage, isApiError } from "../../core/errors.js";
import type { K8sType, KubeObject } from "../../core/types.js";
import type { ResourceApi } from "../../client/resource-api.js";
import { OwnershipMemory, syncChildren } from "./child-sync.js";
import type { OperatorConfig } from "../api/config.js";
import { HandlerOutputError, prepareDesiredChildren } from "./desired-state.js";
import { UNCHANGED_CHILDREN, type Handler, type SyncResponse } from "../api/handler.js";
import {
  StatusMemory,
  addFinalizer,
  desiredStatus,
  hasFinalizer,
  hasSyncError,
  removeFinalizer,
  statusWithSyncError,
  writeStatus,
  type ParentWriteDeps,
} from "./parent-writes.js";
import { buildSyncRequest, typeKey } from "../api/sync-request.js";

/** Where the engine gets objects and API handles; the controller wires it to informers and the client. */
export interface ReconcilerContext {
  readonly config: OperatorConfig;
  readonly handler: Handler;
  /** Is this (parent or child) type namespaced? Known before the first sync (discovery at start). */
  isNamespaced(type: K8sType): boolean;
  api(type: K8sType): ResourceApi;
  /** The cached parent by key ("ns/name" or "name"). */
  getParent(key: string): KubeObject | undefined;
  /** The cached children of a parent uid, per declared type. */
  childrenOf(parentUid: string): Map<K8sType, readonly KubeObject[]>;
  recordWrite(type: K8sType, obj: KubeObject): void;
  /** Observers (metrics, events, logs); all optional in effect. */
  readonly observer: ReconcileObserver;
}

export type SyncErrorKind = "handler" | "validation" | "api";

export interface ReconcileObserver {
  onWrite(parentKey: string, verb: string, what: string): void;
  onStatusWrite(parentKey: string): void;
  onSyncError(parent: KubeObject, kind: SyncErrorKind, error: unknown): void;
  onFinalize(parent: KubeObject, outcome: "done" | "retry" | "error"): void;
  onRecovered(parent: KubeObject): void;
}

export type ReconcileOutcome =
  | { kind: "gone" }
  | { kind: "synced"; resyncAfterMs?: number | undefined; writes: number }
  | { kind: "waiting"; writes: number }
  | { kind: "finalizing"; retryAfterMs: number }
  | { kind: "finalized" }
  | { kind: "ignored" };

/** A sync that failed; the queue retries it with backoff. `kind` says whose fault it was. */
export class SyncError extends TsOperatorError {
  readonly kind: SyncErrorKind;
  constructor(kind: SyncErrorKind, message: string, cause: unknown) {
    super(
      kind === "api"
        ? "TSOP_API_ERROR"
        : kind === "validation"
          ? "TSOP_HANDLER_OUTPUT_INVALID"
          : "TSOP_HANDLER_FAILED",
      message,
      {
        cause,
      },
    );
    this.kind = kind;
  }
}

export class Reconciler {
  readonly #ctx: ReconcilerContext;
  readonly #statusMemory = new StatusMemory();
  readonly #ownership = new OwnershipMemory();
  /** Parents whose finalize asked to be called again, and when: a retry is honoured once, not twice. */
  readonly #finalizeNotBefore = new Map<string, number>();

  constructor(ctx: ReconcilerContext) {
    this.#ctx = ctx;
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileOutcome> {
    const ctx = this.#ctx;
    let parent = ctx.getParent(key);
    if (!parent) {
      return { kind: "gone" };
    }
    const uid = parent.metadata.uid ?? "";
    const finalizer = ctx.config.finalizerName;
    const deps = this.#parentDeps(signal);
    const hasFinalize = typeof ctx.handler.finalize === "function";

    if (parent.metadata.deletionTimestamp) {
      if (!hasFinalizer(parent, finalizer)) return { kind: "ignored" };
      if (!hasFinalize) {
        // finalize was removed from the handler since the finalizer was added: let the deletion proceed.
        await this.#api(() => removeFinalizer(parent!, finalizer, deps), parent);
        return { kind: "finalized" };
      }
      return this.#finalize(key, parent, signal);
    }
    this.#finalizeNotBefore.delete(uid);

    if (hasFinalize && !hasFinalizer(parent, finalizer)) {
      parent = await this.#api(() => addFinalizer(parent!, finalizer, deps), parent);
    } else if (!hasFinalize && hasFinalizer(parent, finalizer)) {
      parent = await this.#api(async () => {
        await removeFinalizer(parent!, finalizer, deps);
        return ctx.getParent(key) ?? parent!;
      }, parent);
    }

    const children = ctx.childrenOf(uid);
    const request = this.#request(parent, children);
    let response: SyncResponse;
    try {
      response = await ctx.handler.sync(request);
    } catch (error) {
      await this.#reportFailure(parent, "handler", error, signal);
      throw new SyncError("handler", `sync failed: ${errorMessage(error)}`, error);
    }
    let desired;
    try {
      desired = prepareDesiredChildren(response, {
        config: ctx.config,
        parent,
        parentNamespaced: ctx.isNamespaced(ctx.config.parentType),
        isNamespaced: (type) => ctx.isNamespaced(type),
      });
    } catch (error) {
      if (!(error instanceof HandlerOutputError)) throw error;
      await this.#reportFailure(parent, "validation", error, signal);
      throw new SyncError("validation", error.message, error);
    }

    let writes = 0;
    const current = parent;
    await this.#api(async () => {
      if (response.status !== null && response.status !== undefined) {
        if (await writeStatus(current, desiredStatus(current, response.status), this.#statusMemory, deps)) {
          writes++;
          ctx.observer.onStatusWrite(key);
        }
      } else if (hasSyncError(current)) {
        // No status from the handler, but our error condition from an earlier failure must go.
        const cleared = statusWithSyncError(current, undefined);
        if (await writeStatus(current, cleared, this.#statusMemory, deps)) writes++;
      }
      if (response.children === UNCHANGED_CHILDREN) return;
      const result = await syncChildren(desired, children, this.#ownership, {
        config: ctx.config,
        api: (type) => ctx.api(type),
        recordWrite: (type, obj) => ctx.recordWrite(type, obj),
        onWrite: (verb, what) => ctx.observer.onWrite(key, verb, what),
        signal,
      });
      writes += result.writes;
      if (result.waiting) return;
    }, current);
    if (hasSyncError(current) && response.status != null) ctx.observer.onRecovered(current);
    return { kind: "synced", resyncAfterMs: response.resyncAfterMs ?? undefined, writes };
  }

  /** Drops what the engine remembers about a parent that is gone. */
  forget(parent: KubeObject): void {
    this.#statusMemory.forget(parent.metadata.uid);
    this.#finalizeNotBefore.delete(parent.metadata.uid ?? "");
  }

  async #finalize(key: string, parent: KubeObject, signal: AbortSignal): Promise<ReconcileOutcome> {
    const ctx = this.#ctx;
    const uid = parent.metadata.uid ?? "";
    // A retry was requested: events before that time (e.g. our own status write) must not call finalize again.
    const notBefore = this.#finalizeNotBefore.get(uid);
    if (notBefore !== undefined && Date.now() < notBefore) {
      return { kind: "finalizing", retryAfterMs: notBefore - Date.now() };
    }
    const request = this.#request(parent, ctx.childrenOf(uid));
    let response;
    try {
      response = await ctx.handler.finalize!(request);
    } catch (error) {
      ctx.observer.onFinalize(parent, "error");
      await this.#reportFailure(parent, "handler", error, signal);
      throw new SyncError("handler", `finalize failed: ${errorMessage(error)}`, error);
    }
    const deps = this.#parentDeps(signal);
    if (response?.status !== null && response?.status !== undefined) {
      const status = desiredStatus(parent, response.status);
      if (await this.#api(() => writeStatus(parent, status, this.#statusMemory, deps), parent)) {
        ctx.observer.onStatusWrite(key);
      }
    }
    const retry = response?.retryAfterMs;
    if (typeof retry === "number" && Number.isFinite(retry) && retry >= 0) {
      this.#finalizeNotBefore.set(uid, Date.now() + retry);
      ctx.observer.onFinalize(parent, "retry");
      return { kind: "finalizing", retryAfterMs: retry };
    }
    const latest = ctx.getParent(key) ?? parent;
    await this.#api(() => removeFinalizer(latest, ctx.config.finalizerName, deps), parent);
    this.#finalizeNotBefore.delete(uid);
    ctx.observer.onFinalize(parent, "done");
    return { kind: "finalized" };
  }

  #request(parent: KubeObject, children: Map<K8sType, readonly KubeObject[]>) {
    const byKey = new Map<string, readonly KubeObject[]>();
    for (const [type, objects] of children) byKey.set(typeKey(type), objects);
    return buildSyncRequest(
      parent,
      byKey,
      this.#ctx.config.children.map((c) => c.type),
    );
  }

  #parentDeps(signal: AbortSignal): ParentWriteDeps {
    const ctx = this.#ctx;
    return {
      api: ctx.api(ctx.config.parentType),
      fieldManager: ctx.config.fieldManager,
      signal,
      recordWrite: (obj) => ctx.recordWrite(ctx.config.parentType, obj),
    };
  }

  /** Runs API writes; an API failure is reported on the parent and becomes a SyncError("api"). */
  async #api<T>(fn: () => Promise<T>, parent: KubeObject): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof SyncError) throw error;
      if (signalAborted(error)) throw error;
      await this.#reportFailure(parent, "api", error, undefined);
      throw new SyncError("api", `API request failed: ${errorMessage(error)}`, error);
    }
  }

  /** Shows a failure on the parent: the Synced=False condition (best effort) and the observer (events, metrics). */
  async #reportFailure(
    parent: KubeObject,
    kind: SyncErrorKind,
    error: unknown,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    this.#ctx.observer.onSyncError(parent, kind, error);
    const reason =
      kind === "validation" ? "InvalidHandlerOutput" : kind === "handler" ? "HandlerError" : apiReason(error);
    const status = statusWithSyncError(parent, { reason, message: errorMessage(error) });
    try {
      await writeStatus(parent, status, this.#statusMemory, {
        ...this.#parentDeps(signal ?? new AbortController().signal),
      });
    } catch {
      // Best effort: the error itself is what matters, and it is logged and counted by the observer.
    }
  }
}

function apiReason(error: unknown): string {
  if (isApiError(error)) return `Api${error.reason ?? error.statusCode}`;
  return "ApiError";
}

function signalAborted(error: unknown): boolean {
  return error instanceof TsOperatorError && error.code === "TSOP_ABORTED";
}
