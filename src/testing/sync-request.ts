/**
 * Builds a `SyncRequest` and a `SyncContext` without a server, for unit tests of `sync` and `finalize`: the same
 * views the engine hands out (`children.ofType`, `related.ofType`, `get` by bare name in the parent's namespace),
 * over objects the test lists. The context records the Events and log lines the handler produced.
 */
import { deepFreeze } from "../core/freeze.js";
import type { K8sType, KubeObject } from "../core/types.js";
import type { SyncContext, SyncRequest } from "../operator/api/handler.js";
import { buildSyncRequest, typeKey, type RelatedSource } from "../operator/api/sync-request.js";
import { parentBindings } from "../operator/engine/handler-context.js";
import { recordingLogger, type RecordedLogLine } from "./recording-logger.js";

export interface SyncRequestOptions {
  /** The parent's existing children, of any types. */
  children?: readonly KubeObject[] | undefined;
  /**
   * The related objects in the cache, of any types. Iterating `related.ofType(T)` gives all of them of type T,
   * and `get` finds them; an object left out is absent, as a missing referenced object is in the engine.
   */
  related?: readonly KubeObject[] | undefined;
  /**
   * The declared child types; when given, `children.ofType` of any other type throws as in the engine. Default:
   * any type may be asked for.
   */
  childTypes?: readonly K8sType[] | undefined;
  /** The declared related types, with the same meaning for `related.ofType`. */
  relatedTypes?: readonly K8sType[] | undefined;
}

function groupByType(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const obj of objects) {
    const key = typeKey(obj);
    const list = out.get(key) ?? [];
    list.push(obj);
    out.set(key, list);
  }
  return out;
}

/**
 * A request like the engine builds, from plain objects (frozen, as the cache's are).
 *
 * @example
 * const request = syncRequestFor(parent, { children: [deployment], related: [secret] });
 * const response = await handler.sync(request, testSyncContext());
 */
export function syncRequestFor<P extends KubeObject>(
  parent: P,
  options: SyncRequestOptions = {},
): SyncRequest<P> {
  const frozen = <T>(value: T): T => deepFreeze(structuredClone(value));
  const children = groupByType(frozen(options.children ?? []));
  const related = groupByType(frozen(options.related ?? []));
  const source: RelatedSource = {
    declared: options.relatedTypes,
    relatedTo: (type) => related.get(typeKey(type)) ?? [],
    find: (type, namespace, name) =>
      related
        .get(typeKey(type))
        ?.find((o) => o.metadata.name === name && (o.metadata.namespace || undefined) === namespace),
  };
  return buildSyncRequest(frozen(parent), children, options.childTypes, source);
}

export interface RecordedEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** A `SyncContext` that keeps what the handler did with it. */
export interface RecordingSyncContext extends SyncContext {
  readonly recordedEvents: RecordedEvent[];
  readonly logLines: RecordedLogLine[];
}

export interface SyncContextOptions {
  /** Default "test-operator". */
  operatorName?: string | undefined;
  /** Default: a signal that never aborts. */
  signal?: AbortSignal | undefined;
  /** Binds the logger to this parent, as the engine does. */
  parent?: KubeObject | undefined;
}

/**
 * @example
 * const context = testSyncContext();
 * await handler.sync(syncRequestFor(parent), context);
 * assert.deepEqual(context.recordedEvents, [{ type: "Normal", reason: "Ready", message: "ready" }]);
 */
export function testSyncContext(options: SyncContextOptions = {}): RecordingSyncContext {
  const recordedEvents: RecordedEvent[] = [];
  const { logger, lines } = recordingLogger(options.parent ? parentBindings(options.parent) : {});
  return {
    signal: options.signal ?? new AbortController().signal,
    operatorName: options.operatorName ?? "test-operator",
    logger,
    events: {
      normal: (reason, message) => recordedEvents.push({ type: "Normal", reason, message }),
      warning: (reason, message) => recordedEvents.push({ type: "Warning", reason, message }),
    },
    recordedEvents,
    logLines: lines,
  };
}
