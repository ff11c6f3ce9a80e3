/**
 * tsoperator/manifests: deployment tooling. Generates the RBAC (least privilege, derived from the
 * OperatorConfig), ServiceAccount, Deployment, Service and PodDisruptionBudget an operator needs; the
 * `tsoperator manifests` command prints the same.
 */
export {
  generateManifests,
  manifestObjects,
  rbacPlan,
  type ExplainedRule,
  type ManifestOptions,
  type PolicyRule,
  type RbacPlan,
} from "./generate.js";
