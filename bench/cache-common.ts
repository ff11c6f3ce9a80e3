/**
 * Shared pieces of the runtime cache benchmarks: filling a namespace with ConfigMaps, the stripped JSON size of
 * what the cache holds, running a contender in its own child process (so its memory is measured cleanly).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { k8sTypes } from "../src/core/k8s-types.js";
import type { KubeObject } from "../src/core/types.js";
import type { ResourceApi } from "../src/client/resource-api.js";
import type { KubeClient } from "../src/client/kube-client.js";
import { compactObject } from "../src/runtime/compact.js";

export const ConfigMap = k8sTypes.core.v1.ConfigMap;

/** ~500 bytes of data per ConfigMap, varied so V8 cannot share the strings. */
function payload(i: number): Record<string, string> {
  const base = `${i}-`.repeat(40);
  return { config: base.padEnd(400, "x"), mode: `mode-${i % 7}`, owner: `team-${i % 13}-${i}` };
}

/** Creates ConfigMaps `from`..`to-1` with `concurrency` requests in flight; returns the elapsed ms. */
export async function createConfigMaps(api: ResourceApi, from: number, to: number, concurrency = 16) {
  const started = performance.now();
  let next = from;
  let lastReport = started;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) {
        const i = next++;
        await api.create({ metadata: { name: `cm-${i}`, labels: { bench: "cache" } }, data: payload(i) });
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          console.error(`  created ${i - from}/${to - from}`);
        }
      }
    }),
  );
  return performance.now() - started;
}

export async function ensureNamespace(client: KubeClient, name: string): Promise<ResourceApi> {
  await client.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name } });
  return client.resource(ConfigMap, name);
}

/** Average JSON size of the objects as the cache keeps them (managedFields stripped, apiVersion/kind set). */
export async function strippedJsonBytesPerObject(
  api: ResourceApi,
): Promise<{ count: number; bytes: number }> {
  let total = 0;
  let count = 0;
  for await (const page of api.listPages({ limit: 500 })) {
    for (const item of page.items) {
      const obj: KubeObject = { apiVersion: "v1", kind: "ConfigMap", ...item };
      total += Buffer.byteLength(JSON.stringify(compactObject(obj, { freeze: false })));
      count++;
    }
  }
  return { count, bytes: total / count };
}

/** Runs `file` in a fresh Node process with --expose-gc and tsx; it prints one JSON line as its result. */
export function runChild<T>(file: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", file, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) reject(new Error(`${file} ${args.join(" ")} exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}

export function fileOf(meta: ImportMeta): string {
  return fileURLToPath(meta.url);
}

export async function settleGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
}
