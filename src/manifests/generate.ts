/**
 * Deployment manifests generated from an OperatorConfig: ServiceAccount, least-privilege RBAC and the workload.
 *
 * The RBAC rules are derived from what the engine actually sends, verb by verb, so the role holds nothing unused:
 * - parent: list + watch (informer); patch (finalizer add/remove: merge and JSON patches on the main resource;
 *   only when the handler defines finalize). The engine never GETs or PUTs a parent: it reads the cache.
 * - parent/status: patch (server-side apply of the status).
 * - parent/finalizers: update. Not for our finalizer (CRDs have no such subresource; we patch the main resource)
 *   but because children carry an ownerReference with blockOwnerDeletion: clusters running the
 *   OwnerReferencesPermissionEnforcement admission plugin (OpenShift does) require update on the owner's
 *   finalizers to set it.
 * - each child type: list + watch (informer), create (new children are POSTed), patch (server-side apply, the
 *   claim of a POSTed child's managedFields entry, adoption of an existing unlabelled object), delete (children no longer desired,
 *   recreate), update only with the replace strategy (PUT).
 * - events: create + patch (EventRecorder aggregates repeats with a merge patch).
 * - leases (leader election only): create, and get + update of the one named Lease, in its namespace only.
 * Discovery (GET /api, /apis/...) is granted to every authenticated user by the default `system:discovery` role.
 *
 * Workload: with leader election a Deployment (replicas wait as warm followers; rolling updates are safe);
 * without it a single-replica StatefulSet, which never runs two pods at once (a Deployment's rolling update
 * would start the new pod before the old one stops, and two instances would write at once).
 */
import { Document, isMap, isSeq } from "yaml";
import { splitApiVersion, type K8sType, type KubeObject } from "../core/types.js";
import type { OperatorConfig, UpdateStrategy } from "../operator/api/config.js";

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** A rule and why the engine needs it (written as a YAML comment). */
export interface ExplainedRule {
  rule: PolicyRule;
  why: string;
}

/** Rules by where they apply: a namespace (Role) or the whole cluster (ClusterRole). */
export interface RbacPlan {
  /** namespace -> rules, each becoming a Role + RoleBinding named after the operator. */
  namespaced: Map<string, ExplainedRule[]>;
  /** Rules becoming a ClusterRole + ClusterRoleBinding (empty: none is generated). */
  cluster: ExplainedRule[];
}

export interface ManifestOptions {
  /** Container image (default "<operatorName>:latest"). */
  image?: string | undefined;
  /** Namespace the operator runs in (default: the config's namespace, else "default"). */
  namespace?: string | undefined;
  /**
   * Does the handler define finalize? Grants patch on the parent (finalizer add/remove). Default true: a role
   * without it cannot remove a finalizer left by an earlier version either.
   */
  finalize?: boolean | undefined;
  /** Grant update on `<parent>/finalizers` (see the module comment; default true). */
  ownerReferencesPermissionEnforcement?: boolean | undefined;
  /** Scope of the parent type when its K8sType does not say (default: namespaced). */
  parentNamespaced?: boolean | undefined;
  /** Replicas of the Deployment when leader election is on (default 2). */
  replicas?: number | undefined;
  /** Container resources (default requests 100m CPU / 128Mi, memory limit 256Mi). */
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> } | undefined;
  /** Numeric user the container runs as (default 1000, the `node` user of the node images). */
  runAsUser?: number | undefined;
  /** Container command arguments, if the image's CMD is not the operator. */
  args?: string[] | undefined;
}

/** The verbs each update strategy needs on a child type, beyond list/watch/create/patch/delete. */
const STRATEGY_VERBS: Record<UpdateStrategy, string[]> = {
  apply: [],
  replace: ["update"],
  recreate: [],
  onDelete: [],
};

const VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete"];

function sortVerbs(verbs: Iterable<string>): string[] {
  return [...new Set(verbs)].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
}

function groupOf(type: K8sType): string {
  return splitApiVersion(type.apiVersion).group;
}

