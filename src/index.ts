/**
 * tsoperator: the curated entry point. Everything an operator author needs to declare an operator, write
 * `sync`/`finalize` and run it. The client, runtime, testing layers and the deployment tooling have their own
 * subpath exports (`tsoperator/client`, `tsoperator/runtime`, `tsoperator/schema`, `tsoperator/testing`,
 * `tsoperator/manifests`).
 * The public surface of each is recorded in `api/*.api.md` (`npm run api:check`).
 */
export {
  ApiError,
  TsOperatorError,
  errorMessage,
  hasCode,
  isAlreadyExists,
  isApiError,
  isConflict,
  isForbidden,
  isGone,
  isNotFound,
  isTransient,
  type ApiStatus,
  type ErrorCode,
  type TsOperatorErrorOptions,
} from "./core/errors.js";
export {
  idOf,
  objectKey,
  parseObjectKey,
  type K8sType,
  type KubeList,
  type KubeObject,
  type ManagedFieldsEntry,
  type ObjectId,
  type ObjectMeta,
  type OwnerReference,
} from "./core/types.js";
export { k8sTypes } from "./core/k8s-types.js";
/** The generated types of the built-in kinds (`k8s.Deployment`, `k8s.Service` ...), as `k8sTypes` carries them. */
export type * as k8s from "./core/generated/k8s-objects.js";
export {
  ClientConfig,
  type ClientConfigInit,
  type EnvironmentOptions,
  type KubeconfigOptions,
  type ServiceAccountOptions,
} from "./client/config.js";
export type { Credentials, CredentialProvider, ResolvedCredentials } from "./client/credentials.js";
export {
  OperatorConfig,
  ChildConfig,
  type UpdateStrategy,
  type LeaderElectionConfig,
  type ShardingConfig,
  type ChildTypeConfig,
  type RelatedTypeConfig,
} from "./operator/api/config.js";
export type { RetryRateLimit } from "./runtime/work-queue.js";
export {
  RelatedConfig,
  type ObjectRefs,
  type ReferencesFunction,
  type ParentsFunction,
} from "./operator/api/related-config.js";
export {
  UNCHANGED_CHILDREN,
  type Handler,
  type HandlerFor,
  type HandlerLike,
  type SyncFunction,
  type SyncContext,
  type SyncRequest,
  type SyncResponse,
  type FinalizeResponse,
  type RequestChildren,
  type TypedChildren,
  type RequestRelated,
  type RelatedObjects,
  type HandlerEvents,
} from "./operator/api/handler.js";
export {
  DefaultFailableHandler,
  ErrorBackoff,
  type FailableHandler,
  type FailableOutcome,
  type FailableFinalizeResult,
  type DefaultFailableHandlerOptions,
  type BackoffConfig,
  type ResolvedBackoffConfig,
} from "./operator/api/failable-handler.js";
export {
  runOperator,
  runOperatorWithClientConfig,
  startOperator,
  type RunningOperator,
  type StartOptions,
} from "./operator/manager/runner.js";
export {
  startOperators,
  runOperators,
  type ManagedOperator,
  type ManagerOptions,
  type RunningOperators,
} from "./operator/manager/manager.js";
export { HandlerOutputError, DESIRED_HASH_ANNOTATION, type OutputProblem } from "./operator/engine/desired-state.js";
export { SyncError, type ReconcileObserver, type SyncErrorKind } from "./operator/engine/reconciler.js";
export type { ChildWriteVerb } from "./operator/engine/child-sync.js";
export type { OperatorMetricsView } from "./operator/observe/metrics.js";
export { SYNC_CONDITION, type Condition } from "./operator/engine/parent-writes.js";
export { silentLogger, type Logger } from "./core/logger.js";
export { createPinoLogger, type LogLevel, type PinoLoggerOptions } from "./operator/observe/logger.js";
