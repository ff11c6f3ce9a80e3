/**
 * `tsoperator/testing`: a real local control plane (TestEnvironment) and, for operator authors, the TestKit.
 */
export { TestEnvironment, readManifests, type CrdSource, type TestEnvironmentOptions } from "./test-environment.js";
export type { KeyPair } from "./certificates.js";
export {
  installControlPlane,
  resolveBinaries,
  findCachedBinaries,
  readPinnedVersions,
  binaryDirFor,
  type BinaryPaths,
  type ControlPlaneVersions,
  type InstallOptions,
} from "./controlplane-binaries.js";
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
