/**
 * The independent observer: watches one namespace's BenchParents and ConfigMaps with the driver's own admin
 * client (not the contender's) and tells when the workload has converged: every parent has
 * status.observedGeneration == metadata.generation and all N*K children exist. Also times churn: from a spec
 * change (its new generation) to the status that reports it.
 */
import type { KubeClient } from "../../src/client/kube-client.js";
import type { ResourceApi } from "../../src/client/resource-api.js";
import type { KubeObject } from "../../src/core/types.js";
import { BenchParent, GROUP, type BenchParentObject } from "./workload.js";

const ConfigMap = { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true };

interface ParentState {
  generation: number;
  observed: number;
}

export class ConvergenceWatcher {
  private readonly parents = new Map<string, ParentState>();
  private readonly children = new Set<string>();
  private converged = 0;
  private readonly abort = new AbortController();
  private readonly waiters: Array<() => void> = [];
  /** Pending churn probes: parent -> [generation, sent at]. */
  private readonly probes = new Map<string, Array<[number, number]>>();
  readonly latenciesMs: number[] = [];
  private tasks: Promise<void>[] = [];

  constructor(
    client: KubeClient,
    namespace: string,
    private readonly expectedParents: number,
    private readonly expectedChildren: number,
  ) {
    const parents = client.resource<BenchParentObject>(BenchParent, namespace);
    const children = client.resource(ConfigMap, namespace);
    this.tasks = [
      this.follow(parents, (type, obj) => this.onParent(type, obj)),
      this.follow(children, (type, obj) => this.onChild(type, obj), `${GROUP}/parent`),
    ];
  }

  private async follow<T extends KubeObject>(
    api: ResourceApi<T>,
    handle: (type: string, obj: T) => void,
    labelSelector?: string,
  ): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const list = await api.list({ labelSelector, signal });
        for (const item of list.items) handle("ADDED", item);
        this.wake();
        for await (const event of api.watch({ resourceVersion: list.metadata.resourceVersion, labelSelector, signal })) {
          if (event.type === "BOOKMARK") continue;
          handle(event.type, event.object);
          this.wake();
        }
      } catch (err) {
        if (signal.aborted) return;
        console.error(`  watcher: ${String(err)} (relisting)`);
      }
    }
  }

  private onParent(type: string, obj: BenchParentObject): void {
    const name = obj.metadata.name ?? "";
    const before = this.parents.get(name);
    if (type === "DELETED") {
      if (before && before.observed === before.generation) this.converged--;
      this.parents.delete(name);
      return;
    }
    const now = { generation: obj.metadata.generation ?? 0, observed: obj.status?.observedGeneration ?? -1 };
    if (before && before.observed === before.generation) this.converged--;
    if (now.observed === now.generation) this.converged++;
    this.parents.set(name, now);
    const pending = this.probes.get(name);
    if (pending) {
      const at = performance.now();
      while (pending.length && pending[0]![0] <= now.observed) this.latenciesMs.push(at - pending.shift()![1]);
      if (!pending.length) this.probes.delete(name);
    }
  }

  private onChild(type: string, obj: KubeObject): void {
    const name = obj.metadata.name ?? "";
    if (type === "DELETED") this.children.delete(name);
    else this.children.add(name);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  isConverged(): boolean {
    return (
      this.parents.size === this.expectedParents &&
      this.converged === this.expectedParents &&
      this.children.size >= this.expectedChildren
    );
  }

  progress(): string {
    return `${this.converged}/${this.expectedParents} parents observed, ${this.children.size}/${this.expectedChildren} children`;
  }

  /** Resolves true at the first moment the workload is converged, false after `timeoutMs`. */
  async waitConverged(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!this.isConverged()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /** Records that `parent` was changed to `generation` at `sentAt`; the latency ends when its status reports it. */
  probe(parent: string, generation: number, sentAt: number): void {
    const state = this.parents.get(parent);
    if (state && state.observed >= generation) {
      this.latenciesMs.push(performance.now() - sentAt);
      return;
    }
    const list = this.probes.get(parent) ?? [];
    list.push([generation, sentAt]);
    this.probes.set(parent, list);
  }

  pendingProbes(): number {
    let n = 0;
    for (const list of this.probes.values()) n += list.length;
    return n;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.tasks);
  }
}
