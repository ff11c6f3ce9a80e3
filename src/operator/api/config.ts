/**
 * `OperatorConfig` and `ChildConfig`: what an operator watches and how it updates each child type (roperator's
 * builder API in TypeScript form). Pure configuration: nothing here touches the network.
 */
import { TsOperatorError } from "../../core/errors.js";
import { typeName, type K8sType, type KubeObject } from "../../core/types.js";
import { checkBuckets } from "../../core/shard-hash.js";
import { DEFAULT_RETRY_RATE_LIMIT, type RetryRateLimit } from "../../runtime/work-queue.js";
import type { RelatedConfig } from "./related-config.js";

/** How a changed child is brought to its desired state. */
export type UpdateStrategy = "apply" | "replace" | "recreate" | "onDelete";

export class ChildConfig {
  private constructor(
    readonly strategy: UpdateStrategy,
    /** Whether existing objects with no controller are adopted (see adoptOrphans). */
    readonly adoptsOrphans = false,
  ) {}

  /** Server-side apply with the operator's field manager: removals work, other writers' fields survive. */
  static apply(): ChildConfig {
    return new ChildConfig("apply");
  }
  /** PUT the whole desired object (roperator's Replace): fields set by others are wiped. */
  static replace(): ChildConfig {
    return new ChildConfig("replace");
  }
  /** DELETE, then CREATE once the old object is gone (for immutable fields). */
  static recreate(): ChildConfig {
    return new ChildConfig("recreate");
  }
  /** Never modified; created when missing, re-created only after something else deletes it. */
  static onDelete(): ChildConfig {
    return new ChildConfig("onDelete");
  }

  /**
   * Opt in to adopting existing objects of this type that have no controller at all: when a desired child's
   * name is taken by such an object, the engine adds this parent's controller ownerReference and labels (keeping
   * every other owner reference), then brings it to the desired state. From then on it is this parent's child:
   * updated, deleted when no longer desired, and garbage-collected with the parent.
   *
   * Without it (the default), and always for an object controlled by someone else, the object is never modified
   * or deleted; the parent reports `Synced=False` with reason `ChildConflict` naming it.
   *
   * @example
   * config.withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply().adoptOrphans());
   */
  adoptOrphans(): ChildConfig {
    return new ChildConfig(this.strategy, true);
  }
}

export interface LeaderElectionConfig {
  /** Lease name (default: the operator name). */
  leaseName?: string;
  /** Lease namespace (default: the operator's namespace from the environment, or "default"). */
  leaseNamespace?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Defaults to hostname + random suffix. */
  identity?: string;
}

/**
 * Scale-out: replicas split the parents by bucket (see docs/guide/15-sharding.md). Exclusive with leader election.
 */
export interface ShardingConfig {
  /** Number of buckets, fixed for the life of the operator (changing it re-partitions every parent). */
  buckets: number;
  /** What a parent's bucket is the hash of: its uid (default) or its namespace. */
  key?: "uid" | "namespace";
  /** Ring name, the prefix of its Lease names (default: the operator name). */
  ringName?: string;
  /** Namespace of the ring's Leases (default: as leader election's). */
  leaseNamespace?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Defaults to POD_NAME, else hostname + random suffix. */
  identity?: string;
}

export interface ChildTypeConfig {
  readonly type: K8sType;
  readonly config: ChildConfig;
}

export interface RelatedTypeConfig {
  readonly type: K8sType;
  readonly config: RelatedConfig;
}

const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A finite duration in ms: positive, or >= 0 when zero means "at once". */
function checkDuration(setting: string, ms: number, options: { zeroAllowed?: boolean } = {}): void {
  const ok = Number.isFinite(ms) && (options.zeroAllowed ? ms >= 0 : ms > 0);
  if (!ok)
    invalid(`${setting} must be ${options.zeroAllowed ? ">= 0" : "a positive number of"} ms, got ${ms}`);
}

function invalid(message: string): never {
  throw new TsOperatorError("TSOP_CONFIG_INVALID", message);
}

/**
 * @example
 * const config = new OperatorConfig("echo-operator", EchoServer)
 *   .withChild(k8sTypes.apps.v1.Deployment, ChildConfig.apply())
 *   .withChild(k8sTypes.core.v1.Service, ChildConfig.replace());
 */
