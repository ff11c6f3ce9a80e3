/**
 * Types of the built-in Kubernetes kinds in k8sTypes, generated from kube-apiserver v1.37.2's /openapi/v3 by
 * scripts/generate-k8s-types.ts. Types only: nothing here exists at runtime. Do not edit; regenerate.
 */
import type { ObjectMeta } from "../types.js";

/** Binding ties one object to another; for example, a pod is bound to a node by a scheduler. */
export type Binding = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** The target object that you want to bind to the standard object. */
  target: ObjectReference;
};

/** ConfigMap holds configuration data for pods to consume. */
export type ConfigMap = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** BinaryData contains the binary data. */
  binaryData?: Record<string, string>;
  /** Data contains the configuration data. */
  data?: Record<string, string>;
  /** Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified). */
  immutable?: boolean;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
};

/** Endpoints is a collection of endpoints that implement the actual service. */
export type Endpoints = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** The set of all endpoints is the union of all subsets. */
  subsets?: Array<EndpointSubset>;
};

/** Event is a report of an event somewhere in the cluster. */
export type CoreV1Event = {
  /** What action was taken/failed regarding to the Regarding object. */
  action?: string;
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** The number of times this event has occurred. */
  count?: number;
  /** Time when this Event was first observed. */
  eventTime?: string;
  /** The time at which the event was first recorded. */
  firstTimestamp?: string;
  /** The object that this event is about. */
  involvedObject: ObjectReference;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** The time at which the most recent occurrence of this event was recorded. */
  lastTimestamp?: string;
  /** A human-readable description of the status of this operation. */
  message?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** This should be a short, machine understandable string that gives the reason for the transition into the object's current status. */
  reason?: string;
  /** Optional secondary object for more complex actions. */
  related?: ObjectReference;
  /** Name of the controller that emitted this Event, e.g. */
  reportingComponent?: string;
  /** ID of the controller instance, e.g. */
  reportingInstance?: string;
  /** Data about the Event series this event represents or nil if it's a singleton Event. */
  series?: CoreV1EventSeries;
  /** The component reporting this event. */
  source?: EventSource;
  /** Type of this event (Normal, Warning), new types could be added in the future */
  type?: string;
};

/** LimitRange sets resource usage limits for each kind of resource in a Namespace. */
export type LimitRange = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Spec defines the limits enforced. */
  spec?: LimitRangeSpec;
};

/** Namespace provides a scope for Names. */
export type Namespace = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Spec defines the behavior of the Namespace. */
  spec?: NamespaceSpec;
  /** Status describes the current status of a Namespace. */
  status?: NamespaceStatus;
};

/** Node is a worker node in Kubernetes. */
export type Node = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Spec defines the behavior of a node. */
  spec?: NodeSpec;
  /** Most recently observed status of the node. */
  status?: NodeStatus;
};

/** PersistentVolume (PV) is a storage resource provisioned by an administrator. */
export type PersistentVolume = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** spec defines a specification of a persistent volume owned by the cluster. */
  spec?: PersistentVolumeSpec;
  /** status represents the current information/status for the persistent volume. */
  status?: PersistentVolumeStatus;
};

/** PersistentVolumeClaim is a user's request for and claim to a persistent volume */
export type PersistentVolumeClaim = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** spec defines the desired characteristics of a volume requested by a pod author. */
  spec?: PersistentVolumeClaimSpec;
  /** status represents the current information/status of a persistent volume claim. */
  status?: PersistentVolumeClaimStatus;
};

/** Pod is a collection of containers that can run on a host. */
export type Pod = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Specification of the desired behavior of the pod. */
  spec?: PodSpec;
  /** Most recently observed status of the pod. */
  status?: PodStatus;
};

/** PodTemplate describes a template for creating copies of a predefined pod. */
export type PodTemplate = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Template defines the pods that will be created from this pod template. */
  template?: PodTemplateSpec;
};

/** ReplicationController represents the configuration of a replication controller. */
export type ReplicationController = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** If the Labels of a ReplicationController are empty, they are defaulted to be the same as the Pod(s) that the replication controller manages. */
  metadata: ObjectMeta;
  /** Spec defines the specification of the desired behavior of the replication controller. */
  spec?: ReplicationControllerSpec;
  /** Status is the most recently observed status of the replication controller. */
  status?: ReplicationControllerStatus;
};

/** ResourceQuota sets aggregate quota restrictions enforced per namespace */
export type ResourceQuota = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Spec defines the desired quota. */
  spec?: ResourceQuotaSpec;
  /** Status defines the actual enforced quota and its current usage. */
  status?: ResourceQuotaStatus;
};

/** Secret holds secret data of a certain type. */
export type Secret = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Data contains the secret data. */
  data?: Record<string, string>;
  /** Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified). */
  immutable?: boolean;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** stringData allows specifying non-binary secret data in string form. */
  stringData?: Record<string, string>;
  /** Used to facilitate programmatic handling of secret data. */
  type?: string;
};

/** Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answe... */
export type Service = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Spec defines the behavior of a service. */
  spec?: ServiceSpec;
  /** Most recently observed status of the service. */
  status?: ServiceStatus;
};

/** ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets */
export type ServiceAccount = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted. */
  automountServiceAccountToken?: boolean;
  /** ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount. */
  imagePullSecrets?: Array<LocalObjectReference>;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. */
  secrets?: Array<ObjectReference>;
};

/** ControllerRevision implements an immutable snapshot of state data. */
export type ControllerRevision = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Data is the serialized representation of the state. */
  data: Record<string, unknown>;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Revision indicates the revision of the state represented by Data. */
  revision?: number;
};

/** DaemonSet represents the configuration of a daemon set. */
export type DaemonSet = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** The desired behavior of this daemon set. */
  spec: DaemonSetSpec;
  /** The current status of this daemon set. */
  status?: DaemonSetStatus;
};

/** Deployment enables declarative updates for Pods and ReplicaSets. */
export type Deployment = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Specification of the desired behavior of the Deployment. */
  spec: DeploymentSpec;
  /** Most recently observed status of the Deployment. */
  status?: DeploymentStatus;
};

/** ReplicaSet ensures that a specified number of pod replicas are running at any given time. */
export type ReplicaSet = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** If the Labels of a ReplicaSet are empty, they are defaulted to be the same as the Pod(s) that the ReplicaSet manages. */
  metadata: ObjectMeta;
  /** Spec defines the specification of the desired behavior of the ReplicaSet. */
  spec: ReplicaSetSpec;
  /** Status is the most recently observed status of the ReplicaSet. */
  status?: ReplicaSetStatus;
};

/** StatefulSet represents a set of pods with consistent identities. */
export type StatefulSet = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Spec defines the desired identities of pods in this set. */
  spec: StatefulSetSpec;
  /** Status is the current status of Pods in this StatefulSet. */
  status?: StatefulSetStatus;
};

/** CronJob represents the configuration of a single cron job. */
export type CronJob = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Specification of the desired behavior of a cron job, including the schedule. */
  spec: CronJobSpec;
  /** Current status of a cron job. */
  status?: CronJobStatus;
};

/** Job represents the configuration of a single job. */
export type Job = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** Specification of the desired behavior of a job. */
  spec?: JobSpec;
  /** Current status of a job. */
  status?: JobStatus;
};

/** Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend. */
export type Ingress = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object metadata. */
  metadata: ObjectMeta;
  /** spec is the desired state of the Ingress. */
  spec?: IngressSpec;
  /** status is the current state of the Ingress. */
  status?: IngressStatus;
};

/** IngressClass represents the class of the Ingress, referenced by the Ingress Spec. */
export type IngressClass = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object metadata. */
  metadata: ObjectMeta;
  /** spec is the desired state of the IngressClass. */
  spec?: IngressClassSpec;
};

/** NetworkPolicy describes what network traffic is allowed for a set of Pods */
export type NetworkPolicy = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object metadata. */
  metadata: ObjectMeta;
  /** spec represents the specification of the desired behavior for this NetworkPolicy. */
  spec?: NetworkPolicySpec;
};

/** EndpointSlice represents a set of service endpoints. */
export type EndpointSlice = {
  /** addressType specifies the type of address carried by this EndpointSlice. */
  addressType: "FQDN" | "IPv4" | "IPv6";
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** endpoints is a list of unique endpoints in this slice. */
  endpoints?: Array<Endpoint>;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata. */
  metadata: ObjectMeta;
  /** ports specifies the list of network ports exposed by each endpoint in this slice. */
  ports?: Array<DiscoveryV1EndpointPort>;
};

/** ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding. */
export type ClusterRole = {
  /** aggregationRule is an optional field that describes how to build the Rules for this ClusterRole. */
  aggregationRule?: AggregationRule;
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object's metadata. */
  metadata: ObjectMeta;
  /** rules holds all the PolicyRules for this ClusterRole */
  rules?: Array<PolicyRule>;
};

/** ClusterRoleBinding references a ClusterRole, but not contain it. */
export type ClusterRoleBinding = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object's metadata. */
  metadata: ObjectMeta;
  /** roleRef can only reference a ClusterRole in the global namespace. */
  roleRef: RoleRef;
  /** subjects holds references to the objects the role applies to. */
  subjects?: Array<Subject>;
};

/** Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding. */
export type Role = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object's metadata. */
  metadata: ObjectMeta;
  /** rules holds all the PolicyRules for this Role */
  rules?: Array<PolicyRule>;
};

/** RoleBinding references a role, but does not contain it. */
export type RoleBinding = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object's metadata. */
  metadata: ObjectMeta;
  /** roleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. */
  roleRef: RoleRef;
  /** subjects holds references to the objects the role applies to. */
  subjects?: Array<Subject>;
};

/** PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods */
export type PodDisruptionBudget = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object's metadata. */
  metadata: ObjectMeta;
  /** spec is the specification of the desired behavior of the PodDisruptionBudget. */
  spec?: PodDisruptionBudgetSpec;
  /** status is the most recently observed status of the PodDisruptionBudget. */
  status?: PodDisruptionBudgetStatus;
};

/** Lease defines a lease concept. */
export type Lease = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object metadata. */
  metadata: ObjectMeta;
  /** spec contains the specification of the Lease. */
  spec?: LeaseSpec;
};

/** HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics s... */
export type HorizontalPodAutoscaler = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object metadata. */
  metadata: ObjectMeta;
  /** spec is the specification for the behaviour of the autoscaler. */
  spec: HorizontalPodAutoscalerSpec;
  /** status is the current information about the autoscaler. */
  status?: HorizontalPodAutoscalerStatus;
};

/** StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned. */
export type StorageClass = {
  /** allowVolumeExpansion shows whether the storage class allow volume expand. */
  allowVolumeExpansion?: boolean;
  /** allowedTopologies restrict the node topologies where volumes can be dynamically provisioned. */
  allowedTopologies?: Array<TopologySelectorTerm>;
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object metadata. */
  metadata: ObjectMeta;
  /** mountOptions controls the mountOptions for dynamically provisioned PersistentVolumes of this storage class. */
  mountOptions?: Array<string>;
  /** parameters holds the parameters for the provisioner that should create volumes of this storage class. */
  parameters?: Record<string, string>;
  /** provisioner indicates the type of the provisioner. */
  provisioner: string;
  /** reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. */
  reclaimPolicy?: "Delete" | "Recycle" | "Retain";
  /** volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. */
  volumeBindingMode?: "Immediate" | "WaitForFirstConsumer";
};

/** Event is a report of an event somewhere in the cluster. */
export type EventsV1Event = {
  /** action is what action was taken/failed regarding to the regarding object. */
  action?: string;
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** deprecatedCount is the deprecated field assuring backward compatibility with core.v1 Event type. */
  deprecatedCount?: number;
  /** deprecatedFirstTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type. */
  deprecatedFirstTimestamp?: string;
  /** deprecatedLastTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type. */
  deprecatedLastTimestamp?: string;
  /** deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type. */
  deprecatedSource?: EventSource;
  /** eventTime is the time when this Event was first observed. */
  eventTime: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** metadata is the standard object's metadata. */
  metadata: ObjectMeta;
  /** note is a human-readable description of the status of this operation. */
  note?: string;
  /** reason is why the action was taken. */
  reason?: string;
  /** regarding contains the object this Event is about. */
  regarding?: ObjectReference;
  /** related is the optional secondary object for more complex actions. */
  related?: ObjectReference;
  /** reportingController is the name of the controller that emitted this Event, e.g. */
  reportingController?: string;
  /** reportingInstance is the ID of the controller instance, e.g. */
  reportingInstance?: string;
  /** series is data about the Event series this event represents or nil if it's a singleton Event. */
  series?: EventsV1EventSeries;
  /** type is the type of this event (Normal, Warning), new types could be added in the future. */
  type?: string;
};

/** CustomResourceDefinition represents a resource that should be exposed on the API server. */
export type CustomResourceDefinition = {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: string;
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: string;
  /** Standard object's metadata More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata */
  metadata: ObjectMeta;
  /** spec describes how the user wants the resources to appear */
  spec: CustomResourceDefinitionSpec;
  /** status indicates the actual state of the CustomResourceDefinition */
  status?: CustomResourceDefinitionStatus;
};

/** ObjectReference contains enough information to let you inspect or modify the referred object. */
export type ObjectReference = {
  /** API version of the referent. */
  apiVersion?: string;
  /** If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. */
  fieldPath?: string;
  /** Kind of the referent. */
  kind?: string;
  /** Name of the referent. */
  name?: string;
  /** Namespace of the referent. */
  namespace?: string;
  /** Specific resourceVersion to which this reference is made, if any. */
  resourceVersion?: string;
  /** UID of the referent. */
  uid?: string;
};

/** EndpointSubset is a group of addresses with a common set of ports. */
export type EndpointSubset = {
  /** IP addresses which offer the related ports that are marked as ready. */
  addresses?: Array<EndpointAddress>;
  /** IP addresses which offer the related ports but are not currently marked as ready because they have not yet finished starting, have recently failed a readiness check, or have recently failed a liven... */
  notReadyAddresses?: Array<EndpointAddress>;
  /** Port numbers available on the related IP addresses. */
  ports?: Array<CoreV1EndpointPort>;
};

/** EventSeries contain information on series of events, i.e. */
export type CoreV1EventSeries = {
  /** Number of occurrences in this series up to the last heartbeat time */
  count?: number;
  /** Time of the last occurrence observed */
  lastObservedTime?: string;
};

/** EventSource contains information for an event. */
export type EventSource = {
  /** Component from which the event is generated. */
  component?: string;
  /** Node name on which the event is generated. */
  host?: string;
};

/** LimitRangeSpec defines a min/max usage limit for resources that match on kind. */
export type LimitRangeSpec = {
  /** Limits is the list of LimitRangeItem objects that are enforced. */
  limits: Array<LimitRangeItem>;
};

/** NamespaceSpec describes the attributes on a Namespace. */
export type NamespaceSpec = {
  /** Finalizers is an opaque list of values that must be empty to permanently remove object from storage. */
  finalizers?: Array<string>;
};

/** NamespaceStatus is information about the current status of a Namespace. */
export type NamespaceStatus = {
  /** Represents the latest available observations of a namespace's current state. */
  conditions?: Array<NamespaceCondition>;
  /** Phase is the current lifecycle phase of the namespace. */
  phase?: "Active" | "Terminating";
};

/** NodeSpec describes the attributes that a node is created with. */
export type NodeSpec = {
  /** Deprecated: Previously used to specify the source of the node's configuration for the DynamicKubeletConfig feature. */
  configSource?: NodeConfigSource;
  /** Deprecated. */
  externalID?: string;
  /** PodCIDR represents the pod IP range assigned to the node. */
  podCIDR?: string;
  /** podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node. */
  podCIDRs?: Array<string>;
  /** PodPreemptionPolicy controls the node-level preemption behaviors for pods on this node. */
  podPreemptionPolicy?: NodePodPreemptionPolicy;
  /** ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID> */
  providerID?: string;
  /** If specified, the node's taints. */
  taints?: Array<Taint>;
  /** Unschedulable controls node schedulability of new pods. */
  unschedulable?: boolean;
};

/** NodeStatus is information about the current status of a node. */
export type NodeStatus = {
  /** List of addresses reachable to the node. */
  addresses?: Array<NodeAddress>;
  /** Allocatable represents the resources of a node that are available for scheduling. */
  allocatable?: Record<string, string | number>;
  /** Capacity represents the total resources of a node. */
  capacity?: Record<string, string | number>;
  /** Conditions is an array of current observed node conditions. */
  conditions?: Array<NodeCondition>;
  /** Status of the config assigned to the node via the dynamic Kubelet config feature. */
  config?: NodeConfigStatus;
  /** Endpoints of daemons running on the Node. */
  daemonEndpoints?: NodeDaemonEndpoints;
  /** DeclaredFeatures represents the features related to feature gates that are declared by the node. */
  declaredFeatures?: Array<string>;
  /** Features describes the set of features implemented by the CRI implementation. */
  features?: NodeFeatures;
  /** List of container images on this node */
  images?: Array<ContainerImage>;
  /** Set of ids/uuids to uniquely identify the node. */
  nodeInfo?: NodeSystemInfo;
  /** NodePhase is the recently observed lifecycle phase of the node. */
  phase?: "Pending" | "Running" | "Terminated";
  /** The available runtime handlers. */
  runtimeHandlers?: Array<NodeRuntimeHandler>;
  /** List of volumes that are attached to the node. */
  volumesAttached?: Array<AttachedVolume>;
  /** List of attachable volumes in use (mounted) by the node. */
  volumesInUse?: Array<string>;
};

/** PersistentVolumeSpec is the specification of a persistent volume. */
export type PersistentVolumeSpec = {
  /** accessModes contains all ways the volume can be mounted. */
  accessModes?: Array<"ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOnce" | "ReadWriteOncePod">;
  /** awsElasticBlockStore represents an AWS Disk resource that is attached to a kubelet's host machine and then exposed to the pod. */
  awsElasticBlockStore?: AWSElasticBlockStoreVolumeSource;
  /** azureDisk represents an Azure Data Disk mount on the host and bind mount to the pod. */
  azureDisk?: AzureDiskVolumeSource;
  /** azureFile represents an Azure File Service mount on the host and bind mount to the pod. */
  azureFile?: AzureFilePersistentVolumeSource;
  /** capacity is the description of the persistent volume's resources and capacity. */
  capacity?: Record<string, string | number>;
  /** cephFS represents a Ceph FS mount on the host that shares a pod's lifetime. */
  cephfs?: CephFSPersistentVolumeSource;
  /** cinder represents a cinder volume attached and mounted on kubelets host machine. */
  cinder?: CinderPersistentVolumeSource;
  /** claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. */
  claimRef?: ObjectReference;
  /** csi represents storage that is handled by an external CSI driver. */
  csi?: CSIPersistentVolumeSource;
  /** fc represents a Fibre Channel resource that is attached to a kubelet's host machine and then exposed to the pod. */
  fc?: FCVolumeSource;
  /** flexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin. */
  flexVolume?: FlexPersistentVolumeSource;
  /** flocker represents a Flocker volume attached to a kubelet's host machine and exposed to the pod for its usage. */
  flocker?: FlockerVolumeSource;
  /** gcePersistentDisk represents a GCE Disk resource that is attached to a kubelet's host machine and then exposed to the pod. */
  gcePersistentDisk?: GCEPersistentDiskVolumeSource;
  /** glusterfs represents a Glusterfs volume that is attached to a host and exposed to the pod. */
  glusterfs?: GlusterfsPersistentVolumeSource;
  /** hostPath represents a directory on the host. */
  hostPath?: HostPathVolumeSource;
  /** iscsi represents an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod. */
  iscsi?: ISCSIPersistentVolumeSource;
  /** local represents directly-attached storage with node affinity */
  local?: LocalVolumeSource;
  /** mountOptions is the list of mount options, e.g. */
  mountOptions?: Array<string>;
  /** nfs represents an NFS mount on the host. */
  nfs?: NFSVolumeSource;
  /** nodeAffinity defines constraints that limit what nodes this volume can be accessed from. */
  nodeAffinity?: VolumeNodeAffinity;
  /** persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. */
  persistentVolumeReclaimPolicy?: "Delete" | "Recycle" | "Retain";
  /** photonPersistentDisk represents a PhotonController persistent disk attached and mounted on kubelets host machine. */
  photonPersistentDisk?: PhotonPersistentDiskVolumeSource;
  /** portworxVolume represents a portworx volume attached and mounted on kubelets host machine. */
  portworxVolume?: PortworxVolumeSource;
  /** quobyte represents a Quobyte mount on the host that shares a pod's lifetime. */
  quobyte?: QuobyteVolumeSource;
  /** rbd represents a Rados Block Device mount on the host that shares a pod's lifetime. */
  rbd?: RBDPersistentVolumeSource;
  /** scaleIO represents a ScaleIO persistent volume attached and mounted on Kubernetes nodes. */
  scaleIO?: ScaleIOPersistentVolumeSource;
  /** storageClassName is the name of StorageClass to which this persistent volume belongs. */
  storageClassName?: string;
  /** storageOS represents a StorageOS volume that is attached to the kubelet's host machine and mounted into the pod. */
  storageos?: StorageOSPersistentVolumeSource;
  /** Name of VolumeAttributesClass to which this persistent volume belongs. */
  volumeAttributesClassName?: string;
  /** volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. */
  volumeMode?: "Block" | "Filesystem";
  /** vsphereVolume represents a vSphere volume attached and mounted on kubelets host machine. */
  vsphereVolume?: VsphereVirtualDiskVolumeSource;
};

/** PersistentVolumeStatus is the current status of a persistent volume. */
export type PersistentVolumeStatus = {
  /** lastPhaseTransitionTime is the time the phase transitioned from one to another and automatically resets to current time everytime a volume phase transitions. */
  lastPhaseTransitionTime?: string;
  /** message is a human-readable message indicating details about why the volume is in this state. */
  message?: string;
  /** phase indicates if a volume is available, bound to a claim, or released by a claim. */
  phase?: "Available" | "Bound" | "Failed" | "Pending" | "Released";
  /** reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI. */
  reason?: string;
};

/** PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes */
export type PersistentVolumeClaimSpec = {
  /** accessModes contains the desired access modes the volume should have. */
  accessModes?: Array<"ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOnce" | "ReadWriteOncePod">;
  /** dataSource field can be used to specify either: * An existing VolumeSnapshot object (snapshot.storage.k8s.io/VolumeSnapshot) * An existing PVC (PersistentVolumeClaim) If the provisioner or an exter... */
  dataSource?: TypedLocalObjectReference;
  /** dataSourceRef specifies the object from which to populate the volume with data, if a non-empty volume is desired. */
  dataSourceRef?: TypedObjectReference;
  /** resources represents the minimum resources the volume should have. */
  resources?: VolumeResourceRequirements;
  /** selector is a label query over volumes to consider for binding. */
  selector?: LabelSelector;
  /** storageClassName is the name of the StorageClass required by the claim. */
  storageClassName?: string;
  /** volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim. */
  volumeAttributesClassName?: string;
  /** volumeMode defines what type of volume is required by the claim. */
  volumeMode?: "Block" | "Filesystem";
  /** volumeName is the binding reference to the PersistentVolume backing this claim. */
  volumeName?: string;
};

/** PersistentVolumeClaimStatus is the current status of a persistent volume claim. */
export type PersistentVolumeClaimStatus = {
  /** accessModes contains the actual access modes the volume backing the PVC has. */
  accessModes?: Array<"ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOnce" | "ReadWriteOncePod">;
  /** allocatedResourceStatuses stores status of resource being resized for the given PVC. */
  allocatedResourceStatuses?: Record<
    string,
    | "ControllerResizeInProgress"
    | "ControllerResizeInfeasible"
    | "NodeResizeInProgress"
    | "NodeResizeInfeasible"
    | "NodeResizePending"
  >;
  /** allocatedResources tracks the resources allocated to a PVC including its capacity. */
  allocatedResources?: Record<string, string | number>;
  /** capacity represents the actual resources of the underlying volume. */
  capacity?: Record<string, string | number>;
  /** conditions is the current Condition of persistent volume claim. */
  conditions?: Array<PersistentVolumeClaimCondition>;
  /** currentVolumeAttributesClassName is the current name of the VolumeAttributesClass the PVC is using. */
  currentVolumeAttributesClassName?: string;
  /** healthStatus contains the latest controller-reported health information for the volume bound to this claim. */
  healthStatus?: VolumeHealthStatus;
  /** ModifyVolumeStatus represents the status object of ControllerModifyVolume operation. */
  modifyVolumeStatus?: ModifyVolumeStatus;
  /** phase represents the current phase of PersistentVolumeClaim. */
  phase?: "Bound" | "Lost" | "Pending";
};

/** PodSpec is a description of a pod. */
export type PodSpec = {
  /** Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers. */
  activeDeadlineSeconds?: number;
  /** If specified, the pod's scheduling constraints */
  affinity?: Affinity;
  /** AutomountServiceAccountToken indicates whether a service account token should be automatically mounted. */
  automountServiceAccountToken?: boolean;
  /** List of containers belonging to the pod. */
  containers: Array<Container>;
  /** Specifies the DNS parameters of a pod. */
  dnsConfig?: PodDNSConfig;
  /** Set DNS policy for the pod. */
  dnsPolicy?: "ClusterFirst" | "ClusterFirstWithHostNet" | "Default" | "None";
  /** EnableServiceLinks indicates whether information about services should be injected into pod's environment variables, matching the syntax of Docker links. */
  enableServiceLinks?: boolean;
  /** List of ephemeral containers run in this pod. */
  ephemeralContainers?: Array<EphemeralContainer>;
  /** evictionResponders reference responders that react to Evictions based on EvictionRequests. */
  evictionResponders?: Array<EvictionResponder>;
  /** HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified. */
  hostAliases?: Array<HostAlias>;
  /** Use the host's ipc namespace. */
  hostIPC?: boolean;
  /** Host networking requested for this pod. */
  hostNetwork?: boolean;
  /** Use the host's pid namespace. */
  hostPID?: boolean;
  /** Use the host's user namespace. */
  hostUsers?: boolean;
  /** Specifies the hostname of the Pod If not specified, the pod's hostname will be set to a system-defined value. */
  hostname?: string;
  /** HostnameOverride specifies an explicit override for the pod's hostname as perceived by the pod. */
  hostnameOverride?: string;
  /** ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec. */
  imagePullSecrets?: Array<LocalObjectReference>;
  /** List of initialization containers belonging to the pod. */
  initContainers?: Array<Container>;
  /** NodeName indicates in which node this pod is scheduled. */
  nodeName?: string;
  /** NodeSelector is a selector which must be true for the pod to fit on a node. */
  nodeSelector?: Record<string, string>;
  /** Specifies the OS of the containers in the pod. */
  os?: PodOS;
  /** Overhead represents the resource overhead associated with running a pod for a given RuntimeClass. */
  overhead?: Record<string, string | number>;
  /** PreemptionPolicy is the Policy for preempting pods with lower priority. */
  preemptionPolicy?: "Never" | "PreemptLowerPriority";
  /** The priority value. */
  priority?: number;
  /** If specified, indicates the pod's priority. */
  priorityClassName?: string;
  /** If specified, all readiness gates will be evaluated for pod readiness. */
  readinessGates?: Array<PodReadinessGate>;
  /** ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start. */
  resourceClaims?: Array<PodResourceClaim>;
  /** Resources is the total amount of CPU and Memory resources required by all containers in the pod. */
  resources?: ResourceRequirements;
  /** Restart policy for all containers within the pod. */
  restartPolicy?: "Always" | "Never" | "OnFailure";
  /** RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod. */
  runtimeClassName?: string;
  /** If specified, the pod will be dispatched by specified scheduler. */
  schedulerName?: string;
  /** SchedulingGates is an opaque list of values that if specified will block scheduling the pod. */
  schedulingGates?: Array<PodSchedulingGate>;
  /** SchedulingGroup provides a reference to the immediate scheduling runtime grouping object that this Pod belongs to. */
  schedulingGroup?: PodSchedulingGroup;
  /** SecurityContext holds pod-level security attributes and common container settings. */
  securityContext?: PodSecurityContext;
  /** DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. */
  serviceAccount?: string;
  /** ServiceAccountName is the name of the ServiceAccount to use to run this pod. */
  serviceAccountName?: string;
  /** If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default). */
  setHostnameAsFQDN?: boolean;
  /** Share a single process namespace between all of the containers in a pod. */
  shareProcessNamespace?: boolean;
  /** If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>". */
  subdomain?: string;
  /** Optional duration in seconds the pod needs to terminate gracefully. */
  terminationGracePeriodSeconds?: number;
  /** If specified, the pod's tolerations. */
  tolerations?: Array<Toleration>;
  /** TopologySpreadConstraints describes how a group of pods ought to spread across topology domains. */
  topologySpreadConstraints?: Array<TopologySpreadConstraint>;
  /** List of volumes that can be mounted by containers belonging to the pod. */
  volumes?: Array<Volume>;
};

/** PodStatus represents information about the status of a pod. */
export type PodStatus = {
  /** AllocatedResources is the total requests allocated for this pod by the node. */
  allocatedResources?: Record<string, string | number>;
  /** Current service state of pod. */
  conditions?: Array<PodCondition>;
  /** Statuses of containers in this pod. */
  containerStatuses?: Array<ContainerStatus>;
  /** Statuses for any ephemeral containers that have run in this pod. */
  ephemeralContainerStatuses?: Array<ContainerStatus>;
  /** Status of extended resource claim backed by DRA. */
  extendedResourceClaimStatus?: PodExtendedResourceClaimStatus;
  /** hostIP holds the IP address of the host to which the pod is assigned. */
  hostIP?: string;
  /** hostIPs holds the IP addresses allocated to the host. */
  hostIPs?: Array<HostIP>;
  /** Statuses of init containers in this pod. */
  initContainerStatuses?: Array<ContainerStatus>;
  /** A human readable message indicating details about why the pod is in this condition. */
  message?: string;
  /** NodeAllocatableResourceClaimStatuses contains the status of node-allocatable resources that were allocated for this pod through DRA claims. */
  nodeAllocatableResourceClaimStatuses?: Array<NodeAllocatableResourceClaimStatus>;
  /** nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. */
  nominatedNodeName?: string;
  /** If set, this represents the .metadata.generation that the pod status was set based upon. */
  observedGeneration?: number;
  /** The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle. */
  phase?: "Failed" | "Pending" | "Running" | "Succeeded" | "Unknown";
  /** podIP address allocated to the pod. */
  podIP?: string;
  /** podIPs holds the IP addresses allocated to the pod. */
  podIPs?: Array<PodIP>;
  /** The Quality of Service (QOS) classification assigned to the pod based on resource requirements See PodQOSClass type for available QOS classes More info: https://kubernetes.io/docs/concepts/workload... */
  qosClass?: "BestEffort" | "Burstable" | "Guaranteed";
  /** A brief CamelCase message indicating details about why the pod is in this state. */
  reason?: string;
  /** Status of resources resize desired for pod's containers. */
  resize?: string;
  /** Status of resource claims. */
  resourceClaimStatuses?: Array<PodResourceClaimStatus>;
  /** Resources represents the compute resource requests and limits that have been applied at the pod level if pod-level requests or limits are set in PodSpec.Resources */
  resources?: ResourceRequirements;
  /** RFC 3339 date and time at which the object was acknowledged by the Kubelet. */
  startTime?: string;
  /** volumeHealth contains node-reported health for each volume the pod is using. */
  volumeHealth?: Array<PodVolumeHealth>;
};

/** PodTemplateSpec describes the data a pod should have when created from a template */
export type PodTemplateSpec = {
  /** Standard object's metadata. */
  metadata?: ObjectMeta;
  /** Specification of the desired behavior of the pod. */
  spec?: PodSpec;
};

/** ReplicationControllerSpec is the specification of a replication controller. */
export type ReplicationControllerSpec = {
  /** Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. */
  minReadySeconds?: number;
  /** Replicas is the number of desired replicas. */
  replicas?: number;
  /** Selector is a label query over pods that should match the Replicas count. */
  selector?: Record<string, string>;
  /** Template is the object that describes the pod that will be created if insufficient replicas are detected. */
  template?: PodTemplateSpec;
};

/** ReplicationControllerStatus represents the current status of a replication controller. */
export type ReplicationControllerStatus = {
  /** The number of available replicas (ready for at least minReadySeconds) for this replication controller. */
  availableReplicas?: number;
  /** Represents the latest available observations of a replication controller's current state. */
  conditions?: Array<ReplicationControllerCondition>;
  /** The number of pods that have labels matching the labels of the pod template of the replication controller. */
  fullyLabeledReplicas?: number;
  /** ObservedGeneration reflects the generation of the most recently observed replication controller. */
  observedGeneration?: number;
  /** The number of ready replicas for this replication controller. */
  readyReplicas?: number;
  /** Replicas is the most recently observed number of replicas. */
  replicas: number;
};

/** ResourceQuotaSpec defines the desired hard limits to enforce for Quota. */
export type ResourceQuotaSpec = {
  /** hard is the set of desired hard limits for each named resource. */
  hard?: Record<string, string | number>;
  /** scopeSelector is also a collection of filters like scopes that must match each object tracked by a quota but expressed using ScopeSelectorOperator in combination with possible values. */
  scopeSelector?: ScopeSelector;
  /** A collection of filters that must match each object tracked by a quota. */
  scopes?: Array<
    | "BestEffort"
    | "CrossNamespacePodAffinity"
    | "NotBestEffort"
    | "NotTerminating"
    | "PriorityClass"
    | "Terminating"
    | "VolumeAttributesClass"
  >;
};

/** ResourceQuotaStatus defines the enforced hard limits and observed use. */
export type ResourceQuotaStatus = {
  /** Hard is the set of enforced hard limits for each named resource. */
  hard?: Record<string, string | number>;
  /** Used is the current observed total usage of the resource in the namespace. */
  used?: Record<string, string | number>;
};

/** ServiceSpec describes the attributes that a user creates on a service. */
export type ServiceSpec = {
  /** allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer. */
  allocateLoadBalancerNodePorts?: boolean;
  /** clusterIP is the IP address of the service and is usually assigned randomly. */
  clusterIP?: string;
  /** ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly. */
  clusterIPs?: Array<string>;
  /** externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service. */
  externalIPs?: Array<string>;
  /** externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. */
  externalName?: string;
  /** externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service's "externally-facing" addresses (NodePorts, ExternalIPs, and LoadBalancer IPs). */
  externalTrafficPolicy?: "Cluster" | "Local";
  /** healthCheckNodePort specifies the healthcheck nodePort for the service. */
  healthCheckNodePort?: number;
  /** InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP. */
  internalTrafficPolicy?: "Cluster" | "Local";
  /** IPFamilies is a list of IP families (e.g. */
  ipFamilies?: Array<"" | "IPv4" | "IPv6">;
  /** IPFamilyPolicy represents the dual-stack-ness requested or required by this Service. */
  ipFamilyPolicy?: "PreferDualStack" | "RequireDualStack" | "SingleStack";
  /** loadBalancerClass is the class of the load balancer implementation this Service belongs to. */
  loadBalancerClass?: string;
  /** Only applies to Service Type: LoadBalancer. */
  loadBalancerIP?: string;
  /** If specified and supported by the platform, this will restrict traffic through the cloud-provider load-balancer will be restricted to the specified client IPs. */
  loadBalancerSourceRanges?: Array<string>;
  /** The list of ports that are exposed by this service. */
  ports?: Array<ServicePort>;
  /** publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready. */
  publishNotReadyAddresses?: boolean;
  /** Route service traffic to pods with label keys and values matching this selector. */
  selector?: Record<string, string>;
  /** Supports "ClientIP" and "None". */
  sessionAffinity?: "ClientIP" | "None";
  /** sessionAffinityConfig contains the configurations of session affinity. */
  sessionAffinityConfig?: SessionAffinityConfig;
  /** TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints. */
  trafficDistribution?: string;
  /** type determines how the Service is exposed. */
  type?: "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort";
};

/** ServiceStatus represents the current status of a service. */
export type ServiceStatus = {
  /** Current service state */
  conditions?: Array<Condition>;
  /** LoadBalancer contains the current status of the load-balancer, if one is present. */
  loadBalancer?: LoadBalancerStatus;
};

/** LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace. */
export type LocalObjectReference = {
  /** Name of the referent. */
  name?: string;
};

/** DaemonSetSpec is the specification of a daemon set. */
export type DaemonSetSpec = {
  /** The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available. */
  minReadySeconds?: number;
  /** The number of old history to retain to allow rollback. */
  revisionHistoryLimit?: number;
  /** A label query over pods that are managed by the daemon set. */
  selector: LabelSelector;
  /** An object that describes the pod that will be created. */
  template: PodTemplateSpec;
  /** An update strategy to replace existing DaemonSet pods with new pods. */
  updateStrategy?: DaemonSetUpdateStrategy;
};

/** DaemonSetStatus represents the current status of a daemon set. */
export type DaemonSetStatus = {
  /** Count of hash collisions for the DaemonSet. */
  collisionCount?: number;
  /** Represents the latest available observations of a DaemonSet's current state. */
  conditions?: Array<DaemonSetCondition>;
  /** The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. */
  currentNumberScheduled: number;
  /** The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). */
  desiredNumberScheduled: number;
  /** The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds) */
  numberAvailable?: number;
  /** The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod. */
  numberMisscheduled: number;
  /** numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition. */
  numberReady: number;
  /** The number of nodes that should be running the daemon pod and have none of the daemon pod running and available (ready for at least spec.minReadySeconds) */
  numberUnavailable?: number;
  /** The most recent generation observed by the daemon set controller. */
  observedGeneration?: number;
  /** The total number of nodes that are running updated daemon pod */
  updatedNumberScheduled?: number;
};

/** DeploymentSpec is the specification of the desired behavior of the Deployment. */
export type DeploymentSpec = {
  /** Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. */
  minReadySeconds?: number;
  /** Indicates that the deployment is paused. */
  paused?: boolean;
  /** The maximum time in seconds for a deployment to make progress before it is considered to be failed. */
  progressDeadlineSeconds?: number;
  /** Number of desired pods. */
  replicas?: number;
  /** The number of old ReplicaSets to retain to allow rollback. */
  revisionHistoryLimit?: number;
  /** Label selector for pods. */
  selector: LabelSelector;
  /** The deployment strategy to use to replace existing pods with new ones. */
  strategy?: DeploymentStrategy;
  /** Template describes the pods that will be created. */
  template: PodTemplateSpec;
};

/** DeploymentStatus is the most recently observed status of the Deployment. */
export type DeploymentStatus = {
  /** Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment. */
  availableReplicas?: number;
  /** Count of hash collisions for the Deployment. */
  collisionCount?: number;
  /** Represents the latest available observations of a deployment's current state. */
  conditions?: Array<DeploymentCondition>;
  /** The generation observed by the deployment controller. */
  observedGeneration?: number;
  /** Total number of non-terminating pods targeted by this Deployment with a Ready Condition. */
  readyReplicas?: number;
  /** Total number of non-terminating pods targeted by this deployment (their labels match the selector). */
  replicas?: number;
  /** Total number of terminating pods targeted by this deployment. */
  terminatingReplicas?: number;
  /** Total number of unavailable pods targeted by this deployment. */
  unavailableReplicas?: number;
  /** Total number of non-terminating pods targeted by this deployment that have the desired template spec. */
  updatedReplicas?: number;
};

/** ReplicaSetSpec is the specification of a ReplicaSet. */
export type ReplicaSetSpec = {
  /** Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. */
  minReadySeconds?: number;
  /** Replicas is the number of desired pods. */
  replicas?: number;
  /** Selector is a label query over pods that should match the replica count. */
  selector: LabelSelector;
  /** Template is the object that describes the pod that will be created if insufficient replicas are detected. */
  template?: PodTemplateSpec;
};

/** ReplicaSetStatus represents the current status of a ReplicaSet. */
export type ReplicaSetStatus = {
  /** The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set. */
  availableReplicas?: number;
  /** Represents the latest available observations of a replica set's current state. */
  conditions?: Array<ReplicaSetCondition>;
  /** The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset. */
  fullyLabeledReplicas?: number;
  /** ObservedGeneration reflects the generation of the most recently observed ReplicaSet. */
  observedGeneration?: number;
  /** The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition. */
  readyReplicas?: number;
  /** Replicas is the most recently observed number of non-terminating pods. */
  replicas: number;
  /** The number of terminating pods for this replica set. */
  terminatingReplicas?: number;
};

/** A StatefulSetSpec is the specification of a StatefulSet. */
export type StatefulSetSpec = {
  /** Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. */
  minReadySeconds?: number;
  /** ordinals controls the numbering of replica indices in a StatefulSet. */
  ordinals?: StatefulSetOrdinals;
  /** persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. */
  persistentVolumeClaimRetentionPolicy?: StatefulSetPersistentVolumeClaimRetentionPolicy;
  /** podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. */
  podManagementPolicy?: "OrderedReady" | "Parallel";
  /** replicas is the desired number of replicas of the given Template. */
  replicas?: number;
  /** revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history. */
  revisionHistoryLimit?: number;
  /** selector is a label query over pods that should match the replica count. */
  selector: LabelSelector;
  /** serviceName is the name of the service that governs this StatefulSet. */
  serviceName?: string;
  /** template is the object that describes the pod that will be created if insufficient replicas are detected. */
  template: PodTemplateSpec;
  /** updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template. */
  updateStrategy?: StatefulSetUpdateStrategy;
  /** volumeClaimTemplates is a list of claims that pods are allowed to reference. */
  volumeClaimTemplates?: Array<PersistentVolumeClaim>;
};

/** StatefulSetStatus represents the current state of a StatefulSet. */
export type StatefulSetStatus = {
  /** Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset. */
  availableReplicas?: number;
  /** collisionCount is the count of hash collisions for the StatefulSet. */
  collisionCount?: number;
  /** Represents the latest available observations of a statefulset's current state. */
  conditions?: Array<StatefulSetCondition>;
  /** currentReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by currentRevision. */
  currentReplicas?: number;
  /** currentRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas). */
  currentRevision?: string;
  /** observedGeneration is the most recent generation observed for this StatefulSet. */
  observedGeneration?: number;
  /** readyReplicas is the number of pods created for this StatefulSet with a Ready Condition. */
  readyReplicas?: number;
  /** replicas is the number of Pods created by the StatefulSet controller. */
  replicas: number;
  /** updateRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas) */
  updateRevision?: string;
  /** updatedReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by updateRevision. */
  updatedReplicas?: number;
};

/** CronJobSpec describes how the job execution will look like and when it will actually run. */
export type CronJobSpec = {
  /** Specifies how to treat concurrent executions of a Job. */
  concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
  /** The number of failed finished jobs to retain. */
  failedJobsHistoryLimit?: number;
  /** Specifies the job that will be created when executing a CronJob. */
  jobTemplate: JobTemplateSpec;
  /** The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron. */
  schedule: string;
  /** Optional deadline in seconds for starting the job if it misses scheduled time for any reason. */
  startingDeadlineSeconds?: number;
  /** The number of successful finished jobs to retain. */
  successfulJobsHistoryLimit?: number;
  /** This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. */
  suspend?: boolean;
  /** The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. */
  timeZone?: string;
};

/** CronJobStatus represents the current state of a cron job. */
export type CronJobStatus = {
  /** A list of pointers to currently running jobs. */
  active?: Array<ObjectReference>;
  /** Information when was the last time the job was successfully scheduled. */
  lastScheduleTime?: string;
  /** Information when was the last time the job successfully completed. */
  lastSuccessfulTime?: string;
};

