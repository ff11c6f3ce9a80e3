import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { parseAllDocuments } from "yaml";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import { RelatedConfig } from "../../src/operator/api/related-config.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import {
  generateManifests,
  manifestObjects,
  rbacPlan,
  type PolicyRule,
} from "../../src/manifests/generate.js";
import { manifestsCommand } from "../../src/cli/manifests-command.js";
import { Widget, ClusterWidget } from "../support/crds.js";

const base = () =>
  new OperatorConfig("widget-operator", Widget)
    .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
    .withChild(k8sTypes.core.v1.Service, ChildConfig.replace());

const find = (objects: KubeObject[], kind: string, namespace?: string) =>
  objects.filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));

const rulesOf = (obj: KubeObject | undefined) => (obj?.rules ?? []) as PolicyRule[];

type Container = {
  env: Array<{ name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }>;
  ports: Array<{ containerPort: number; name: string }>;
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string> };
  securityContext: Record<string, unknown>;
  image: string;
};
type PodTemplate = {
  spec: { serviceAccountName: string; securityContext: Record<string, unknown>; containers: Container[] };
};
const containerOf = (workload: KubeObject | undefined) =>
  (workload?.spec as { template: PodTemplate }).template.spec.containers[0]!;

void describe("manifests", () => {
  void it("gives a namespaced operator one Role with exactly the verbs the engine uses", () => {
    const objects = manifestObjects(base().withNamespace("apps"), { namespace: "apps" });
    assert.deepEqual(find(objects, "ClusterRole"), []);
    assert.deepEqual(find(objects, "ClusterRoleBinding"), []);
    const [role] = find(objects, "Role", "apps");
    assert.deepEqual(rulesOf(role), [
      { apiGroups: ["test.tsoperator.dev"], resources: ["widgets"], verbs: ["list", "watch", "patch"] },
      { apiGroups: ["test.tsoperator.dev"], resources: ["widgets/status"], verbs: ["patch"] },
      { apiGroups: ["test.tsoperator.dev"], resources: ["widgets/finalizers"], verbs: ["update"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch", "create", "patch", "delete"] },
      {
        apiGroups: [""],
        resources: ["services"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
      },
      { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
    ]);
    const [binding] = find(objects, "RoleBinding", "apps");
    assert.deepEqual(binding?.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "widget-operator",
    });
    assert.deepEqual(binding?.subjects, [
      { kind: "ServiceAccount", name: "widget-operator", namespace: "apps" },
    ]);
    assert.equal(find(objects, "ServiceAccount", "apps").length, 1);
  });

  void it("gives related types read access only (get, list, watch), where they are cached", () => {
    const config = base()
      .withNamespace("apps")
      .withRelated(k8sTypes.core.v1.Secret, RelatedConfig.referencedBy(() => "db"))
      .withRelated(k8sTypes.core.v1.Node, RelatedConfig.mappedBy(() => []))
      .withRelated(k8sTypes.core.v1.ServiceAccount, RelatedConfig.mappedBy(() => []).withNamespace("shared"));
    const objects = manifestObjects(config, { namespace: "apps" });
    const read = ["get", "list", "watch"];
    const [role] = find(objects, "Role", "apps");
    assert.deepEqual(
      rulesOf(role).filter((r) => r.resources[0] === "secrets"),
      [{ apiGroups: [""], resources: ["secrets"], verbs: read }],
    );
    const [clusterRole] = find(objects, "ClusterRole");
    assert.deepEqual(
      rulesOf(clusterRole).filter((r) => r.resources[0] === "nodes"),
      [{ apiGroups: [""], resources: ["nodes"], verbs: read }],
    );
    const [shared] = find(objects, "Role", "shared");
    assert.deepEqual(rulesOf(shared), [{ apiGroups: [""], resources: ["serviceaccounts"], verbs: read }]);
  });

  void it("gives a cluster-wide operator a ClusterRole, and its Lease rules only in its own namespace", () => {
    const objects = manifestObjects(base().withLeaderElection(), { namespace: "ops" });
    const [clusterRole] = find(objects, "ClusterRole");
    assert.ok(rulesOf(clusterRole).some((r) => r.resources[0] === "widgets"));
    assert.ok(!rulesOf(clusterRole).some((r) => r.resources[0] === "leases"), "no cluster-wide lease access");
    const [binding] = find(objects, "ClusterRoleBinding");
    assert.deepEqual(binding?.subjects, [
      { kind: "ServiceAccount", name: "widget-operator", namespace: "ops" },
    ]);
    const [role] = find(objects, "Role", "ops");
    assert.deepEqual(rulesOf(role), [
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["get", "update"],
        resourceNames: ["widget-operator"],
      },
    ]);
  });

  void it("honours the Lease name and namespace from the leader election config", () => {
    const config = base()
      .withNamespace("apps")
      .withLeaderElection({ leaseName: "lock", leaseNamespace: "locks" });
    const plan = rbacPlan(config, { namespace: "apps" });
    assert.deepEqual([...plan.namespaced.keys()], ["apps", "locks"]);
    assert.deepEqual(plan.namespaced.get("locks")?.[1]?.rule.resourceNames, ["lock"]);
  });

  void it("grants cluster-scoped child types cluster-wide even for a namespaced operator", () => {
    const config = new OperatorConfig("ns-operator", Widget)
      .withChild(k8sTypes.core.v1.Namespace, ChildConfig.apply())
      .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
      .withNamespace("apps");
    const objects = manifestObjects(config);
    assert.deepEqual(
      rulesOf(find(objects, "ClusterRole")[0]).map((r) => r.resources),
      [["namespaces"]],
    );
    assert.ok(rulesOf(find(objects, "Role", "apps")[0]).some((r) => r.resources[0] === "configmaps"));
  });

  void it("uses a ClusterRole when the parent is cluster-scoped, whatever the namespace", () => {
    const config = new OperatorConfig("cw", { ...ClusterWidget, namespaced: false })
      .withChild(k8sTypes.core.v1.ConfigMap)
      .withNamespace("apps");
    const objects = manifestObjects(config);
    assert.equal(find(objects, "Role").length, 0);
    assert.ok(rulesOf(find(objects, "ClusterRole")[0]).some((r) => r.resources[0] === "clusterwidgets"));
    const env = containerOf(find(objects, "StatefulSet")[0]).env;
    assert.deepEqual(
      env.find((e) => e.name === "WATCH_NAMESPACE"),
      { name: "WATCH_NAMESPACE", value: "" },
    );
  });

  void it("grants no parent patch without finalize, and no finalizers subresource when asked not to", () => {
    const plan = rbacPlan(base().withNamespace("apps"), {
      finalize: false,
      ownerReferencesPermissionEnforcement: false,
    });
    const rules = plan.namespaced.get("apps")!.map((r) => r.rule);
    assert.deepEqual(rules[0]?.verbs, ["list", "watch"]);
    assert.ok(!rules.some((r) => r.resources[0]?.endsWith("/finalizers")));
  });

  void it("gives update only to children with the replace strategy", () => {
    const config = new OperatorConfig("x", Widget)
      .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.recreate())
      .withChild(k8sTypes.core.v1.Secret, ChildConfig.onDelete())
      .withChild(k8sTypes.core.v1.Service, ChildConfig.replace())
      .withNamespace("apps");
    const rules = rbacPlan(config)
      .namespaced.get("apps")!
      .map((r) => r.rule);
    const verbs = (res: string) => rules.find((r) => r.resources[0] === res)?.verbs;
    assert.deepEqual(verbs("configmaps"), ["get", "list", "watch", "create", "patch", "delete"]);
    assert.deepEqual(verbs("secrets"), ["get", "list", "watch", "create", "patch", "delete"]);
    assert.deepEqual(verbs("services"), ["get", "list", "watch", "create", "update", "patch", "delete"]);
  });

  void it("runs a single-replica StatefulSet without leader election and a Deployment with it", () => {
    const single = manifestObjects(base());
    assert.equal(find(single, "Deployment").length, 0);
    const [sts] = find(single, "StatefulSet");
    assert.equal((sts?.spec as { replicas: number }).replicas, 1);
    const elected = manifestObjects(base().withLeaderElection(), { replicas: 3 });
    assert.equal(find(elected, "StatefulSet").length, 0);
    const [deployment] = find(elected, "Deployment");
    assert.equal((deployment?.spec as { replicas: number }).replicas, 3);
  });

  void it("runs a sharded operator as a Deployment with a PodDisruptionBudget and RBAC on the ring's leases", () => {
    const objects = manifestObjects(base().withSharding({ buckets: 16, leaseNamespace: "ring" }), {
      namespace: "ops",
    });
    assert.equal(find(objects, "StatefulSet").length, 0);
    const [deployment] = find(objects, "Deployment", "ops");
    assert.equal((deployment?.spec as { replicas: number }).replicas, 3);
    const [pdb] = find(objects, "PodDisruptionBudget", "ops");
    assert.deepEqual((pdb?.spec as { maxUnavailable: number }).maxUnavailable, 1);
    const [role] = find(objects, "Role", "ring");
    const leaseRule = (role?.rules as Array<{ resources: string[]; verbs: string[] }> | undefined)?.find((r) =>
      r.resources.includes("leases"),
    );
    assert.deepEqual(leaseRule?.verbs, ["get", "list", "create", "update", "delete"]);
    assert.equal(find(manifestObjects(base().withLeaderElection()), "PodDisruptionBudget").length, 0);
  });

  void it("gives the pod probes, the metrics port, requests, a non-root security context and the namespace by env", () => {
    const objects = manifestObjects(base().withNamespace("apps").withServerPort(9090).withLeaderElection(), {
      namespace: "apps",
      image: "registry.example/widget:1.2",
    });
    const deployment = find(objects, "Deployment", "apps")[0];
    const template = (deployment?.spec as { template: PodTemplate }).template;
    assert.equal(template.spec.serviceAccountName, "widget-operator");
    assert.deepEqual(template.spec.securityContext, {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const c = containerOf(deployment);
    assert.equal(c.image, "registry.example/widget:1.2");
    assert.deepEqual(c.ports, [{ name: "http", containerPort: 9090, protocol: "TCP" }]);
    assert.deepEqual(c.livenessProbe?.httpGet, { path: "/healthz", port: "http" });
    assert.deepEqual(c.readinessProbe?.httpGet, { path: "/readyz", port: "http" });
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory);
    assert.equal(c.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
    assert.deepEqual(c.securityContext.seccompProfile, { type: "RuntimeDefault" });
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.valueFrom?.fieldRef.fieldPath ?? e.value]));
    assert.deepEqual(env, {
      POD_NAMESPACE: "metadata.namespace",
      POD_NAME: "metadata.name",
      WATCH_NAMESPACE: "metadata.namespace",
      // A smaller young generation: less RSS for the same work (see NODE_OPTIONS in src/manifests/generate.ts).
      NODE_OPTIONS: "--max-semi-space-size=4",
    });
    const [service] = find(objects, "Service", "apps");
    assert.deepEqual((service?.spec as { ports: unknown[] }).ports, [
      { name: "http", port: 9090, targetPort: "http" },
    ]);
  });

  void it("prints YAML that parses back to the same objects, with a comment on every rule", () => {
    const config = base().withNamespace("apps").withLeaderElection();
    const yaml = generateManifests(config, { namespace: "apps" });
    const docs = parseAllDocuments(yaml);
    assert.deepEqual(
      docs.map((d) => d.toJS() as KubeObject),
      manifestObjects(config, { namespace: "apps" }),
    );
    assert.ok(!yaml.includes("&a"), "no YAML anchors");
    assert.match(yaml, /# parent status: server-side apply/);
    const ruleCount = rulesOf(find(manifestObjects(config, { namespace: "apps" }), "Role")[0]).length;
    const comments = yaml.split("\n").filter((l) => /^\s+# /.test(l)).length;
    assert.equal(comments, ruleCount);
  });

  void it("CLI: finds the exported OperatorConfig of an entry module, honouring --watch-namespace", async () => {
    const saved = process.env.WATCH_NAMESPACE;
    try {
      const yaml = await manifestsCommand([
        "test/support/manifests-entry.ts",
        "--namespace",
        "apps",
        "--watch-namespace",
        "apps",
        "--image",
        "w:1",
      ]);
      const objects = parseAllDocuments(yaml).map((d) => d.toJS() as KubeObject);
      assert.deepEqual(
        objects.map((o) => o.kind),
        ["ServiceAccount", "Role", "RoleBinding", "Deployment", "Service"],
      );
    } finally {
      if (saved === undefined) delete process.env.WATCH_NAMESPACE;
      else process.env.WATCH_NAMESPACE = saved;
    }
    await assert.rejects(
      manifestsCommand(["test/support/manifests-entry.ts", "--export", "notAConfig"]),
      /export "notAConfig" is not an OperatorConfig/,
    );
    await assert.rejects(
      manifestsCommand(["test/support/manifests-entry.ts", "--bogus"]),
      /unknown option --bogus/,
    );
  });
});
