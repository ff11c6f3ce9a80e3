/**
 * What the write floors share: the parents written with an operator's default concurrency (BENCH_CONCURRENCY
 * parents in flight, 4 by default), and a process that stays alive like an operator's until the driver stops it
 * (so its RSS and CPU are read the same way).
 */
import type { BenchParentObject } from "./workload.js";

/** Runs `sync` for every parent, `BENCH_CONCURRENCY` of them at a time, each sync on its own until it is done. */
export async function syncEachParent(
  parents: BenchParentObject[],
  sync: (parent: BenchParentObject) => Promise<void>,
): Promise<void> {
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? "4");
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < parents.length) await sync(parents[next++]!);
    }),
  );
}

/** Keeps the process alive until the driver's SIGTERM. */
export function stayUntilStopped(): void {
  setInterval(() => {}, 60_000);
  process.once("SIGTERM", () => process.exit(0));
}