/** JobSpec describes how the job execution will look like. */
export type JobSpec = {
  /** Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it; value must be positive integer. */
  activeDeadlineSeconds?: number;
  /** Specifies the number of retries before marking this job failed. */
  backoffLimit?: number;
  /** Specifies the limit for the number of retries within an index before marking this index as failed. */
  backoffLimitPerIndex?: number;
  /** completionMode specifies how Pod completions are tracked. */
  completionMode?: "Indexed" | "NonIndexed";
  /** Specifies the desired number of successfully finished pods the job should be run with. */
  completions?: number;
  /** ManagedBy field indicates the controller that manages a Job. */
  managedBy?: string;
  /** manualSelector controls generation of pod labels and pod selectors. */
  manualSelector?: boolean;
  /** Specifies the maximal number of failed indexes before marking the Job as failed, when backoffLimitPerIndex is set. */
  maxFailedIndexes?: number;
  /** Specifies the maximum desired number of pods the job should run at any given time. */
  parallelism?: number;
  /** Specifies the policy of handling failed pods. */
  podFailurePolicy?: PodFailurePolicy;
  /** podReplacementPolicy specifies when to create replacement Pods. */
  podReplacementPolicy?: "Failed" | "TerminatingOrFailed";
  /** scheduling defines the Workload-aware Scheduling configuration for this Job. */
  scheduling?: JobSchedulingConfiguration;
  /** A label query over pods that should match the pod count. */
  selector?: LabelSelector;
  /** successPolicy specifies the policy when the Job can be declared as succeeded. */
  successPolicy?: SuccessPolicy;
  /** suspend specifies whether the Job controller should create Pods or not. */
  suspend?: boolean;
  /** Describes the pod that will be created when executing a job. */
  template: PodTemplateSpec;
  /** ttlSecondsAfterFinished limits the lifetime of a Job that has finished execution (either Complete or Failed). */
  ttlSecondsAfterFinished?: number;
};

/** JobStatus represents the current state of a Job. */
export type JobStatus = {
  /** The number of pending and running pods which are not terminating (without a deletionTimestamp). */
  active?: number;
  /** completedIndexes holds the completed indexes when .spec.completionMode = "Indexed" in a text format. */
  completedIndexes?: string;
  /** Represents time when the job was completed. */
  completionTime?: string;
  /** The latest available observations of an object's current state. */
  conditions?: Array<JobCondition>;
  /** The number of pods which reached phase Failed. */
  failed?: number;
  /** FailedIndexes holds the failed indexes when spec.backoffLimitPerIndex is set. */
  failedIndexes?: string;
  /** The number of active pods which have a Ready condition and are not terminating (without a deletionTimestamp). */
  ready?: number;
  /** Represents time when the job controller started processing a job. */
  startTime?: string;
  /** The number of pods which reached phase Succeeded. */
  succeeded?: number;
  /** The number of pods which are terminating (in phase Pending or Running and have a deletionTimestamp). */
  terminating?: number;
  /** uncountedTerminatedPods holds the UIDs of Pods that have terminated but the job controller hasn't yet accounted for in the status counters. */
  uncountedTerminatedPods?: UncountedTerminatedPods;
};

/** IngressSpec describes the Ingress the user wishes to exist. */
export type IngressSpec = {
  /** defaultBackend is the backend that should handle requests that don't match any rule. */
  defaultBackend?: IngressBackend;
  /** ingressClassName is the name of an IngressClass cluster resource. */
  ingressClassName?: string;
  /** rules is a list of host rules used to configure the Ingress. */
  rules?: Array<IngressRule>;
  /** tls represents the TLS configuration. */
  tls?: Array<IngressTLS>;
};

/** IngressStatus describe the current state of the Ingress. */
export type IngressStatus = {
  /** loadBalancer contains the current status of the load-balancer. */
  loadBalancer?: IngressLoadBalancerStatus;
};

/** IngressClassSpec provides information about the class of an Ingress. */
export type IngressClassSpec = {
  /** controller refers to the name of the controller that should handle this class. */
  controller?: string;
  /** parameters is a link to a custom resource containing additional configuration for the controller. */
  parameters?: IngressClassParametersReference;
};

/** NetworkPolicySpec provides the specification of a NetworkPolicy */
export type NetworkPolicySpec = {
  /** egress is a list of egress rules to be applied to the selected pods. */
  egress?: Array<NetworkPolicyEgressRule>;
  /** ingress is a list of ingress rules to be applied to the selected pods. */
  ingress?: Array<NetworkPolicyIngressRule>;
  /** podSelector selects the pods to which this NetworkPolicy object applies. */
  podSelector?: LabelSelector;
  /** policyTypes is a list of rule types that the NetworkPolicy relates to. */
  policyTypes?: Array<"Egress" | "Ingress">;
};

/** Endpoint represents a single logical "backend" implementing a service. */
export type Endpoint = {
  /** addresses of this endpoint. */
  addresses: Array<string>;
  /** conditions contains information about the current status of the endpoint. */
  conditions?: EndpointConditions;
  /** deprecatedTopology contains topology information part of the v1beta1 API. */
  deprecatedTopology?: Record<string, string>;
  /** hints contains information associated with how an endpoint should be consumed. */
  hints?: EndpointHints;
  /** hostname of this endpoint. */
  hostname?: string;
  /** nodeName represents the name of the Node hosting this endpoint. */
  nodeName?: string;
  /** targetRef is a reference to a Kubernetes object that represents this endpoint. */
  targetRef?: ObjectReference;
  /** zone is the name of the Zone this endpoint exists in. */
  zone?: string;
};

/** EndpointPort represents a Port used by an EndpointSlice */
export type DiscoveryV1EndpointPort = {
  /** The application protocol for this port. */
  appProtocol?: string;
  /** name represents the name of this port. */
  name?: string;
  /** port represents the port number of the endpoint. */
  port?: number;
  /** protocol represents the IP protocol for this port. */
  protocol?: "SCTP" | "TCP" | "UDP";
};

/** AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole */
export type AggregationRule = {
  /** clusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules. */
  clusterRoleSelectors?: Array<LabelSelector>;
};

/** PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to. */
export type PolicyRule = {
  /** apiGroups is the name of the APIGroup that contains the resources. */
  apiGroups?: Array<string>;
  /** nonResourceURLs is a set of partial urls that a user should have access to. */
  nonResourceURLs?: Array<string>;
  /** resourceNames is an optional white list of names that the rule applies to. */
  resourceNames?: Array<string>;
  /** resources is a list of resources this rule applies to. */
  resources?: Array<string>;
  /** verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. */
  verbs: Array<string>;
};

/** RoleRef contains information that points to the role being used */
export type RoleRef = {
  /** apiGroup is the group for the resource being referenced */
  apiGroup?: string;
  /** kind is the type of resource being referenced */
  kind: string;
  /** name is the name of resource being referenced */
  name: string;
};

/** Subject contains a reference to the object or user identities a role binding applies to. */
export type Subject = {
  /** apiGroup holds the API group of the referenced subject. */
  apiGroup?: string;
  /** kind of object being referenced. */
  kind: string;
  /** name of the object being referenced. */
  name: string;
  /** namespace of the referenced object. */
  namespace?: string;
};

/** PodDisruptionBudgetSpec is a description of a PodDisruptionBudget. */
export type PodDisruptionBudgetSpec = {
  /** maxUnavailable indicates that an eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction, i.e. */
  maxUnavailable?: number | string;
  /** minAvailable indicates that an eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction, i.e. */
  minAvailable?: number | string;
  /** selector is a label query over pods whose evictions are managed by the disruption budget. */
  selector?: LabelSelector;
  /** unhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be considered for eviction. */
  unhealthyPodEvictionPolicy?: "AlwaysAllow" | "IfHealthyBudget";
};

/** PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget. */
export type PodDisruptionBudgetStatus = {
  /** Conditions contain conditions for PDB. */
  conditions?: Array<Condition>;
  /** current number of healthy pods */
  currentHealthy?: number;
  /** minimum desired number of healthy pods */
  desiredHealthy?: number;
  /** DisruptedPods contains information about pods whose eviction was processed by the API server eviction subresource handler but has not yet been observed by the PodDisruptionBudget controller. */
  disruptedPods?: Record<string, string>;
  /** Number of pod disruptions that are currently allowed. */
  disruptionsAllowed?: number;
  /** total number of pods counted by this disruption budget */
  expectedPods?: number;
  /** Most recent generation observed when updating this PDB status. */
  observedGeneration?: number;
};

/** LeaseSpec is a specification of a Lease. */
export type LeaseSpec = {
  /** acquireTime is a time when the current lease was acquired. */
  acquireTime?: string;
  /** holderIdentity contains the identity of the holder of a current lease. */
  holderIdentity?: string;
  /** leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it. */
  leaseDurationSeconds?: number;
  /** leaseTransitions is the number of transitions of a lease between holders. */
  leaseTransitions?: number;
  /** preferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up. */
  preferredHolder?: string;
  /** renewTime is a time when the current holder of a lease has last updated the lease. */
  renewTime?: string;
  /** strategy indicates the strategy for picking the leader for coordinated leader election. */
  strategy?: string;
};

/** HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler. */
export type HorizontalPodAutoscalerSpec = {
  /** behavior configures the scaling behavior of the target in both Up and Down directions (scaleUp and scaleDown fields respectively). */
  behavior?: HorizontalPodAutoscalerBehavior;
  /** maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. */
  maxReplicas: number;
  /** metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used). */
  metrics?: Array<MetricSpec>;
  /** minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. */
  minReplicas?: number;
  /** scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count. */
  scaleTargetRef: CrossVersionObjectReference;
};

/** HorizontalPodAutoscalerStatus describes the current status of a horizontal pod autoscaler. */
export type HorizontalPodAutoscalerStatus = {
  /** conditions is the set of conditions required for this autoscaler to scale its target, and indicates whether or not those conditions are met. */
  conditions?: Array<HorizontalPodAutoscalerCondition>;
  /** currentMetrics is the last read state of the metrics used by this autoscaler. */
  currentMetrics?: Array<MetricStatus>;
  /** currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler. */
  currentReplicas?: number;
  /** desiredReplicas is the desired number of replicas of pods managed by this autoscaler, as last calculated by the autoscaler. */
  desiredReplicas: number;
  /** lastScaleTime is the last time the HorizontalPodAutoscaler scaled the number of pods, used by the autoscaler to control how often the number of pods is changed. */
  lastScaleTime?: string;
  /** observedGeneration is the most recent generation observed by this autoscaler. */
  observedGeneration?: number;
};

/** A topology selector term represents the result of label queries. */
export type TopologySelectorTerm = {
  /** A list of topology selector requirements by labels. */
  matchLabelExpressions?: Array<TopologySelectorLabelRequirement>;
};

/** EventSeries contain information on series of events, i.e. */
export type EventsV1EventSeries = {
  /** count is the number of occurrences in this series up to the last heartbeat time. */
  count: number;
  /** lastObservedTime is the time when last Event from the series was seen before last heartbeat. */
  lastObservedTime: string;
};

/** CustomResourceDefinitionSpec describes how a user wants their resource to appear */
export type CustomResourceDefinitionSpec = {
  /** conversion defines conversion settings for the CRD. */
  conversion?: CustomResourceConversion;
  /** group is the API group of the defined custom resource. */
  group: string;
  /** names specify the resource and kind names for the custom resource. */
  names: CustomResourceDefinitionNames;
  /** preserveUnknownFields indicates that object fields which are not specified in the OpenAPI schema should be preserved when persisting to storage. */
  preserveUnknownFields?: boolean;
  /** scope indicates whether the defined custom resource is cluster- or namespace-scoped. */
  scope: string;
  /** versions is the list of all API versions of the defined custom resource. */
  versions: Array<CustomResourceDefinitionVersion>;
};

/** CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition */
export type CustomResourceDefinitionStatus = {
  /** acceptedNames are the names that are actually being used to serve discovery. */
  acceptedNames?: CustomResourceDefinitionNames;
  /** conditions indicate state for particular aspects of a CustomResourceDefinition */
  conditions?: Array<CustomResourceDefinitionCondition>;
  /** The generation observed by the CRD controller. */
  observedGeneration?: number;
  /** storedVersions lists all versions of CustomResources that were ever persisted. */
  storedVersions?: Array<string>;
};

/** EndpointAddress is a tuple that describes single IP address. */
export type EndpointAddress = {
  /** The Hostname of this endpoint */
  hostname?: string;
  /** The IP of this endpoint. */
  ip: string;
  /** Optional: Node hosting this endpoint. */
  nodeName?: string;
  /** Reference to object providing the endpoint. */
  targetRef?: ObjectReference;
};

/** EndpointPort is a tuple that describes a single port. */
export type CoreV1EndpointPort = {
  /** The application protocol for this port. */
  appProtocol?: string;
  /** The name of this port. */
  name?: string;
  /** The port number of the endpoint. */
  port: number;
  /** The IP protocol for this port. */
  protocol?: "SCTP" | "TCP" | "UDP";
};

/** LimitRangeItem defines a min/max usage limit for any resource that matches on kind. */
export type LimitRangeItem = {
  /** Default resource requirement limit value by resource name if resource limit is omitted. */
  default?: Record<string, string | number>;
  /** DefaultRequest is the default resource requirement request value by resource name if resource request is omitted. */
  defaultRequest?: Record<string, string | number>;
  /** Max usage constraints on this kind by resource name. */
  max?: Record<string, string | number>;
  /** MaxLimitRequestRatio if specified, the named resource must have a request and limit that are both non-zero where limit divided by request is less than or equal to the enumerated value; this represe... */
  maxLimitRequestRatio?: Record<string, string | number>;
  /** Min usage constraints on this kind by resource name. */
  min?: Record<string, string | number>;
  /** Type of resource that this limit applies to. */
  type: string;
};

/** NamespaceCondition contains details about state of namespace. */
export type NamespaceCondition = {
  /** Last time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** Human-readable message indicating details about last transition. */
  message?: string;
  /** Unique, one-word, CamelCase reason for the condition's last transition. */
  reason?: string;
  /** Status of the condition, one of True, False, Unknown. */
  status: string;
  /** Type of namespace controller condition. */
  type: string;
};

/** NodeConfigSource specifies a source of node configuration. */
export type NodeConfigSource = {
  /** ConfigMap is a reference to a Node's ConfigMap */
  configMap?: ConfigMapNodeConfigSource;
};

/** NodePodPreemptionPolicy defines the node-level policies governing preemption for pods on this node. */
export type NodePodPreemptionPolicy = {
  /** DisableResizePreemption lists the owners (e.g., autoscalers, operators, administrators) that have requested to disable scheduler and Kubelet preemption for in-place pod resize on this node. */
  disableResizePreemption?: Array<string>;
};

/** The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint. */
export type Taint = {
  /** Required. */
  effect: "NoExecute" | "NoSchedule" | "PreferNoSchedule";
  /** Required. */
  key: string;
  /** TimeAdded represents the time at which the taint was added. */
  timeAdded?: string;
  /** The taint value corresponding to the taint key. */
  value?: string;
};

/** NodeAddress contains information for the node's address. */
export type NodeAddress = {
  /** The node address. */
  address: string;
  /** Node address type, one of Hostname, ExternalIP or InternalIP. */
  type: string;
};

/** NodeCondition contains condition information for a node. */
export type NodeCondition = {
  /** Last time we got an update on a given condition. */
  lastHeartbeatTime?: string;
  /** Last time the condition transit from one status to another. */
  lastTransitionTime?: string;
  /** Human readable message indicating details about last transition. */
  message?: string;
  /** (brief) reason for the condition's last transition. */
  reason?: string;
  /** Status of the condition, one of True, False, Unknown. */
  status: string;
  /** Type of node condition. */
  type: string;
};

/** NodeConfigStatus describes the status of the config assigned by Node.Spec.ConfigSource. */
export type NodeConfigStatus = {
  /** Active reports the checkpointed config the node is actively using. */
  active?: NodeConfigSource;
  /** Assigned reports the checkpointed config the node will try to use. */
  assigned?: NodeConfigSource;
  /** Error describes any problems reconciling the Spec.ConfigSource to the Active config. */
  error?: string;
  /** LastKnownGood reports the checkpointed config the node will fall back to when it encounters an error attempting to use the Assigned config. */
  lastKnownGood?: NodeConfigSource;
};

/** NodeDaemonEndpoints lists ports opened by daemons running on the Node. */
export type NodeDaemonEndpoints = {
  /** Endpoint on which Kubelet is listening. */
  kubeletEndpoint?: DaemonEndpoint;
};

/** NodeFeatures describes the set of features implemented by the CRI implementation. */
export type NodeFeatures = {
  /** SupplementalGroupsPolicy is set to true if the runtime supports SupplementalGroupsPolicy and ContainerUser. */
  supplementalGroupsPolicy?: boolean;
};

/** Describe a container image */
export type ContainerImage = {
  /** Names by which this image is known. */
  names?: Array<string>;
  /** The size of the image in bytes. */
  sizeBytes?: number;
};

/** NodeSystemInfo is a set of ids/uuids to uniquely identify the node. */
export type NodeSystemInfo = {
  /** The Architecture reported by the node */
  architecture: string;
  /** Boot ID reported by the node. */
  bootID: string;
  /** ContainerRuntime Version reported by the node through runtime remote API (e.g. */
  containerRuntimeVersion: string;
  /** Kernel Version reported by the node from 'uname -r' (e.g. */
  kernelVersion: string;
  /** Deprecated: KubeProxy Version reported by the node. */
  kubeProxyVersion: string;
  /** Kubelet Version reported by the node. */
  kubeletVersion: string;
  /** MachineID reported by the node. */
  machineID: string;
  /** The Operating System reported by the node */
  operatingSystem: string;
  /** OS Image reported by the node from /etc/os-release (e.g. */
  osImage: string;
  /** Whether the node is running in a user namespace. */
  runningInUserNamespace?: boolean;
  /** Swap Info reported by the node. */
  swap?: NodeSwapStatus;
  /** SystemUUID reported by the node. */
  systemUUID: string;
};

/** NodeRuntimeHandler is a set of runtime handler information. */
export type NodeRuntimeHandler = {
  /** Supported features. */
  features?: NodeRuntimeHandlerFeatures;
  /** Runtime handler name. */
  name?: string;
};

/** AttachedVolume describes a volume attached to a node */
export type AttachedVolume = {
  /** DevicePath represents the device path where the volume should be available */
  devicePath: string;
  /** Name of the attached volume */
  name: string;
};

/** Represents a Persistent Disk resource in AWS. */
export type AWSElasticBlockStoreVolumeSource = {
  /** fsType is the filesystem type of the volume that you want to mount. */
  fsType?: string;
  /** partition is the partition in the volume that you want to mount. */
  partition?: number;
  /** readOnly value true will force the readOnly setting in VolumeMounts. */
  readOnly?: boolean;
  /** volumeID is unique ID of the persistent disk resource in AWS (Amazon EBS volume). */
  volumeID: string;
};

/** AzureDisk represents an Azure Data Disk mount on the host and bind mount to the pod. */
export type AzureDiskVolumeSource = {
  /** cachingMode is the Host Caching mode: None, Read Only, Read Write. */
  cachingMode?: "None" | "ReadOnly" | "ReadWrite";
  /** diskName is the Name of the data disk in the blob storage */
  diskName: string;
  /** diskURI is the URI of data disk in the blob storage */
  diskURI: string;
  /** fsType is Filesystem type to mount. */
  fsType?: string;
  /** kind expected values are Shared: multiple blob disks per storage account Dedicated: single blob disk per storage account Managed: azure managed data disk (only in managed availability set). */
  kind?: "Dedicated" | "Managed" | "Shared";
  /** readOnly Defaults to false (read/write). */
  readOnly?: boolean;
};

/** AzureFile represents an Azure File Service mount on the host and bind mount to the pod. */
export type AzureFilePersistentVolumeSource = {
  /** readOnly defaults to false (read/write). */
  readOnly?: boolean;
  /** secretName is the name of secret that contains Azure Storage Account Name and Key */
  secretName: string;
  /** secretNamespace is the namespace of the secret that contains Azure Storage Account Name and Key default is the same as the Pod */
  secretNamespace?: string;
  /** shareName is the azure Share Name */
  shareName: string;
};

/** Represents a Ceph Filesystem mount that lasts the lifetime of a pod Cephfs volumes do not support ownership management or SELinux relabeling. */
export type CephFSPersistentVolumeSource = {
  /** monitors is Required: Monitors is a collection of Ceph monitors More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it */
  monitors: Array<string>;
  /** path is Optional: Used as the mounted root, rather than the full Ceph tree, default is / */
  path?: string;
  /** readOnly is Optional: Defaults to false (read/write). */
  readOnly?: boolean;
  /** secretFile is Optional: SecretFile is the path to key ring for User, default is /etc/ceph/user.secret More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it */
  secretFile?: string;
  /** secretRef is Optional: SecretRef is reference to the authentication secret for User, default is empty. */
  secretRef?: SecretReference;
  /** user is Optional: User is the rados user name, default is admin More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it */
  user?: string;
};

/** Represents a cinder volume resource in Openstack. */
export type CinderPersistentVolumeSource = {
  /** fsType Filesystem type to mount. */
  fsType?: string;
  /** readOnly is Optional: Defaults to false (read/write). */
  readOnly?: boolean;
  /** secretRef is Optional: points to a secret object containing parameters used to connect to OpenStack. */
  secretRef?: SecretReference;
  /** volumeID used to identify the volume in cinder. */
  volumeID: string;
};

/** Represents storage that is managed by an external CSI volume driver */
export type CSIPersistentVolumeSource = {
  /** controllerExpandSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI ControllerExpandVolume call. */
  controllerExpandSecretRef?: SecretReference;
  /** controllerPublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI ControllerPublishVolume and ControllerUnpublishVolume c... */
  controllerPublishSecretRef?: SecretReference;
  /** driver is the name of the driver to use for this volume. */
  driver: string;
  /** fsType to mount. */
  fsType?: string;
  /** nodeExpandSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodeExpandVolume call. */
  nodeExpandSecretRef?: SecretReference;
  /** nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls. */
  nodePublishSecretRef?: SecretReference;
  /** nodeStageSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodeStageVolume and NodeStageVolume and NodeUnstageVolume calls. */
  nodeStageSecretRef?: SecretReference;
  /** readOnly value to pass to ControllerPublishVolumeRequest. */
  readOnly?: boolean;
  /** volumeAttributes of the volume to publish. */
  volumeAttributes?: Record<string, string>;
  /** volumeHandle is the unique volume name returned by the CSI volume plugin’s CreateVolume to refer to the volume on all subsequent calls. */
  volumeHandle: string;
};

