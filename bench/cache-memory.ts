/**
 * Memory per cached object, and idle CPU of a synced cache: tsoperator's reflector + store vs
 * @kubernetes/client-node 1.x's informer holding the same ConfigMaps (~500 B of data each) in the same run.
 * Each contender runs in its own child process; we report the RSS and heapUsed growth from before the first LIST
 * to after sync (after GC), divided by the object count, next to the objects' stripped JSON size.
 *
 *   npx tsx bench/cache-memory.ts [--counts=10000,50000] [--idle-ms=60000]
 */
import { setTimeout as delay } from "node:timers/promises";
import { ClientConfig } from "../src/client/config.js";
import { KubeClient } from "../src/client/kube-client.js";
import { Reflector } from "../src/runtime/reflector.js";
import { Store } from "../src/runtime/store.js";
import { TestEnvironment } from "../src/testing/test-environment.js";
import {
  ConfigMap,
  createConfigMaps,
  ensureNamespace,
  fileOf,
  runChild,
  settleGc,
  strippedJsonBytesPerObject,
} from "./cache-common.js";
import { publish, type CacheMemoryData } from "./report-sections.js";

interface ChildResult {
  contender: string;
  count: number;
  syncMs: number;
  rssPerObject: number;
  heapPerObject: number;
  idleMillicores: number | null;
}

const mem = () => process.memoryUsage();

async function child(
  contender: string,
  kubeconfig: string,
  namespace: string,
  expected: number,
  idleMs: number,
) {
  let syncMs: number;
  let count: number;
  let before: NodeJS.MemoryUsage;
  let keep: unknown;
  if (contender === "tsoperator") {
    const client = await KubeClient.fromConfig(
      await ClientConfig.fromKubeconfig("bench", { path: kubeconfig }),
    );
    const store = new Store();
    const reflector = new Reflector(client.resource(ConfigMap, namespace), store, { pageSize: 500 });
    await settleGc();
    before = mem();
    const started = performance.now();
    reflector.start();
    await store.synced;
    syncMs = performance.now() - started;
    count = store.size;
    keep = reflector;
  } else {
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${namespace}/configmaps`, () =>
      core.listNamespacedConfigMap({ namespace }),
    );
    informer.on("error", (err) => console.error("client-node informer error", err));
    await settleGc();
    before = mem();
    const started = performance.now();
    await informer.start();
    while (informer.list().length < expected) await delay(10);
    syncMs = performance.now() - started;
    count = informer.list().length;
    keep = informer;
  }
  await settleGc();
  const after = mem();
  let idleMillicores: number | null = null;
  if (idleMs > 0) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await delay(idleMs);
    const cpu = process.cpuUsage(cpu0);
    idleMillicores = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 1000;
  }
  const result: ChildResult = {
    contender,
    count,
    syncMs,
    rssPerObject: (after.rss - before.rss) / count,
    heapPerObject: (after.heapUsed - before.heapUsed) / count,
    idleMillicores,
  };
  console.log(JSON.stringify(result));
  void keep;
  process.exit(0);
}

async function main() {
  const arg = (name: string, fallback: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
  const counts = arg("counts", "10000,50000").split(",").map(Number);
  const idleMs = Number(arg("idle-ms", "60000"));
  const env = await TestEnvironment.start({ controllerManager: false });
  const client = await KubeClient.fromConfig(env.clientConfig("bench"));
  const rows: CacheMemoryData["rows"] = [];
  const creates: CacheMemoryData["creates"] = [];
  try {
    const namespace = "bench-memory";
    const api = await ensureNamespace(client, namespace);
    let created = 0;
    for (const count of counts) {
      const createMs = await createConfigMaps(api, created, count);
      creates.push({ count: count - created, seconds: createMs / 1000, concurrency: 16 });
      created = count;
      const stripped = await strippedJsonBytesPerObject(api);
      console.error(`${count} objects, stripped JSON ${stripped.bytes.toFixed(0)} B/object`);
      for (const contender of ["tsoperator", "client-node"]) {
        const idle = count === counts[0] ? idleMs : 0;
        const r = await runChild<ChildResult>(fileOf(import.meta), [
          "child",
          contender,
          env.kubeconfigPath,
          namespace,
          String(count),
          String(idle),
        ]);
        console.error(JSON.stringify(r));
        rows.push({
          contender,
          objects: r.count,
          jsonBytes: stripped.bytes,
          heapPerObject: r.heapPerObject,
          rssPerObject: r.rssPerObject,
          syncS: r.syncMs / 1000,
          idleMillicores: r.idleMillicores,
        });
      }
    }
  } finally {
    await client.close();
    await env.stop();
  }
  const data: CacheMemoryData = {
    command: `npx tsx bench/cache-memory.ts --counts=${counts.join(",")} --idle-ms=${idleMs}`,
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    rows,
    creates,
  };
  const result = {
    id: "cache-memory",
    kind: "cache-memory",
    order: 10,
    heading: "Memory per cached object and idle CPU",
    data,
  };
  await publish(result);
}

if (process.argv[2] === "child") {
  const [, , , contender, kubeconfig, namespace, expected, idleMs] = process.argv;
  await child(contender ?? "", kubeconfig ?? "", namespace ?? "", Number(expected), Number(idleMs));
} else {
  await main();
}
