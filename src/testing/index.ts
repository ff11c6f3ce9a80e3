/**
 * `tsoperator/testing`: a real local control plane (TestEnvironment) and, for operator authors, the TestKit.
 */
export {
  TestEnvironment,
  readManifests,
  type ControlPlaneProcess,
  type CrdSource,
  type EnvironmentInfo,
  type TestEnvironmentOptions,
} from "./test-environment.js";
export type { KeyPair } from "./certificates.js";
export { readAuditLog, WRITES_AUDIT_POLICY, type AuditEvent } from "./audit-log.js";
export {
  installControlPlane,
  resolveBinaries,
  findCachedBinaries,
  readPinnedVersions,
  binaryDirFor,
  type BinaryName,
  type BinaryPaths,
  type ControlPlaneBinaries,
  type ControlPlaneVersions,
  type InstallOptions,
  type ResolveOptions,
} from "./controlplane-binaries.js";
export type { ChecksumTable, PinnedDigest, VersionedDigests } from "./controlplane-checksums.js";
export {
  TestKit,
  subsetDifferences,
  type TestKitOptions,
  type EventuallyOptions,
  type ParentStats,
  type RecordedSyncError,
  type SubsetDifference,
  type DeepPartial,
} from "./test-kit.js";
export {
  syncRequestFor,
  testSyncContext,
  type SyncRequestOptions,
  type SyncContextOptions,
  type RecordingSyncContext,
  type RecordedEvent,
} from "./sync-request.js";
export { recordingLogger, type RecordedLogLine } from "./recording-logger.js";
