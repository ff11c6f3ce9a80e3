/**
 * Time to synced: a tsoperator reflector's first LIST into its store (strip, freeze, index, hasSynced) vs a raw
 * paginated LIST loop with the same client and page size, alternating in the same run; reports the median ratio.
 *
 *   npx tsx bench/cache-sync-time.ts [--count=50000] [--rounds=3]
 */
import { KubeClient } from "../src/client/kube-client.js";
import { Reflector } from "../src/runtime/reflector.js";
import { parentUidIndex, Store } from "../src/runtime/store.js";
import { TestEnvironment } from "../src/testing/test-environment.js";
import { createConfigMaps, ensureNamespace } from "./cache-common.js";
import { publish, type CacheSyncTimeData } from "./report-sections.js";

async function main() {
  const arg = (name: string, fallback: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
  const count = Number(arg("count", "50000"));
  const rounds = Number(arg("rounds", "3"));
  const pageSize = 500;
  const env = await TestEnvironment.start({ controllerManager: false });
  const client = await KubeClient.fromConfig(env.clientConfig("bench"));
  const raw: number[] = [];
  const reflected: number[] = [];
  let createMs = 0;
  try {
    const api = await ensureNamespace(client, "bench-sync");
    createMs = await createConfigMaps(api, 0, count);
    console.error(`created ${count} in ${(createMs / 1000).toFixed(1)} s`);
    // One warm-up of each so JIT and connection setup are not billed to whoever goes first.
    for (let round = -1; round < rounds; round++) {
      let t = performance.now();
      let n = 0;
      for await (const page of api.listPages({ limit: pageSize })) n += page.items.length;
      const rawMs = performance.now() - t;
      if (n !== count) throw new Error(`raw list saw ${n}`);

      const store = new Store();
      store.addIndex("parent", parentUidIndex("tsoperator.io/parent-uid"));
      const reflector = new Reflector(api, store, { pageSize });
      t = performance.now();
      reflector.start();
      await store.synced;
      const syncMs = performance.now() - t;
      await reflector.stop();
      if (store.size !== count) throw new Error(`reflector saw ${store.size}`);
      console.error(`round ${round}: raw ${rawMs.toFixed(0)} ms, reflector ${syncMs.toFixed(0)} ms`);
      if (round >= 0) {
        raw.push(rawMs);
        reflected.push(syncMs);
      }
    }
  } finally {
    await client.close();
    await env.stop();
  }
  const data: CacheSyncTimeData = {
    command: `npx tsx bench/cache-sync-time.ts --count=${count} --rounds=${rounds}`,
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    count,
    pageSize,
    rawMs: raw,
    reflectorMs: reflected,
    createS: createMs / 1000,
  };
  const result = {
    id: "cache-sync-time",
    kind: "cache-sync-time",
    order: 20,
    heading: "Time to synced",
    data,
  };
  await publish(result);
}

await main();
