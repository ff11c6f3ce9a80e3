/**
 * Entry points for one operator: `runOperator` (service account, else kubeconfig), `runOperatorWithClientConfig`,
 * and `startOperator` for embedding and tests. They are `startOperators` (manager.ts) with one operator: the
 * client, the controller, the metrics/health server and signal handling around an OperatorConfig and a handler.
 */
import { TsOperatorError } from "../../core/errors.js";
import { ClientConfig } from "../../client/config.js";
import type { KubeObject } from "../../core/types.js";
import type { OperatorConfig } from "../api/config.js";
import { errorSummary, type OperatorController } from "./controller.js";
import { toHandler, type HandlerLike, type StatusOf } from "../api/handler.js";
import { createPinoLogger } from "../observe/logger.js";
import { startOperators, type RunningOperators, type StartOptions } from "./manager.js";

export type { StartOptions } from "./manager.js";

/** A running operator: `RunningOperators` of one operator, with its controller. */
export interface RunningOperator extends Omit<RunningOperators, "controllers"> {
  /** @internal The engine's controller: the TestKit and the project's own tests look inside it. */
  readonly controller: OperatorController;
}

/**
 * Starts an operator and returns at once (`startOperators` with one operator: its config's server, leader
 * election and namespace settings apply).
 *
 * @example
 * const op = startOperator(config, handler, { clientConfig: env.clientConfig() });
 * await op.ready;
 * // ...
 * await op.stop();
 */
export function startOperator<P extends KubeObject = KubeObject>(
  config: OperatorConfig<P>,
  handler: HandlerLike<P, StatusOf<P>>,
  options: StartOptions = {},
): RunningOperator {
  const ops = startOperators([{ config, handler: toHandler(handler) }], options);
  return {
    ready: ops.ready,
    done: ops.done,
    stop: () => ops.stop(),
    get client() {
      return ops.client;
    },
    get controller() {
      const controller = ops.controllers.get(config.operatorName);
      if (!controller) throw new TsOperatorError("TSOP_CONFIG_INVALID", "the operator has not started yet");
      return controller;
    },
    get metrics() {
      return ops.metrics;
    },
    get serverPort() {
      return ops.serverPort;
    },
  };
}

/**
 * Runs an operator with the configuration from the environment (service account first, then kubeconfig).
 * Never resolves in normal operation; rejects on a fatal error so `main` can log it and exit non-zero.
 * SIGTERM/SIGINT stop it gracefully, after which it resolves.
 */
export async function runOperator<P extends KubeObject = KubeObject>(
  config: OperatorConfig<P>,
  handler: HandlerLike<P, StatusOf<P>>,
): Promise<void> {
  return runOperatorWithClientConfig<P>(config, ClientConfig.fromEnvironment(config.operatorName), handler);
}

/** runOperator with an explicit client configuration (or a promise of one, e.g. ClientConfig.fromKubeconfig). */
export async function runOperatorWithClientConfig<P extends KubeObject = KubeObject>(
  config: OperatorConfig<P>,
  clientConfig: ClientConfig | Promise<ClientConfig>,
  handler: HandlerLike<P, StatusOf<P>>,
): Promise<void> {
  const op = startOperator<P>(config, handler, { clientConfig, handleSignals: true });
  try {
    await op.done;
  } catch (err) {
    const logger = createPinoLogger();
    logger.error({ err: errorSummary(err) }, "operator failed");
    throw err;
  }
}
