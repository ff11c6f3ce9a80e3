import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { WorkQueue, type WorkQueueMetricsHooks } from "../../src/runtime/work-queue.js";
import { Backoff, backoffDelay, resolveBackoff } from "../../src/core/backoff.js";

/** A promise with its resolve function, to hold a worker in flight. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => delay(1);

void describe("work queue", () => {
  void it("processes a key queued many times once", async () => {
    const queue = new WorkQueue();
    const seen: string[] = [];
    for (let i = 0; i < 100; i++) queue.add("a");
    queue.add("b");
    queue.add("a");
    assert.equal(queue.depth, 2);
    const running = queue.run((key) => {
      seen.push(key);
    });
    await tick();
    assert.deepEqual(seen, ["a", "b"]);
    await queue.shutdown();
    await running;
  });

  void it("never runs two workers for the same key, and re-runs a key dirtied while in flight once it finishes", async () => {
    const queue = new WorkQueue({ concurrency: 4 });
    const gate = deferred();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    void queue.run(async () => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      if (calls === 1) await gate.promise;
      active--;
    });
    queue.add("a");
    await tick();
    assert.equal(queue.isProcessing("a"), true);
    // Dirtied many times while in flight: must wait, then run exactly once more.
    queue.add("a");
    queue.add("a");
    queue.add("a");
    await tick();
    assert.equal(calls, 1);
    assert.equal(queue.depth, 0, "a key in flight is not handed out");
    gate.resolve();
    await tick();
    await tick();
    assert.equal(calls, 2);
    assert.equal(maxActive, 1);
    await queue.shutdown();
  });

  void it("runs at most `concurrency` workers at once", async () => {
    const queue = new WorkQueue({ concurrency: 3 });
    let active = 0;
    let maxActive = 0;
    let done = 0;
    void queue.run(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await delay(5);
      active--;
      done++;
    });
    for (let i = 0; i < 20; i++) queue.add(`k${i}`);
    while (done < 20) await delay(5);
    assert.equal(maxActive, 3);
    await queue.shutdown();
  });

  void it("retries a failing key with growing backoff and resets it after a success", async () => {
    const retries: number[] = [];
    const queue = new WorkQueue({
      backoff: { initialMs: 10, maxMs: 40, jitter: 0 },
      metrics: { retry: () => retries.push(1) },
    });
    const times: number[] = [];
    const failuresSeen: number[] = [];
    let fail = true;
    void queue.run((_key, { failures }) => {
      times.push(performance.now());
      failuresSeen.push(failures);
      if (fail && times.length <= 4) throw new Error("boom");
    });
    queue.add("a");
    while (times.length < 5) await delay(2);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 10, 20, 40, 40 (capped). Only lower bounds are exact; timers may fire late on a loaded machine.
    assert.ok(gaps[0]! >= 9, `gap0 ${gaps[0]}`);
    assert.ok(gaps[1]! >= 19, `gap1 ${gaps[1]}`);
    assert.ok(gaps[2]! >= 39, `gap2 ${gaps[2]}`);
    assert.ok(gaps[3]! >= 39 && gaps[3]! < 300, `gap3 ${gaps[3]} capped`);
    assert.deepEqual(failuresSeen, [0, 1, 2, 3, 4]);
    assert.equal(retries.length, 4);
    assert.equal(queue.failures("a"), 0, "success forgets the failures");
    // After the reset, the next failure starts from the initial delay again.
    fail = true;
    times.length = 0;
    queue.add("a");
    while (times.length < 2) await delay(2);
    assert.equal(failuresSeen.at(-1), 1);
    await queue.shutdown();
  });

  void it("backoff delays grow exponentially, stay under the cap and are jittered", () => {
    const b = resolveBackoff({ initialMs: 100, maxMs: 1000, jitter: 0 }, { initialMs: 1, maxMs: 1 });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 50, 5000].map((n) => backoffDelay(b, n)),
      [100, 200, 400, 800, 1000, 1000, 1000],
    );
    // Jitter spreads either way around the base; maxMs stays a hard bound.
    const high = resolveBackoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0.999 }, b);
    const low = resolveBackoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 }, b);
    assert.equal(backoffDelay(high, 0), 150);
    assert.equal(backoffDelay(low, 0), 50);
    assert.equal(backoffDelay(high, 10), 1000);
    assert.equal(backoffDelay(low, 10), 500);
    assert.throws(() => resolveBackoff({ initialMs: 0 }, b), { code: "TSOP_CONFIG_INVALID" });
    assert.throws(() => resolveBackoff({ multiplier: 0.5 }, b), { code: "TSOP_CONFIG_INVALID" });
    const counter = new Backoff({ initialMs: 1, maxMs: 4, jitter: 0 });
    assert.deepEqual([counter.next(), counter.next(), counter.next(), counter.next()], [1, 2, 4, 4]);
    counter.reset();
    assert.equal(counter.next(), 1);
  });

  void it("isolates failures: a failing key does not delay other keys", async () => {
    const queue = new WorkQueue({ concurrency: 1, backoff: { initialMs: 10_000, maxMs: 10_000 } });
    const seen: string[] = [];
    void queue.run((key) => {
      seen.push(key);
      if (key === "bad") throw new Error("bad");
    });
    queue.add("bad");
    queue.add("good");
    await tick();
    assert.deepEqual(seen, ["bad", "good"]);
    assert.equal(queue.delayedCount, 1);
    await queue.shutdown();
  });

  void it("delays adds, and an earlier delayed add wins over a later one", async () => {
    const queue = new WorkQueue();
    const seen: Array<[string, number]> = [];
    const start = performance.now();
    void queue.run((key) => {
      seen.push([key, performance.now() - start]);
    });
    queue.addAfter("a", 30);
    queue.addAfter("a", 1000); // later: ignored
    queue.addAfter("b", 1000);
    queue.addAfter("b", 20); // earlier: replaces
    await delay(10);
    assert.equal(seen.length, 0);
    await delay(50);
    assert.deepEqual(
      seen.map(([k]) => k),
      ["b", "a"],
    );
    assert.ok(seen[0]![1] >= 19);
    assert.equal(queue.delayedCount, 0);
    await queue.shutdown();
  });

  void it("requeues after `requeueAfterMs` when the worker asks for a resync", async () => {
    const queue = new WorkQueue();
    let calls = 0;
    void queue.run(() => {
      calls++;
      return calls === 1 ? { requeueAfterMs: 15 } : undefined;
    });
    queue.add("a");
    await delay(5);
    assert.equal(calls, 1);
    await delay(40);
    assert.equal(calls, 2);
    await queue.shutdown();
  });

  void it("shutdown stops taking work and waits for in-flight workers", async () => {
    const queue = new WorkQueue({ concurrency: 2 });
    const gate = deferred();
    const started: string[] = [];
    const finished: string[] = [];
    let signalAborted = false;
    const running = queue.run(async (key, { signal }) => {
      started.push(key);
      await gate.promise;
      signalAborted = signal.aborted;
      finished.push(key);
    });
    queue.add("a");
    queue.add("b");
    queue.add("c");
    queue.addAfter("d", 5);
    await tick();
    assert.deepEqual(started, ["a", "b"]);
    let shutdownDone = false;
    const shutdown = queue.shutdown().then(() => (shutdownDone = true));
    queue.add("e");
    await delay(20);
    assert.equal(shutdownDone, false, "waits for in-flight work");
    gate.resolve();
    await shutdown;
    await running;
    assert.deepEqual(finished.sort(), ["a", "b"]);
    assert.deepEqual(started, ["a", "b"], "c, d and e are never started");
    assert.equal(signalAborted, true);
  });

  void it("shutdown with a deadline abandons a worker that never settles, and ignores its late result", async () => {
    const queue = new WorkQueue({ concurrency: 2, backoff: { initialMs: 1, maxMs: 1 } });
    const late = deferred();
    let lateSignal: AbortSignal | undefined;
    const done: string[] = [];
    const running = queue.run(async (key, { signal }) => {
      if (key === "stuck") {
        lateSignal = signal;
        await late.promise; // ignores its signal
        throw new Error("settled after the deadline");
      }
      done.push(key);
    });
    queue.add("stuck");
    queue.add("ok");
    await tick();
    assert.deepEqual(done, ["ok"], "a stuck key does not block the others");
    const started = Date.now();
    const result = await queue.shutdown({ waitMs: 100 });
    const took = Date.now() - started;
    assert.deepEqual(result.abandoned, ["stuck"]);
    assert.ok(took >= 90 && took < 1000, `returned at the deadline (${took} ms)`);
    await running; // run() resolves too, without the abandoned worker
    assert.equal(lateSignal?.aborted, true, "the abandoned worker was told to stop");
    late.resolve();
    await delay(10);
    assert.equal(queue.delayedCount, 0, "its late failure schedules nothing on a shut-down queue");
    assert.equal(queue.inFlight, 0);
    // Without stuck workers the deadline changes nothing.
    const quick = new WorkQueue();
    void quick.run(() => undefined);
    assert.deepEqual(await quick.shutdown({ waitMs: 10_000 }), { abandoned: [] });
  });

  void it("holds many failing keys to the overall retry bucket, each still backing off on its own", async () => {
    // client-go's default controller rate limiter: max(per-key exponential backoff, shared token bucket).
    const run = async (retryRateLimit: { qps: number; burst: number } | false) => {
      const queue = new WorkQueue({
        concurrency: 50,
        backoff: { initialMs: 5, maxMs: 1000, jitter: 0 },
        retryRateLimit,
      });
      let calls = 0;
      const running = queue.run(() => {
        calls++;
        throw new Error("always fails");
      });
      const started = performance.now();
      for (let i = 0; i < 200; i++) queue.add(`k${i}`);
      await delay(1000);
      const seconds = (performance.now() - started) / 1000;
      await queue.shutdown();
      await running;
      return { retries: calls - 200, seconds };
    };
    const limited = await run({ qps: 20, burst: 20 });
    // 20 retries at once, then 20 per second: nothing more, however many keys fail.
    assert.ok(
      limited.retries <= 20 + Math.ceil(20 * limited.seconds) + 1,
      `${limited.retries} retries in ${limited.seconds.toFixed(2)} s exceed the bucket`,
    );
    assert.ok(limited.retries >= 20, `the burst is usable (${limited.retries} retries)`);
    const perKeyOnly = await run(false);
    assert.ok(perKeyOnly.retries > 5 * limited.retries, `per-key backoff alone: ${perKeyOnly.retries} retries`);
  });

  void it("reports client-go style metrics", async () => {
    const calls: Record<string, number[]> = {};
    const record =
      (name: string) =>
      (_q: string, v = 1) =>
        (calls[name] ??= []).push(v);
    const hooks: WorkQueueMetricsHooks = {
      depth: record("depth"),
      add: record("add"),
      retry: record("retry"),
      queueDuration: record("queueDuration"),
      workDuration: record("workDuration"),
    };
    const queue = new WorkQueue({ name: "q", metrics: hooks });
    queue.add("a");
    queue.add("a");
    queue.add("b");
    assert.equal(calls.add?.length, 3);
    assert.equal(calls.depth?.at(-1), 2);
    const gate = deferred();
    void queue.run(async () => {
      await gate.promise;
    });
    await delay(20);
    assert.ok(queue.unfinishedWorkSeconds() >= 0.03, `${queue.unfinishedWorkSeconds()}`);
    assert.ok(queue.longestRunningProcessorSeconds() >= 0.015);
    gate.resolve();
    await tick();
    assert.equal(calls.queueDuration?.length, 2);
    assert.equal(calls.workDuration?.length, 2);
    assert.ok(calls.workDuration.every((s) => s >= 0.015));
    assert.equal(calls.depth?.at(-1), 0);
    assert.equal(queue.unfinishedWorkSeconds(), 0);
    await queue.shutdown();
  });

  void it("refuses a second run loop", async () => {
    const queue = new WorkQueue();
    void queue.run(() => undefined);
    assert.throws(() => queue.run(() => undefined), /already running/);
    await queue.shutdown();
  });
});
