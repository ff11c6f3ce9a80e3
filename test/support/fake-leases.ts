/** An in-memory Lease store for the leader election unit tests. */
import { setTimeout as delay } from "node:timers/promises";
import { ApiError, TsOperatorError } from "../../src/core/errors.js";
import type { KubeObject, ObjectId } from "../../src/core/types.js";
import type { RequestOptions, WriteOptions } from "../../src/client/resource-api.js";
import type { Lease, LeaseApi } from "../../src/runtime/leader-election.js";

/**
 * One Lease in memory with the API server's optimistic concurrency (409 on a stale resourceVersion or on a
 * second create) and fault injection: `failing` rejects every call, `hanging` never answers until aborted.
 */
export class FakeLeases implements LeaseApi {
  lease: Lease | undefined;
  rv = 1;
  failing = false;
  hanging = false;
  /** Writes are committed, but their answers never come (until aborted): a reply lost after the server acted. */
  answersLost = false;
  writes = 0;

  async getOrUndefined(_id: ObjectId | string, options?: RequestOptions): Promise<KubeObject | undefined> {
    await this.#gate(options);
    return this.lease ? structuredClone(this.lease) : undefined;
  }
  async create(obj: KubeObject, options?: WriteOptions): Promise<KubeObject> {
    await this.#gate(options);
    if (this.lease) throw new ApiError("POST", "/leases", 409, { reason: "AlreadyExists" });
    return this.#store(obj, options);
  }
  async replace(obj: KubeObject, options?: WriteOptions): Promise<KubeObject> {
    await this.#gate(options);
    if (!this.lease || obj.metadata.resourceVersion !== this.lease.metadata.resourceVersion) {
      throw new ApiError("PUT", "/leases/x", 409, { reason: "Conflict" });
    }
    return this.#store(obj, options);
  }
  /** Another writer (or a crashed process's last renewal) sets the record directly. */
  set(spec: Lease["spec"]): void {
    void this.#store({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "op", namespace: "ns" },
      spec,
    });
  }
  async #store(obj: KubeObject, options?: RequestOptions): Promise<KubeObject> {
    this.writes++;
    this.lease = structuredClone({
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(++this.rv) },
    }) as Lease;
    if (this.answersLost) {
      // Until aborted, whatever the test changes meanwhile: the answer to this write is gone.
      await untilAborted(options?.signal);
    }
    return structuredClone(this.lease);
  }
  async #gate(options: RequestOptions | undefined): Promise<void> {
    await delay(1);
    if (this.hanging) {
      await untilAborted(options?.signal);
    }
    if (this.failing) throw new TsOperatorError("TSOP_CONNECTION_ERROR", "connection refused");
  }
}

/** A request that never answers: rejects once `signal` aborts (never without one). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((_, reject) => {
    if (!signal) return;
    const fail = () => reject(new TsOperatorError("TSOP_ABORTED", "aborted"));
    if (signal.aborted) fail();
    signal.addEventListener("abort", fail, { once: true });
  });
}
