/**
 * tsoperator/runtime: the machinery between the API server and the sync engine (reflector, store, shared
 * informers, work queue, leader election). Operator authors rarely need it directly; it is public for custom
 * controllers. Each export is listed by name, so helpers of the modules stay private.
 */
export { Backoff, type BackoffOptions, type ResolvedBackoff } from "../core/backoff.js";
export { compactObject, type CompactOptions } from "./compact.js";
export {
  Store,
  keyOf,
  labelIndex,
  controllerUidIndex,
  parentUidIndex,
  type IndexFunction,
  type StoreEvent,
} from "./store.js";
export {
  Reflector,
  type ReflectorOptions,
  type ReflectorSelectors,
  type ReflectorState,
  type ReflectorStatus,
} from "./reflector.js";
export {
  InformerFactory,
  SharedInformer,
  type InformerHandler,
  type InformerScope,
  type ResourceApiProvider,
  type ShardScope,
  type SharedReflectorOptions,
  type SubscribeOptions,
} from "./informer-factory.js";
export {
  WorkQueue,
  DEFAULT_RETRY_RATE_LIMIT,
  WORKQUEUE_METRIC_NAMES,
  type RetryRateLimit,
  type ShutdownResult,
  type WorkContext,
  type Worker,
  type WorkQueueMetricsHooks,
  type WorkQueueOptions,
  type WorkResult,
} from "./work-queue.js";
export {
  LeaderElector,
  LEADER_ELECTION_DEFAULTS,
  type LeaderCallbacks,
  type LeaderElectorOptions,
  type Lease,
  type LeaseApi,
  type LeaseApiSource,
  type LeaseSpec,
} from "./leader-election.js";
export {
  ShardRing,
  SHARD_RING_DEFAULTS,
  SHARD_RING_LABEL,
  SHARD_ROLE_LABEL,
  type BucketReleaseReason,
  type ShardRingCallbacks,
  type ShardRingLeaseApi,
  type ShardRingLeaseSource,
  type ShardRingOptions,
  type ShardRingState,
} from "./shard-ring.js";
export {
  SHARD_BUCKET_LABEL,
  bucketOf,
  bucketOfHash,
  bucketOfObject,
  bucketStart,
  fnv1a64,
  hexBound,
  shardSelectorFor,
  type ShardKey,
} from "../core/shard-hash.js";
