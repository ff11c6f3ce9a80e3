/** An entry module for the `tsoperator manifests` CLI tests: exports one OperatorConfig and nothing that runs. */
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import { Widget } from "./crds.js";

export const widgetOperator = new OperatorConfig("widget-operator", Widget)
  .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
  .withChild(k8sTypes.core.v1.Service, ChildConfig.replace())
  .withNamespace(process.env.WATCH_NAMESPACE)
  .withLeaderElection();

export const notAConfig = { operatorName: 1 };
