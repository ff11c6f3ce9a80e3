/**
 * Built-in Kubernetes types, addressable as `k8sTypes.apps.v1.Deployment`. `namespaced` is filled in so the
 * common types need no discovery round trip. Each carries its object type (generated from the pinned
 * apiserver's OpenAPI, src/core/generated), so `children.ofType(k8sTypes.apps.v1.Deployment)` yields Deployments.
 */
import type { K8sObjects } from "./generated/k8s-objects.js";
import type { K8sType, KubeObject } from "./types.js";

/** The generated object type of a built-in kind, looked up by "apiVersion/kind". */
type BuiltIn<A extends string, K extends string> = `${A}/${K}` extends keyof K8sObjects
  ? K8sObjects[`${A}/${K}`]
  : KubeObject;

/** The object type rides along in the K8sType's type parameter; at runtime it is the four fields only. */
const t = <A extends string, K extends string>(
  apiVersion: A,
  kind: K,
  plural: string,
  namespaced: boolean,
): K8sType<BuiltIn<A, K>> => Object.freeze({ apiVersion, kind, plural, namespaced });

export const k8sTypes = {
  core: {
    v1: {
      Binding: t("v1", "Binding", "bindings", true),
      ConfigMap: t("v1", "ConfigMap", "configmaps", true),
      Endpoints: t("v1", "Endpoints", "endpoints", true),
      Event: t("v1", "Event", "events", true),
      LimitRange: t("v1", "LimitRange", "limitranges", true),
      Namespace: t("v1", "Namespace", "namespaces", false),
      Node: t("v1", "Node", "nodes", false),
      PersistentVolume: t("v1", "PersistentVolume", "persistentvolumes", false),
      PersistentVolumeClaim: t("v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
      Pod: t("v1", "Pod", "pods", true),
      PodTemplate: t("v1", "PodTemplate", "podtemplates", true),
      ReplicationController: t("v1", "ReplicationController", "replicationcontrollers", true),
      ResourceQuota: t("v1", "ResourceQuota", "resourcequotas", true),
      Secret: t("v1", "Secret", "secrets", true),
      Service: t("v1", "Service", "services", true),
      ServiceAccount: t("v1", "ServiceAccount", "serviceaccounts", true),
    },
  },
  apps: {
    v1: {
      ControllerRevision: t("apps/v1", "ControllerRevision", "controllerrevisions", true),
      DaemonSet: t("apps/v1", "DaemonSet", "daemonsets", true),
      Deployment: t("apps/v1", "Deployment", "deployments", true),
      ReplicaSet: t("apps/v1", "ReplicaSet", "replicasets", true),
      StatefulSet: t("apps/v1", "StatefulSet", "statefulsets", true),
    },
  },
  batch: {
    v1: {
      CronJob: t("batch/v1", "CronJob", "cronjobs", true),
      Job: t("batch/v1", "Job", "jobs", true),
    },
  },
  networking: {
    v1: {
      Ingress: t("networking.k8s.io/v1", "Ingress", "ingresses", true),
      IngressClass: t("networking.k8s.io/v1", "IngressClass", "ingressclasses", false),
      NetworkPolicy: t("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true),
    },
  },
  discovery: {
    v1: {
      EndpointSlice: t("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", true),
    },
  },
  rbac: {
    v1: {
      ClusterRole: t("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false),
      ClusterRoleBinding: t("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false),
      Role: t("rbac.authorization.k8s.io/v1", "Role", "roles", true),
      RoleBinding: t("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true),
    },
  },
  policy: {
    v1: {
      PodDisruptionBudget: t("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true),
    },
  },
  coordination: {
    v1: {
      Lease: t("coordination.k8s.io/v1", "Lease", "leases", true),
    },
  },
  autoscaling: {
    v2: {
      HorizontalPodAutoscaler: t("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true),
    },
  },
  storage: {
    v1: {
      StorageClass: t("storage.k8s.io/v1", "StorageClass", "storageclasses", false),
    },
  },
  events: {
    v1: {
      Event: t("events.k8s.io/v1", "Event", "events", true),
    },
  },
  apiextensions: {
    v1: {
      CustomResourceDefinition: t(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
      ),
    },
  },
} as const;
