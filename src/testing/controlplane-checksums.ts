/**
 * The checksums that a downloaded control-plane binary must match before tsoperator runs it, kept in the
 * repository so that a compromised or broken mirror cannot hand us other bytes. A platform without an entry here
 * is never downloaded: the install moves on to the next path (the source build) and says why.
 *
 * Where the values come from:
 * - envtest archives (etcd + kube-apiserver + kubectl, built by controller-tools): the SHA-512 published next to
 *   each archive and listed in controller-tools' `envtest-releases.yaml`. controller-tools publishes SHA-512 only,
 *   so that is what is pinned. This machine cannot reach GitHub; the values were taken from the published index
 *   as quoted, identically, by several independent public repositories that pin envtest v1.37.0. Re-check them
 *   against https://raw.githubusercontent.com/kubernetes-sigs/controller-tools/HEAD/envtest-releases.yaml when
 *   bumping the version.
 * - kube-controller-manager (Kubernetes server binary, Linux only): dl.k8s.io publishes
 *   `<binary>.sha256` next to each binary but the release notes list only the tarballs' sums, and no copy of the
 *   v1.37.2 per-binary sums could be found from this machine. The table therefore has no entry yet, and the
 *   download of kube-controller-manager is skipped until someone with network access fills it in from
 *   `https://dl.k8s.io/v1.37.2/bin/linux/<arch>/kube-controller-manager.sha256`.
 */

/** A pinned digest, hex encoded. */
export interface PinnedDigest {
  algorithm: "sha256" | "sha512";
  hex: string;
}

/** Digests by version (`v1.37.0`) and then platform (`linux-amd64`). */
export type VersionedDigests = Readonly<Record<string, Readonly<Record<string, PinnedDigest>>>>;

/** Everything the download path may fetch. */
export interface ChecksumTable {
  /** `envtest-<version>-<os>-<arch>.tar.gz` from controller-tools' releases. */
  envtest: VersionedDigests;
  /** `<version>/bin/<os>/<arch>/kube-controller-manager` from dl.k8s.io. */
  "kube-controller-manager": VersionedDigests;
}

const sha512 = (hex: string): PinnedDigest => ({ algorithm: "sha512", hex });

export const PINNED_CHECKSUMS: ChecksumTable = {
  envtest: {
    // Kubernetes v1.37.0 with etcd v3.7.0 (controller-tools hack/envtest/_matrix/v1.37.0.yaml): the newest envtest
    // release of the minor that controlplane/go.mod pins (v1.37.2) whose sums could be confirmed.
    "v1.37.0": {
      "linux-amd64": sha512(
        "1d1c453633b72c161a5d5a886cde7ac850be1a2ac796a9e1d4ffacacc64868295bdd2d57aa66cd0c158f5ce510f5dfe3fbc61ac21bd3dcfb875bd70658aa663a",
      ),
      "linux-arm64": sha512(
        "ae6a670502988200b0131c943758cfd3d3a58cf4e6247ef7f0e6a6467f1cd9a333c802e86101f0446b1b92a0e327387224e1e44fe1a4693da0929c6e529cfe9a",
      ),
      "darwin-amd64": sha512(
        "19a2a5376a8aa57a7b25ec5198834db29bf2ba0d6ff572d7f45ba683b13fb14c3ebec8069e92db66c39f1c7a9cff1bc2be879e2aacdc9fa8b8a7e861959bdf7b",
      ),
      "darwin-arm64": sha512(
        "fb38cfacdd71b5e97a4d4cceac861af5f55069cf783f0e49cf181bfc32eb3e557c2091a534dc5d38f1b92c5ba142bc1979f215a5385b3630ea6a661be6fa161b",
      ),
    },
  },
  // Empty on purpose: see the header. Kubernetes publishes no darwin server binaries, so macOS never has an entry.
  "kube-controller-manager": {},
};
