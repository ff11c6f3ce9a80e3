/**
 * Several operators in one process (controller-runtime's Manager): `startOperators` / `runOperators` run a list
 * of OperatorConfigs with their handlers over one client, one informer per (type, namespace, selector) shared by
 * every operator that needs it, one metrics/health server, one leader election for the lot, and one graceful
 * stop. Each operator keeps its own work queue, workers, metrics series and Events, so an error in one
 * operator's handler never reaches another. `startOperator` is this with a single operator.
 */
import { jsonEqual } from "../../core/json.js";
import { TsOperatorError, hasCode } from "../../core/errors.js";
import { ClientConfig } from "../../client/config.js";
import { KubeClient } from "../../client/kube-client.js";
import type { RequestMetricEvent } from "../../client/transport.js";
import type { KubeObject } from "../../core/types.js";
import type { LeaderElectionConfig, OperatorConfig } from "../api/config.js";
import { OperatorController, errorSummary } from "./controller.js";
import { ControllerGroup } from "./controller-group.js";
import { toHandler, type HandlerLike } from "../api/handler.js";
import type { Logger } from "../../core/logger.js";
import { createPinoLogger } from "../observe/logger.js";
import type { ReconcileObserver } from "../engine/reconciler.js";
import { EventRecorder } from "../observe/events.js";
import { OperatorMetrics, type OperatorMetricsView } from "../observe/metrics.js";
import { ParentShards, shardIdentity, shardedLifecycle } from "./sharding.js";
import { fanOutObserver } from "../observe/observability.js";
import { startOperatorServer, type LivenessReport, type OperatorServer } from "../observe/server.js";
import { k8sTypes } from "../../core/k8s-types.js";
import { InformerFactory } from "../../runtime/informer-factory.js";
import { LeaderElector, defaultIdentity } from "../../runtime/leader-election.js";
import { runWithLeadership, type LeadershipRun } from "./leadership.js";

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
  /** Told about every request the client sends (tests counting requests per type and verb, custom metrics). */
  onRequest?: (event: RequestMetricEvent) => void;
}

/** One operator of a process: its configuration and its handler. */
export interface ManagedOperator<P extends KubeObject = KubeObject, S = unknown> {
  config: OperatorConfig;
  handler: HandlerLike<P, S>;
}

/**
 * The process-wide settings. Each defaults to the first operator's setting (its `serverPort`, `metricsEnabled`,
 * `healthEnabled`, `leaderElection`); the other operators' values of these settings are not used.
 */
export interface ManagerOptions extends StartOptions {
  /** Names the process in logs and is the default Lease name. Default: the first operator's name. */
  name?: string;
  serverPort?: number;
  metricsEnabled?: boolean;
  healthEnabled?: boolean;
  /** One Lease for every operator: only its holder runs workers; `false` turns it off. */
  leaderElection?: LeaderElectionConfig | false;
}

/** Several running operators. */
export interface RunningOperators {
  /** Resolves once every operator's caches have synced and its parents have been queued. */
  readonly ready: Promise<void>;
  /** Resolves when all have stopped; rejects on a fatal error (TSOP_LEADERSHIP_LOST: the process should exit). */
  readonly done: Promise<void>;
  /** Graceful stop of all: each operator's in-flight syncs get its `stopGracePeriodMs`; then watches, server, client. */
  stop(): Promise<void>;
  readonly client: KubeClient;
  /** One registry for all: series carry the operator's name as `controller` (and queue `name`). */
  readonly metrics: OperatorMetricsView;
  /** Port of the metrics/health server, when it runs. */
  readonly serverPort: number | undefined;
  /** @internal The engine's controllers by operator name (the TestKit and the project's tests look inside). */
  readonly controllers: ReadonlyMap<string, OperatorController>;
}

interface Started {
  client: KubeClient;
  metrics: OperatorMetrics;
  controllers: Map<string, OperatorController>;
  serverPort?: number;
}

/**
 * Starts several operators in one process and returns at once.
 *
 * @example
 * const ops = startOperators([
 *   { config: databases, handler: syncDatabase },
 *   { config: backups, handler: syncBackup },
 * ]);
 * await ops.ready;
 * // ...
 * await ops.stop();
 */
