/**
 * One operator in its own namespace against the test control plane: the scenario the engine's integration tests
 * share (operator-sync, engine-safety, engine-resilience). The handler defaults to the spec-driven scenario
 * handler; writes are counted per child through the engine's observer.
 */
import type { KubeClient } from "../../src/client/kube-client.js";
import type { ClientConfig } from "../../src/client/config.js";
import { silentLogger } from "../../src/core/logger.js";
import type { K8sType, KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import type { Handler } from "../../src/operator/api/handler.js";
import type { ReconcileObserver } from "../../src/operator/engine/reconciler.js";
import { startOperator, type RunningOperator } from "../../src/operator/manager/runner.js";
import type { TestEnvironment } from "../../src/testing/test-environment.js";
import { Widget } from "./crds.js";
import {
  ConfigMap,
  PodTemplate,
  Secret,
  ServiceAccount,
  newCallLog,
  scenarioHandler,
  type CallLog,
  type ScenarioParent,
  type ScenarioSpec,
} from "./operator-harness.js";

export interface Scenario {
  ns: string;
  op: RunningOperator;
  log: CallLog;
  parents: ReturnType<KubeClient["resource"]>;
  /** Child writes the engine reported, by "Kind.version ns/name", verb included: "apply ConfigMap.v1 ns/a". */
  writes: string[];
  statusWrites: string[];
  createParent(name: string, spec: ScenarioSpec): Promise<ScenarioParent>;
  setSpec(name: string, spec: ScenarioSpec): Promise<ScenarioParent>;
  get(type: K8sType, name: string): Promise<KubeObject | undefined>;
  /** Starts another operator process-alike on the same namespace (after stop(): a restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ScenarioOptions {
  finalize?: boolean;
  handler?: Handler<ScenarioParent>;
  clientConfig?: ClientConfig;
  /** Namespace prefix (default "sync"). */
  prefix?: string;
  observer?: Partial<ReconcileObserver>;
  /** How ConfigMap children are declared (default ChildConfig.apply()). */
  configMaps?: ChildConfig;
}

let counter = 0;

export async function startScenario(
  env: TestEnvironment,
  admin: KubeClient,
  configure: (c: OperatorConfig) => OperatorConfig = (c) => c,
  options: ScenarioOptions = {},
): Promise<Scenario> {
  const ns = `${options.prefix ?? "sync"}-${++counter}-${Date.now() % 100000}`;
  await admin
    .resource({ apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false })
    .create({
      metadata: { name: ns },
    });
  const config = configure(
    new OperatorConfig("scenario-operator", Widget)
      .withChild(ConfigMap, options.configMaps ?? ChildConfig.apply())
      .withChild(Secret, ChildConfig.replace())
      .withChild(ServiceAccount, ChildConfig.recreate())
      .withChild(PodTemplate, ChildConfig.onDelete())
      .withNamespace(ns)
      .withServerPort(0)
      .withMaxBackoffMs(4_000),
  );
  const log = newCallLog();
  const writes: string[] = [];
  const statusWrites: string[] = [];
  const start = () =>
    startOperator(config, options.handler ?? scenarioHandler(log, options.finalize), {
      clientConfig: options.clientConfig ?? env.clientConfig("scenario-operator"),
      logger: silentLogger,
      observer: {
        ...options.observer,
        onWrite: (key, verb, what) => {
          writes.push(`${verb} ${what}`);
          options.observer?.onWrite?.(key, verb, what);
        },
        onStatusWrite: (key) => {
          statusWrites.push(key);
          options.observer?.onStatusWrite?.(key);
        },
      },
    });
  let op = start();
  await op.ready;
  const parents = admin.resource(Widget, ns);
  const scenario: Scenario = {
    ns,
    get op() {
      return op;
    },
    log,
    parents,
    writes,
    statusWrites,
    createParent: async (name, spec) =>
      (await parents.create({
        apiVersion: Widget.apiVersion,
        kind: Widget.kind,
        metadata: { name, namespace: ns },
        spec,
      })) as ScenarioParent,
    setSpec: async (name, spec) =>
      (await parents.patch(name, "merge", { spec: { ...spec } })) as ScenarioParent,
    get: (type, name) => admin.resource(type, ns).getOrUndefined(name),
    restart: async () => {
      await op.stop();
      op = start();
      await op.ready;
    },
    stop: () => op.stop(),
  };
  return scenario;
}
