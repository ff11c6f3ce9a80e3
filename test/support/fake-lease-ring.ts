/**
 * Many Leases in memory (one namespace) for the shard ring unit tests: optimistic concurrency like the API
 * server (409 on a stale resourceVersion or a second create, 404 on a missing one), `k=v,k2=v2` label
 * selectors, and a log of every successful write so tests can check who held what when.
 */
import { setTimeout as delay } from "node:timers/promises";
import { ApiError, TsOperatorError } from "../../src/core/errors.js";
import type { KubeList, KubeObject, ObjectId } from "../../src/core/types.js";
import type { ListOptions, RequestOptions, WriteOptions } from "../../src/client/resource-api.js";
import type { Lease } from "../../src/runtime/leader-election.js";
import type { ShardRingLeaseApi } from "../../src/runtime/shard-ring.js";

export interface LeaseWrite {
  name: string;
  holder: string;
  at: number;
}

export class FakeLeaseRing {
  readonly leases = new Map<string, Lease>();
  readonly writes: LeaseWrite[] = [];
  rv = 1;

  /**
   * A client for one replica; `failing` on it makes only that replica's requests fail (a partition), and
   * `answersLost` picks Leases whose writes it commits but never answers until aborted (a reply lost after the
   * server acted).
   */
  client(): RingClient {
    return ringClient(this);
  }

  /** Holder of each bucket Lease of a ring, by bucket index ("" when free or absent). */
  holders(ring: string, buckets: number): string[] {
    return Array.from(
      { length: buckets },
      (_, i) => this.leases.get(`${ring}-bucket-${i}`)?.spec?.holderIdentity ?? "",
    );
  }

  store(obj: KubeObject): KubeObject {
    const lease = structuredClone({
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(++this.rv) },
    }) as Lease;
    this.leases.set(lease.metadata.name ?? "", lease);
    this.writes.push({
      name: lease.metadata.name ?? "",
      holder: lease.spec?.holderIdentity ?? "",
      at: Date.now(),
    });
    return structuredClone(lease);
  }
}

export type RingClient = ShardRingLeaseApi & { failing: boolean; answersLost: (name: string) => boolean };

function ringClient(ring: FakeLeaseRing): RingClient {
  const gate = async (self: { failing: boolean }, options?: RequestOptions) => {
    await delay(1);
    if (options?.signal?.aborted) throw new TsOperatorError("TSOP_ABORTED", "aborted");
    if (self.failing) throw new TsOperatorError("TSOP_CONNECTION_ERROR", "connection refused");
  };
  const answer = async (written: KubeObject, options?: RequestOptions): Promise<KubeObject> => {
    if (api.answersLost(written.metadata.name ?? "")) await untilAborted(options?.signal);
    return written;
  };
  const api = {
    failing: false,
    answersLost: (_name: string): boolean => false,
    async getOrUndefined(id: ObjectId | string, options?: RequestOptions) {
      await gate(api, options);
      const lease = ring.leases.get(typeof id === "string" ? id : id.name);
      return lease ? structuredClone(lease) : undefined;
    },
    async list(options?: ListOptions): Promise<KubeList> {
      await gate(api, options);
      const wanted = (options?.labelSelector ?? "")
        .split(",")
        .filter(Boolean)
        .map((term) => term.split("=") as [string, string]);
      const items = [...ring.leases.values()].filter((l) =>
        wanted.every(([k, v]) => l.metadata.labels?.[k] === v),
      );
      return { metadata: { resourceVersion: String(ring.rv) }, items: structuredClone(items) };
    },
    async create(obj: KubeObject, options?: WriteOptions) {
      await gate(api, options);
      const name = obj.metadata.name ?? "";
      if (ring.leases.has(name)) throw new ApiError("POST", "/leases", 409, { reason: "AlreadyExists" });
      return answer(ring.store(obj), options);
    },
    async replace(obj: KubeObject, options?: WriteOptions) {
      await gate(api, options);
      const current = ring.leases.get(obj.metadata.name ?? "");
      if (!current) throw new ApiError("PUT", "/leases/x", 404, { reason: "NotFound" });
      if (obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
        throw new ApiError("PUT", "/leases/x", 409, { reason: "Conflict" });
      }
      return answer(ring.store(obj), options);
    },
    async delete(id: ObjectId | string, options?: RequestOptions) {
      await gate(api, options);
      const name = typeof id === "string" ? id : id.name;
      if (!ring.leases.delete(name)) throw new ApiError("DELETE", "/leases/x", 404, { reason: "NotFound" });
      return {};
    },
  };
  return api;
}

/** A request that never answers: rejects once `signal` aborts (never without one). */
function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (!signal) return;
    const fail = () => reject(new TsOperatorError("TSOP_ABORTED", "aborted"));
    if (signal.aborted) fail();
    signal.addEventListener("abort", fail, { once: true });
  });
}
