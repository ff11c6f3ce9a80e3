/**
 * Entry points: `runOperator` (service account, else kubeconfig), `runOperatorWithClientConfig`, and
 * `startOperator` for embedding and tests. They build the client, the controller, the metrics/health server and
 * signal handling around an OperatorConfig and a handler.
 */
import { TsOperatorError, hasCode } from "../../core/errors.js";
import { ClientConfig } from "../../client/config.js";
import { KubeClient } from "../../client/kube-client.js";
import type { KubeObject } from "../../core/types.js";
import type { OperatorConfig } from "../api/config.js";
import { OperatorController, errorSummary } from "./controller.js";
import { toHandler, type HandlerLike } from "../api/handler.js";
import type { Logger } from "../../core/logger.js";
import { createPinoLogger } from "../observe/logger.js";
import type { ReconcileObserver } from "../engine/reconciler.js";
import { EventRecorder } from "../observe/events.js";
import { OperatorMetrics, type OperatorMetricsView } from "../observe/metrics.js";
import { fanOutObserver } from "../observe/observability.js";
import { startOperatorServer, type LivenessReport, type OperatorServer } from "../observe/server.js";
import { k8sTypes } from "../../core/k8s-types.js";
import { LeaderElector, defaultIdentity } from "../../runtime/leader-election.js";
import { runWithLeadership, type LeadershipRun } from "./leadership.js";
import { ParentShards, shardIdentity, shardedLifecycle } from "./sharding.js";

export interface StartOptions {
  /** Stops the operator when aborted. */
  signal?: AbortSignal;
  /** Default: pino JSON logs on stdout (level from LOG_LEVEL). */
  logger?: Logger;
  /** Default: ClientConfig.fromEnvironment(operatorName). */
  clientConfig?: ClientConfig | Promise<ClientConfig>;
  /** Stop gracefully on SIGTERM/SIGINT (default true for runOperator, false for startOperator). */
  handleSignals?: boolean;
  /** Extra observers (tests, custom metrics). */
  observer?: Partial<ReconcileObserver>;
}

/** A running operator. */
export interface RunningOperator {
  /** Resolves once caches have synced and every parent has been queued. */
  readonly ready: Promise<void>;
  /**
   * Resolves when the operator has stopped; rejects on a fatal error, e.g. TSOP_LEADERSHIP_LOST after this
   * replica lost its Lease (it stops everything first; the process should then exit non-zero).
   */
  readonly done: Promise<void>;
  /**
   * Graceful stop: in-flight syncs get `stopGracePeriodMs` to finish, then are aborted (and abandoned after
   * STOP_ABORT_WAIT_MS if a handler ignores its signal); watches, the server and the client close.
   */
  stop(): Promise<void>;
  readonly client: KubeClient;
  /** @internal The engine's controller: the TestKit and the project's own tests look inside it. */
  readonly controller: OperatorController;
  readonly metrics: OperatorMetricsView;
  /** Port of the metrics/health server, when it runs (useful with withServerPort(0)). */
  readonly serverPort: number | undefined;
}

/**
 * Starts an operator and returns at once.
 *
 * @example
 * const op = startOperator(config, handler, { clientConfig: env.clientConfig() });
 * await op.ready;
 * // ...
 * await op.stop();
 */