/** Represents a Fibre Channel volume. */
export type FCVolumeSource = {
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** lun is Optional: FC target lun number */
  lun?: number;
  /** readOnly is Optional: Defaults to false (read/write). */
  readOnly?: boolean;
  /** targetWWNs is Optional: FC target worldwide names (WWNs) */
  targetWWNs?: Array<string>;
  /** wwids Optional: FC volume world wide identifiers (wwids) Either wwids or combination of targetWWNs and lun must be set, but not both simultaneously. */
  wwids?: Array<string>;
};

/** FlexPersistentVolumeSource represents a generic persistent volume resource that is provisioned/attached using an exec based plugin. */
export type FlexPersistentVolumeSource = {
  /** driver is the name of the driver to use for this volume. */
  driver: string;
  /** fsType is the Filesystem type to mount. */
  fsType?: string;
  /** options is Optional: this field holds extra command options if any. */
  options?: Record<string, string>;
  /** readOnly is Optional: defaults to false (read/write). */
  readOnly?: boolean;
  /** secretRef is Optional: SecretRef is reference to the secret object containing sensitive information to pass to the plugin scripts. */
  secretRef?: SecretReference;
};

/** Represents a Flocker volume mounted by the Flocker agent. */
export type FlockerVolumeSource = {
  /** datasetName is Name of the dataset stored as metadata -> name on the dataset for Flocker should be considered as deprecated */
  datasetName?: string;
  /** datasetUUID is the UUID of the dataset. */
  datasetUUID?: string;
};

/** Represents a Persistent Disk resource in Google Compute Engine. */
export type GCEPersistentDiskVolumeSource = {
  /** fsType is filesystem type of the volume that you want to mount. */
  fsType?: string;
  /** partition is the partition in the volume that you want to mount. */
  partition?: number;
  /** pdName is unique name of the PD resource in GCE. */
  pdName: string;
  /** readOnly here will force the ReadOnly setting in VolumeMounts. */
  readOnly?: boolean;
};

/** Represents a Glusterfs mount that lasts the lifetime of a pod. */
export type GlusterfsPersistentVolumeSource = {
  /** endpoints is the endpoint name that details Glusterfs topology. */
  endpoints: string;
  /** endpointsNamespace is the namespace that contains Glusterfs endpoint. */
  endpointsNamespace?: string;
  /** path is the Glusterfs volume path. */
  path: string;
  /** readOnly here will force the Glusterfs volume to be mounted with read-only permissions. */
  readOnly?: boolean;
};

/** Represents a host path mapped into a pod. */
export type HostPathVolumeSource = {
  /** path of the directory on the host. */
  path: string;
  /** type for HostPath Volume Defaults to "" More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath Possible enum values: - `""` For backwards compatible, leave it empty if unset - `"Bl... */
  type?:
    | ""
    | "BlockDevice"
    | "CharDevice"
    | "Directory"
    | "DirectoryOrCreate"
    | "File"
    | "FileOrCreate"
    | "Socket";
};

/** ISCSIPersistentVolumeSource represents an ISCSI disk. */
export type ISCSIPersistentVolumeSource = {
  /** chapAuthDiscovery defines whether support iSCSI Discovery CHAP authentication */
  chapAuthDiscovery?: boolean;
  /** chapAuthSession defines whether support iSCSI Session CHAP authentication */
  chapAuthSession?: boolean;
  /** fsType is the filesystem type of the volume that you want to mount. */
  fsType?: string;
  /** initiatorName is the custom iSCSI Initiator Name. */
  initiatorName?: string;
  /** iqn is Target iSCSI Qualified Name. */
  iqn: string;
  /** iscsiInterface is the interface Name that uses an iSCSI transport. */
  iscsiInterface?: string;
  /** lun is iSCSI Target Lun number. */
  lun: number;
  /** portals is the iSCSI Target Portal List. */
  portals?: Array<string>;
  /** readOnly here will force the ReadOnly setting in VolumeMounts. */
  readOnly?: boolean;
  /** secretRef is the CHAP Secret for iSCSI target and initiator authentication */
  secretRef?: SecretReference;
  /** targetPortal is iSCSI Target Portal. */
  targetPortal: string;
};

/** Local represents directly-attached storage with node affinity */
export type LocalVolumeSource = {
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** path of the full path to the volume on the node. */
  path: string;
};

/** Represents an NFS mount that lasts the lifetime of a pod. */
export type NFSVolumeSource = {
  /** path that is exported by the NFS server. */
  path: string;
  /** readOnly here will force the NFS export to be mounted with read-only permissions. */
  readOnly?: boolean;
  /** server is the hostname or IP address of the NFS server. */
  server: string;
};

/** VolumeNodeAffinity defines constraints that limit what nodes this volume can be accessed from. */
export type VolumeNodeAffinity = {
  /** required specifies hard node constraints that must be met. */
  required?: NodeSelector;
};

/** Represents a Photon Controller persistent disk resource. */
export type PhotonPersistentDiskVolumeSource = {
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** pdID is the ID that identifies Photon Controller persistent disk */
  pdID: string;
};

/** PortworxVolumeSource represents a Portworx volume resource. */
export type PortworxVolumeSource = {
  /** fSType represents the filesystem type to mount Must be a filesystem type supported by the host operating system. */
  fsType?: string;
  /** readOnly defaults to false (read/write). */
  readOnly?: boolean;
  /** volumeID uniquely identifies a Portworx volume */
  volumeID: string;
};

/** Represents a Quobyte mount that lasts the lifetime of a pod. */
export type QuobyteVolumeSource = {
  /** group to map volume access to Default is no group */
  group?: string;
  /** readOnly here will force the Quobyte volume to be mounted with read-only permissions. */
  readOnly?: boolean;
  /** registry represents a single or multiple Quobyte Registry services specified as a string as host:port pair (multiple entries are separated with commas) which acts as the central registry for volumes */
  registry: string;
  /** tenant owning the given Quobyte volume in the Backend Used with dynamically provisioned Quobyte volumes, value is set by the plugin */
  tenant?: string;
  /** user to map volume access to Defaults to serivceaccount user */
  user?: string;
  /** volume is a string that references an already created Quobyte volume by name. */
  volume: string;
};

/** Represents a Rados Block Device mount that lasts the lifetime of a pod. */
export type RBDPersistentVolumeSource = {
  /** fsType is the filesystem type of the volume that you want to mount. */
  fsType?: string;
  /** image is the rados image name. */
  image: string;
  /** keyring is the path to key ring for RBDUser. */
  keyring?: string;
  /** monitors is a collection of Ceph monitors. */
  monitors: Array<string>;
  /** pool is the rados pool name. */
  pool?: string;
  /** readOnly here will force the ReadOnly setting in VolumeMounts. */
  readOnly?: boolean;
  /** secretRef is name of the authentication secret for RBDUser. */
  secretRef?: SecretReference;
  /** user is the rados user name. */
  user?: string;
};

/** ScaleIOPersistentVolumeSource represents a persistent ScaleIO volume */
export type ScaleIOPersistentVolumeSource = {
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** gateway is the host address of the ScaleIO API Gateway. */
  gateway: string;
  /** protectionDomain is the name of the ScaleIO Protection Domain for the configured storage. */
  protectionDomain?: string;
  /** readOnly defaults to false (read/write). */
  readOnly?: boolean;
  /** secretRef references to the secret for ScaleIO user and other sensitive information. */
  secretRef: SecretReference;
  /** sslEnabled is the flag to enable/disable SSL communication with Gateway, default false */
  sslEnabled?: boolean;
  /** storageMode indicates whether the storage for a volume should be ThickProvisioned or ThinProvisioned. */
  storageMode?: string;
  /** storagePool is the ScaleIO Storage Pool associated with the protection domain. */
  storagePool?: string;
  /** system is the name of the storage system as configured in ScaleIO. */
  system: string;
  /** volumeName is the name of a volume already created in the ScaleIO system that is associated with this volume source. */
  volumeName?: string;
};

/** Represents a StorageOS persistent volume resource. */
export type StorageOSPersistentVolumeSource = {
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** readOnly defaults to false (read/write). */
  readOnly?: boolean;
  /** secretRef specifies the secret to use for obtaining the StorageOS API credentials. */
  secretRef?: ObjectReference;
  /** volumeName is the human-readable name of the StorageOS volume. */
  volumeName?: string;
  /** volumeNamespace specifies the scope of the volume within StorageOS. */
  volumeNamespace?: string;
};

/** Represents a vSphere volume resource. */
export type VsphereVirtualDiskVolumeSource = {
  /** fsType is filesystem type to mount. */
  fsType?: string;
  /** storagePolicyID is the storage Policy Based Management (SPBM) profile ID associated with the StoragePolicyName. */
  storagePolicyID?: string;
  /** storagePolicyName is the storage Policy Based Management (SPBM) profile name. */
  storagePolicyName?: string;
  /** volumePath is the path that identifies vSphere volume vmdk */
  volumePath: string;
};

/** TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace. */
export type TypedLocalObjectReference = {
  /** APIGroup is the group for the resource being referenced. */
  apiGroup?: string;
  /** Kind is the type of resource being referenced */
  kind: string;
  /** Name is the name of resource being referenced */
  name: string;
};

/** TypedObjectReference contains enough information to let you locate the typed referenced object */
export type TypedObjectReference = {
  /** APIGroup is the group for the resource being referenced. */
  apiGroup?: string;
  /** Kind is the type of resource being referenced */
  kind: string;
  /** Name is the name of resource being referenced */
  name: string;
  /** Namespace is the namespace of resource being referenced Note that when a namespace is specified, a gateway.networking.k8s.io/ReferenceGrant object is required in the referent namespace to allow tha... */
  namespace?: string;
};

/** VolumeResourceRequirements describes the storage resource requirements for a volume. */
export type VolumeResourceRequirements = {
  /** Limits describes the maximum amount of compute resources allowed. */
  limits?: Record<string, string | number>;
  /** Requests describes the minimum amount of compute resources required. */
  requests?: Record<string, string | number>;
};

/** A label selector is a label query over a set of resources. */
export type LabelSelector = {
  /** matchExpressions is a list of label selector requirements. */
  matchExpressions?: Array<LabelSelectorRequirement>;
  /** matchLabels is a map of {key,value} pairs. */
  matchLabels?: Record<string, string>;
};

/** PersistentVolumeClaimCondition contains details about state of pvc */
export type PersistentVolumeClaimCondition = {
  /** lastProbeTime is the time we probed the condition. */
  lastProbeTime?: string;
  /** lastTransitionTime is the time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** message is the human-readable message indicating details about last transition. */
  message?: string;
  /** reason is a unique, this should be a short, machine understandable string that gives the reason for condition's last transition. */
  reason?: string;
  /** Status is the status of the condition. */
  status: string;
  /** Type is the type of the condition. */
  type: string;
};

/** VolumeHealthStatus contains health information for a volume reported by the CSI controller plugin. */
export type VolumeHealthStatus = {
  /** conditions is the set of adverse conditions reported by the CSI controller plugin. */
  healthConditions?: Array<VolumeHealthCondition>;
  /** lastTransitionTime is when the current set of conditions first appeared. */
  lastTransitionTime?: string;
};

/** ModifyVolumeStatus represents the status object of ControllerModifyVolume operation */
export type ModifyVolumeStatus = {
  /** status is the status of the ControllerModifyVolume operation. */
  status: "InProgress" | "Infeasible" | "Pending";
  /** targetVolumeAttributesClassName is the name of the VolumeAttributesClass the PVC currently being reconciled */
  targetVolumeAttributesClassName?: string;
};

/** Affinity is a group of affinity scheduling rules. */
export type Affinity = {
  /** Describes node affinity scheduling rules for the pod. */
  nodeAffinity?: NodeAffinity;
  /** Describes pod affinity scheduling rules (e.g. */
  podAffinity?: PodAffinity;
  /** Describes pod anti-affinity scheduling rules (e.g. */
  podAntiAffinity?: PodAntiAffinity;
};

/** A single application container that you want to run within a pod. */
export type Container = {
  /** Arguments to the entrypoint. */
  args?: Array<string>;
  /** Entrypoint array. */
  command?: Array<string>;
  /** List of environment variables to set in the container. */
  env?: Array<EnvVar>;
  /** List of sources to populate environment variables in the container. */
  envFrom?: Array<EnvFromSource>;
  /** Container image name. */
  image?: string;
  /** Image pull policy. */
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Actions that the management system should take in response to container lifecycle events. */
  lifecycle?: Lifecycle;
  /** Periodic probe of container liveness. */
  livenessProbe?: Probe;
  /** Name of the container specified as a DNS_LABEL. */
  name: string;
  /** List of ports to expose from the container. */
  ports?: Array<ContainerPort>;
  /** Periodic probe of container service readiness. */
  readinessProbe?: Probe;
  /** Resources resize policy for the container. */
  resizePolicy?: Array<ContainerResizePolicy>;
  /** Compute Resources required by this container. */
  resources?: ResourceRequirements;
  /** RestartPolicy defines the restart behavior of individual containers in a pod. */
  restartPolicy?: string;
  /** Represents a list of rules to be checked to determine if the container should be restarted on exit. */
  restartPolicyRules?: Array<ContainerRestartRule>;
  /** SecurityContext defines the security options the container should be run with. */
  securityContext?: SecurityContext;
  /** StartupProbe indicates that the Pod has successfully initialized. */
  startupProbe?: Probe;
  /** Whether this container should allocate a buffer for stdin in the container runtime. */
  stdin?: boolean;
  /** Whether the container runtime should close the stdin channel after it has been opened by a single attach. */
  stdinOnce?: boolean;
  /** Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. */
  terminationMessagePath?: string;
  /** Indicate how the termination message should be populated. */
  terminationMessagePolicy?: "FallbackToLogsOnError" | "File";
  /** Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. */
  tty?: boolean;
  /** volumeDevices is the list of block devices to be used by the container. */
  volumeDevices?: Array<VolumeDevice>;
  /** Pod volumes to mount into the container's filesystem. */
  volumeMounts?: Array<VolumeMount>;
  /** Container's working directory. */
  workingDir?: string;
};

/** PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy. */
export type PodDNSConfig = {
  /** A list of DNS name server IP addresses. */
  nameservers?: Array<string>;
  /** A list of DNS resolver options. */
  options?: Array<PodDNSConfigOption>;
  /** A list of DNS search domains for host-name lookup. */
  searches?: Array<string>;
};

/** An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging. */
export type EphemeralContainer = {
  /** Arguments to the entrypoint. */
  args?: Array<string>;
  /** Entrypoint array. */
  command?: Array<string>;
  /** List of environment variables to set in the container. */
  env?: Array<EnvVar>;
  /** List of sources to populate environment variables in the container. */
  envFrom?: Array<EnvFromSource>;
  /** Container image name. */
  image?: string;
  /** Image pull policy. */
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Lifecycle is not allowed for ephemeral containers. */
  lifecycle?: Lifecycle;
  /** Probes are not allowed for ephemeral containers. */
  livenessProbe?: Probe;
  /** Name of the ephemeral container specified as a DNS_LABEL. */
  name: string;
  /** Ports are not allowed for ephemeral containers. */
  ports?: Array<ContainerPort>;
  /** Probes are not allowed for ephemeral containers. */
  readinessProbe?: Probe;
  /** Resources resize policy for the container. */
  resizePolicy?: Array<ContainerResizePolicy>;
  /** Resources are not allowed for ephemeral containers. */
  resources?: ResourceRequirements;
  /** Restart policy for the container to manage the restart behavior of each container within a pod. */
  restartPolicy?: string;
  /** Represents a list of rules to be checked to determine if the container should be restarted on exit. */
  restartPolicyRules?: Array<ContainerRestartRule>;
  /** Optional: SecurityContext defines the security options the ephemeral container should be run with. */
  securityContext?: SecurityContext;
  /** Probes are not allowed for ephemeral containers. */
  startupProbe?: Probe;
  /** Whether this container should allocate a buffer for stdin in the container runtime. */
  stdin?: boolean;
  /** Whether the container runtime should close the stdin channel after it has been opened by a single attach. */
  stdinOnce?: boolean;
  /** If set, the name of the container from PodSpec that this ephemeral container targets. */
  targetContainerName?: string;
  /** Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. */
  terminationMessagePath?: string;
  /** Indicate how the termination message should be populated. */
  terminationMessagePolicy?: "FallbackToLogsOnError" | "File";
  /** Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. */
  tty?: boolean;
  /** volumeDevices is the list of block devices to be used by the container. */
  volumeDevices?: Array<VolumeDevice>;
  /** Pod volumes to mount into the container's filesystem. */
  volumeMounts?: Array<VolumeMount>;
  /** Container's working directory. */
  workingDir?: string;
};

/** EvictionResponder allows you to specify the responder reacting to an Eviction. */
export type EvictionResponder = {
  /** name allows you to identify the responder responding to the Eviction. */
  name: string;
  /** priority for this responder. */
  priority: number;
};

/** HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file. */
export type HostAlias = {
  /** Hostnames for the above IP address. */
  hostnames?: Array<string>;
  /** IP address of the host file entry. */
  ip: string;
};

/** PodOS defines the OS parameters of a pod. */
export type PodOS = {
  /** Name is the name of the operating system. */
  name: string;
};

/** PodReadinessGate contains the reference to a pod condition */
export type PodReadinessGate = {
  /** ConditionType refers to a condition in the pod's condition list with matching type. */
  conditionType: string;
};

/** PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate which is then turned into a ResourceClaim for the pod. */
export type PodResourceClaim = {
  /** Name uniquely identifies this resource claim inside the pod. */
  name: string;
  /** ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod. */
  resourceClaimName?: string;
  /** ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod. */
  resourceClaimTemplateName?: string;
};

/** ResourceRequirements describes the compute resource requirements. */
export type ResourceRequirements = {
  /** Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container. */
  claims?: Array<ResourceClaim>;
  /** Limits describes the maximum amount of compute resources allowed. */
  limits?: Record<string, string | number>;
  /** Requests describes the minimum amount of compute resources required. */
  requests?: Record<string, string | number>;
};

/** PodSchedulingGate is associated to a Pod to guard its scheduling. */
export type PodSchedulingGate = {
  /** Name of the scheduling gate. */
  name: string;
};

/** PodSchedulingGroup identifies the runtime scheduling group instance that a Pod belongs to. */
export type PodSchedulingGroup = {
  /** PodGroupName specifies the name of the standalone PodGroup object that represents the runtime instance of this group. */
  podGroupName?: string;
};

/** PodSecurityContext holds pod-level security attributes and common container settings. */
export type PodSecurityContext = {
  /** appArmorProfile is the AppArmor options to use by the containers in this pod. */
  appArmorProfile?: AppArmorProfile;
  /** A special supplemental group that applies to all containers in a pod. */
  fsGroup?: number;
  /** fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod. */
  fsGroupChangePolicy?: "Always" | "OnRootMismatch";
  /** The GID to run the entrypoint of the container process. */
  runAsGroup?: number;
  /** Indicates that the container must run as a non-root user. */
  runAsNonRoot?: boolean;
  /** The UID to run the entrypoint of the container process. */
  runAsUser?: number;
  /** seLinuxChangePolicy defines how the container's SELinux label is applied to all volumes used by the Pod. */
  seLinuxChangePolicy?: string;
  /** The SELinux context to be applied to all containers. */
  seLinuxOptions?: SELinuxOptions;
  /** The seccomp options to use by the containers in this pod. */
  seccompProfile?: SeccompProfile;
  /** A list of groups applied to the first process run in each container, in addition to the container's primary GID and fsGroup (if specified). */
  supplementalGroups?: Array<number>;
  /** Defines how supplemental groups of the first container processes are calculated. */
  supplementalGroupsPolicy?: "Merge" | "Strict";
  /** Sysctls hold a list of namespaced sysctls used for the pod. */
  sysctls?: Array<Sysctl>;
  /** The Windows specific settings applied to all containers. */
  windowsOptions?: WindowsSecurityContextOptions;
};

/** The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>. */
export type Toleration = {
  /** Effect indicates the taint effect to match. */
  effect?: "NoExecute" | "NoSchedule" | "PreferNoSchedule";
  /** Key is the taint key that the toleration applies to. */
  key?: string;
  /** Operator represents a key's relationship to the value. */
  operator?: "Equal" | "Exists" | "Gt" | "Lt";
  /** TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint. */
  tolerationSeconds?: number;
  /** Value is the taint value the toleration matches to. */
  value?: string;
};

/** TopologySpreadConstraint specifies how to spread matching pods among the given topology. */
export type TopologySpreadConstraint = {
  /** LabelSelector is used to find matching pods. */
  labelSelector?: LabelSelector;
  /** MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated. */
  matchLabelKeys?: Array<string>;
  /** MaxSkew describes the degree to which pods may be unevenly distributed. */
  maxSkew: number;
  /** MinDomains indicates a minimum number of eligible domains. */
  minDomains?: number;
  /** NodeAffinityPolicy indicates how we will treat Pod's nodeAffinity/nodeSelector when calculating pod topology spread skew. */
  nodeAffinityPolicy?: "Honor" | "Ignore";
  /** NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew. */
  nodeTaintsPolicy?: "Honor" | "Ignore";
  /** TopologyKey is the key of node labels. */
  topologyKey: string;
  /** WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint. */
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
};

