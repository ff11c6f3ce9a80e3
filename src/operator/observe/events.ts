/**
 * Kubernetes Events (core/v1) about the objects an operator manages: sync errors, invalid handler output,
 * finalize outcomes. What `kubectl describe` shows users, so it is worth doing right, and cheap enough that a
 * failing parent cannot flood the API server:
 *
 * - aggregation: the same (object, type, reason, message) within a window bumps `count` and `lastTimestamp`
 *   of the existing Event with a merge PATCH instead of creating another one (client-go's EventAggregator idea);
 * - rate limit: a token bucket per object (default burst 10, one token per 10 s); excess is dropped and counted,
 *   but a dropped repeat still increments the local count, so the next write carries the true total;
 * - best effort: failures are logged at debug level and never thrown; an Event must never fail a sync.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { isNotFound } from "../../core/errors.js";
import type { KubeObject } from "../../core/types.js";
import type { ResourceApi } from "../../client/resource-api.js";
import type { Logger } from "../../core/logger.js";
import { silentLogger } from "../../core/logger.js";
import type { EventOutcome } from "./metrics.js";

export type EventType = "Normal" | "Warning";

/** The subset of core/v1 Event we write. */
export interface CoreV1Event extends KubeObject {
  involvedObject: {
    apiVersion?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
  reason: string;
  message: string;
  type: EventType;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
}

export interface EventRecorderOptions {
  /** core/v1 Events (`client.resource(k8sTypes.core.v1.Event)`), not bound to a namespace. */
  events: ResourceApi;
  /** `source.component` and `reportingComponent`: the operator name. */
  component: string;
  logger?: Logger | undefined;
  /** Repeats within this window are aggregated into one Event. Default 5 minutes. */
  aggregationWindowMs?: number | undefined;
  /** Events (created or aggregated) an object may get at once. Default 10. */
  burst?: number | undefined;
  /** One more event allowed per this interval. Default 10 000 ms. */
  refillIntervalMs?: number | undefined;
  /** Called once per `record` with what happened (metrics). */
  onOutcome?: ((outcome: EventOutcome) => void) | undefined;
  /** Wall clock in ms; injectable for tests. */
  now?: (() => number) | undefined;
}

/** Max bytes of `message` (the API server rejects messages above 1 KiB in events.k8s.io and truncates later). */
export const MAX_MESSAGE_BYTES = 1024;
const MAX_REASON_LENGTH = 128;
/** Bounds on the bookkeeping maps, so an operator with very many failing parents stays small. */
const MAX_TRACKED = 4096;

interface Aggregate {
  namespace: string;
  name: string;
  /** Occurrences so far, including those dropped by the rate limit. */
  count: number;
  firstTimestamp: string;
  /** Aggregation ends here (window from the first occurrence, as client-go does). */
  expiresAt: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character, marking the cut with "...". */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  const marker = "...";
  let end = maxBytes - marker.length;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so a multi-byte character is never split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8") + marker;
}

/**
 * @example
 * const recorder = new EventRecorder({ events: client.resource(k8sTypes.core.v1.Event), component: "echo-operator" });
 * void recorder.record(parent, "Warning", "SyncFailed", error.message);
 * await recorder.flush(); // on shutdown
 */
export class EventRecorder {
  readonly #events: ResourceApi;
  readonly #component: string;
  readonly #logger: Logger;
  readonly #windowMs: number;
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #onOutcome: ((outcome: EventOutcome) => void) | undefined;
  readonly #now: () => number;
  readonly #host = hostname();
  readonly #aggregates = new Map<string, Aggregate>();
  readonly #buckets = new Map<string, Bucket>();
  readonly #pending = new Set<Promise<void>>();
  /** Per aggregate key: the write in flight, so repeats of one event are written in order, never concurrently. */
  readonly #chains = new Map<string, Promise<void>>();
  #dropped = 0;

  constructor(options: EventRecorderOptions) {
    this.#events = options.events;
    this.#component = options.component;
    this.#logger = options.logger ?? silentLogger;
    this.#windowMs = options.aggregationWindowMs ?? 5 * 60_000;
    this.#burst = options.burst ?? 10;
    this.#refillMs = options.refillIntervalMs ?? 10_000;
    this.#onOutcome = options.onOutcome;
    this.#now = options.now ?? Date.now;
  }