export function startOperator<P extends KubeObject = KubeObject, S = unknown>(
  config: OperatorConfig,
  handler: HandlerLike<P, S>,
  options: StartOptions = {},
): RunningOperator {
  const normalized = toHandler(handler);
  const logger = (options.logger ?? createPinoLogger()).child({ operator: config.operatorName });
  let resolveReady!: () => void;
  let rejectReady!: (err: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  let stopRequested = false;
  let stopFn: () => Promise<void> = async () => {
    stopRequested = true;
  };
  let parts:
    | { client: KubeClient; controller: OperatorController; metrics: OperatorMetrics; serverPort?: number }
    | undefined;
  const started = () => {
    if (!parts)
      throw new TsOperatorError("TSOP_CONFIG_INVALID", "the operator has not started yet (await op.ready)");
    return parts;
  };

  const done = (async () => {
    const baseConfig = await (options.clientConfig ?? ClientConfig.fromEnvironment(config.operatorName));
    // Sharded replicas write side by side: the user agent names the replica, so audit logs tell them apart.
    const identity = config.sharding ? shardIdentity(config) : undefined;
    const clientConfig = identity
      ? baseConfig.with({ userAgent: `${baseConfig.userAgent} shard/${identity}` })
      : baseConfig;
    const shards = config.sharding
      ? new ParentShards(config.sharding.key ?? "uid", config.sharding.buckets)
      : undefined;
    const metrics = new OperatorMetrics({ controller: config.operatorName });
    const client = await KubeClient.fromConfig(clientConfig, { metrics: metrics.clientMetrics() });
    const events = new EventRecorder({
      events: client.resource(k8sTypes.core.v1.Event),
      component: config.operatorName,
      logger,
      onOutcome: metrics.eventHook(),
    });
    const controller = new OperatorController(config, normalized, client, {
      logger,
      observer: fanOutObserver(metrics, events, options.observer),
      queueMetrics: metrics.queueHooks(config.operatorName),
      events,
      onReconcile: (result, seconds) => metrics.recordSync(result, seconds),
      shard: shards,
    });
    // The controller makes a new queue per leadership term: observe whichever is current.
    metrics.observeQueue({
      name: config.operatorName,
      unfinishedWorkSeconds: () => controller.queue.unfinishedWorkSeconds(),
      longestRunningProcessorSeconds: () => controller.queue.longestRunningProcessorSeconds(),
    });
    const lifecycle: Lifecycle = shards
      ? shardedLifecycle({
          target: controller,
          shards,
          client,
          config,
          identity: identity ?? "",
          namespace: leaseNamespace(config, config.sharding?.leaseNamespace, clientConfig.namespace),
          logger,
          registry: metrics.registry,
        })
      : config.leaderElection
      ? leaderElected(controller, client, config, clientConfig.namespace, logger)
      : {
          start: () => controller.start(),
          stop: () => controller.stop(),
          failed: new Promise<never>(() => {}),
        };
    metrics.observeCache(() => controller.cachedObjects().map(({ type, count }) => [type, count] as const));
    parts = { client, controller, metrics };
    let server: OperatorServer | undefined;
    let stopping: Promise<void> | undefined;
    let finished!: () => void;
    const stopped = new Promise<void>((r) => (finished = r));
    stopFn = () => {
      stopping ??= (async () => {
        logger.info({}, "stopping");
        await lifecycle.stop();
        await events.flush();
        await server?.close();
        await client.close();
        finished();
        logger.info({}, "stopped");
      })();
      return stopping;
    };
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "signal received, stopping gracefully");
      void stopFn();
    };
    if (options.handleSignals) {
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
    }
    options.signal?.addEventListener("abort", () => void stopFn(), { once: true });
    try {
      logger.info({ endpoint: clientConfig.apiServerEndpoint, parent: config.parentType.kind }, "starting");
      if (config.metricsEnabled || config.healthEnabled) {
        server = await startOperatorServer({
          port: config.serverPort,
          metrics: config.metricsEnabled ? metrics : undefined,
          health: config.healthEnabled
            ? {
                live: () => liveness(controller, config),
                ready: () => ({
                  ok: controller.hasSynced,
                  detail: { cachesSynced: controller.hasSynced, caches: controller.cachedObjects() },
                }),
              }
            : undefined,
          logger,
        });
        parts.serverPort = server.port;
        logger.info({ port: server.port }, "serving metrics and health");
      }
      await lifecycle.start();
      resolveReady();
      if (stopRequested || options.signal?.aborted) void stopFn();
      await Promise.race([stopped, lifecycle.failed]);
    } catch (err) {
      rejectReady(err);
      if (hasCode(err, "TSOP_LEADERSHIP_LOST")) {
        // The workers and caches have stopped already; close the rest, then fail: the process must exit.
        logger.error({ err: errorSummary(err) }, "leader election lost; stopping");
        await stopFn();
        throw err;
      }
      if (stopping) {
        // stop() was called while starting: that is a normal end, not a failure.
        await stopping;
        return;
      }
      await controller.stop(0).catch(() => {});
      await server?.close().catch(() => {});
      await client.close().catch(() => {});
      throw err;
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
  })();
  done.catch((err: unknown) => rejectReady(err));
  // `ready` rejections are for callers that await it; `done` carries the same error.
  ready.catch(() => {});

  const running: RunningOperator = {
    ready,
    done,
    stop: async () => {
      await stopFn();
      await done.catch(() => {});
    },
    get client() {
      return started().client;
    },
    get controller() {
      return started().controller;
    },
    get metrics() {
      return started().metrics;
    },
    get serverPort() {
      return started().serverPort;
    },
  };
  return running;
}