export function startOperators(
  operators: readonly ManagedOperator[],
  options: ManagerOptions = {},
): RunningOperators {
  const first = checkOperators(operators, options);
  const name = options.name ?? first.operatorName;
  const rootLogger = options.logger ?? createPinoLogger();
  // One operator logs as before (`operator: name`); a manager's own lines say `manager`.
  const logger = rootLogger.child(operators.length === 1 ? { operator: name } : { manager: name });
  const serverPort = options.serverPort ?? first.serverPort;
  const metricsEnabled = options.metricsEnabled ?? first.metricsEnabled;
  const healthEnabled = options.healthEnabled ?? first.healthEnabled;
  const leaderElection = options.leaderElection ?? first.leaderElection;
  // Unsupported combinations fail here, before anything starts.
  const sharding = shardingOf(operators, leaderElection);
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
  let parts: Started | undefined;
  const started = () => {
    if (!parts)
      throw new TsOperatorError("TSOP_CONFIG_INVALID", "the operator has not started yet (await op.ready)");
    return parts;
  };

  const done = (async () => {
    const baseConfig = await (options.clientConfig ?? ClientConfig.fromEnvironment(name));
    // Sharded replicas write side by side: the user agent names the replica, so audit logs tell them apart.
    const clientConfig = sharding
      ? baseConfig.with({ userAgent: `${baseConfig.userAgent} shard/${sharding.identity}` })
      : baseConfig;
    const metrics = new OperatorMetrics({ controller: first.operatorName });
    const clientMetrics = metrics.clientMetrics();
    const onRequest = options.onRequest;
    const client = await KubeClient.fromConfig(clientConfig, {
      metrics: onRequest
        ? {
            onRequest: (event) => {
              clientMetrics.onRequest(event);
              onRequest(event);
            },
          }
        : clientMetrics,
    });
    const factory = new InformerFactory(client, {
      // Each operator's own managedFields entry tells it which fields it owns (drift detection); the rest is dropped.
      compact: { keepFieldManager: operators.map((o) => o.config.fieldManager) },
      onError: (error, phase) => logger.warn({ err: errorSummary(error), phase }, "watch error, retrying"),
    });
    const recorders: EventRecorder[] = [];
    const controllers = new Map<string, OperatorController>();
    for (const [index, { config, handler }] of operators.entries()) {
      const opLogger = operators.length === 1 ? logger : rootLogger.child({ operator: config.operatorName });
      const opMetrics = index === 0 ? metrics : metrics.forController(config.operatorName);
      const events = new EventRecorder({
        events: client.resource(k8sTypes.core.v1.Event),
        component: config.operatorName,
        logger: opLogger,
        onOutcome: opMetrics.eventHook(),
      });
      recorders.push(events);
      const controller = new OperatorController(config, toHandler(handler), client, {
        logger: opLogger,
        observer: fanOutObserver(opMetrics, events, options.observer),
        queueMetrics: opMetrics.queueHooks(config.operatorName),
        events,
        factory,
        shard: index === 0 ? sharding?.shards : undefined,
        onReconcile: (result, seconds) => opMetrics.recordSync(result, seconds),
      });
      // The controller makes a new queue per leadership term: observe whichever is current.
      opMetrics.observeQueue({
        name: config.operatorName,
        unfinishedWorkSeconds: () => controller.queue.unfinishedWorkSeconds(),
        longestRunningProcessorSeconds: () => controller.queue.longestRunningProcessorSeconds(),
      });
      opMetrics.observeCache(() =>
        controller.cachedObjects().map(({ type, count }) => [type, count] as const),
      );
      controllers.set(config.operatorName, controller);
    }
    const group = new ControllerGroup([...controllers.values()], factory);
    const firstController = controllers.get(first.operatorName);
    const lifecycle: Lifecycle =
      sharding && firstController
        ? shardedLifecycle({
            target: {
              startCaches: () => group.startCaches(),
              startWorkers: () => group.startWorkers(),
              stopWorkers: () => group.stopWorkers(true),
              stopCaches: () => group.stopCaches(),
              cachesFollowShard: () => firstController.cachesFollowShard,
              followBuckets: (held) => firstController.followBuckets(held),
              requeueParents: (filter) => firstController.requeueParents(filter),
              cachedParents: () => firstController.cachedParents(),
              labelUnlabelledChildren: (labelOf, signal) =>
                firstController.labelUnlabelledChildren(labelOf, signal),
            },
            shards: sharding.shards,
            client,
            config: first,
            identity: sharding.identity,
            namespace: leaseNamespace(first.sharding?.leaseNamespace, first.namespace, clientConfig),
            logger,
            registry: metrics.registry,
          })
        : leaderElection
          ? leaderElected(
              group,
              client,
              { name, leaderElection, namespace: first.namespace },
              clientConfig,
              logger,
            )
          : { start: () => group.start(), stop: () => group.stop(), failed: new Promise<never>(() => {}) };
    parts = { client, metrics, controllers };
    let server: OperatorServer | undefined;
    let stopping: Promise<void> | undefined;
    let finished!: () => void;
    const stopped = new Promise<void>((r) => (finished = r));
    stopFn = () => {
      stopping ??= (async () => {
        logger.info({}, "stopping");
        await lifecycle.stop();
        await Promise.all(recorders.map((r) => r.flush()));
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
      logger.info(
        { endpoint: clientConfig.apiServerEndpoint, parents: operators.map((o) => o.config.parentType.kind) },
        "starting",
      );
      if (metricsEnabled || healthEnabled) {
        server = await startOperatorServer({
          port: serverPort,
          metrics: metricsEnabled ? metrics : undefined,
          health: healthEnabled
            ? {
                live: () => liveness(group.controllers),
                ready: () => ({
                  ok: group.hasSynced,
                  detail: {
                    cachesSynced: group.hasSynced,
                    caches: group.controllers.flatMap((c) => c.cachedObjects()),
                  },
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
      await group.stop(0).catch(() => {});
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

  return {
    ready,
    done,
    stop: async () => {
      await stopFn();
      await done.catch(() => {});
    },
    get client() {
      return started().client;
    },
    get metrics() {
      return started().metrics;
    },
    get serverPort() {
      return started().serverPort;
    },
    get controllers() {
      return started().controllers;
    },
  };
}

/**
 * Runs several operators with the configuration from the environment (service account first, then kubeconfig),
 * or `options.clientConfig`. Never resolves in normal operation; rejects on a fatal error so `main` can log it
 * and exit non-zero. SIGTERM/SIGINT stop all of them gracefully, after which it resolves.
 */
export async function runOperators(
  operators: readonly ManagedOperator[],
  options: Omit<ManagerOptions, "handleSignals"> = {},
): Promise<void> {
  const ops = startOperators(operators, { ...options, handleSignals: true });
  try {
    await ops.done;
  } catch (err) {
    (options.logger ?? createPinoLogger()).error({ err: errorSummary(err) }, "operators failed");
    throw err;
  }
}

/**
 * Settings of the process, not of one operator: the options set them for all, else the operators' configs must
 * agree, as a silent pick of the first one's would leave the others' settings ignored.
 */
const PROCESS_SETTINGS = ["serverPort", "metricsEnabled", "healthEnabled", "leaderElection"] as const;

/** At least one operator, names unique (they label metrics, queues, Events and field managers). */
function checkOperators(operators: readonly ManagedOperator[], options: ManagerOptions): OperatorConfig {
  const first = operators[0]?.config;
  if (!first) throw new TsOperatorError("TSOP_CONFIG_INVALID", "startOperators needs at least one operator");
  const names = new Set<string>();
  for (const { config, handler } of operators) {
    toHandler(handler);
    if (names.has(config.operatorName)) {
      throw new TsOperatorError(
        "TSOP_CONFIG_INVALID",
        `two operators are named ${JSON.stringify(config.operatorName)}: names label their metrics, Events and writes`,
      );
    }
    names.add(config.operatorName);
  }
  for (const setting of PROCESS_SETTINGS) {
    if (options[setting] !== undefined) continue;
    const differing = operators.find(({ config }) => !jsonEqual(config[setting], first[setting]));
    if (differing) {
      throw new TsOperatorError(
        "TSOP_CONFIG_INVALID",
        `operators ${JSON.stringify(first.operatorName)} and ${JSON.stringify(differing.config.operatorName)} ` +
          `disagree on ${setting} (${JSON.stringify(first[setting]) ?? "unset"} vs ` +
          `${JSON.stringify(differing.config[setting]) ?? "unset"}); it is one per process: give it once in ` +
          `the startOperators options, or the same in every config`,
      );
    }
  }
  return first;
}

/**
 * `/healthz`: fails once a sync (or a handler call abandoned after a timeout or stop) of any operator has been busy
 * for longer than that operator's `stuckThresholdMs`, so the kubelet restarts a process whose workers are stuck.
 * The detail names durations only, never parents or object data (the endpoint is unauthenticated).
 */
function liveness(controllers: readonly OperatorController[]): LivenessReport {
  for (const controller of controllers) {
    const busyMs = controller.longestBusyMs();
    const threshold = controller.config.stuckThresholdMs;
    if (busyMs <= threshold) continue;
    return {
      ok: false,
      detail: {
        reason: "SyncStuck",
        ...(controllers.length > 1 ? { operator: controller.config.operatorName } : {}),
        longestBusySeconds: Math.round(busyMs / 1000),
        thresholdSeconds: threshold / 1000,
      },
    };
  }
  return { ok: true };
}

interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Rejects when the operators must end on their own (leadership lost); never resolves. */
  readonly failed: Promise<never>;
}

/** Caches on every replica, workers only on the Lease holder (see leadership.ts); one Lease for the group. */
function leaderElected(
  group: ControllerGroup,
  client: KubeClient,
  settings: { name: string; leaderElection: LeaderElectionConfig; namespace: string | undefined },
  clientConfig: ClientConfig,
  logger: Logger,
): Lifecycle {
  const le = settings.leaderElection;
  const elector = new LeaderElector(client, {
    leaseName: le.leaseName ?? settings.name,
    // The pod's namespace (downward API), else the watched one, else the service account's / context's.
    namespace: leaseNamespace(le.leaseNamespace, settings.namespace, clientConfig),
    identity: le.identity ?? process.env.POD_NAME ?? defaultIdentity(),
    leaseDurationMs: le.leaseDurationMs,
    renewDeadlineMs: le.renewDeadlineMs,
    retryPeriodMs: le.retryPeriodMs,
    logger,
  });
  let run: LeadershipRun | undefined;
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // Awaited only once the operators have started; a failure before that surfaces through start().
  failed.catch(() => {});
  return {
    failed,
    start() {
      run = runWithLeadership(group, elector, {
        logger,
        onLeadershipChange: (leading) => logger.info({ leading }, "leadership changed"),
      });
      run.done.catch((err: unknown) => {
        if (hasCode(err, "TSOP_LEADERSHIP_LOST")) fail(err);
      });
      return run.cachesSynced;
    },
    async stop() {
      if (run) await run.stop();
      else await group.stop();
    },
  };
}

/** The pod's namespace (downward API), else the configured or watched one, else the service account's / context's. */
function leaseNamespace(
  configured: string | undefined,
  watched: string | undefined,
  clientConfig: ClientConfig,
) {
  return configured ?? process.env.POD_NAMESPACE ?? watched ?? clientConfig.namespace ?? "default";
}

/**
 * Sharding is per process: a sharded operator runs alone (its ring, its sharded caches and its gate are the
 * process's), and every replica is active, so leader election makes no sense with it. Both fail at start.
 */
function shardingOf(
  operators: readonly ManagedOperator[],
  leaderElection: LeaderElectionConfig | false | undefined,
): { identity: string; shards: ParentShards } | undefined {
  const sharded = operators
    .filter((o) => o.config.sharding)
    .map((o) => JSON.stringify(o.config.operatorName));
  if (sharded.length === 0) return undefined;
  if (operators.length > 1) {
    throw new TsOperatorError(
      "TSOP_CONFIG_INVALID",
      `withSharding: operator ${sharded.join(", ")} shards, and a sharded operator runs alone in its process ` +
        `(this manager has ${operators.length} operators): start it with startOperator, the others in another process`,
    );
  }
  const first = operators[0]?.config;
  if (!first?.sharding) return undefined;
  if (leaderElection) {
    throw new TsOperatorError(
      "TSOP_CONFIG_INVALID",
      `withSharding and leader election are exclusive (operator ${sharded.join(", ")}): with sharding every ` +
        "replica is active; drop withLeaderElection or the manager's leaderElection option",
    );
  }
  return {
    identity: shardIdentity(first),
    shards: new ParentShards(first.sharding.key ?? "uid", first.sharding.buckets),
  };
}
