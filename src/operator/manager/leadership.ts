/**
 * Leader election wired around a controller: every replica starts its informers and keeps its caches warm, only
 * the Lease holder runs the work queue. A graceful stop lets the workers finish and then releases the Lease.
 * Readiness is the caches', never leadership's: a follower is a healthy, ready pod.
 *
 * Losing the Lease (another holder in it, or no renewal within the renew deadline) ends the run, as
 * controller-runtime's manager does ("leader election lost"): the term's signal aborts every write at once, the
 * workers are stopped without grace (bounded: a handler that never settles is abandoned), campaigning stops,
 * the caches stop, and `done` rejects with TSOP_LEADERSHIP_LOST so the process exits non-zero and the kubelet
 * restarts it. It does not re-contend: a process that lost its Lease may still have abandoned handler calls
 * running and in-memory state from its term, and a replica holding the Lease with stuck workers would be worse
 * than a restart, which costs only a cache sync.
 *
 * The controller is reached through `LeadershipTarget`, so the runner decides how its controller splits into
 * caches and workers; the sequencing rules live here, in one place, with tests.
 */
import { TsOperatorError } from "../../core/errors.js";
import type { LeaderCallbacks, LeaderElector } from "../../runtime/leader-election.js";
import { silentLogger, type Logger } from "../../core/logger.js";

/** What a controller must offer to be run under leader election. */
export interface LeadershipTarget {
  /** Starts the informers; resolves once every cache has synced. Called once, on every replica. */
  startCaches(): Promise<void>;
  /**
   * Queues every cached parent and starts the workers. Called when leadership starts (after the caches synced);
   * may be called again after a stopWorkers (a later term). Writes must stop when `signal` aborts.
   */
  startWorkers(signal: AbortSignal): void | Promise<void>;
  /**
   * Stops the workers and resolves when none is running. `graceful`: in-flight syncs may finish (shutdown);
   * otherwise abort them now (leadership lost: another replica may already be writing).
   */
  stopWorkers(graceful: boolean): Promise<void>;
  /** Stops the informers (shutdown only). */
  stopCaches(): Promise<void>;
}

export interface LeadershipOptions {
  logger?: Logger | undefined;
  /** Told about every change (metrics: a `leader` gauge; logs). */
  onLeadershipChange?: ((leading: boolean) => void) | undefined;
}

export interface LeadershipRun {
  /** Resolves when the caches have synced: wire `/readyz` to this, not to leadership. */
  readonly cachesSynced: Promise<void>;
  /**
   * Resolves after stop(); rejects if the caches fail to start, or with TSOP_LEADERSHIP_LOST once leadership was
   * lost and everything has stopped.
   */
  readonly done: Promise<void>;
  readonly isLeader: boolean;
  /** Graceful: workers finish, the Lease is released, caches stop. */
  stop(): Promise<void>;
}

/**
 * Runs `target` under `elector`.
 *
 * @example
 * const run = runWithLeadership(
 *   {
 *     startCaches: () => controller.startCaches(),
 *     startWorkers: (signal) => controller.startWorkers(signal),
 *     stopWorkers: (graceful) => controller.stopWorkers(graceful ? 30_000 : 0),
 *     stopCaches: () => controller.stopCaches(),
 *   },
 *   new LeaderElector(client, { leaseName: config.operatorName, namespace: podNamespace }),
 * );
 * await run.cachesSynced; // ready
 * process.once("SIGTERM", () => void run.stop());
 */
function errorText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

export function runWithLeadership(
  target: LeadershipTarget,
  elector: LeaderElector,
  options: LeadershipOptions = {},
): LeadershipRun {
  const logger = options.logger ?? silentLogger;
  // Leadership changes are applied strictly in order: a term that ends while its workers are still starting
  // must see them started before it stops them.
  let chain: Promise<void> = Promise.resolve();
  const serially = (fn: () => Promise<void> | void) => {
    chain = chain.then(fn).catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, "leadership transition failed");
    });
    return chain;
  };
  let workersRunning = false;
  let stopping = false;
  let synced = false;
  let lost: TsOperatorError | undefined;
  const cachesSynced = target.startCaches();
  // Callers that never await cachesSynced must not get an unhandled rejection: `done` carries it too.
  cachesSynced.then(
    () => (synced = true),
    () => {},
  );

  const callbacks: LeaderCallbacks = {
    onStartedLeading(signal) {
      void serially(async () => {
        // Campaigning starts with the caches, so a fast win waits here for the sync (the Lease is renewed meanwhile).
        try {
          await cachesSynced;
        } catch {
          return; // stopped before the caches synced, or they failed: nothing to lead
        }
        if (signal.aborted || stopping) return;
        logger.info({ identity: elector.identity }, "leading: starting workers");
        // The term ends the run unless we are stopping: stop campaigning now, before the elector's next attempt.
        signal.addEventListener(
          "abort",
          () => {
            if (stopping) return;
            const why = `leader election lost (${errorText(signal.reason)})`;
            lost = new TsOperatorError("TSOP_LEADERSHIP_LOST", why, { cause: signal.reason });
            void stop();
          },
          { once: true },
        );
        workersRunning = true;
        options.onLeadershipChange?.(true);
        await target.startWorkers(signal);
      });
    },
    onStoppedLeading() {
      // Lost: stop at once (not graceful). On stop() the elector awaits this before releasing the Lease.
      const graceful = stopping && !lost;
      return serially(async () => {
        if (!workersRunning) return;
        workersRunning = false;
        logger.info({ identity: elector.identity, graceful }, "not leading: stopping workers");
        await target.stopWorkers(graceful);
        options.onLeadershipChange?.(false);
      });
    },
  };

  const campaign = cachesSynced.then(
    () => undefined,
    (err: unknown) => {
      throw new TsOperatorError("TSOP_SHUTDOWN", "caches failed to start; not campaigning", { cause: err });
    },
  );
  const electing = elector.run(callbacks);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      // Caches that never synced (e.g. no list permission) hold a leadership transition waiting for them, and
      // elector.stop() waits for that transition: stop the caches first, which fails the wait.
      const cachesFirst = !synced;
      if (cachesFirst) await target.stopCaches();
      await elector.stop();
      await electing;
      await chain;
      if (!cachesFirst) await target.stopCaches();
    })();
    return stopped;
  };
  const done = (async () => {
    try {
      await campaign;
    } catch (err) {
      await stop();
      throw err;
    }
    await electing;
    await stop();
    if (lost) throw lost;
  })();
  done.catch(() => {});
  return {
    cachesSynced,
    done,
    get isLeader() {
      return elector.isLeader && workersRunning;
    },
    stop,
  };
}
