/**
 * The controllers of one process seen as one: started, led and stopped together over one shared informer
 * factory. This is what leader election (one Lease for the lot) and graceful stop act on.
 */
import type { InformerFactory } from "../../runtime/informer-factory.js";
import type { OperatorController } from "./controller.js";
import type { LeadershipTarget } from "./leadership.js";

export class ControllerGroup implements LeadershipTarget {
  constructor(
    readonly controllers: readonly OperatorController[],
    private readonly factory: InformerFactory,
  ) {}

  /** Every controller's caches (a shared informer is listed and watched once). */
  async startCaches(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.startCaches()));
  }

  startWorkers(signal?: AbortSignal): void {
    for (const controller of this.controllers) controller.startWorkers(signal);
  }

  /** Each controller with its own grace period (graceful), or none (leadership lost). */
  async stopWorkers(graceful: boolean): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.stopWorkers(graceful ? c.config.stopGracePeriodMs : 0)));
  }

  async stopCaches(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.stopCaches()));
    await this.factory.stop();
  }

  /** Without leader election: caches, then workers. */
  async start(): Promise<void> {
    await this.startCaches();
    this.startWorkers();
  }

  /** Graceful stop of every controller (`graceMs` overrides their grace periods, e.g. 0 after a failure). */
  async stop(graceMs?: number): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.stop(graceMs)));
    await this.factory.stop();
  }

  get hasSynced(): boolean {
    return this.controllers.every((c) => c.hasSynced);
  }
}
