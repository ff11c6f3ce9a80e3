/**
 * API discovery: which resources a group/version serves and whether they are namespaced. Cached per
 * group/version; a miss (a CRD installed after the first lookup) refetches once before the type is rejected
 * with TSOP_UNKNOWN_TYPE. Concurrent lookups share one request.
 */
import { TsOperatorError, isNotFound } from "../core/errors.js";
import { splitApiVersion, type K8sType } from "../core/types.js";
import { groupVersionPath } from "./paths.js";
import type { Transport } from "./transport.js";

/** One entry of an APIResourceList (meta/v1). */
export interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
  shortNames?: string[];
  singularName?: string;
}

interface ApiResourceList {
  groupVersion?: string;
  resources?: ApiResource[];
}

interface ApiGroupList {
  groups?: Array<{ name: string; versions?: Array<{ groupVersion: string; version: string }> }>;
}

/** Below this age a cached list is not refetched on a miss, so a typo in a hot loop does not hammer discovery. */
const MIN_REFRESH_MS = 2_000;

interface Entry {
  fetchedAtMs: number;
  /** By plural name; subresources ("pods/status") are skipped. */
  resources: Map<string, ApiResource> | undefined;
}

export class Discovery {
  private readonly transport: Transport;
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  /** @internal Made by the KubeClient (`client.discovery`). */
  constructor(transport: Transport) {
    this.transport = transport;
  }

  /** The resources served under `apiVersion` ("v1", "apps/v1"); empty when the group/version is not served. */
  async resources(apiVersion: string, signal?: AbortSignal): Promise<ApiResource[]> {
    const entry = await this.entry(apiVersion, false, signal);
    return entry.resources ? [...entry.resources.values()] : [];
  }

  /** Group versions served by /api and /apis, e.g. ["v1", "apps/v1", ...]. */
  async groupVersions(signal?: AbortSignal): Promise<string[]> {
    const core = await this.transport.requestJson<{ versions?: string[] }>({
      method: "GET",
      path: "/api",
      signal,
    });
    const groups = await this.transport.requestJson<ApiGroupList>({ method: "GET", path: "/apis", signal });
    const out = [...(core.versions ?? [])];
    for (const g of groups.groups ?? []) for (const v of g.versions ?? []) out.push(v.groupVersion);
    return out;
  }

  /**
   * The discovery entry for `type`. Throws TSOP_UNKNOWN_TYPE when the server does not serve it, naming what
   * it does serve so a typo in `plural` or `apiVersion` is obvious.
   */
  async resourceFor(type: K8sType, signal?: AbortSignal): Promise<ApiResource> {
    let entry = await this.entry(type.apiVersion, false, signal);
    let found = entry.resources?.get(type.plural);
    if (!found && performance.now() - entry.fetchedAtMs >= MIN_REFRESH_MS) {
      entry = await this.entry(type.apiVersion, true, signal);
      found = entry.resources?.get(type.plural);
    }
    if (found) return found;
    if (!entry.resources) {
      const { group } = splitApiVersion(type.apiVersion);
      let served = "";
      try {
        const versions = (await this.groupVersions(signal)).filter(
          (gv) => splitApiVersion(gv).group === group,
        );
        served = versions.length > 0 ? `; served versions of this group: ${versions.join(", ")}` : "";
      } catch {
        // The hint is optional; the error below stands on its own.
      }
      throw new TsOperatorError(
        "TSOP_UNKNOWN_TYPE",
        `no resource '${type.plural}' in ${type.apiVersion}: ${type.apiVersion} is not served by the API server${served}`,
      );
    }
    const known = [...entry.resources.keys()].sort().join(", ");
    throw new TsOperatorError(
      "TSOP_UNKNOWN_TYPE",
      `no resource '${type.plural}' in ${type.apiVersion}; known: ${known || "(none)"}`,
    );
  }

  /** Forgets everything (e.g. after CRDs were removed). */
  invalidate(): void {
    this.cache.clear();
  }

  private entry(apiVersion: string, refresh: boolean, signal: AbortSignal | undefined): Promise<Entry> {
    const cached = this.cache.get(apiVersion);
    if (cached && !refresh) return Promise.resolve(cached);
    const running = this.inflight.get(apiVersion);
    if (running) return running;
    const p = this.fetch(apiVersion, signal).finally(() => this.inflight.delete(apiVersion));
    this.inflight.set(apiVersion, p);
    return p;
  }

  private async fetch(apiVersion: string, signal: AbortSignal | undefined): Promise<Entry> {
    let resources: Map<string, ApiResource> | undefined;
    try {
      const list = await this.transport.requestJson<ApiResourceList>({
        method: "GET",
        path: groupVersionPath(apiVersion),
        signal,
      });
      resources = new Map();
      for (const r of list.resources ?? []) {
        if (!r.name.includes("/")) resources.set(r.name, r);
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const entry: Entry = { fetchedAtMs: performance.now(), resources };
    this.cache.set(apiVersion, entry);
    return entry;
  }
}