/** Where the operator runs, and whether it is namespaced (Role) or cluster-wide (ClusterRole). */
export function operatorScope(config: OperatorConfig, options: ManifestOptions = {}) {
  const parentNamespaced = config.parentType.namespaced ?? options.parentNamespaced ?? true;
  const watchNamespace = parentNamespaced ? config.namespace : undefined;
  const namespace = options.namespace ?? config.namespace ?? "default";
  const lease = config.leaderElection;
  return {
    namespace,
    watchNamespace,
    parentNamespaced,
    leaseName: lease ? (lease.leaseName ?? config.operatorName) : undefined,
    leaseNamespace: lease ? (lease.leaseNamespace ?? namespace) : undefined,
    /** The namespace of the shard ring's Leases, when sharded. */
    ringNamespace: config.sharding ? (config.sharding.leaseNamespace ?? namespace) : undefined,
  };
}

/**
 * The RBAC rules the engine needs for `config`, grouped by scope.
 *
 * @example
 * const plan = rbacPlan(config, { namespace: "operators" });
 * for (const { rule, why } of plan.cluster) console.log(rule.resources, rule.verbs, why);
 */
export function rbacPlan(config: OperatorConfig, options: ManifestOptions = {}): RbacPlan {
  const scope = operatorScope(config, options);
  const plan: RbacPlan = { namespaced: new Map(), cluster: [] };
  const add = (namespace: string | undefined, entry: ExplainedRule) => {
    if (namespace === undefined) {
      plan.cluster.push(entry);
      return;
    }
    const rules = plan.namespaced.get(namespace) ?? [];
    rules.push(entry);
    plan.namespaced.set(namespace, rules);
  };
  const parent = config.parentType;
  const parentGroup = groupOf(parent);
  // A namespaced operator (watch namespace set and a namespaced parent) needs a Role only, except for
  // cluster-scoped child types, which are watched cluster-wide.
  const main = scope.watchNamespace;
  add(main, {
    rule: {
      apiGroups: [parentGroup],
      resources: [parent.plural],
      verbs: sortVerbs(["list", "watch", ...(options.finalize === false ? [] : ["patch"])]),
    },
    why: "parents: informer (list, watch); finalizer add/remove (patch)",
  });
  add(main, {
    rule: { apiGroups: [parentGroup], resources: [`${parent.plural}/status`], verbs: ["patch"] },
    why: "parent status: server-side apply",
  });
  if (options.ownerReferencesPermissionEnforcement !== false && config.children.length > 0) {
    add(main, {
      rule: { apiGroups: [parentGroup], resources: [`${parent.plural}/finalizers`], verbs: ["update"] },
      why: "children's ownerReferences set blockOwnerDeletion (OwnerReferencesPermissionEnforcement)",
    });
  }
  for (const { type, config: childConfig } of config.children) {
    const extra = STRATEGY_VERBS[childConfig.strategy];
    add(type.namespaced === false ? undefined : main, {
      rule: {
        apiGroups: [groupOf(type)],
        resources: [type.plural],
        verbs: sortVerbs(["get", "list", "watch", "create", "patch", "delete", ...extra]),
      },
      why:
        `${type.kind} children (${childConfig.strategy}): informer (list, watch), create, ` +
        "a look at an object that already holds a child's name (get), " +
        `${childConfig.strategy === "apply" ? "server-side apply" : "adoption"} (patch), removal (delete)` +
        (extra.includes("update") ? ", replace (update)" : ""),
    });
  }
  for (const { type, config: related } of config.related) {
    // Read-only: related objects are only cached and shown to the handler, never written.
    add(type.namespaced === false ? undefined : (related.namespace ?? main), {
      rule: {
        apiGroups: [groupOf(type)],
        resources: [type.plural],
        verbs: sortVerbs(["get", "list", "watch"]),
      },
      why: `${type.kind} related objects: informer (list, watch), get; never written`,
    });
  }
  add(main, {
    rule: { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
    why: "Kubernetes Events about parents (patch aggregates repeats)",
  });
  if (scope.leaseName && scope.leaseNamespace) {
    add(scope.leaseNamespace, {
      rule: { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      why: "leader election: create the Lease (create cannot be limited by name)",
    });
    add(scope.leaseNamespace, {
      rule: {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["get", "update"],
        resourceNames: [scope.leaseName],
      },
      why: "leader election: read and renew our Lease only",
    });
  }
  if (scope.ringNamespace) {
    add(scope.ringNamespace, {
      rule: {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["get", "list", "create", "update", "delete"],
      },
      why: "sharding: list the ring, acquire, renew and release bucket Leases, delete our member Lease on stop",
    });
  }
  return plan;
}

/**
 * Every manifest as an object, in apply order.
 *
 * @example
 * for (const obj of manifestObjects(config, { namespace: "operators", image: "ghcr.io/me/op:1.0" })) {
 *   await client.resource(typeOf(obj)).apply(obj, { fieldManager: "deploy" });
 * }
 */
export function manifestObjects(config: OperatorConfig, options: ManifestOptions = {}): KubeObject[] {
  return manifestDocuments(config, options).map((d) => d.object);
}

interface ManifestDocument {
  object: KubeObject;
  /** Per rule index, a comment (RBAC objects only). */
  ruleComments?: string[];
}

function manifestDocuments(config: OperatorConfig, options: ManifestOptions): ManifestDocument[] {
  const name = config.operatorName;
  const scope = operatorScope(config, options);
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/component": "operator" };
  const plan = rbacPlan(config, options);
  const subject = { kind: "ServiceAccount", name, namespace: scope.namespace };
  const docs: ManifestDocument[] = [
    {
      object: {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace: scope.namespace, labels },
      },
    },
  ];
  if (plan.cluster.length > 0) {
    docs.push({
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name, labels },
        rules: plan.cluster.map((r) => r.rule),
      },
      ruleComments: plan.cluster.map((r) => r.why),
    });
    docs.push({
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [subject],
      },
    });
  }
  for (const [namespace, rules] of plan.namespaced) {
    docs.push({
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name, namespace, labels },
        rules: rules.map((r) => r.rule),
      },
      ruleComments: rules.map((r) => r.why),
    });
    docs.push({
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name, namespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
        subjects: [subject],
      },
    });
  }
  docs.push({ object: workload(config, options, labels) });
  const namespacedObject = (apiVersion: string, kind: string, spec: Record<string, unknown>) =>
    docs.push({ object: { apiVersion, kind, metadata: { name, namespace: scope.namespace, labels }, spec } });
  if (config.metricsEnabled) {
    namespacedObject("v1", "Service", {
      selector: labels,
      ports: [{ name: "http", port: config.serverPort || 8080, targetPort: "http" }],
    });
  }
  // Sharded: voluntary evictions (node drains) one replica at a time, each handing its buckets over first.
  if (config.sharding) {
    namespacedObject("policy/v1", "PodDisruptionBudget", { maxUnavailable: 1, selector: { matchLabels: labels } });
  }
  return docs;
}

