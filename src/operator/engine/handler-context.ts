/**
 * The second argument of `sync`/`finalize`: the call's abort signal, the operator's name, a logger bound to the
 * parent and an event recorder on the parent. Built per call from what the controller wires in, so the engine
 * stays free of where logs and Events go.
 */
import type { Logger } from "../../core/logger.js";
import { silentLogger } from "../../core/logger.js";
import type { KubeObject } from "../../core/types.js";
import type { HandlerEvents, SyncContext } from "../api/handler.js";

/** Writes an Event about an object (the operator's EventRecorder satisfies it). Never rejects. */
export interface ParentEventSink {
  record(regarding: KubeObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void>;
}

export interface HandlerContextDeps {
  readonly operatorName: string;
  readonly logger?: Logger | undefined;
  readonly events?: ParentEventSink | undefined;
}

/** What a log record of a handler says about its parent: enough to find it, nothing from its spec. */
export function parentBindings(parent: KubeObject): Record<string, unknown> {
  const { namespace, name, uid } = parent.metadata;
  return { parent: { namespace, name, uid } };
}

export function handlerContext(
  parent: KubeObject,
  signal: AbortSignal,
  deps: HandlerContextDeps,
): SyncContext {
  const sink = deps.events;
  const record = (type: "Normal" | "Warning", reason: string, message: string) => {
    // Fire and forget: the recorder never rejects, and an Event must never hold up or fail a sync.
    if (sink) void sink.record(parent, type, reason, message);
  };
  const events: HandlerEvents = {
    normal: (reason, message) => record("Normal", reason, message),
    warning: (reason, message) => record("Warning", reason, message),
  };
  let logger: Logger | undefined;
  return Object.freeze({
    signal,
    operatorName: deps.operatorName,
    // Bound on first use: most syncs log nothing, and a child logger per sync is not free.
    get logger(): Logger {
      return (logger ??= (deps.logger ?? silentLogger).child(parentBindings(parent)));
    },
    events,
  });
}