/** Volume represents a named volume in a pod that may be accessed by any container in the pod. */
export type Volume = {
  /** awsElasticBlockStore represents an AWS Disk resource that is attached to a kubelet's host machine and then exposed to the pod. */
  awsElasticBlockStore?: AWSElasticBlockStoreVolumeSource;
  /** azureDisk represents an Azure Data Disk mount on the host and bind mount to the pod. */
  azureDisk?: AzureDiskVolumeSource;
  /** azureFile represents an Azure File Service mount on the host and bind mount to the pod. */
  azureFile?: AzureFileVolumeSource;
  /** cephFS represents a Ceph FS mount on the host that shares a pod's lifetime. */
  cephfs?: CephFSVolumeSource;
  /** cinder represents a cinder volume attached and mounted on kubelets host machine. */
  cinder?: CinderVolumeSource;
  /** configMap represents a configMap that should populate this volume */
  configMap?: ConfigMapVolumeSource;
  /** csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers. */
  csi?: CSIVolumeSource;
  /** downwardAPI represents downward API about the pod that should populate this volume */
  downwardAPI?: DownwardAPIVolumeSource;
  /** emptyDir represents a temporary directory that shares a pod's lifetime. */
  emptyDir?: EmptyDirVolumeSource;
  /** ephemeral represents a volume that is handled by a cluster storage driver. */
  ephemeral?: EphemeralVolumeSource;
  /** fc represents a Fibre Channel resource that is attached to a kubelet's host machine and then exposed to the pod. */
  fc?: FCVolumeSource;
  /** flexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin. */
  flexVolume?: FlexVolumeSource;
  /** flocker represents a Flocker volume attached to a kubelet's host machine. */
  flocker?: FlockerVolumeSource;
  /** gcePersistentDisk represents a GCE Disk resource that is attached to a kubelet's host machine and then exposed to the pod. */
  gcePersistentDisk?: GCEPersistentDiskVolumeSource;
  /** gitRepo represents a git repository at a particular revision. */
  gitRepo?: GitRepoVolumeSource;
  /** glusterfs represents a Glusterfs mount on the host that shares a pod's lifetime. */
  glusterfs?: GlusterfsVolumeSource;
  /** hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container. */
  hostPath?: HostPathVolumeSource;
  /** image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine. */
  image?: ImageVolumeSource;
  /** iscsi represents an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod. */
  iscsi?: ISCSIVolumeSource;
  /** name of the volume. */
  name: string;
  /** nfs represents an NFS mount on the host that shares a pod's lifetime More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs */
  nfs?: NFSVolumeSource;
  /** persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace. */
  persistentVolumeClaim?: PersistentVolumeClaimVolumeSource;
  /** photonPersistentDisk represents a PhotonController persistent disk attached and mounted on kubelets host machine. */
  photonPersistentDisk?: PhotonPersistentDiskVolumeSource;
  /** portworxVolume represents a portworx volume attached and mounted on kubelets host machine. */
  portworxVolume?: PortworxVolumeSource;
  /** projected items for all in one resources secrets, configmaps, and downward API */
  projected?: ProjectedVolumeSource;
  /** quobyte represents a Quobyte mount on the host that shares a pod's lifetime. */
  quobyte?: QuobyteVolumeSource;
  /** rbd represents a Rados Block Device mount on the host that shares a pod's lifetime. */
  rbd?: RBDVolumeSource;
  /** scaleIO represents a ScaleIO persistent volume attached and mounted on Kubernetes nodes. */
  scaleIO?: ScaleIOVolumeSource;
  /** secret represents a secret that should populate this volume. */
  secret?: SecretVolumeSource;
  /** storageOS represents a StorageOS volume attached and mounted on Kubernetes nodes. */
  storageos?: StorageOSVolumeSource;
  /** vsphereVolume represents a vSphere volume attached and mounted on kubelets host machine. */
  vsphereVolume?: VsphereVirtualDiskVolumeSource;
};

/** PodCondition contains details for the current condition of this pod. */
export type PodCondition = {
  /** Last time we probed the condition. */
  lastProbeTime?: string;
  /** Last time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** Human-readable message indicating details about last transition. */
  message?: string;
  /** If set, this represents the .metadata.generation that the pod condition was set based upon. */
  observedGeneration?: number;
  /** Unique, one-word, CamelCase reason for the condition's last transition. */
  reason?: string;
  /** Status is the status of the condition. */
  status: string;
  /** Type is the type of the condition. */
  type: string;
};

/** ContainerStatus contains details for the current status of this container. */
export type ContainerStatus = {
  /** AllocatedResources represents the compute resources allocated for this container by the node. */
  allocatedResources?: Record<string, string | number>;
  /** AllocatedResourcesStatus represents the status of various resources allocated for this Pod. */
  allocatedResourcesStatus?: Array<ResourceStatus>;
  /** ContainerID is the ID of the container in the format '<type>://<container_id>'. */
  containerID?: string;
  /** Image is the name of container image that the container is running. */
  image: string;
  /** ImageID is the image ID of the container's image. */
  imageID: string;
  /** LastTerminationState holds the last termination state of the container to help debug container crashes and restarts. */
  lastState?: ContainerState;
  /** Name is a DNS_LABEL representing the unique name of the container. */
  name: string;
  /** Ready specifies whether the container is currently passing its readiness check. */
  ready: boolean;
  /** Resources represents the compute resource requests and limits that have been successfully enacted on the running container after it has been started or has been successfully resized. */
  resources?: ResourceRequirements;
  /** RestartCount holds the number of times the container has been restarted. */
  restartCount: number;
  /** Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe. */
  started?: boolean;
  /** State holds details about the container's current condition. */
  state?: ContainerState;
  /** StopSignal reports the effective stop signal for this container Possible enum values: - `"SIGABRT"` - `"SIGALRM"` - `"SIGBUS"` - `"SIGCHLD"` - `"SIGCLD"` - `"SIGCONT"` - `"SIGFPE"` - `"SIGHUP"` - `... */
  stopSignal?:
    | "SIGABRT"
    | "SIGALRM"
    | "SIGBUS"
    | "SIGCHLD"
    | "SIGCLD"
    | "SIGCONT"
    | "SIGFPE"
    | "SIGHUP"
    | "SIGILL"
    | "SIGINT"
    | "SIGIO"
    | "SIGIOT"
    | "SIGKILL"
    | "SIGPIPE"
    | "SIGPOLL"
    | "SIGPROF"
    | "SIGPWR"
    | "SIGQUIT"
    | "SIGRTMAX"
    | "SIGRTMAX-1"
    | "SIGRTMAX-10"
    | "SIGRTMAX-11"
    | "SIGRTMAX-12"
    | "SIGRTMAX-13"
    | "SIGRTMAX-14"
    | "SIGRTMAX-2"
    | "SIGRTMAX-3"
    | "SIGRTMAX-4"
    | "SIGRTMAX-5"
    | "SIGRTMAX-6"
    | "SIGRTMAX-7"
    | "SIGRTMAX-8"
    | "SIGRTMAX-9"
    | "SIGRTMIN"
    | "SIGRTMIN+1"
    | "SIGRTMIN+10"
    | "SIGRTMIN+11"
    | "SIGRTMIN+12"
    | "SIGRTMIN+13"
    | "SIGRTMIN+14"
    | "SIGRTMIN+15"
    | "SIGRTMIN+2"
    | "SIGRTMIN+3"
    | "SIGRTMIN+4"
    | "SIGRTMIN+5"
    | "SIGRTMIN+6"
    | "SIGRTMIN+7"
    | "SIGRTMIN+8"
    | "SIGRTMIN+9"
    | "SIGSEGV"
    | "SIGSTKFLT"
    | "SIGSTOP"
    | "SIGSYS"
    | "SIGTERM"
    | "SIGTRAP"
    | "SIGTSTP"
    | "SIGTTIN"
    | "SIGTTOU"
    | "SIGURG"
    | "SIGUSR1"
    | "SIGUSR2"
    | "SIGVTALRM"
    | "SIGWINCH"
    | "SIGXCPU"
    | "SIGXFSZ";
  /** User represents user identity information initially attached to the first process of the container */
  user?: ContainerUser;
  /** Status of volume mounts. */
  volumeMounts?: Array<VolumeMountStatus>;
};

/** PodExtendedResourceClaimStatus is stored in the PodStatus for the extended resource requests backed by DRA. */
export type PodExtendedResourceClaimStatus = {
  /** RequestMappings identifies the mapping of <container, extended resource backed by DRA> to device request in the generated ResourceClaim. */
  requestMappings: Array<ContainerExtendedResourceRequest>;
  /** ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod. */
  resourceClaimName: string;
};

/** HostIP represents a single IP address allocated to the host. */
export type HostIP = {
  /** IP is the IP address assigned to the host */
  ip: string;
};

/** NodeAllocatableResourceClaimStatus describes the status of node allocatable resources allocated via DRA. */
export type NodeAllocatableResourceClaimStatus = {
  /** Containers lists the names of all containers in this pod that reference the claim. */
  containers?: Array<string>;
  /** Mapping contains allocations through devices mapped in the device spec's `nodeAllocatableResources[...].mapping` field. */
  mapping?: Array<NodeAllocatableMappedResources>;
  /** Overhead contains allocations through devices mapped in the device spec's `nodeAllocatableResources[...].overhead` field. */
  overhead?: Array<NodeAllocatableOverheadResources>;
  /** ResourceClaimName is the resource claim referenced by the pod that resulted in this node allocatable resource allocation. */
  resourceClaimName: string;
};

/** PodIP represents a single IP address allocated to the pod. */
export type PodIP = {
  /** IP is the IP address assigned to the pod */
  ip: string;
};

/** PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate. */
export type PodResourceClaimStatus = {
  /** Name uniquely identifies this resource claim inside the pod. */
  name: string;
  /** ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod. */
  resourceClaimName?: string;
};

/** PodVolumeHealth contains health information for a volume used by a pod, reported by the CSI node plugin via the kubelet. */
export type PodVolumeHealth = {
  /** conditions is the set of adverse conditions reported by the CSI node plugin for this volume on this node. */
  healthConditions?: Array<VolumeHealthCondition>;
  /** lastTransitionTime is when the current set of conditions first appeared. */
  lastTransitionTime?: string;
  /** name matches an entry in pod.spec.volumes. */
  name: string;
};

/** ReplicationControllerCondition describes the state of a replication controller at a certain point. */
export type ReplicationControllerCondition = {
  /** The last time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** A human readable message indicating details about the transition. */
  message?: string;
  /** The reason for the condition's last transition. */
  reason?: string;
  /** Status of the condition, one of True, False, Unknown. */
  status: string;
  /** Type of replication controller condition. */
  type: string;
};

/** A scope selector represents the AND of the selectors represented by the scoped-resource selector requirements. */
export type ScopeSelector = {
  /** A list of scope selector requirements by scope of the resources. */
  matchExpressions?: Array<ScopedResourceSelectorRequirement>;
};

/** ServicePort contains information on service's port. */
export type ServicePort = {
  /** The application protocol for this port. */
  appProtocol?: string;
  /** The name of this port within the service. */
  name?: string;
  /** The port on each node on which this service is exposed when type is NodePort or LoadBalancer. */
  nodePort?: number;
  /** The port that will be exposed by this service. */
  port: number;
  /** The IP protocol for this port. */
  protocol?: "SCTP" | "TCP" | "UDP";
  /** Number or name of the port to access on the pods targeted by the service. */
  targetPort?: number | string;
};

/** SessionAffinityConfig represents the configurations of session affinity. */
export type SessionAffinityConfig = {
  /** clientIP contains the configurations of Client IP based session affinity. */
  clientIP?: ClientIPConfig;
};

/** Condition contains details for one aspect of the current state of this API Resource. */
export type Condition = {
  /** lastTransitionTime is the last time the condition transitioned from one status to another. */
  lastTransitionTime: string;
  /** message is a human readable message indicating details about the transition. */
  message: string;
  /** observedGeneration represents the .metadata.generation that the condition was set based upon. */
  observedGeneration?: number;
  /** reason contains a programmatic identifier indicating the reason for the condition's last transition. */
  reason: string;
  /** status of the condition, one of True, False, Unknown. */
  status: string;
  /** type of condition in CamelCase or in foo.example.com/CamelCase. */
  type: string;
};

/** LoadBalancerStatus represents the status of a load-balancer. */
export type LoadBalancerStatus = {
  /** Ingress is a list containing ingress points for the load-balancer. */
  ingress?: Array<LoadBalancerIngress>;
};

/** DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet. */
export type DaemonSetUpdateStrategy = {
  /** Rolling update config params. */
  rollingUpdate?: RollingUpdateDaemonSet;
  /** Type of daemon set update. */
  type?: "OnDelete" | "RollingUpdate";
};

/** DaemonSetCondition describes the state of a DaemonSet at a certain point. */
export type DaemonSetCondition = {
  /** Last time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** A human readable message indicating details about the transition. */
  message?: string;
  /** The reason for the condition's last transition. */
  reason?: string;
  /** Status of the condition, one of True, False, Unknown. */
  status?: string;
  /** Type of DaemonSet condition. */
  type?: string;
};

/** DeploymentStrategy describes how to replace existing pods with new ones. */
export type DeploymentStrategy = {
  /** Rolling update config params. */
  rollingUpdate?: RollingUpdateDeployment;
  /** Type of deployment. */
  type?: "Recreate" | "RollingUpdate";
};

/** DeploymentCondition describes the state of a deployment at a certain point. */
export type DeploymentCondition = {
  /** Last time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** The last time this condition was updated. */
  lastUpdateTime?: string;
  /** A human readable message indicating details about the transition. */
  message?: string;
  /** The reason for the condition's last transition. */
  reason?: string;
  /** Status of the condition, one of True, False, Unknown. */
  status?: string;
  /** Type of deployment condition. */
  type?: string;
};

/** ReplicaSetCondition describes the state of a replica set at a certain point. */
export type ReplicaSetCondition = {
  /** The last time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** A human readable message indicating details about the transition. */
  message?: string;
  /** The reason for the condition's last transition. */
  reason?: string;
  /** Status of the condition, one of True, False, Unknown. */
  status?: string;
  /** Type of replica set condition. */
  type?: string;
};

/** StatefulSetOrdinals describes the policy used for replica ordinal assignment in this StatefulSet. */
export type StatefulSetOrdinals = {
  /** start is the number representing the first replica's index. */
  start?: number;
};

/** StatefulSetPersistentVolumeClaimRetentionPolicy describes the policy used for PVCs created from the StatefulSet VolumeClaimTemplates. */
export type StatefulSetPersistentVolumeClaimRetentionPolicy = {
  /** WhenDeleted specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is deleted. */
  whenDeleted?: string;
  /** WhenScaled specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is scaled down. */
  whenScaled?: string;
};

/** StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates. */
export type StatefulSetUpdateStrategy = {
  /** RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType. */
  rollingUpdate?: RollingUpdateStatefulSetStrategy;
  /** Type indicates the type of the StatefulSetUpdateStrategy. */
  type?: "OnDelete" | "Recreate" | "RollingUpdate";
};

/** StatefulSetCondition describes the state of a statefulset at a certain point. */
export type StatefulSetCondition = {
  /** Last time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** A human readable message indicating details about the transition. */
  message?: string;
  /** The reason for the condition's last transition. */
  reason?: string;
  /** Status of the condition, one of True, False, Unknown. */
  status?: string;
  /** Type of statefulset condition. */
  type?: string;
};

/** JobTemplateSpec describes the data a Job should have when created from a template */
export type JobTemplateSpec = {
  /** Standard object's metadata of the jobs created from this template. */
  metadata?: ObjectMeta;
  /** Specification of the desired behavior of the job. */
  spec?: JobSpec;
};

/** PodFailurePolicy describes how failed pods influence the backoffLimit. */
export type PodFailurePolicy = {
  /** A list of pod failure policy rules. */
  rules: Array<PodFailurePolicyRule>;
};

/** JobSchedulingConfiguration composes the reusable workload-aware scheduling building blocks. */
export type JobSchedulingConfiguration = {
  /** DisruptionMode defines the mode in which the Job's pods can be disrupted. */
  disruptionMode?: WorkloadPodGroupDisruptionMode;
  /** ResourceClaims defines which ResourceClaims may be shared among Pods in the Job. */
  resourceClaims?: Array<WorkloadPodGroupResourceClaim>;
  /** SchedulingConstraints defines scheduling constraints (e.g. */
  schedulingConstraints?: WorkloadPodGroupSchedulingConstraints;
  /** SchedulingPolicy defines the scheduling policy for this Job. */
  schedulingPolicy?: WorkloadPodGroupSchedulingPolicy;
};

/** SuccessPolicy describes when a Job can be declared as succeeded based on the success of some indexes. */
export type SuccessPolicy = {
  /** rules represents the list of alternative rules for the declaring the Jobs as successful before `.status.succeeded >= .spec.completions`. */
  rules: Array<SuccessPolicyRule>;
};

/** JobCondition describes current state of a job. */
export type JobCondition = {
  /** Last time the condition was checked. */
  lastProbeTime?: string;
  /** Last time the condition transit from one status to another. */
  lastTransitionTime?: string;
  /** Human readable message indicating details about last transition. */
  message?: string;
  /** (brief) reason for the condition's last transition. */
  reason?: string;
  /** Status of the condition, one of True, False, Unknown. */
  status: string;
  /** Type of job condition, Complete or Failed. */
  type: string;
};

/** UncountedTerminatedPods holds UIDs of Pods that have terminated but haven't been accounted in Job status counters. */
export type UncountedTerminatedPods = {
  /** failed holds UIDs of failed Pods. */
  failed?: Array<string>;
  /** succeeded holds UIDs of succeeded Pods. */
  succeeded?: Array<string>;
};

/** IngressBackend describes all endpoints for a given service and port. */
export type IngressBackend = {
  /** resource is an ObjectRef to another Kubernetes resource in the namespace of the Ingress object. */
  resource?: TypedLocalObjectReference;
  /** service references a service as a backend. */
  service?: IngressServiceBackend;
};

/** IngressRule represents the rules mapping the paths under a specified host to the related backend services. */
export type IngressRule = {
  /** host is the fully qualified domain name of a network host, as defined by RFC 3986. */
  host?: string;
  /** http is a HTTP IngressRuleValue, which contains a list of http selectors */
  http?: HTTPIngressRuleValue;
};

/** IngressTLS describes the transport layer security associated with an ingress. */
export type IngressTLS = {
  /** hosts is a list of hosts included in the TLS certificate. */
  hosts?: Array<string>;
  /** secretName is the name of the secret used to terminate TLS traffic on port 443. */
  secretName?: string;
};

/** IngressLoadBalancerStatus represents the status of a load-balancer. */
export type IngressLoadBalancerStatus = {
  /** ingress is a list containing ingress points for the load-balancer. */
  ingress?: Array<IngressLoadBalancerIngress>;
};

/** IngressClassParametersReference identifies an API object. */
export type IngressClassParametersReference = {
  /** apiGroup is the group for the resource being referenced. */
  apiGroup?: string;
  /** kind is the type of resource being referenced. */
  kind: string;
  /** name is the name of resource being referenced. */
  name: string;
  /** namespace is the namespace of the resource being referenced. */
  namespace?: string;
  /** scope represents if this refers to a cluster or namespace scoped resource. */
  scope?: string;
};

/** NetworkPolicyEgressRule describes a particular set of traffic that is allowed out of pods matched by a NetworkPolicySpec's podSelector. */
export type NetworkPolicyEgressRule = {
  /** ports is a list of destination ports for outgoing traffic. */
  ports?: Array<NetworkPolicyPort>;
  /** to is a list of destinations for outgoing traffic of pods selected for this rule. */
  to?: Array<NetworkPolicyPeer>;
};

/** NetworkPolicyIngressRule describes a particular set of traffic that is allowed to the pods matched by a NetworkPolicySpec's podSelector. */
export type NetworkPolicyIngressRule = {
  /** from is a list of sources which should be able to access the pods selected for this rule. */
  from?: Array<NetworkPolicyPeer>;
  /** ports is a list of ports which should be made accessible on the pods selected for this rule. */
  ports?: Array<NetworkPolicyPort>;
};

/** EndpointConditions represents the current condition of an endpoint. */
export type EndpointConditions = {
  /** ready indicates that this endpoint is ready to receive traffic, according to whatever system is managing the endpoint. */
  ready?: boolean;
  /** serving indicates that this endpoint is able to receive traffic, according to whatever system is managing the endpoint. */
  serving?: boolean;
  /** terminating indicates that this endpoint is terminating. */
  terminating?: boolean;
};

/** EndpointHints provides hints describing how an endpoint should be consumed. */
export type EndpointHints = {
  /** forNodes indicates the node(s) this endpoint should be consumed by when using topology aware routing. */
  forNodes?: Array<ForNode>;
  /** forZones indicates the zone(s) this endpoint should be consumed by when using topology aware routing. */
  forZones?: Array<ForZone>;
};

/** HorizontalPodAutoscalerBehavior configures the scaling behavior of the target in both Up and Down directions (scaleUp and scaleDown fields respectively). */
export type HorizontalPodAutoscalerBehavior = {
  /** scaleDown is scaling policy for scaling Down. */
  scaleDown?: HPAScalingRules;
  /** scaleUp is scaling policy for scaling Up. */
  scaleUp?: HPAScalingRules;
};

/** MetricSpec specifies how to scale based on a single metric (only `type` and one other matching field should be set at once). */
export type MetricSpec = {
  /** containerResource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing a single container in each pod of the current scale target (e.g. */
  containerResource?: ContainerResourceMetricSource;
  /** external refers to a global metric that is not associated with any Kubernetes object. */
  external?: ExternalMetricSource;
  /** object refers to a metric describing a single kubernetes object (for example, hits-per-second on an Ingress object). */
  object?: ObjectMetricSource;
  /** pods refers to a metric describing each pod in the current scale target (for example, transactions-processed-per-second). */
  pods?: PodsMetricSource;
  /** resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing each pod in the current scale target (e.g. */
  resource?: ResourceMetricSource;
  /** type is the type of metric source. */
  type: string;
};

/** CrossVersionObjectReference contains enough information to let you identify the referred resource. */
export type CrossVersionObjectReference = {
  /** apiVersion is the API version of the referent */
  apiVersion?: string;
  /** kind is the kind of the referent; More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds */
  kind: string;
  /** name is the name of the referent; More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names */
  name: string;
};

/** HorizontalPodAutoscalerCondition describes the state of a HorizontalPodAutoscaler at a certain point. */
export type HorizontalPodAutoscalerCondition = {
  /** lastTransitionTime is the last time the condition transitioned from one status to another */
  lastTransitionTime?: string;
  /** message is a human-readable explanation containing details about the transition */
  message?: string;
  /** observedGeneration represents the .metadata.generation that the condition was set based upon. */
  observedGeneration?: number;
  /** reason is the reason for the condition's last transition. */
  reason?: string;
  /** status is the status of the condition (True, False, Unknown) */
  status: string;
  /** type describes the current condition */
  type: string;
};

