/**
 * Client throughput on loopback: GET and create through KubeClient vs a plain undici loop (the floor: same TLS,
 * same pool, no client logic) vs @kubernetes/client-node 1.x, against a local kube-apiserver, in one run with the
 * same concurrency. Rounds alternate between contenders so server-side drift (etcd, GC) hits each alike.
 *
 * Run: npx tsx bench/client-throughput.ts [--gets=3000] [--creates=600] [--concurrency=16] [--rounds=3] [--no-write]
 * Saves bench/results/client-throughput.json and re-renders bench/RESULTS.md.
 */
import * as k8s from "@kubernetes/client-node";
import { Pool } from "undici";
import { k8sTypes } from "../src/core/k8s-types.js";
import { KubeClient } from "../src/client/kube-client.js";
import { TestEnvironment } from "../src/testing/test-environment.js";
import { publish, type ClientThroughputData } from "./report-sections.js";

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
}
const GETS = arg("gets", 3000);
const CREATES = arg("creates", 600);
const CONCURRENCY = arg("concurrency", 16);
const ROUNDS = arg("rounds", 3);

interface Contender {
  name: string;
  get(): Promise<unknown>;
  create(name: string): Promise<unknown>;
  close(): Promise<void>;
}

async function runParallel(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return (n * 1000) / (performance.now() - started);
}

async function main() {
  const env = await TestEnvironment.start({ controllerManager: false });
  const ns = "bench-client";
  const config = env.clientConfig("bench-client-throughput");
  try {
    const client = await KubeClient.fromConfig(config);
    await client.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
    const cms = client.resource(k8sTypes.core.v1.ConfigMap, ns);
    await cms.create({ metadata: { name: "target" }, data: { key: "value".repeat(20) } });

    // Raw undici: what any client has to do at least (TLS pool, headers, JSON parse).
    const creds = config.credentials as { kind: "pem"; certPem: string; keyPem: string };
    const pool = new Pool(config.apiServerEndpoint, {
      connect: { ca: config.caData, cert: creds.certPem, key: creds.keyPem },
      pipelining: 1,
      keepAliveTimeout: 30_000,
    });
    const headers = { "user-agent": "raw", accept: "application/json" };
    const raw: Contender = {
      name: "raw undici",
      async get() {
        const res = await pool.request({
          path: `/api/v1/namespaces/${ns}/configmaps/target`,
          method: "GET",
          headers,
        });
        if (res.statusCode !== 200) throw new Error(`raw GET ${res.statusCode}`);
        return res.body.json();
      },
      async create(name) {
        const res = await pool.request({
          path: `/api/v1/namespaces/${ns}/configmaps`,
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({ metadata: { name }, data: { k: "v" } }),
        });
        if (res.statusCode !== 201) throw new Error(`raw POST ${res.statusCode}`);
        return res.body.json();
      },
      close: () => pool.close(),
    };

    const tso: Contender = {
      name: "tsoperator KubeClient",
      get: () => cms.get("target"),
      create: (name) => cms.create({ metadata: { name }, data: { k: "v" } }),
      close: () => Promise.resolve(),
    };

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(env.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const cn: Contender = {
      name: "@kubernetes/client-node",
      get: () => core.readNamespacedConfigMap({ name: "target", namespace: ns }),
      create: (name) =>
        core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data: { k: "v" } } }),
      close: () => Promise.resolve(),
    };

    const contenders = [raw, tso, cn];
    const gets = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    const creates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    // Warm-up: TLS handshakes, JIT.
    for (const c of contenders) await runParallel(200, () => c.get());
    let serial = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of round % 2 ? [...contenders].reverse() : contenders) {
        gets.get(c.name)!.push(await runParallel(GETS, () => c.get()));
        const prefix = `c${round}-${serial++}-`;
        creates.get(c.name)!.push(await runParallel(CREATES, (i) => c.create(prefix + i)));
      }
    }
    const data: ClientThroughputData = {
      command: `npx tsx bench/client-throughput.ts ${process.argv.slice(2).join(" ")}`.trim(),
      date: new Date().toISOString().slice(0, 10),
      node: process.version,
      gets: GETS,
      creates: CREATES,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      contenders: contenders.map((c) => ({
        name: c.name,
        getsPerS: gets.get(c.name)!,
        createsPerS: creates.get(c.name)!,
      })),
    };
    const result = {
      id: "client-throughput",
      kind: "client-throughput",
      order: 30,
      heading: "Client throughput",
      data,
    };
    await publish(result, !process.argv.includes("--no-write"));
    for (const c of contenders) await c.close();
    await client.close();
  } finally {
    await env.stop();
  }
}

await main();