/**
 * Runs an operator with the configuration from the environment (service account first, then kubeconfig).
 * Never resolves in normal operation; rejects on a fatal error so `main` can log it and exit non-zero.
 * SIGTERM/SIGINT stop it gracefully, after which it resolves.
 */
export async function runOperator<P extends KubeObject = KubeObject, S = unknown>(
  config: OperatorConfig,
  handler: HandlerLike<P, S>,
): Promise<void> {
  return runOperatorWithClientConfig(config, ClientConfig.fromEnvironment(config.operatorName), handler);
}

/** runOperator with an explicit client configuration (or a promise of one, e.g. ClientConfig.fromKubeconfig). */
export async function runOperatorWithClientConfig<P extends KubeObject = KubeObject, S = unknown>(
  config: OperatorConfig,
  clientConfig: ClientConfig | Promise<ClientConfig>,
  handler: HandlerLike<P, S>,
): Promise<void> {
  const op = startOperator(config, handler, { clientConfig, handleSignals: true });
  try {
    await op.done;
  } catch (err) {
    const logger = createPinoLogger();
    logger.error({ err: errorSummary(err) }, "operator failed");
    throw err;
  }
}

/**
 * `/healthz`: fails once a sync (or a handler call abandoned after a timeout or stop) has been busy for longer
 * than `stuckThresholdMs`, so the kubelet restarts a process whose workers are stuck. The detail names durations
 * only, never parents or object data (the endpoint is unauthenticated).
 */
function liveness(controller: OperatorController, config: OperatorConfig): LivenessReport {
  const busyMs = controller.longestBusyMs();
  if (busyMs <= config.stuckThresholdMs) return { ok: true };
  return {
    ok: false,
    detail: {
      reason: "SyncStuck",
      longestBusySeconds: Math.round(busyMs / 1000),
      thresholdSeconds: config.stuckThresholdMs / 1000,
    },
  };
}

interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Rejects when the operator must end on its own (leadership lost); never resolves. */
  readonly failed: Promise<never>;
}

/** Caches on every replica, workers only on the Lease holder (see leadership.ts). */
function leaderElected(
  controller: OperatorController,
  client: KubeClient,
  config: OperatorConfig,
  contextNamespace: string | undefined,
  logger: Logger,
): Lifecycle {
  const le = config.leaderElection ?? {};
  const elector = new LeaderElector(client, {
    leaseName: le.leaseName ?? config.operatorName,
    // The pod's namespace (downward API), else the watched one, else the service account's / context's.
    namespace: leaseNamespace(config, le.leaseNamespace, contextNamespace),
    identity: le.identity ?? process.env.POD_NAME ?? defaultIdentity(),
    leaseDurationMs: le.leaseDurationMs,
    renewDeadlineMs: le.renewDeadlineMs,
    retryPeriodMs: le.retryPeriodMs,
    logger,
  });
  let run: LeadershipRun | undefined;
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // Awaited only once the operator has started; a failure before that surfaces through start().
  failed.catch(() => {});
  return {
    failed,
    start() {
      run = runWithLeadership(
        {
          startCaches: () => controller.startCaches(),
          startWorkers: (signal) => controller.startWorkers(signal),
          // Lost leadership: abort in-flight writes now, another replica may already be writing.
          stopWorkers: (graceful) => controller.stopWorkers(graceful ? config.stopGracePeriodMs : 0),
          stopCaches: () => controller.stopCaches(),
        },
        elector,
        { logger, onLeadershipChange: (leading) => logger.info({ leading }, "leadership changed") },
      );
      run.done.catch((err: unknown) => {
        if (hasCode(err, "TSOP_LEADERSHIP_LOST")) fail(err);
      });
      return run.cachesSynced;
    },
    async stop() {
      if (run) await run.stop();
      else await controller.stop();
    },
  };
}

/** Where Leases live: the pod's namespace (downward API), else the watched one, else the context's. */
function leaseNamespace(config: OperatorConfig, configured: string | undefined, contextNamespace: string | undefined) {
  return configured ?? process.env.POD_NAMESPACE ?? config.namespace ?? contextNamespace ?? "default";
}
