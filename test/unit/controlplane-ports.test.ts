/**
 * Ports for the local control plane: picked below the kernel's range for outgoing connections, and a component
 * whose port another process took first is started again on fresh ones (a real bind failure, Node's wording).
 */
import { strict as assert } from "node:assert";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  ephemeralPortRange,
  freePort,
  onFreshPorts,
  startProcess,
  waitUntilReady,
} from "../../src/testing/processes.js";

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });

/** A component that listens on its port and says so in its log; it exits with Node's error if the port is taken. */
async function startListener(dir: string, port: number): Promise<number> {
  const log = join(dir, `listener-${port}.log`);
  const script = `require("net").createServer().listen(${port}, "127.0.0.1", () => console.log("listening"))`;
  const proc = startProcess("listener", process.execPath, ["-e", script], log);
  try {
    await waitUntilReady(proc, 10_000, async () => (await readFile(log, "utf8")).includes("listening"));
  } catch (err) {
    await proc.stop(1_000);
    throw err;
  }
  await proc.stop(1_000);
  return port;
}

void describe("control plane ports", () => {
  void it("picks a bindable loopback port below the range the kernel gives outgoing connections", async () => {
    const [low] = ephemeralPortRange();
    for (let i = 0; i < 5; i++) {
      const port = await freePort();
      if (low - 20_000 >= 1_000) assert.ok(port >= 20_000 && port < low, `${port} below ${low}`);
      (await listen(port)).close();
    }
  });

  void it("starts a component again on fresh ports when its first port was taken, and only then", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tsoperator-ports-"));
    const taken = await listen(0);
    try {
      const busy = (taken.address() as { port: number }).port;
      const free = await freePort();
      const picks = [[busy], [free]];
      const tried: number[] = [];
      const port = await onFreshPorts(1, ([p]) => (tried.push(p ?? 0), startListener(dir, p ?? 0)), {
        pick: async () => picks.shift() ?? [],
      });
      assert.deepEqual(tried, [busy, free]);
      assert.equal(port, free);
      assert.match(await readFile(join(dir, `listener-${busy}.log`), "utf8"), /address already in use/);

      // Any other failure is not retried; a clash is retried `attempts` times in all, then surfaces.
      let calls = 0;
      await assert.rejects(
        onFreshPorts(1, async () => {
          calls++;
          throw new Error("bad flag");
        }),
        /bad flag/,
      );
      assert.equal(calls, 1);
      const tries: number[] = [];
      await assert.rejects(
        onFreshPorts(1, ([p]) => (tries.push(p ?? 0), startListener(dir, p ?? 0)), {
          attempts: 3,
          pick: async () => [busy],
        }),
        (err: Error & { code?: string }) =>
          err.code === "TSOP_CONTROLPLANE" && /exited .* during startup/.test(err.message),
      );
      assert.equal(tries.length, 3);
    } finally {
      taken.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it("judges a start by its own lines of a shared log, not by an earlier start's clash", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tsoperator-ports-"));
    const taken = await listen(0);
    try {
      const busy = (taken.address() as { port: number }).port;
      const log = join(dir, "component.log");
      const run = async (script: string) => {
        const proc = startProcess("component", process.execPath, ["-e", script], log);
        await waitUntilReady(proc, 10_000, async () => false);
      };
      let calls = 0;
      await assert.rejects(
        onFreshPorts(1, async () => {
          // The first start clashes; the second fails for another reason, into the same log.
          if (calls++ === 0) await run(`require("net").createServer().listen(${busy}, "127.0.0.1")`);
          else await run(`console.error("unknown flag --bad"); process.exit(2)`);
        }),
        (err: Error) => {
          assert.match(err.message, /component exited \(code 2\)/);
          assert.match(err.message, /unknown flag --bad/);
          assert.doesNotMatch(err.message, /address already in use/);
          return true;
        },
      );
      assert.equal(calls, 2, "the second failure is not taken for a clash");
      assert.match(await readFile(log, "utf8"), /address already in use/, "the shared log keeps both");
    } finally {
      taken.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
