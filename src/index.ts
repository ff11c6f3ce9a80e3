/**
 * tsoperator: the curated entry point. Everything an operator author needs to declare an operator, write
 * `sync`/`finalize` and run it. The client, runtime and testing layers have their own subpath exports
 * (`tsoperator/client`, `tsoperator/runtime`, `tsoperator/schema`, `tsoperator/testing`).
 */
export * from "./core/errors.js";
export * from "./core/types.js";
export { k8sTypes } from "./core/k8s-types.js";
export { ClientConfig, type ClientConfigInit } from "./client/config.js";
export type { Credentials, CredentialProvider, ResolvedCredentials } from "./client/credentials.js";
export {
  OperatorConfig,
  ChildConfig,
  type UpdateStrategy,
  type LeaderElectionConfig,
  type ChildTypeConfig,
} from "./operator/api/config.js";
export {
  UNCHANGED_CHILDREN,
  type Handler,
  type HandlerLike,
  type SyncFunction,
  type SyncRequest,
  type SyncResponse,
  type FinalizeResponse,
  type RequestChildren,
  type TypedChildren,
} from "./operator/api/handler.js";
export {
  DefaultFailableHandler,
  ErrorBackoff,
  type FailableHandler,
  type FailableOutcome,
  type BackoffConfig,
} from "./operator/api/failable-handler.js";
export {
  runOperator,
  runOperatorWithClientConfig,
  startOperator,
  type RunningOperator,
  type StartOptions,
} from "./operator/manager/runner.js";
export { HandlerOutputError, DESIRED_HASH_ANNOTATION, type OutputProblem } from "./operator/engine/desired-state.js";
export { SyncError, type ReconcileObserver, type SyncErrorKind } from "./operator/engine/reconciler.js";
export { SYNC_CONDITION, type Condition } from "./operator/engine/parent-writes.js";
export { silentLogger, type Logger } from "./core/logger.js";
export { createPinoLogger } from "./operator/observe/logger.js";
export {
  generateManifests,
  manifestObjects,
  rbacPlan,
  type ManifestOptions,
  type PolicyRule,
  type RbacPlan,
} from "./cli/manifests.js";
