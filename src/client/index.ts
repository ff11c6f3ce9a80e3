/**
 * `tsoperator/client`: talking to the API server. Configuration, credentials, the KubeClient with its dynamic
 * resource API, watch streams and the typed errors they throw.
 */
export {
  ClientConfig,
  type ClientConfigInit,
  type EnvironmentOptions,
  type KubeconfigOptions,
  type ServiceAccountOptions,
} from "./config.js";
export type { Credentials, CredentialProvider, ResolvedCredentials } from "./credentials.js";
export { credentialProviderFor } from "./credential-providers.js";
export { KubeClient, type KubeClientOptions, type KubeRequest } from "./kube-client.js";
export type { QueryValue } from "./paths.js";
export type {
  ApplyOptions,
  DeleteOptions,
  ListOptions,
  PatchType,
  RequestOptions,
  ResourceApi,
  WatchEvent,
  WatchEventType,
  WatchOptions,
  WriteOptions,
} from "./resource-api.js";
export { Discovery, type ApiResource } from "./discovery.js";
export {
  type ClientMetrics,
  type HttpMethod,
  type RequestMetricEvent,
  type TransportOptions,
  type TransportResponse,
} from "./transport.js";
export { TokenBucket } from "./rate-limiter.js";
export {
  DEFAULT_INACTIVITY_TIMEOUT_MS,
  WatchExpiredError,
  parseWatchStream,
  type WatchStreamOptions,
} from "./watch-stream.js";
export {
  ApiError,
  TsOperatorError,
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
} from "../core/errors.js";