/** MetricStatus describes the last-read state of a single metric. */
export type MetricStatus = {
  /** containerResource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing a single container in each pod in the current scale target (e.g. */
  containerResource?: ContainerResourceMetricStatus;
  /** external refers to a global metric that is not associated with any Kubernetes object. */
  external?: ExternalMetricStatus;
  /** object refers to a metric describing a single kubernetes object (for example, hits-per-second on an Ingress object). */
  object?: ObjectMetricStatus;
  /** pods refers to a metric describing each pod in the current scale target (for example, transactions-processed-per-second). */
  pods?: PodsMetricStatus;
  /** resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing each pod in the current scale target (e.g. */
  resource?: ResourceMetricStatus;
  /** type is the type of metric source. */
  type: string;
};

/** A topology selector requirement is a selector that matches given label. */
export type TopologySelectorLabelRequirement = {
  /** The label key that the selector applies to. */
  key: string;
  /** An array of string values. */
  values: Array<string>;
};

/** CustomResourceConversion describes how to convert different versions of a CR. */
export type CustomResourceConversion = {
  /** strategy specifies how custom resources are converted between versions. */
  strategy: string;
  /** webhook describes how to call the conversion webhook. */
  webhook?: WebhookConversion;
};

/** CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition */
export type CustomResourceDefinitionNames = {
  /** categories is a list of grouped resources this custom resource belongs to (e.g. */
  categories?: Array<string>;
  /** kind is the serialized kind of the resource. */
  kind: string;
  /** listKind is the serialized kind of the list for this resource. */
  listKind?: string;
  /** plural is the plural name of the resource to serve. */
  plural: string;
  /** shortNames are short names for the resource, exposed in API discovery documents, and used by clients to support invocations like `kubectl get <shortname>`. */
  shortNames?: Array<string>;
  /** singular is the singular name of the resource. */
  singular?: string;
};

/** CustomResourceDefinitionVersion describes a version for CRD. */
export type CustomResourceDefinitionVersion = {
  /** additionalPrinterColumns specifies additional columns returned in Table output. */
  additionalPrinterColumns?: Array<CustomResourceColumnDefinition>;
  /** deprecated indicates this version of the custom resource API is deprecated. */
  deprecated?: boolean;
  /** deprecationWarning overrides the default warning returned to API clients. */
  deprecationWarning?: string;
  /** name is the version name, e.g. */
  name: string;
  /** schema describes the schema used for validation, pruning, and defaulting of this version of the custom resource. */
  schema?: CustomResourceValidation;
  /** selectableFields specifies paths to fields that may be used as field selectors. */
  selectableFields?: Array<SelectableField>;
  /** served is a flag enabling/disabling this version from being served via REST APIs */
  served: boolean;
  /** storage indicates this version should be used when persisting custom resources to storage. */
  storage: boolean;
  /** subresources specify what subresources this version of the defined custom resource have. */
  subresources?: CustomResourceSubresources;
};

/** CustomResourceDefinitionCondition contains details for the current condition of this pod. */
export type CustomResourceDefinitionCondition = {
  /** lastTransitionTime last time the condition transitioned from one status to another. */
  lastTransitionTime?: string;
  /** message is a human-readable message indicating details about last transition. */
  message?: string;
  /** observedGeneration represents the .metadata.generation that the condition was set based upon. */
  observedGeneration?: number;
  /** reason is a unique, one-word, CamelCase reason for the condition's last transition. */
  reason?: string;
  /** status is the status of the condition. */
  status: string;
  /** type is the type of the condition. */
  type: string;
};

/** ConfigMapNodeConfigSource contains the information to reference a ConfigMap as a config source for the Node. */
export type ConfigMapNodeConfigSource = {
  /** KubeletConfigKey declares which key of the referenced ConfigMap corresponds to the KubeletConfiguration structure This field is required in all cases. */
  kubeletConfigKey: string;
  /** Name is the metadata.name of the referenced ConfigMap. */
  name: string;
  /** Namespace is the metadata.namespace of the referenced ConfigMap. */
  namespace: string;
  /** ResourceVersion is the metadata.ResourceVersion of the referenced ConfigMap. */
  resourceVersion?: string;
  /** UID is the metadata.UID of the referenced ConfigMap. */
  uid?: string;
};

/** DaemonEndpoint contains information about a single Daemon endpoint. */
export type DaemonEndpoint = {
  /** Port number of the given endpoint. */
  Port: number;
};

/** NodeSwapStatus represents swap memory information. */
export type NodeSwapStatus = {
  /** Total amount of swap memory in bytes. */
  capacity?: number;
};

/** NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler. */
export type NodeRuntimeHandlerFeatures = {
  /** RecursiveReadOnlyMounts is set to true if the runtime handler supports RecursiveReadOnlyMounts. */
  recursiveReadOnlyMounts?: boolean;
  /** UserNamespaces is set to true if the runtime handler supports UserNamespaces, including for volumes. */
  userNamespaces?: boolean;
};

/** SecretReference represents a Secret Reference. */
export type SecretReference = {
  /** name is unique within a namespace to reference a secret resource. */
  name?: string;
  /** namespace defines the space within which the secret name must be unique. */
  namespace?: string;
};

/** A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms. */
export type NodeSelector = {
  /** Required. */
  nodeSelectorTerms: Array<NodeSelectorTerm>;
};

/** A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values. */
export type LabelSelectorRequirement = {
  /** key is the label key that the selector applies to. */
  key: string;
  /** operator represents a key's relationship to a set of values. */
  operator: string;
  /** values is an array of string values. */
  values?: Array<string>;
};

/** VolumeHealthCondition represents an adverse health condition reported for a volume. */
export type VolumeHealthCondition = {
  /** message is a human-readable description. */
  message?: string;
  /** reason is a brief CamelCase machine-parseable reason. */
  reason: string;
  /** status is the machine-parseable health category. */
  status: "DataLoss" | "Degraded" | "Inaccessible";
};

/** Node affinity is a group of node affinity scheduling rules. */
export type NodeAffinity = {
  /** The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions. */
  preferredDuringSchedulingIgnoredDuringExecution?: Array<PreferredSchedulingTerm>;
  /** If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. */
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
};

/** Pod affinity is a group of inter pod affinity scheduling rules. */
export type PodAffinity = {
  /** The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions. */
  preferredDuringSchedulingIgnoredDuringExecution?: Array<WeightedPodAffinityTerm>;
  /** If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. */
  requiredDuringSchedulingIgnoredDuringExecution?: Array<PodAffinityTerm>;
};

/** Pod anti affinity is a group of inter pod anti affinity scheduling rules. */
export type PodAntiAffinity = {
  /** The scheduler will prefer to schedule pods to nodes that satisfy the anti-affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions. */
  preferredDuringSchedulingIgnoredDuringExecution?: Array<WeightedPodAffinityTerm>;
  /** If the anti-affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. */
  requiredDuringSchedulingIgnoredDuringExecution?: Array<PodAffinityTerm>;
};

/** EnvVar represents an environment variable present in a Container. */
export type EnvVar = {
  /** Name of the environment variable. */
  name: string;
  /** Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. */
  value?: string;
  /** Source for the environment variable's value. */
  valueFrom?: EnvVarSource;
};

/** EnvFromSource represents the source of a set of ConfigMaps or Secrets */
export type EnvFromSource = {
  /** The ConfigMap to select from */
  configMapRef?: ConfigMapEnvSource;
  /** Optional text to prepend to the name of each environment variable. */
  prefix?: string;
  /** The Secret to select from */
  secretRef?: SecretEnvSource;
};

/** Lifecycle describes actions that the management system should take in response to container lifecycle events. */
export type Lifecycle = {
  /** PostStart is called immediately after a container is created. */
  postStart?: LifecycleHandler;
  /** PreStop is called immediately before a container is terminated due to an API request or management event such as liveness/startup probe failure, preemption, resource contention, etc. */
  preStop?: LifecycleHandler;
  /** StopSignal defines which signal will be sent to a container when it is being stopped. */
  stopSignal?:
    | "SIGABRT"
    | "SIGALRM"
    | "SIGBUS"
    | "SIGCHLD"
    | "SIGCLD"
    | "SIGCONT"
    | "SIGFPE"
    | "SIGHUP"
    | "SIGILL"
    | "SIGINT"
    | "SIGIO"
    | "SIGIOT"
    | "SIGKILL"
    | "SIGPIPE"
    | "SIGPOLL"
    | "SIGPROF"
    | "SIGPWR"
    | "SIGQUIT"
    | "SIGRTMAX"
    | "SIGRTMAX-1"
    | "SIGRTMAX-10"
    | "SIGRTMAX-11"
    | "SIGRTMAX-12"
    | "SIGRTMAX-13"
    | "SIGRTMAX-14"
    | "SIGRTMAX-2"
    | "SIGRTMAX-3"
    | "SIGRTMAX-4"
    | "SIGRTMAX-5"
    | "SIGRTMAX-6"
    | "SIGRTMAX-7"
    | "SIGRTMAX-8"
    | "SIGRTMAX-9"
    | "SIGRTMIN"
    | "SIGRTMIN+1"
    | "SIGRTMIN+10"
    | "SIGRTMIN+11"
    | "SIGRTMIN+12"
    | "SIGRTMIN+13"
    | "SIGRTMIN+14"
    | "SIGRTMIN+15"
    | "SIGRTMIN+2"
    | "SIGRTMIN+3"
    | "SIGRTMIN+4"
    | "SIGRTMIN+5"
    | "SIGRTMIN+6"
    | "SIGRTMIN+7"
    | "SIGRTMIN+8"
    | "SIGRTMIN+9"
    | "SIGSEGV"
    | "SIGSTKFLT"
    | "SIGSTOP"
    | "SIGSYS"
    | "SIGTERM"
    | "SIGTRAP"
    | "SIGTSTP"
    | "SIGTTIN"
    | "SIGTTOU"
    | "SIGURG"
    | "SIGUSR1"
    | "SIGUSR2"
    | "SIGVTALRM"
    | "SIGWINCH"
    | "SIGXCPU"
    | "SIGXFSZ";
};

/** Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic. */
export type Probe = {
  /** Exec specifies a command to execute in the container. */
  exec?: ExecAction;
  /** Minimum consecutive failures for the probe to be considered failed after having succeeded. */
  failureThreshold?: number;
  /** GRPC specifies a GRPC HealthCheckRequest. */
  grpc?: GRPCAction;
  /** HTTPGet specifies an HTTP GET request to perform. */
  httpGet?: HTTPGetAction;
  /** Number of seconds after the container has started before liveness probes are initiated. */
  initialDelaySeconds?: number;
  /** How often (in seconds) to perform the probe. */
  periodSeconds?: number;
  /** Minimum consecutive successes for the probe to be considered successful after having failed. */
  successThreshold?: number;
  /** TCPSocket specifies a connection to a TCP port. */
  tcpSocket?: TCPSocketAction;
  /** Optional duration in seconds the pod needs to terminate gracefully upon probe failure. */
  terminationGracePeriodSeconds?: number;
  /** Number of seconds after which the probe times out. */
  timeoutSeconds?: number;
};

/** ContainerPort represents a network port in a single container. */
export type ContainerPort = {
  /** Number of port to expose on the pod's IP address. */
  containerPort: number;
  /** What host IP to bind the external port to. */
  hostIP?: string;
  /** Number of port to expose on the host. */
  hostPort?: number;
  /** If specified, this must be an IANA_SVC_NAME and unique within the pod. */
  name?: string;
  /** Protocol for port. */
  protocol?: "SCTP" | "TCP" | "UDP";
};

/** ContainerResizePolicy represents resource resize policy for the container. */
export type ContainerResizePolicy = {
  /** Name of the resource to which this resource resize policy applies. */
  resourceName: string;
  /** Restart policy to apply when specified resource is resized. */
  restartPolicy: string;
};

/** ContainerRestartRule describes how a container exit is handled. */
export type ContainerRestartRule = {
  /** Specifies the action taken on a container exit if the requirements are satisfied. */
  action: string;
  /** Represents the exit codes to check on container exits. */
  exitCodes?: ContainerRestartRuleOnExitCodes;
};

/** SecurityContext holds security configuration that will be applied to a container. */
export type SecurityContext = {
  /** AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process. */
  allowPrivilegeEscalation?: boolean;
  /** appArmorProfile is the AppArmor options to use by this container. */
  appArmorProfile?: AppArmorProfile;
  /** The capabilities to add/drop when running containers. */
  capabilities?: Capabilities;
  /** Run container in privileged mode. */
  privileged?: boolean;
  /** procMount denotes the type of proc mount to use for the containers. */
  procMount?: "Default" | "Unmasked";
  /** Whether this container has a read-only root filesystem. */
  readOnlyRootFilesystem?: boolean;
  /** The GID to run the entrypoint of the container process. */
  runAsGroup?: number;
  /** Indicates that the container must run as a non-root user. */
  runAsNonRoot?: boolean;
  /** The UID to run the entrypoint of the container process. */
  runAsUser?: number;
  /** The SELinux context to be applied to the container. */
  seLinuxOptions?: SELinuxOptions;
  /** The seccomp options to use by this container. */
  seccompProfile?: SeccompProfile;
  /** The Windows specific settings applied to all containers. */
  windowsOptions?: WindowsSecurityContextOptions;
};

/** volumeDevice describes a mapping of a raw block device within a container. */
export type VolumeDevice = {
  /** devicePath is the path inside of the container that the device will be mapped to. */
  devicePath: string;
  /** name must match the name of a persistentVolumeClaim in the pod */
  name: string;
};

/** VolumeMount describes a mounting of a Volume within a container. */
export type VolumeMount = {
  /** bindMountOptions is the list of additional bind mount options to apply when mounting this volume into the container. */
  bindMountOptions?: Array<string>;
  /** Path within the container at which the volume should be mounted. */
  mountPath: string;
  /** mountPropagation determines how mounts are propagated from the host to container and the other way around. */
  mountPropagation?: "Bidirectional" | "HostToContainer" | "None";
  /** This must match the Name of a Volume. */
  name: string;
  /** Mounted read-only if true, read-write otherwise (false or unspecified). */
  readOnly?: boolean;
  /** RecursiveReadOnly specifies whether read-only mounts should be handled recursively. */
  recursiveReadOnly?: string;
  /** Path within the volume from which the container's volume should be mounted. */
  subPath?: string;
  /** Expanded path within the volume from which the container's volume should be mounted. */
  subPathExpr?: string;
};

/** PodDNSConfigOption defines DNS resolver options of a pod. */
export type PodDNSConfigOption = {
  /** Name is this DNS resolver option's name. */
  name?: string;
  /** Value is this DNS resolver option's value. */
  value?: string;
};

/** ResourceClaim references one entry in PodSpec.ResourceClaims. */
export type ResourceClaim = {
  /** Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used. */
  name: string;
  /** Request is the name chosen for a request in the referenced claim. */
  request?: string;
};

/** AppArmorProfile defines a pod or container's AppArmor settings. */
export type AppArmorProfile = {
  /** localhostProfile indicates a profile loaded on the node that should be used. */
  localhostProfile?: string;
  /** type indicates which kind of AppArmor profile will be applied. */
  type: "Localhost" | "RuntimeDefault" | "Unconfined";
};

/** SELinuxOptions are the labels to be applied to the container */
export type SELinuxOptions = {
  /** Level is SELinux level label that applies to the container. */
  level?: string;
  /** Role is a SELinux role label that applies to the container. */
  role?: string;
  /** Type is a SELinux type label that applies to the container. */
  type?: string;
  /** User is a SELinux user label that applies to the container. */
  user?: string;
};

/** SeccompProfile defines a pod/container's seccomp profile settings. */
export type SeccompProfile = {
  /** localhostProfile indicates a profile defined in a file on the node should be used. */
  localhostProfile?: string;
  /** type indicates which kind of seccomp profile will be applied. */
  type: "Localhost" | "RuntimeDefault" | "Unconfined";
};

/** Sysctl defines a kernel parameter to be set */
export type Sysctl = {
  /** Name of a property to set */
  name: string;
  /** Value of a property to set */
  value: string;
};

/** WindowsSecurityContextOptions contain Windows-specific options and credentials. */
export type WindowsSecurityContextOptions = {
  /** GMSACredentialSpec is where the GMSA admission webhook (https://github.com/kubernetes-sigs/windows-gmsa) inlines the contents of the GMSA credential spec named by the GMSACredentialSpecName field. */
  gmsaCredentialSpec?: string;
  /** GMSACredentialSpecName is the name of the GMSA credential spec to use. */
  gmsaCredentialSpecName?: string;
  /** HostProcess determines if a container should be run as a 'Host Process' container. */
  hostProcess?: boolean;
  /** The UserName in Windows to run the entrypoint of the container process. */
  runAsUserName?: string;
};

/** AzureFile represents an Azure File Service mount on the host and bind mount to the pod. */
export type AzureFileVolumeSource = {
  /** readOnly defaults to false (read/write). */
  readOnly?: boolean;
  /** secretName is the name of secret that contains Azure Storage Account Name and Key */
  secretName: string;
  /** shareName is the azure share Name */
  shareName: string;
};

/** Represents a Ceph Filesystem mount that lasts the lifetime of a pod Cephfs volumes do not support ownership management or SELinux relabeling. */
export type CephFSVolumeSource = {
  /** monitors is Required: Monitors is a collection of Ceph monitors More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it */
  monitors: Array<string>;
  /** path is Optional: Used as the mounted root, rather than the full Ceph tree, default is / */
  path?: string;
  /** readOnly is Optional: Defaults to false (read/write). */
  readOnly?: boolean;
  /** secretFile is Optional: SecretFile is the path to key ring for User, default is /etc/ceph/user.secret More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it */
  secretFile?: string;
  /** secretRef is Optional: SecretRef is reference to the authentication secret for User, default is empty. */
  secretRef?: LocalObjectReference;
  /** user is optional: User is the rados user name, default is admin More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it */
  user?: string;
};

/** Represents a cinder volume resource in Openstack. */
export type CinderVolumeSource = {
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** readOnly defaults to false (read/write). */
  readOnly?: boolean;
  /** secretRef is optional: points to a secret object containing parameters used to connect to OpenStack. */
  secretRef?: LocalObjectReference;
  /** volumeID used to identify the volume in cinder. */
  volumeID: string;
};

/** Adapts a ConfigMap into a volume. */
export type ConfigMapVolumeSource = {
  /** defaultMode is optional: mode bits used to set permissions on created files by default. */
  defaultMode?: number;
  /** defaultUser is Optional: The owner UID of the created files by default. */
  defaultUser?: number;
  /** items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value. */
  items?: Array<KeyToPath>;
  /** Name of the referent. */
  name?: string;
  /** optional specify whether the ConfigMap or its keys must be defined */
  optional?: boolean;
};

/** Represents a source location of a volume to mount, managed by an external CSI driver */
export type CSIVolumeSource = {
  /** driver is the name of the CSI driver that handles this volume. */
  driver: string;
  /** fsType to mount. */
  fsType?: string;
  /** nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls. */
  nodePublishSecretRef?: LocalObjectReference;
  /** readOnly specifies a read-only configuration for the volume. */
  readOnly?: boolean;
  /** volumeAttributes stores driver-specific properties that are passed to the CSI driver. */
  volumeAttributes?: Record<string, string>;
};

/** DownwardAPIVolumeSource represents a volume containing downward API info. */
export type DownwardAPIVolumeSource = {
  /** Optional: mode bits to use on created files by default. */
  defaultMode?: number;
  /** defaultUser is Optional: The owner UID of the created files by default. */
  defaultUser?: number;
  /** Items is a list of downward API volume file */
  items?: Array<DownwardAPIVolumeFile>;
};

/** Represents an empty directory for a pod. */
export type EmptyDirVolumeSource = {
  /** medium represents what type of storage medium should back this directory. */
  medium?: string;
  /** mode specifies the permission bits for the emptyDir directory, in numeric notation (e.g., 0755, 01777). */
  mode?: number;
  /** sizeLimit is the total amount of local storage required for this EmptyDir volume. */
  sizeLimit?: string | number;
};

/** Represents an ephemeral volume that is handled by a normal storage driver. */
export type EphemeralVolumeSource = {
  /** Will be used to create a stand-alone PVC to provision the volume. */
  volumeClaimTemplate?: PersistentVolumeClaimTemplate;
};

/** FlexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin. */
export type FlexVolumeSource = {
  /** driver is the name of the driver to use for this volume. */
  driver: string;
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** options is Optional: this field holds extra command options if any. */
  options?: Record<string, string>;
  /** readOnly is Optional: defaults to false (read/write). */
  readOnly?: boolean;
  /** secretRef is Optional: secretRef is reference to the secret object containing sensitive information to pass to the plugin scripts. */
  secretRef?: LocalObjectReference;
};

/** Represents a volume that is populated with the contents of a git repository. */
export type GitRepoVolumeSource = {
  /** directory is the target directory name. */
  directory?: string;
  /** repository is the URL */
  repository: string;
  /** revision is the commit hash for the specified revision. */
  revision?: string;
};

/** Represents a Glusterfs mount that lasts the lifetime of a pod. */
export type GlusterfsVolumeSource = {
  /** endpoints is the endpoint name that details Glusterfs topology. */
  endpoints: string;
  /** path is the Glusterfs volume path. */
  path: string;
  /** readOnly here will force the Glusterfs volume to be mounted with read-only permissions. */
  readOnly?: boolean;
};

/** ImageVolumeSource represents a image volume resource. */
export type ImageVolumeSource = {
  /** Policy for pulling OCI objects. */
  pullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Required: Image or artifact reference to be used. */
  reference?: string;
};

/** Represents an ISCSI disk. */
export type ISCSIVolumeSource = {
  /** chapAuthDiscovery defines whether support iSCSI Discovery CHAP authentication */
  chapAuthDiscovery?: boolean;
  /** chapAuthSession defines whether support iSCSI Session CHAP authentication */
  chapAuthSession?: boolean;
  /** fsType is the filesystem type of the volume that you want to mount. */
  fsType?: string;
  /** initiatorName is the custom iSCSI Initiator Name. */
  initiatorName?: string;
  /** iqn is the target iSCSI Qualified Name. */
  iqn: string;
  /** iscsiInterface is the interface Name that uses an iSCSI transport. */
  iscsiInterface?: string;
  /** lun represents iSCSI Target Lun number. */
  lun: number;
  /** portals is the iSCSI Target Portal List. */
  portals?: Array<string>;
  /** readOnly here will force the ReadOnly setting in VolumeMounts. */
  readOnly?: boolean;
  /** secretRef is the CHAP Secret for iSCSI target and initiator authentication */
  secretRef?: LocalObjectReference;
  /** targetPortal is iSCSI Target Portal. */
  targetPortal: string;
};

/** PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace. */
export type PersistentVolumeClaimVolumeSource = {
  /** claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume. */
  claimName: string;
  /** readOnly Will force the ReadOnly setting in VolumeMounts. */
  readOnly?: boolean;
};

/** Represents a projected volume source */
export type ProjectedVolumeSource = {
  /** defaultMode are the mode bits used to set permissions on created files by default. */
  defaultMode?: number;
  /** defaultUser is Optional: The owner UID of the created files by default. */
  defaultUser?: number;
  /** sources is the list of volume projections. */
  sources?: Array<VolumeProjection>;
};

/** Represents a Rados Block Device mount that lasts the lifetime of a pod. */
export type RBDVolumeSource = {
  /** fsType is the filesystem type of the volume that you want to mount. */
  fsType?: string;
  /** image is the rados image name. */
  image: string;
  /** keyring is the path to key ring for RBDUser. */
  keyring?: string;
  /** monitors is a collection of Ceph monitors. */
  monitors: Array<string>;
  /** pool is the rados pool name. */
  pool?: string;
  /** readOnly here will force the ReadOnly setting in VolumeMounts. */
  readOnly?: boolean;
  /** secretRef is name of the authentication secret for RBDUser. */
  secretRef?: LocalObjectReference;
  /** user is the rados user name. */
  user?: string;
};

/** ScaleIOVolumeSource represents a persistent ScaleIO volume */
export type ScaleIOVolumeSource = {
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** gateway is the host address of the ScaleIO API Gateway. */
  gateway: string;
  /** protectionDomain is the name of the ScaleIO Protection Domain for the configured storage. */
  protectionDomain?: string;
  /** readOnly Defaults to false (read/write). */
  readOnly?: boolean;
  /** secretRef references to the secret for ScaleIO user and other sensitive information. */
  secretRef: LocalObjectReference;
  /** sslEnabled Flag enable/disable SSL communication with Gateway, default false */
  sslEnabled?: boolean;
  /** storageMode indicates whether the storage for a volume should be ThickProvisioned or ThinProvisioned. */
  storageMode?: string;
  /** storagePool is the ScaleIO Storage Pool associated with the protection domain. */
  storagePool?: string;
  /** system is the name of the storage system as configured in ScaleIO. */
  system: string;
  /** volumeName is the name of a volume already created in the ScaleIO system that is associated with this volume source. */
  volumeName?: string;
};

/** Adapts a Secret into a volume. */
export type SecretVolumeSource = {
  /** defaultMode is Optional: mode bits used to set permissions on created files by default. */
  defaultMode?: number;
  /** defaultUser is Optional: The owner UID of the created files by default. */
  defaultUser?: number;
  /** items If unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value. */
  items?: Array<KeyToPath>;
  /** optional field specify whether the Secret or its keys must be defined */
  optional?: boolean;
  /** secretName is the name of the secret in the pod's namespace to use. */
  secretName?: string;
};

/** Represents a StorageOS persistent volume resource. */
export type StorageOSVolumeSource = {
  /** fsType is the filesystem type to mount. */
  fsType?: string;
  /** readOnly defaults to false (read/write). */
  readOnly?: boolean;
  /** secretRef specifies the secret to use for obtaining the StorageOS API credentials. */
  secretRef?: LocalObjectReference;
  /** volumeName is the human-readable name of the StorageOS volume. */
  volumeName?: string;
  /** volumeNamespace specifies the scope of the volume within StorageOS. */
  volumeNamespace?: string;
};

/** ResourceStatus represents the status of a single resource allocated to a Pod. */
export type ResourceStatus = {
  /** Name of the resource. */
  name: string;
  /** List of unique resources health. */
  resources?: Array<ResourceHealth>;
};

/** ContainerState holds a possible state of container. */
export type ContainerState = {
  /** Details about a running container */
  running?: ContainerStateRunning;
  /** Details about a terminated container */
  terminated?: ContainerStateTerminated;
  /** Details about a waiting container */
  waiting?: ContainerStateWaiting;
};

/** ContainerUser represents user identity information */
export type ContainerUser = {
  /** Linux holds user identity information initially attached to the first process of the containers in Linux. */
  linux?: LinuxContainerUser;
};

/** VolumeMountStatus shows status of volume mounts. */
export type VolumeMountStatus = {
  /** MountPath corresponds to the original VolumeMount. */
  mountPath: string;
  /** Name corresponds to the name of the original VolumeMount. */
  name: string;
  /** ReadOnly corresponds to the original VolumeMount. */
  readOnly?: boolean;
  /** RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts). */
  recursiveReadOnly?: string;
  /** volumeStatus represents volume-type-specific status about the mounted volume. */
  volumeStatus?: VolumeStatus;
};

/** ContainerExtendedResourceRequest has the mapping of container name, extended resource name to the device request name. */
export type ContainerExtendedResourceRequest = {
  /** The name of the container requesting resources. */
  containerName: string;
  /** The name of the request in the special ResourceClaim which corresponds to the extended resource. */
  requestName: string;
  /** The name of the extended resource in that container which gets backed by DRA. */
  resourceName: string;
};

/** NodeAllocatableMappedResources describes mapped node allocatable resource allocations. */
export type NodeAllocatableMappedResources = {
  /** Name is the name of the resource (e.g., cpu, memory). */
  name: string;
  /** Quantity is the total node allocatable resource capacity allocated for the claim. */
  quantity: string | number;
};

/** NodeAllocatableOverheadResources describes auxiliary overhead resource allocations. */
export type NodeAllocatableOverheadResources = {
  /** Name is the name of the resource (e.g., cpu, memory). */
  name: string;
  /** PerContainer is the variable overhead quantity applied for each container referencing the claim. */
  perContainer?: string | number;
  /** PerPod is the flat overhead quantity allocated per pod. */
  perPod?: string | number;
};

/** A scoped-resource selector requirement is a selector that contains values, a scope name, and an operator that relates the scope name and values. */
export type ScopedResourceSelectorRequirement = {
  /** Represents a scope's relationship to a set of values. */
  operator: "DoesNotExist" | "Exists" | "In" | "NotIn";
  /** The name of the scope that the selector applies to. */
  scopeName:
    | "BestEffort"
    | "CrossNamespacePodAffinity"
    | "NotBestEffort"
    | "NotTerminating"
    | "PriorityClass"
    | "Terminating"
    | "VolumeAttributesClass";
  /** An array of string values. */
  values?: Array<string>;
};

/** ClientIPConfig represents the configurations of Client IP based session affinity. */
export type ClientIPConfig = {
  /** timeoutSeconds specifies the seconds of ClientIP type session sticky time. */
  timeoutSeconds?: number;
};

/** LoadBalancerIngress represents the status of a load-balancer ingress point: traffic intended for the service should be sent to an ingress point. */
export type LoadBalancerIngress = {
  /** Hostname is set for load-balancer ingress points that are DNS based (typically AWS load-balancers) */
  hostname?: string;
  /** IP is set for load-balancer ingress points that are IP based (typically GCE or OpenStack load-balancers) */
  ip?: string;
  /** IPMode specifies how the load-balancer IP behaves, and may only be specified when the ip field is specified. */
  ipMode?: string;
  /** Ports is a list of records of service ports If used, every port defined in the service should have an entry in it */
  ports?: Array<PortStatus>;
};

/** Spec to control the desired behavior of daemon set rolling update. */
export type RollingUpdateDaemonSet = {
  /** The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during during an update. */
  maxSurge?: number | string;
  /** The maximum number of DaemonSet pods that can be unavailable during the update. */
  maxUnavailable?: number | string;
};

/** Spec to control the desired behavior of rolling update. */
export type RollingUpdateDeployment = {
  /** The maximum number of pods that can be scheduled above the desired number of pods. */
  maxSurge?: number | string;
  /** The maximum number of pods that can be unavailable during the update. */
  maxUnavailable?: number | string;
};

/** RollingUpdateStatefulSetStrategy is used to communicate parameter for RollingUpdateStatefulSetStrategyType. */
export type RollingUpdateStatefulSetStrategy = {
  /** The maximum number of pods that can be unavailable during the update. */
  maxUnavailable?: number | string;
  /** Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. */
  partition?: number;
};

/** PodFailurePolicyRule describes how a pod failure is handled when the requirements are met. */
export type PodFailurePolicyRule = {
  /** Specifies the action taken on a pod failure when the requirements are satisfied. */
  action: "Count" | "FailIndex" | "FailJob" | "Ignore";
  /** Represents the requirement on the container exit codes. */
  onExitCodes?: PodFailurePolicyOnExitCodesRequirement;
  /** Represents the requirement on the pod conditions. */
  onPodConditions?: Array<PodFailurePolicyOnPodConditionsPattern>;
};

/** WorkloadPodGroupDisruptionMode defines how individual pods within a group can be disrupted. */
export type WorkloadPodGroupDisruptionMode = {
  /** all specifies that all pods in the group must be disrupted together. */
  all?: WorkloadPodGroupAllDisruptionMode;
  /** single specifies that pods can be disrupted independently from each other. */
  single?: WorkloadPodGroupSingleDisruptionMode;
};

/** WorkloadPodGroupResourceClaim references a dynamic resource claim that is shared across pods in the group. */
export type WorkloadPodGroupResourceClaim = {
  /** name uniquely identifies this resource claim inside the group. */
  name: string;
  /** resourceClaimName is the name of a ResourceClaim object in the same namespace. */
  resourceClaimName?: string;
  /** resourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace. */
  resourceClaimTemplateName?: string;
};

/** WorkloadPodGroupSchedulingConstraints defines leaf-level scheduling constraints, such as topology. */
export type WorkloadPodGroupSchedulingConstraints = {
  /** topology specifies desired topological placements for all pods within the pod group. */
  topology?: Array<TopologyConstraint>;
};

/** WorkloadPodGroupSchedulingPolicy defines the scheduling policy for a group of pods managed by a workload controller. */
export type WorkloadPodGroupSchedulingPolicy = {
  /** basic specifies that standard, pod-by-pod Kubernetes scheduling behavior should be used. */
  basic?: WorkloadPodGroupBasicSchedulingPolicy;
  /** gang specifies all-or-nothing scheduling semantics. */
  gang?: WorkloadPodGroupGangSchedulingPolicy;
};

/** SuccessPolicyRule describes rule for declaring a Job as succeeded. */
export type SuccessPolicyRule = {
  /** succeededCount specifies the minimal required size of the actual set of the succeeded indexes for the Job. */
  succeededCount?: number;
  /** succeededIndexes specifies the set of indexes which need to be contained in the actual set of the succeeded indexes for the Job. */
  succeededIndexes?: string;
};

/** IngressServiceBackend references a Kubernetes Service as a Backend. */
export type IngressServiceBackend = {
  /** name is the referenced service. */
  name: string;
  /** port of the referenced service. */
  port?: ServiceBackendPort;
};

/** HTTPIngressRuleValue is a list of http selectors pointing to backends. */
export type HTTPIngressRuleValue = {
  /** paths is a collection of paths that map requests to backends. */
  paths: Array<HTTPIngressPath>;
};

/** IngressLoadBalancerIngress represents the status of a load-balancer ingress point. */
export type IngressLoadBalancerIngress = {
  /** hostname is set for load-balancer ingress points that are DNS based. */
  hostname?: string;
  /** ip is set for load-balancer ingress points that are IP based. */
  ip?: string;
  /** ports provides information about the ports exposed by this LoadBalancer. */
  ports?: Array<IngressPortStatus>;
};

/** NetworkPolicyPort describes a port to allow traffic on */
export type NetworkPolicyPort = {
  /** endPort indicates that the range of ports from port to endPort if set, inclusive, should be allowed by the policy. */
  endPort?: number;
  /** port represents the port on the given protocol. */
  port?: number | string;
  /** protocol represents the protocol (TCP, UDP, or SCTP) which traffic must match. */
  protocol?: "SCTP" | "TCP" | "UDP";
};

/** NetworkPolicyPeer describes a peer to allow traffic to/from. */
export type NetworkPolicyPeer = {
  /** ipBlock defines policy on a particular IPBlock. */
  ipBlock?: IPBlock;
  /** namespaceSelector selects namespaces using cluster-scoped labels. */
  namespaceSelector?: LabelSelector;
  /** podSelector is a label selector which selects pods. */
  podSelector?: LabelSelector;
};

/** ForNode provides information about which nodes should consume this endpoint. */
export type ForNode = {
  /** name represents the name of the node. */
  name: string;
};

/** ForZone provides information about which zones should consume this endpoint. */
export type ForZone = {
  /** name represents the name of the zone. */
  name: string;
};

/** HPAScalingRules configures the scaling behavior for one direction via scaling Policy Rules and a configurable metric tolerance. */
export type HPAScalingRules = {
  /** policies is a list of potential scaling polices which can be used during scaling. */
  policies?: Array<HPAScalingPolicy>;
  /** selectPolicy is used to specify which policy should be used. */
  selectPolicy?: string;
  /** stabilizationWindowSeconds is the number of seconds for which past recommendations should be considered while scaling up or scaling down. */
  stabilizationWindowSeconds?: number;
  /** tolerance is the tolerance on the ratio between the current and desired metric value under which no updates are made to the desired number of replicas (e.g. */
  tolerance?: string | number;
};

/** ContainerResourceMetricSource indicates how to scale on a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g. */
export type ContainerResourceMetricSource = {
  /** container is the name of the container in the pods of the scaling target */
  container: string;
  /** name is the name of the resource in question. */
  name: string;
  /** target specifies the target value for the given metric */
  target: MetricTarget;
};

/** ExternalMetricSource indicates how to scale on a metric not associated with any Kubernetes object (for example length of queue in cloud messaging service, or QPS from loadbalancer running outside o... */
export type ExternalMetricSource = {
  /** metric identifies the target metric by name and selector */
  metric: MetricIdentifier;
  /** target specifies the target value for the given metric */
  target: MetricTarget;
};

/** ObjectMetricSource indicates how to scale on a metric describing a kubernetes object (for example, hits-per-second on an Ingress object). */
export type ObjectMetricSource = {
  /** describedObject specifies the descriptions of a object,such as kind,name apiVersion */
  describedObject: CrossVersionObjectReference;
  /** metric identifies the target metric by name and selector */
  metric: MetricIdentifier;
  /** target specifies the target value for the given metric */
  target: MetricTarget;
};

/** PodsMetricSource indicates how to scale on a metric describing each pod in the current scale target (for example, transactions-processed-per-second). */
export type PodsMetricSource = {
  /** metric identifies the target metric by name and selector */
  metric: MetricIdentifier;
  /** target specifies the target value for the given metric */
  target: MetricTarget;
};

/** ResourceMetricSource indicates how to scale on a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g. */
export type ResourceMetricSource = {
  /** name is the name of the resource in question. */
  name: string;
  /** target specifies the target value for the given metric */
  target: MetricTarget;
};

/** ContainerResourceMetricStatus indicates the current value of a resource metric known to Kubernetes, as specified in requests and limits, describing a single container in each pod in the current sca... */
export type ContainerResourceMetricStatus = {
  /** container is the name of the container in the pods of the scaling target */
  container: string;
  /** current contains the current value for the given metric */
  current: MetricValueStatus;
  /** name is the name of the resource in question. */
  name: string;
};

/** ExternalMetricStatus indicates the current value of a global metric not associated with any Kubernetes object. */
export type ExternalMetricStatus = {
  /** current contains the current value for the given metric */
  current: MetricValueStatus;
  /** metric identifies the target metric by name and selector */
  metric: MetricIdentifier;
};

/** ObjectMetricStatus indicates the current value of a metric describing a kubernetes object (for example, hits-per-second on an Ingress object). */
export type ObjectMetricStatus = {
  /** current contains the current value for the given metric */
  current: MetricValueStatus;
  /** describedObject specifies the descriptions of a object,such as kind,name apiVersion */
  describedObject: CrossVersionObjectReference;
  /** metric identifies the target metric by name and selector */
  metric: MetricIdentifier;
};

/** PodsMetricStatus indicates the current value of a metric describing each pod in the current scale target (for example, transactions-processed-per-second). */
export type PodsMetricStatus = {
  /** current contains the current value for the given metric */
  current: MetricValueStatus;
  /** metric identifies the target metric by name and selector */
  metric: MetricIdentifier;
};

/** ResourceMetricStatus indicates the current value of a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g. */
export type ResourceMetricStatus = {
  /** current contains the current value for the given metric */
  current: MetricValueStatus;
  /** name is the name of the resource in question. */
  name: string;
};

/** WebhookConversion describes how to call a conversion webhook */
export type WebhookConversion = {
  /** clientConfig is the instructions for how to call the webhook if strategy is `Webhook`. */
  clientConfig?: WebhookClientConfig;
  /** conversionReviewVersions is an ordered list of preferred `ConversionReview` versions the Webhook expects. */
  conversionReviewVersions: Array<string>;
};

/** CustomResourceColumnDefinition specifies a column for server side printing. */
export type CustomResourceColumnDefinition = {
  /** description is a human readable description of this column. */
  description?: string;
  /** format is an optional OpenAPI type definition for this column. */
  format?: string;
  /** jsonPath is a simple JSON path (i.e. */
  jsonPath: string;
  /** name is a human readable name for the column. */
  name: string;
  /** priority is an integer defining the relative importance of this column compared to others. */
  priority?: number;
  /** type is an OpenAPI type definition for this column. */
  type: string;
};

/** CustomResourceValidation is a list of validation methods for CustomResources. */
export type CustomResourceValidation = {
  /** openAPIV3Schema is the OpenAPI v3 schema to use for validation and pruning. */
  openAPIV3Schema?: JSONSchemaProps;
};

/** SelectableField specifies the JSON path of a field that may be used with field selectors. */
export type SelectableField = {
  /** jsonPath is a simple JSON path which is evaluated against each custom resource to produce a field selector value. */
  jsonPath: string;
};

/** CustomResourceSubresources defines the status and scale subresources for CustomResources. */
export type CustomResourceSubresources = {
  /** scale indicates the custom resource should serve a `/scale` subresource that returns an `autoscaling/v1` Scale object. */
  scale?: CustomResourceSubresourceScale;
  /** status indicates the custom resource should serve a `/status` subresource. */
  status?: CustomResourceSubresourceStatus;
};

/** A null or empty node selector term matches no objects. */
export type NodeSelectorTerm = {
  /** A list of node selector requirements by node's labels. */
  matchExpressions?: Array<NodeSelectorRequirement>;
  /** A list of node selector requirements by node's fields. */
  matchFields?: Array<NodeSelectorRequirement>;
};

/** An empty preferred scheduling term matches all objects with implicit weight 0 (i.e. */
export type PreferredSchedulingTerm = {
  /** A node selector term, associated with the corresponding weight. */
  preference: NodeSelectorTerm;
  /** Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100. */
  weight: number;
};

/** The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s) */
export type WeightedPodAffinityTerm = {
  /** Required. */
  podAffinityTerm: PodAffinityTerm;
  /** weight associated with matching the corresponding podAffinityTerm, in the range 1-100. */
  weight: number;
};

/** Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with, where co-loc... */
export type PodAffinityTerm = {
  /** A label query over a set of resources, in this case pods. */
  labelSelector?: LabelSelector;
  /** MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. */
  matchLabelKeys?: Array<string>;
  /** MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. */
  mismatchLabelKeys?: Array<string>;
  /** A label query over the set of namespaces that the term applies to. */
  namespaceSelector?: LabelSelector;
  /** namespaces specifies a static list of namespace names that the term applies to. */
  namespaces?: Array<string>;
  /** This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node who... */
  topologyKey: string;
};

/** EnvVarSource represents a source for the value of an EnvVar. */
export type EnvVarSource = {
  /** Selects a key of a ConfigMap. */
  configMapKeyRef?: ConfigMapKeySelector;
  /** Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels['<KEY>']`, `metadata.annotations['<KEY>']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.po... */
  fieldRef?: ObjectFieldSelector;
  /** FileKeyRef selects a key of the env file. */
  fileKeyRef?: FileKeySelector;
  /** Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory and requests.ephemeral-storage) are curre... */
  resourceFieldRef?: ResourceFieldSelector;
  /** Selects a key of a secret in the pod's namespace */
  secretKeyRef?: SecretKeySelector;
};

/** ConfigMapEnvSource selects a ConfigMap to populate the environment variables with. */
export type ConfigMapEnvSource = {
  /** Name of the referent. */
  name?: string;
  /** Specify whether the ConfigMap must be defined */
  optional?: boolean;
};

/** SecretEnvSource selects a Secret to populate the environment variables with. */
export type SecretEnvSource = {
  /** Name of the referent. */
  name?: string;
  /** Specify whether the Secret must be defined */
  optional?: boolean;
};

/** LifecycleHandler defines a specific action that should be taken in a lifecycle hook. */
export type LifecycleHandler = {
  /** Exec specifies a command to execute in the container. */
  exec?: ExecAction;
  /** HTTPGet specifies an HTTP GET request to perform. */
  httpGet?: HTTPGetAction;
  /** Sleep represents a duration that the container should sleep. */
  sleep?: SleepAction;
  /** Deprecated. */
  tcpSocket?: TCPSocketAction;
};

/** ExecAction describes a "run in container" action. */
export type ExecAction = {
  /** Command is the command line to execute inside the container, the working directory for the command is root ('/') in the container's filesystem. */
  command?: Array<string>;
};

/** GRPCAction specifies an action involving a GRPC service. */
export type GRPCAction = {
  /** mode specifies the connection mode for the gRPC health probe. */
  mode?: "Plaintext" | "TLS";
  /** Port number of the gRPC service. */
  port: number;
  /** Service is the name of the service to place in the gRPC HealthCheckRequest (see https://github.com/grpc/grpc/blob/master/doc/health-checking.md). */
  service?: string;
};