export class OperatorConfig<P extends KubeObject = KubeObject> {
  readonly operatorName: string;
  /** The parent type; a typed one (defineResource, k8sTypes) types the handler's `request.parent`. */
  readonly parentType: K8sType<P>;
  readonly #children: ChildTypeConfig[] = [];
  readonly #related: RelatedTypeConfig[] = [];
  readonly #settings: Settings = {
    namespace: undefined,
    metricsEnabled: true,
    healthEnabled: true,
    serverPort: 8080,
    maxBackoffMs: 600_000,
    trackingLabel: "tsoperator.dev/parent-uid",
    ownershipLabel: "tsoperator.dev/operator",
    finalizerName: undefined,
    concurrency: 4,
    leaderElection: undefined,
    sharding: undefined,
    fieldManager: undefined,
    stopGracePeriodMs: 30_000,
    retryRateLimit: DEFAULT_RETRY_RATE_LIMIT,
    stuckThresholdMs: undefined,
    syncTimeoutMs: 300_000,
    transientFailureGraceMs: 60_000,
  };

  constructor(operatorName: string, parentType: K8sType<P>) {
    if (!DNS_1123_SUBDOMAIN.test(operatorName) || operatorName.length > 63) {
      invalid(
        `operator name ${JSON.stringify(operatorName)} must be a DNS-1123 label (lowercase, digits, '-')`,
      );
    }
    checkType(parentType, "parent type");
    this.operatorName = operatorName;
    this.parentType = parentType;
  }

  /** Declares a child type and how it is updated. Each type at most once. */
  withChild(type: K8sType, config: ChildConfig = ChildConfig.apply()): this {
    checkType(type, "child type");
    if (this.#children.some((c) => c.type.apiVersion === type.apiVersion && c.type.kind === type.kind)) {
      invalid(`child type ${typeName(type)} is declared twice`);
    }
    this.#children.push({ type, config });
    return this;
  }

  /**
   * Declares a type the parents read but do not own, and how they relate to its objects
   * (`RelatedConfig.referencedBy` or `.mappedBy`). Its objects are cached (once per process), shown to the
   * handler as `request.related.ofType(type)`, and a change to one re-syncs the parents related to it. Each
   * type at most once.
   */
  withRelated(type: K8sType, config: RelatedConfig): this {
    checkType(type, "related type");
    if (this.#related.some((r) => r.type.apiVersion === type.apiVersion && r.type.kind === type.kind)) {
      invalid(`related type ${typeName(type)} is declared twice`);
    }
    if (!config || (config.references === undefined && config.parentsOf === undefined)) {
      invalid(`related type ${typeName(type)}: use RelatedConfig.referencedBy or RelatedConfig.mappedBy`);
    }
    this.#related.push({ type, config });
    return this;
  }

  /** Watch parents (and children) in one namespace only. undefined or "" = all namespaces. */
  withNamespace(namespace: string | undefined): this {
    this.#settings.namespace = namespace || undefined;
    return this;
  }

  /** Serve `/metrics` on the operator's server (default true). */
  withMetricsEnabled(enabled: boolean): this {
    this.#settings.metricsEnabled = enabled;
    return this;
  }

  /** Serve `/healthz` and `/readyz` on the operator's server (default true). */
  withHealthEnabled(enabled: boolean): this {
    this.#settings.healthEnabled = enabled;
    return this;
  }

  /** Port of the metrics/health server (default 8080; 0 = any free port). */
  withServerPort(port: number): this {
    if (!Number.isInteger(port) || port < 0 || port > 65535) invalid(`serverPort ${port} is not a TCP port`);
    this.#settings.serverPort = port;
    return this;
  }

  /** Upper bound of the per-parent error backoff (default 600 000 ms). */
  withMaxBackoffMs(ms: number): this {
    if (!(ms > 0)) invalid(`maxBackoffMs must be positive, got ${ms}`);
    this.#settings.maxBackoffMs = ms;
    return this;
  }

  /** Label on every child holding its parent's uid (default "tsoperator.dev/parent-uid"). */
  withTrackingLabel(name: string): this {
    if (!LABEL_NAME.test(name)) invalid(`tracking label ${JSON.stringify(name)} is not a valid label name`);
    this.#settings.trackingLabel = name;
    return this;
  }

  /** Label on every child holding the operator's name (default "tsoperator.dev/operator"). */
  withOwnershipLabel(name: string): this {
    if (!LABEL_NAME.test(name)) invalid(`ownership label ${JSON.stringify(name)} is not a valid label name`);
    this.#settings.ownershipLabel = name;
    return this;
  }

  /** Finalizer name used when the handler defines finalize (default "tsoperator.dev/<operatorName>"). */
  withFinalizerName(name: string): this {
    if (!name.includes("/"))
      invalid(`finalizer ${JSON.stringify(name)} must be domain-qualified ("example.com/x")`);
    this.#settings.finalizerName = name;
    return this;
  }

  /** How many parents are synced at once (default 4). A parent is never synced twice at once. */
  withConcurrency(n: number): this {
    if (!Number.isInteger(n) || n < 1) invalid(`concurrency must be a positive integer, got ${n}`);
    this.#settings.concurrency = n;
    return this;
  }

  /** Only the holder of a coordination.k8s.io Lease syncs; other replicas keep warm caches. */
  withLeaderElection(config: LeaderElectionConfig = {}): this {
    this.#settings.leaderElection = { ...config };
    return this;
  }

  /**
   * Runs several active replicas that split the parents by bucket, one Lease per bucket (see ShardingConfig).
   *
   * @example
   * config.withSharding({ buckets: 32 });
   */
  withSharding(config: ShardingConfig): this {
    checkBuckets(config.buckets);
    this.#settings.sharding = { ...config };
    return this;
  }

  /** Server-side apply field manager (default: the operator name). */
  withFieldManager(name: string): this {
    this.#settings.fieldManager = name;
    return this;
  }

  /**
   * How long one call of `sync` or `finalize` may take (default 300 000 ms). Past it, the call's
   * `context.signal` aborts, the parent shows `Synced=False` with reason `SyncTimeout` and is retried with
   * backoff; other parents are not held up. A handler that ignores the signal and never settles keeps counting
   * as busy, which `/healthz` reports.
   */
  withSyncTimeoutMs(ms: number): this {
    checkDuration("syncTimeoutMs", ms);
    this.#settings.syncTimeoutMs = ms;
    return this;
  }

  /**
   * How long `stop()` (and SIGTERM) lets in-flight syncs finish (default 30 000 ms, controller-runtime's
   * GracefulShutdownTimeout). Then their writes and handler signals are aborted, stop waits at most a further
   * STOP_ABORT_WAIT_MS for them, and abandons any that still run. 0 aborts at once. Keep the pod's
   * `terminationGracePeriodSeconds` above this plus a few seconds, or the kubelet kills the process first.
   */
  withStopGracePeriodMs(ms: number): this {
    checkDuration("stopGracePeriodMs", ms, { zeroAllowed: true });
    this.#settings.stopGracePeriodMs = ms;
    return this;
  }

  /**
   * `/healthz` fails (HTTP 500) once a sync, or a handler call abandoned after a timeout or stop, has been busy
   * for longer than this, so the kubelet restarts a process whose workers are stuck. Default: twice the sync
   * timeout (600 000 ms with the default `syncTimeoutMs`).
   */
  withStuckThresholdMs(ms: number): this {
    checkDuration("stuckThresholdMs", ms);
    this.#settings.stuckThresholdMs = ms;
    return this;
  }

  /**
   * How long a parent's API writes may keep failing with a transient error (429, 5xx, a timeout or lost
   * connection the client already retried) before the failure is shown on the parent (default 60 000 ms). Until
   * then it is retried quietly, as overload is weather, not failure; past it, `Synced=False` names the error (an
   * admission webhook that is down, a 500 that repeats) while the retries go on. 0 shows it at once.
   */
  withTransientFailureGraceMs(ms: number): this {
    checkDuration("transientFailureGraceMs", ms, { zeroAllowed: true });
    this.#settings.transientFailureGraceMs = ms;
    return this;
  }

  /**
   * The budget for retries of failed syncs, shared by all parents (client-go's default controller rate limiter
   * bucket; default 10 per second, bursts of 100). A failing parent is retried after the larger of its own
   * backoff (100 ms doubling up to `maxBackoffMs`) and the wait for this bucket, so many parents failing at
   * once cannot flood the API server. `false`: per-parent backoff only.
   */
  withRetryRateLimit(limit: RetryRateLimit | false): this {
    if (limit !== false) {
      if (!(limit.qps > 0) || !Number.isFinite(limit.qps)) {
        invalid(`retryRateLimit qps must be positive, got ${limit.qps}`);
      }
      if (!Number.isInteger(limit.burst) || limit.burst < 1) {
        invalid(`retryRateLimit burst must be a positive integer, got ${limit.burst}`);
      }
    }
    this.#settings.retryRateLimit =
      limit === false ? false : Object.freeze({ qps: limit.qps, burst: limit.burst });
    return this;
  }

  // Each setter `withX` has the getter `x` (children for withChild): one name per setting.
  get children(): readonly ChildTypeConfig[] {
    return this.#children;
  }
  get related(): readonly RelatedTypeConfig[] {
    return this.#related;
  }
  get namespace(): string | undefined {
    return this.#settings.namespace;
  }
  get metricsEnabled(): boolean {
    return this.#settings.metricsEnabled;
  }
  get healthEnabled(): boolean {
    return this.#settings.healthEnabled;
  }
  get serverPort(): number {
    return this.#settings.serverPort;
  }
  get maxBackoffMs(): number {
    return this.#settings.maxBackoffMs;
  }
  get trackingLabel(): string {
    return this.#settings.trackingLabel;
  }
  get ownershipLabel(): string {
    return this.#settings.ownershipLabel;
  }
  get finalizerName(): string {
    return this.#settings.finalizerName ?? `tsoperator.dev/${this.operatorName}`;
  }
  get concurrency(): number {
    return this.#settings.concurrency;
  }
  get leaderElection(): LeaderElectionConfig | undefined {
    return this.#settings.leaderElection;
  }
  get sharding(): ShardingConfig | undefined {
    return this.#settings.sharding;
  }
  get fieldManager(): string {
    return this.#settings.fieldManager ?? this.operatorName;
  }
  get syncTimeoutMs(): number {
    return this.#settings.syncTimeoutMs;
  }
  get stopGracePeriodMs(): number {
    return this.#settings.stopGracePeriodMs;
  }
  get stuckThresholdMs(): number {
    return this.#settings.stuckThresholdMs ?? 2 * this.#settings.syncTimeoutMs;
  }
  get retryRateLimit(): Readonly<RetryRateLimit> | false {
    return this.#settings.retryRateLimit;
  }
  get transientFailureGraceMs(): number {
    return this.#settings.transientFailureGraceMs;
  }

  /**
   * An independent copy with the same children and settings (the class is a mutable builder: the TestKit, for
   * one, scopes a copy to its namespace without touching the caller's config).
   */
  clone(): OperatorConfig<P> {
    const copy = new OperatorConfig<P>(this.operatorName, this.parentType);
    copy.#children.push(...this.#children);
    copy.#related.push(...this.#related);
    Object.assign(copy.#settings, this.#settings);
    if (this.#settings.leaderElection) copy.#settings.leaderElection = { ...this.#settings.leaderElection };
    if (this.#settings.sharding) copy.#settings.sharding = { ...this.#settings.sharding };
    return copy;
  }

  /** The declared configuration of a child type, or undefined. */
  childConfigFor(apiVersion: string | undefined, kind: string | undefined): ChildTypeConfig | undefined {
    return this.#children.find((c) => c.type.apiVersion === apiVersion && c.type.kind === kind);
  }
}

interface Settings {
  namespace: string | undefined;
  metricsEnabled: boolean;
  healthEnabled: boolean;
  serverPort: number;
  maxBackoffMs: number;
  trackingLabel: string;
  ownershipLabel: string;
  finalizerName: string | undefined;
  concurrency: number;
  leaderElection: LeaderElectionConfig | undefined;
  sharding: ShardingConfig | undefined;
  fieldManager: string | undefined;
  stopGracePeriodMs: number;
  retryRateLimit: Readonly<RetryRateLimit> | false;
  stuckThresholdMs: number | undefined;
  syncTimeoutMs: number;
  transientFailureGraceMs: number;
}

function checkType(type: K8sType, what: string): void {
  if (!type || typeof type.apiVersion !== "string" || !type.apiVersion)
    invalid(`${what}: apiVersion is missing`);
  if (typeof type.kind !== "string" || !type.kind) invalid(`${what} ${type.apiVersion}: kind is missing`);
  if (typeof type.plural !== "string" || !type.plural) invalid(`${what} ${type.kind}: plural is missing`);
}
