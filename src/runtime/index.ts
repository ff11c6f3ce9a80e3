/**
 * tsoperator/runtime: the machinery between the API server and the sync engine (reflector, store, shared
 * informers, work queue). Operator authors rarely need it directly; it is public for custom controllers.
 */
export {
  Backoff,
  backoffDelay,
  resolveBackoff,
  type BackoffOptions,
  type ResolvedBackoff,
} from "../core/backoff.js";
export * from "./compact.js";
export * from "./store.js";
export * from "./reflector.js";
export * from "./informer-factory.js";
export * from "./work-queue.js";