/** HTTPGetAction describes an action based on HTTP Get requests. */
export type HTTPGetAction = {
  /** Host name to connect to, defaults to the pod IP. */
  host?: string;
  /** Custom headers to set in the request. */
  httpHeaders?: Array<HTTPHeader>;
  /** Path to access on the HTTP server. */
  path?: string;
  /** Name or number of the port to access on the container. */
  port: number | string;
  /** Protocol selects the wire protocol for the probe connection. */
  protocol?: "HTTP1" | "HTTP2";
  /** Scheme to use for connecting to the host. */
  scheme?: "HTTP" | "HTTPS";
};

/** TCPSocketAction describes an action based on opening a socket */
export type TCPSocketAction = {
  /** Optional: Host name to connect to, defaults to the pod IP. */
  host?: string;
  /** Number or name of the port to access on the container. */
  port: number | string;
};

/** ContainerRestartRuleOnExitCodes describes the condition for handling an exited container based on its exit codes. */
export type ContainerRestartRuleOnExitCodes = {
  /** Represents the relationship between the container exit code(s) and the specified values. */
  operator: string;
  /** Specifies the set of values to check for container exit codes. */
  values?: Array<number>;
};

/** Adds and removes POSIX capabilities from running containers. */
export type Capabilities = {
  /** Added capabilities */
  add?: Array<string>;
  /** Removed capabilities */
  drop?: Array<string>;
};

/** Maps a string key to a path within a volume. */
export type KeyToPath = {
  /** key is the key to project. */
  key: string;
  /** mode is Optional: mode bits used to set permissions on this file. */
  mode?: number;
  /** path is the relative path of the file to map the key to. */
  path: string;
  /** user is Optional: The owner UID of the created file. */
  user?: number;
};

/** DownwardAPIVolumeFile represents information to create the file containing the pod field */
export type DownwardAPIVolumeFile = {
  /** Required: Selects a field of the pod: only annotations, labels, name, namespace and uid are supported. */
  fieldRef?: ObjectFieldSelector;
  /** Optional: mode bits used to set permissions on this file, must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. */
  mode?: number;
  /** Required: Path is the relative path name of the file to be created. */
  path: string;
  /** Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, requests.cpu and requests.memory) are currently supported. */
  resourceFieldRef?: ResourceFieldSelector;
  /** user is Optional: The owner UID of the created file. */
  user?: number;
};

/** PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource. */
export type PersistentVolumeClaimTemplate = {
  /** May contain labels and annotations that will be copied into the PVC when creating it. */
  metadata?: ObjectMeta;
  /** The specification for the PersistentVolumeClaim. */
  spec: PersistentVolumeClaimSpec;
};

/** Projection that may be projected along with other supported volume types. */
export type VolumeProjection = {
  /** ClusterTrustBundle allows a pod to access the `.spec.trustBundle` field of ClusterTrustBundle objects in an auto-updating file. */
  clusterTrustBundle?: ClusterTrustBundleProjection;
  /** configMap information about the configMap data to project */
  configMap?: ConfigMapProjection;
  /** downwardAPI information about the downwardAPI data to project */
  downwardAPI?: DownwardAPIProjection;
  /** Projects an auto-rotating credential bundle (private key and certificate chain) that the pod can use either as a TLS client or server. */
  podCertificate?: PodCertificateProjection;
  /** secret information about the secret data to project */
  secret?: SecretProjection;
  /** serviceAccountToken is information about the serviceAccountToken data to project */
  serviceAccountToken?: ServiceAccountTokenProjection;
};

/** ResourceHealth represents the health of a resource. */
export type ResourceHealth = {
  /** Health of the resource. */
  health?: string;
  /** Message provides human-readable context for Health (e.g. */
  message?: string;
  /** ResourceID is the unique identifier of the resource. */
  resourceID: string;
};

/** ContainerStateRunning is a running state of a container. */
export type ContainerStateRunning = {
  /** Time at which the container was last (re-)started */
  startedAt?: string;
};

/** ContainerStateTerminated is a terminated state of a container. */
export type ContainerStateTerminated = {
  /** Container's ID in the format '<type>://<container_id>' */
  containerID?: string;
  /** Exit status from the last termination of the container */
  exitCode: number;
  /** Time at which the container last terminated */
  finishedAt?: string;
  /** Message regarding the last termination of the container */
  message?: string;
  /** (brief) reason from the last termination of the container */
  reason?: string;
  /** Signal from the last termination of the container */
  signal?: number;
  /** Time at which previous execution of the container started */
  startedAt?: string;
};

/** ContainerStateWaiting is a waiting state of a container. */
export type ContainerStateWaiting = {
  /** Message regarding why the container is not yet running. */
  message?: string;
  /** (brief) reason the container is not yet running. */
  reason?: string;
};

/** LinuxContainerUser represents user identity information in Linux containers */
export type LinuxContainerUser = {
  /** GID is the primary gid initially attached to the first process in the container */
  gid: number;
  /** SupplementalGroups are the supplemental groups initially attached to the first process in the container */
  supplementalGroups?: Array<number>;
  /** UID is the primary uid initially attached to the first process in the container */
  uid: number;
};

/** VolumeStatus represents the status of a mounted volume. */
export type VolumeStatus = {
  /** image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine. */
  image?: ImageVolumeStatus;
};

/** PortStatus represents the error condition of a service port */
export type PortStatus = {
  /** Error is to record the problem with the service port The format of the error shall comply with the following rules: - built-in error values shall be specified in this file and those shall use Camel... */
  error?: string;
  /** Port is the port number of the service port of which status is recorded here */
  port: number;
  /** Protocol is the protocol of the service port of which status is recorded here The supported values are: "TCP", "UDP", "SCTP" Possible enum values: - `"SCTP"` is the SCTP protocol. */
  protocol: "SCTP" | "TCP" | "UDP";
};

/** PodFailurePolicyOnExitCodesRequirement describes the requirement for handling a failed pod based on its container exit codes. */
export type PodFailurePolicyOnExitCodesRequirement = {
  /** Restricts the check for exit codes to the container with the specified name. */
  containerName?: string;
  /** Represents the relationship between the container exit code(s) and the specified values. */
  operator: "In" | "NotIn";
  /** Specifies the set of values. */
  values: Array<number>;
};

/** PodFailurePolicyOnPodConditionsPattern describes a pattern for matching an actual pod condition type. */
export type PodFailurePolicyOnPodConditionsPattern = {
  /** Specifies the required Pod condition status. */
  status?: string;
  /** Specifies the required Pod condition type. */
  type: string;
};

/** WorkloadPodGroupAllDisruptionMode indicates that all pods in the group must be disrupted together. */
export type WorkloadPodGroupAllDisruptionMode = Record<string, unknown>;

/** WorkloadPodGroupSingleDisruptionMode indicates that individual pods can be disrupted independently. */
export type WorkloadPodGroupSingleDisruptionMode = Record<string, unknown>;

/** TopologyConstraint defines a topology constraint for a PodGroup. */
export type TopologyConstraint = {
  /** key specifies the key of the node label representing the topology domain. */
  key: string;
};

/** WorkloadPodGroupBasicSchedulingPolicy indicates standard Kubernetes scheduling behavior. */
export type WorkloadPodGroupBasicSchedulingPolicy = Record<string, unknown>;

/** WorkloadPodGroupGangSchedulingPolicy defines the parameters for gang (all-or-nothing) scheduling. */
export type WorkloadPodGroupGangSchedulingPolicy = {
  /** minCount is the minimum number of pods that must be scheduled at the same time for the scheduler to admit the entire group. */
  minCount?: number;
};

/** ServiceBackendPort is the service port being referenced. */
export type ServiceBackendPort = {
  /** name is the name of the port on the Service. */
  name?: string;
  /** number is the numerical port number (e.g. */
  number?: number;
};

/** HTTPIngressPath associates a path with a backend. */
export type HTTPIngressPath = {
  /** backend defines the referenced service endpoint to which the traffic will be forwarded to. */
  backend: IngressBackend;
  /** path is matched against the path of an incoming request. */
  path?: string;
  /** pathType determines the interpretation of the path matching. */
  pathType: "Exact" | "ImplementationSpecific" | "Prefix";
};

/** IngressPortStatus represents the error condition of a service port */
export type IngressPortStatus = {
  /** error is to record the problem with the service port The format of the error shall comply with the following rules: - built-in error values shall be specified in this file and those shall use Camel... */
  error?: string;
  /** port is the port number of the ingress port. */
  port: number;
  /** protocol is the protocol of the ingress port. */
  protocol: "SCTP" | "TCP" | "UDP";
};

/** IPBlock describes a particular CIDR (Ex. */
export type IPBlock = {
  /** cidr is a string representing the IPBlock Valid examples are "192.168.1.0/24" or "2001:db8::/64" */
  cidr: string;
  /** except is a slice of CIDRs that should not be included within an IPBlock Valid examples are "192.168.1.0/24" or "2001:db8::/64" Except values will be rejected if they are outside the cidr range */
  except?: Array<string>;
};

/** HPAScalingPolicy is a single policy which must hold true for a specified past interval. */
export type HPAScalingPolicy = {
  /** periodSeconds specifies the window of time for which the policy should hold true. */
  periodSeconds: number;
  /** type is used to specify the scaling policy. */
  type: string;
  /** value contains the amount of change which is permitted by the policy. */
  value: number;
};

/** MetricTarget defines the target value, average value, or average utilization of a specific metric */
export type MetricTarget = {
  /** averageUtilization is the target value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods. */
  averageUtilization?: number;
  /** averageValue is the target value of the average of the metric across all relevant pods (as a quantity) */
  averageValue?: string | number;
  /** type represents whether the metric type is Utilization, Value, or AverageValue */
  type: string;
  /** value is the target value of the metric (as a quantity). */
  value?: string | number;
};

/** MetricIdentifier defines the name and optionally selector for a metric */
export type MetricIdentifier = {
  /** name is the name of the given metric */
  name: string;
  /** selector is the string-encoded form of a standard kubernetes label selector for the given metric When set, it is passed as an additional parameter to the metrics server for more specific metrics sc... */
  selector?: LabelSelector;
};

/** MetricValueStatus holds the current value for a metric */
export type MetricValueStatus = {
  /** averageUtilization is the current value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods. */
  averageUtilization?: number;
  /** averageValue is the current value of the average of the metric across all relevant pods (as a quantity) */
  averageValue?: string | number;
  /** value is the current value of the metric (as a quantity). */
  value?: string | number;
};

/** WebhookClientConfig contains the information to make a TLS connection with the webhook. */
export type WebhookClientConfig = {
  /** caBundle is a PEM encoded CA bundle which will be used to validate the webhook's server certificate. */
  caBundle?: string;
  /** service is a reference to the service for this webhook. */
  service?: ServiceReference;
  /** url gives the location of the webhook, in standard URL form (`scheme://host:port/path`). */
  url?: string;
};

/** JSONSchemaProps is a JSON-Schema following Specification Draft 4 (http://json-schema.org/). */
export type JSONSchemaProps = {
  $ref?: string;
  $schema?: string;
  additionalItems?: JSONSchemaPropsOrBool;
  additionalProperties?: JSONSchemaPropsOrBool;
  allOf?: Array<JSONSchemaProps>;
  anyOf?: Array<JSONSchemaProps>;
  /** default is a default value for undefined object fields. */
  default?: unknown;
  definitions?: Record<string, JSONSchemaProps>;
  dependencies?: Record<string, JSONSchemaPropsOrStringArray>;
  description?: string;
  enum?: Array<unknown>;
  example?: unknown;
  exclusiveMaximum?: boolean;
  exclusiveMinimum?: boolean;
  externalDocs?: ExternalDocumentation;
  /** format is an OpenAPI v3 format string. */
  format?: string;
  id?: string;
  items?: JSONSchemaPropsOrArray;
  maxItems?: number;
  maxLength?: number;
  maxProperties?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  minProperties?: number;
  minimum?: number;
  multipleOf?: number;
  not?: JSONSchemaProps;
  nullable?: boolean;
  oneOf?: Array<JSONSchemaProps>;
  pattern?: string;
  patternProperties?: Record<string, JSONSchemaProps>;
  properties?: Record<string, JSONSchemaProps>;
  required?: Array<string>;
  title?: string;
  type?: string;
  uniqueItems?: boolean;
  /** x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object, with TypeMeta and ObjectMeta. */
  "x-kubernetes-embedded-resource"?: boolean;
  /** x-kubernetes-int-or-string specifies that this value is either an integer or a string. */
  "x-kubernetes-int-or-string"?: boolean;
  /** x-kubernetes-list-map-keys annotates an array with the x-kubernetes-list-type `map` by specifying the keys used as the index of the map. */
  "x-kubernetes-list-map-keys"?: Array<string>;
  /** x-kubernetes-list-type annotates an array to further describe its topology. */
  "x-kubernetes-list-type"?: string;
  /** x-kubernetes-map-type annotates an object to further describe its topology. */
  "x-kubernetes-map-type"?: string;
  /** x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema. */
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  /** x-kubernetes-validations describes a list of validation rules written in the CEL expression language. */
  "x-kubernetes-validations"?: Array<ValidationRule>;
};

/** CustomResourceSubresourceScale defines how to serve the scale subresource for CustomResources. */
export type CustomResourceSubresourceScale = {
  /** labelSelectorPath defines the JSON path inside of a custom resource that corresponds to Scale `status.selector`. */
  labelSelectorPath?: string;
  /** specReplicasPath defines the JSON path inside of a custom resource that corresponds to Scale `spec.replicas`. */
  specReplicasPath: string;
  /** statusReplicasPath defines the JSON path inside of a custom resource that corresponds to Scale `status.replicas`. */
  statusReplicasPath: string;
};

/** CustomResourceSubresourceStatus defines how to serve the status subresource for CustomResources. */
export type CustomResourceSubresourceStatus = Record<string, unknown>;

/** A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values. */
export type NodeSelectorRequirement = {
  /** The label key that the selector applies to. */
  key: string;
  /** Represents a key's relationship to a set of values. */
  operator: "DoesNotExist" | "Exists" | "Gt" | "In" | "Lt" | "NotIn";
  /** An array of string values. */
  values?: Array<string>;
};

/** Selects a key from a ConfigMap. */
export type ConfigMapKeySelector = {
  /** The key to select from the ConfigMap's Data field. */
  key: string;
  /** Name of the referent. */
  name?: string;
  /** Specify whether the ConfigMap or its key must be defined */
  optional?: boolean;
};

/** ObjectFieldSelector selects an APIVersioned field of an object. */
export type ObjectFieldSelector = {
  /** Version of the schema the FieldPath is written in terms of, defaults to "v1". */
  apiVersion?: string;
  /** Path of the field to select in the specified API version. */
  fieldPath: string;
};

/** FileKeySelector selects a key of the env file. */
export type FileKeySelector = {
  /** The key within the env file. */
  key: string;
  /** Specify whether the file or its key must be defined. */
  optional?: boolean;
  /** The path within the volume from which to select the file. */
  path: string;
  /** The name of the volume mount containing the env file. */
  volumeName: string;
};

/** ResourceFieldSelector represents container resources (cpu, memory) and their output format */
export type ResourceFieldSelector = {
  /** Container name: required for volumes, optional for env vars */
  containerName?: string;
  /** Specifies the output format of the exposed resources, defaults to "1" */
  divisor?: string | number;
  /** Required: resource to select */
  resource: string;
};

/** SecretKeySelector selects a key of a Secret. */
export type SecretKeySelector = {
  /** The key of the secret to select from. */
  key: string;
  /** Name of the referent. */
  name?: string;
  /** Specify whether the Secret or its key must be defined */
  optional?: boolean;
};

/** SleepAction describes a "sleep" action. */
export type SleepAction = {
  /** Seconds is the number of seconds to sleep. */
  seconds: number;
};

/** HTTPHeader describes a custom header to be used in HTTP probes */
export type HTTPHeader = {
  /** The header field name. */
  name: string;
  /** The header field value */
  value: string;
};

/** ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem. */
export type ClusterTrustBundleProjection = {
  /** Select all ClusterTrustBundles that match this label selector. */
  labelSelector?: LabelSelector;
  /** Select a single ClusterTrustBundle by object name. */
  name?: string;
  /** If true, don't block pod startup if the referenced ClusterTrustBundle(s) aren't available. */
  optional?: boolean;
  /** Relative path from the volume root to write the bundle. */
  path: string;
  /** Select all ClusterTrustBundles that match this signer name. */
  signerName?: string;
  /** user is Optional: The owner UID of the created file. */
  user?: number;
};

/** Adapts a ConfigMap into a projected volume. */
export type ConfigMapProjection = {
  /** items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value. */
  items?: Array<KeyToPath>;
  /** Name of the referent. */
  name?: string;
  /** optional specify whether the ConfigMap or its keys must be defined */
  optional?: boolean;
};

/** Represents downward API info for projecting into a projected volume. */
export type DownwardAPIProjection = {
  /** Items is a list of DownwardAPIVolume file */
  items?: Array<DownwardAPIVolumeFile>;
};

/** PodCertificateProjection provides a private key and X.509 certificate in the pod filesystem. */
export type PodCertificateProjection = {
  /** Write the certificate chain at this path in the projected volume. */
  certificateChainPath?: string;
  /** Write the credential bundle at this path in the projected volume. */
  credentialBundlePath?: string;
  /** Write the key at this path in the projected volume. */
  keyPath?: string;
  /** The type of keypair Kubelet will generate for the pod. */
  keyType: string;
  /** maxExpirationSeconds is the maximum lifetime permitted for the certificate. */
  maxExpirationSeconds?: number;
  /** Kubelet's generated CSRs will be addressed to this signer. */
  signerName: string;
  /** user is Optional: The owner UID of the created file. */
  user?: number;
  /** userAnnotations allow pod authors to pass additional information to the signer implementation. */
  userAnnotations?: Record<string, string>;
};

/** Adapts a secret into a projected volume. */
export type SecretProjection = {
  /** items if unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value. */
  items?: Array<KeyToPath>;
  /** Name of the referent. */
  name?: string;
  /** optional field specify whether the Secret or its key must be defined */
  optional?: boolean;
};

/** ServiceAccountTokenProjection represents a projected service account token volume. */
export type ServiceAccountTokenProjection = {
  /** audience is the intended audience of the token. */
  audience?: string;
  /** expirationSeconds is the requested duration of validity of the service account token. */
  expirationSeconds?: number;
  /** path is the path relative to the mount point of the file to project the token into. */
  path: string;
  /** user is Optional: The owner UID of the created file. */
  user?: number;
};

/** ImageVolumeStatus represents the image-based volume status. */
export type ImageVolumeStatus = {
  /** ImageRef is the digest of the image used for this volume. */
  imageRef: string;
};

/** ServiceReference holds a reference to Service.legacy.k8s.io */
export type ServiceReference = {
  /** name is the name of the service. */
  name: string;
  /** namespace is the namespace of the service. */
  namespace: string;
  /** path is an optional URL path at which the webhook will be contacted. */
  path?: string;
  /** port is an optional service port at which the webhook will be contacted. */
  port?: number;
};

/** JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value. */
export type JSONSchemaPropsOrBool = Record<string, unknown>;

/** JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array. */
export type JSONSchemaPropsOrStringArray = Record<string, unknown>;

/** ExternalDocumentation allows referencing an external resource for extended documentation. */
export type ExternalDocumentation = {
  description?: string;
  url?: string;
};

/** JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps. */
export type JSONSchemaPropsOrArray = Record<string, unknown>;

/** ValidationRule describes a validation rule written in the CEL expression language. */
export type ValidationRule = {
  /** fieldPath represents the field path returned when the validation fails. */
  fieldPath?: string;
  /** Message represents the message displayed when validation fails. */
  message?: string;
  /** MessageExpression declares a CEL expression that evaluates to the validation failure message that is returned when this rule fails. */
  messageExpression?: string;
  /** optionalOldSelf is used to opt a transition rule into evaluation even when the object is first created, or if the old object is missing the value. */
  optionalOldSelf?: boolean;
  /** reason provides a machine-readable validation failure reason that is returned to the caller when a request fails this validation rule. */
  reason?: "FieldValueDuplicate" | "FieldValueForbidden" | "FieldValueInvalid" | "FieldValueRequired";
  /** Rule represents the expression which will be evaluated by CEL. */
  rule: string;
};

/** Every generated kind by `apiVersion/kind`, for looking one up by name. */
export interface K8sObjects {
  "v1/Binding": Binding;
  "v1/ConfigMap": ConfigMap;
  "v1/Endpoints": Endpoints;
  "v1/Event": CoreV1Event;
  "v1/LimitRange": LimitRange;
  "v1/Namespace": Namespace;
  "v1/Node": Node;
  "v1/PersistentVolume": PersistentVolume;
  "v1/PersistentVolumeClaim": PersistentVolumeClaim;
  "v1/Pod": Pod;
  "v1/PodTemplate": PodTemplate;
  "v1/ReplicationController": ReplicationController;
  "v1/ResourceQuota": ResourceQuota;
  "v1/Secret": Secret;
  "v1/Service": Service;
  "v1/ServiceAccount": ServiceAccount;
  "apps/v1/ControllerRevision": ControllerRevision;
  "apps/v1/DaemonSet": DaemonSet;
  "apps/v1/Deployment": Deployment;
  "apps/v1/ReplicaSet": ReplicaSet;
  "apps/v1/StatefulSet": StatefulSet;
  "batch/v1/CronJob": CronJob;
  "batch/v1/Job": Job;
  "networking.k8s.io/v1/Ingress": Ingress;
  "networking.k8s.io/v1/IngressClass": IngressClass;
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy;
  "discovery.k8s.io/v1/EndpointSlice": EndpointSlice;
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole;
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding;
  "rbac.authorization.k8s.io/v1/Role": Role;
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding;
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget;
  "coordination.k8s.io/v1/Lease": Lease;
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler;
  "storage.k8s.io/v1/StorageClass": StorageClass;
  "events.k8s.io/v1/Event": EventsV1Event;
  "apiextensions.k8s.io/v1/CustomResourceDefinition": CustomResourceDefinition;
}