/**
 * Node options of the generated pod. V8 grows its young generation up to 16 MiB per semi-space (32 MiB of the
 * heap) in a process that allocates as fast as an operator decoding watch events and writing; a 4 MiB cap kept
 * the bench peer's RSS after a 1000-parent write burst at 99.5 MB instead of 115.8 MB (medians of 10 runs), with
 * GC pauses and CPU within the noise (docs/deployment.md has the figures). The flag cannot be set from inside a
 * running process: it must reach node itself.
 * Not exported from the package; the bench runs its tsoperator peer with the same value.
 */
export const NODE_OPTIONS = "--max-semi-space-size=4";

function workload(
  config: OperatorConfig,
  options: ManifestOptions,
  labels: Record<string, string>,
): KubeObject {
  const name = config.operatorName;
  const scope = operatorScope(config, options);
  // Port 0 ("any free port") makes no sense in a pod: probes need a fixed one.
  const port = config.serverPort || 8080;
  const downward = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
  const env: Array<Record<string, unknown>> = [
    { name: "POD_NAMESPACE", ...downward("metadata.namespace") },
    // Unique per pod: the leader election identity.
    { name: "POD_NAME", ...downward("metadata.name") },
    scope.watchNamespace === undefined
      ? { name: "WATCH_NAMESPACE", value: "" }
      : scope.watchNamespace === scope.namespace
        ? { name: "WATCH_NAMESPACE", ...downward("metadata.namespace") }
        : { name: "WATCH_NAMESPACE", value: scope.watchNamespace },
    { name: "NODE_OPTIONS", value: NODE_OPTIONS },
  ];
  const probes = config.healthEnabled
    ? {
        livenessProbe: {
          httpGet: { path: "/healthz", port: "http" },
          initialDelaySeconds: 5,
          periodSeconds: 10,
          failureThreshold: 3,
        },
        readinessProbe: {
          httpGet: { path: "/readyz", port: "http" },
          periodSeconds: 5,
          failureThreshold: 3,
        },
      }
    : {};
  const runAsUser = options.runAsUser ?? 1000;
  const podSpec = {
    serviceAccountName: name,
    // Long enough for the graceful stop: the syncs' grace period, then STOP_ABORT_WAIT_MS for aborted syncs, then
    // closing watches, flushing events and releasing the Lease (40 s with the default 30 s grace period).
    terminationGracePeriodSeconds: Math.ceil(config.stopGracePeriodMs / 1000) + 10,
    securityContext: {
      runAsNonRoot: true,
      runAsUser,
      runAsGroup: runAsUser,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containers: [
      {
        name: "operator",
        image: options.image ?? `${name}:latest`,
        ...(options.args ? { args: options.args } : {}),
        env,
        ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
        ...probes,
        resources: options.resources ?? {
          requests: { cpu: "100m", memory: "128Mi" },
          limits: { memory: "256Mi" },
        },
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        },
        // Node writes nothing else, but libraries may want a temp dir on a read-only root.
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
      },
    ],
    volumes: [{ name: "tmp", emptyDir: {} }],
  };
  const template = {
    metadata: {
      labels,
      ...(config.metricsEnabled
        ? {
            annotations: {
              "prometheus.io/scrape": "true",
              "prometheus.io/port": String(port),
              "prometheus.io/path": "/metrics",
            },
          }
        : {}),
    },
    spec: podSpec,
  };
  if (config.sharding || config.leaderElection) {
    return {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: scope.namespace, labels },
      spec: {
        replicas: options.replicas ?? (config.sharding ? 3 : 2),
        selector: { matchLabels: labels },
        // Safe with leader election (a new pod leads only once the old one released or lost the Lease) and with
        // sharding (a new pod joins the ring; an old one hands its buckets back on SIGTERM).
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template,
      },
    };
  }
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: scope.namespace, labels },
    spec: {
      // One replica, and a StatefulSet never starts the replacement before the old pod is gone: one writer.
      replicas: 1,
      serviceName: name,
      selector: { matchLabels: labels },
      template,
    },
  };
}

