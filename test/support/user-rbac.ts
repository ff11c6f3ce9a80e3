/**
 * Cluster-wide permissions for an impersonated test user: tests that need an operator with less than admin
 * rights (a 403 on one verb), or whose requests a FlowSchema must single out, run it as such a user.
 */
import type { KubeClient } from "../../src/client/kube-client.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { PolicyRule } from "../../src/manifests/generate.js";

const { ClusterRole, ClusterRoleBinding } = k8sTypes.rbac.v1;

/** A ClusterRole named after `user` with `rules`, bound to that user. */
export async function grantUserClusterRole(
  admin: KubeClient,
  user: string,
  rules: PolicyRule[],
): Promise<void> {
  await admin.resource(ClusterRole).create({ metadata: { name: user }, rules });
  await admin.resource(ClusterRoleBinding).create({
    metadata: { name: user },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: user },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
  });
}

/** Removes what grantUserClusterRole made; absent objects are fine (cleanup after a failed setup). */
export async function revokeUserClusterRole(admin: KubeClient, user: string): Promise<void> {
  await admin
    .resource(ClusterRoleBinding)
    .delete(user)
    .catch(() => undefined);
  await admin
    .resource(ClusterRole)
    .delete(user)
    .catch(() => undefined);
}
