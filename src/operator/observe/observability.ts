/**
 * What the engine reports, fanned out to metrics, Kubernetes Events on the parent, and any observer the user
 * passes. Kept apart from the engine so the engine only says what happened, not where it goes.
 */
import { errorMessage } from "../../core/errors.js";
import type { KubeObject } from "../../core/types.js";
import type { EventRecorder } from "./events.js";
import type { ChildWriteMetricVerb, OperatorMetrics } from "./metrics.js";
import type { ReconcileObserver, SyncErrorKind } from "../engine/reconciler.js";

const WRITE_VERBS: Record<string, ChildWriteMetricVerb> = {
  create: "create",
  apply: "apply",
  replace: "update",
  delete: "delete",
  adopt: "patch",
  claim: "patch",
};

const ERROR_REASONS: Record<SyncErrorKind, string> = {
  handler: "SyncFailed",
  validation: "InvalidHandlerOutput",
  api: "ApiError",
  conflict: "ChildConflict",
  timeout: "SyncTimeout",
};

export function fanOutObserver(
  metrics: OperatorMetrics | undefined,
  events: EventRecorder | undefined,
  user: Partial<ReconcileObserver> | undefined,
): Partial<ReconcileObserver> {
  return {
    onWrite(key, verb, what) {
      metrics?.recordChildWrite(WRITE_VERBS[verb] ?? "patch");
      user?.onWrite?.(key, verb, what);
    },
    onStatusWrite(key) {
      metrics?.recordStatusWrite();
      user?.onStatusWrite?.(key);
    },
    onSyncError(parent: KubeObject, kind, error) {
      metrics?.recordError(kind);
      void events?.record(parent, "Warning", ERROR_REASONS[kind], errorMessage(error));
      user?.onSyncError?.(parent, kind, error);
    },
    onFinalize(parent, outcome) {
      metrics?.recordFinalize(outcome === "done" ? "success" : outcome);
      if (outcome === "done")
        void events?.record(parent, "Normal", "Finalized", "finalize done, finalizer removed");
      else if (outcome === "retry")
        void events?.record(parent, "Normal", "FinalizeRetry", "finalize asked to be retried");
      user?.onFinalize?.(parent, outcome);
    },
    onRecovered(parent) {
      void events?.record(parent, "Normal", "Synced", "sync succeeded after earlier failures");
      user?.onRecovered?.(parent);
    },
  };
}
