// @dot-i/k8s-operator peer for the end-to-end benchmark: the BenchParent workload (K ConfigMaps per parent,
// status {observedGeneration, children}) written the way that library's README shows: watchResource on the
// parent, children through its CoreV1Api, status through patchResourceStatus. Plain JS so the main
// typecheck does not depend on this peer's separately installed packages.
import Operator, { ResourceEventType } from "@dot-i/k8s-operator";

console.log("STARTED");
const namespace = process.env.BENCH_NAMESPACE;
const silent = { debug() {}, info() {}, warn() {}, error: (m) => console.error(m) };

class BenchOperator extends (Operator.default ?? Operator) {
  constructor() {
    super(silent);
  }

  async init() {
    await this.watchResource(
      "bench.tsoperator.dev",
      "v1",
      "benchparents",
      async (e) => {
        if (e.type === ResourceEventType.Deleted) return;
        const parent = e.object;
        const status = parent.status ?? {};
        if (status.observedGeneration === parent.metadata.generation) return;
        await this.sync(parent, e.meta);
      },
      namespace,
    );
    console.log("READY");
  }

  async sync(parent, meta) {
    const name = parent.metadata.name;
    const k = parent.spec.k;
    for (let i = 0; i < k; i++) {
      const body = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: `${name}-${i}`,
          labels: { "bench.tsoperator.dev/parent": name },
          ownerReferences: [
            {
              apiVersion: parent.apiVersion,
              kind: parent.kind,
              name,
              uid: parent.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        data: { index: String(i), k: String(k), payload: parent.spec.payload ?? "" },
      };
      try {
        await this.k8sApi.createNamespacedConfigMap(namespace, body);
      } catch (err) {
        if (err?.statusCode !== 409 && err?.response?.statusCode !== 409) throw err;
        await this.k8sApi.replaceNamespacedConfigMap(`${name}-${i}`, namespace, body);
      }
    }
    await this.patchResourceStatus(meta, { observedGeneration: parent.metadata.generation, children: k });
  }
}

const op = new BenchOperator();
await op.start();
process.on("SIGTERM", () => {
  op.stop();
  process.exit(0);
});