  /** Events dropped by the rate limit so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Records an event about `regarding`. Resolves when written (or dropped / failed); never rejects, so callers
   * may `void` it. Cluster-scoped objects get their events in the "default" namespace.
   */
  record(regarding: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const meta = regarding.metadata;
    const objectKey =
      meta.uid ?? `${regarding.apiVersion}/${regarding.kind}/${meta.namespace ?? ""}/${meta.name}`;
    const text = truncateUtf8(message, MAX_MESSAGE_BYTES);
    const shortReason = reason.slice(0, MAX_REASON_LENGTH);
    const key = [objectKey, type, shortReason, text].join("\u0000");
    const now = this.#now();

    if (!this.#takeToken(objectKey, now)) {
      // Still counted: the next write of this event reports the true number of occurrences.
      const aggregate = this.#aggregates.get(key);
      if (aggregate && aggregate.expiresAt > now) aggregate.count++;
      this.#dropped++;
      this.#outcome("dropped");
      this.#logger.debug({ reason: shortReason, object: meta.name }, "event dropped by rate limit");
      return Promise.resolve();
    }

    const previous = this.#chains.get(key) ?? Promise.resolve();
    const write = previous.then(() => this.#write(key, regarding, type, shortReason, text));
    this.#chains.set(key, write);
    const tracked = write.finally(() => {
      this.#pending.delete(tracked);
      if (this.#chains.get(key) === write) this.#chains.delete(key);
    });
    this.#pending.add(tracked);
    return tracked;
  }

  /** Waits for every event write in flight (graceful shutdown, tests). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #write(
    key: string,
    regarding: KubeObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const nowIso = new Date(this.#now()).toISOString();
    const aggregate = this.#aggregates.get(key);
    try {
      if (aggregate && aggregate.expiresAt > this.#now()) {
        aggregate.count++;
        try {
          await this.#events.patch({ namespace: aggregate.namespace, name: aggregate.name }, "merge", {
            count: aggregate.count,
            lastTimestamp: nowIso,
          });
          this.#outcome("aggregated");
          return;
        } catch (error) {
          // The Event expired (the API server's event TTL is 1 h) or was deleted: start a new one below.
          if (!isNotFound(error)) throw error;
          this.#aggregates.delete(key);
        }
      }
      const event = this.#newEvent(regarding, type, reason, message, nowIso);
      const namespace = event.metadata.namespace ?? "default";
      const created = await this.#events.create(event, {});
      this.#remember(key, {
        namespace,
        name: created.metadata.name ?? event.metadata.name ?? "",
        count: 1,
        firstTimestamp: nowIso,
        expiresAt: this.#now() + this.#windowMs,
      });
      this.#outcome("created");
    } catch (error) {
      this.#outcome("failed");
      // warn, not debug: a failure here is usually missing RBAC (events create/patch), which the author must see.
      this.#logger.warn(
        { err: error, reason, object: regarding.metadata.name, namespace: regarding.metadata.namespace },
        "could not record event",
      );
    }
  }

  #newEvent(
    regarding: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    nowIso: string,
  ): CoreV1Event {
    const meta = regarding.metadata;
    const objectName = meta.name ?? "unknown";
    // client-go names events "<object>.<hex>"; a random suffix avoids collisions between replicas.
    const suffix = `${Date.now().toString(16)}${randomBytes(4).toString("hex")}`;
    const name = `${objectName.slice(0, 253 - suffix.length - 1)}.${suffix}`;
    const involvedObject: CoreV1Event["involvedObject"] = {
      apiVersion: regarding.apiVersion,
      kind: regarding.kind,
      name: meta.name,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
    };
    if (meta.namespace) involvedObject.namespace = meta.namespace;
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: meta.namespace || "default" },
      involvedObject,
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: nowIso,
      lastTimestamp: nowIso,
      source: { component: this.#component, host: this.#host },
      reportingComponent: this.#component,
      reportingInstance: this.#host,
    };
  }

  #remember(key: string, aggregate: Aggregate): void {
    this.#aggregates.delete(key);
    this.#aggregates.set(key, aggregate);
    if (this.#aggregates.size > MAX_TRACKED) {
      // Maps iterate in insertion order: the first entry is the oldest.
      const oldest = this.#aggregates.keys().next().value;
      if (oldest !== undefined) this.#aggregates.delete(oldest);
    }
  }

  #takeToken(objectKey: string, now: number): boolean {
    let bucket = this.#buckets.get(objectKey);
    if (!bucket) {
      bucket = { tokens: this.#burst, updatedAt: now };
      this.#buckets.set(objectKey, bucket);
      if (this.#buckets.size > MAX_TRACKED) this.#pruneBuckets(now);
    } else {
      const refill = Math.floor((now - bucket.updatedAt) / this.#refillMs);
      if (refill > 0) {
        bucket.tokens = Math.min(this.#burst, bucket.tokens + refill);
        bucket.updatedAt = bucket.tokens === this.#burst ? now : bucket.updatedAt + refill * this.#refillMs;
      }
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens--;
    return true;
  }

  /** Forgets buckets that would be full again anyway; then the oldest if still too many. */
  #pruneBuckets(now: number): void {
    const fullAfter = this.#burst * this.#refillMs;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updatedAt >= fullAfter) this.#buckets.delete(key);
    }
    while (this.#buckets.size > MAX_TRACKED) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) break;
      this.#buckets.delete(oldest);
    }
  }

  #outcome(outcome: EventOutcome): void {
    try {
      this.#onOutcome?.(outcome);
    } catch {
      // Metrics hooks must not break event recording.
    }
  }
}