/**
 * The manifests as one multi-document YAML string, with a comment on every RBAC rule saying why it exists.
 *
 * @example
 * import { writeFileSync } from "node:fs";
 * writeFileSync("deploy.yaml", generateManifests(config, { namespace: "operators", image: "ghcr.io/me/op:1.0" }));
 */
export function generateManifests(config: OperatorConfig, options: ManifestOptions = {}): string {
  const scope = operatorScope(config, options);
  const header =
    `Generated by tsoperator for ${config.operatorName}: ` +
    (scope.watchNamespace ? `namespaced (${scope.watchNamespace})` : "cluster-wide") +
    (config.sharding
      ? `, sharded (${config.sharding.buckets} buckets)`
      : config.leaderElection
        ? ", leader election"
        : ", single instance");
  return manifestDocuments(config, options)
    .map((d, i) => {
      // No anchors/aliases for shared label objects: plain YAML reads better and diffs better.
      const doc = new Document(d.object, { aliasDuplicateObjects: false });
      if (i === 0) doc.commentBefore = ` ${header}`;
      if (d.ruleComments) {
        const rules = doc.get("rules");
        if (isSeq(rules)) {
          rules.items.forEach((item, index) => {
            const comment = d.ruleComments?.[index];
            if (comment && isMap(item)) item.commentBefore = ` ${comment}`;
          });
        }
      }
      return doc.toString({ lineWidth: 0 });
    })
    .join("---\n");
}
