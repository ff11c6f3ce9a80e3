/**
 * Child processes of a local control plane: started with their output in a log file, stopped with SIGTERM then
 * SIGKILL, and never left behind: a tiny shell watchdog kills them (and removes the temp dirs) if the Node
 * process dies without running its exit hooks, e.g. on SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, fstatSync, openSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { createServer } from "node:net";
import { TsOperatorError } from "../core/errors.js";
import { sleep } from "../core/sleep.js";

export interface ManagedProcess {
  readonly name: string;
  readonly logPath: string;
  /** Where this process's output starts in the log (an earlier process may have written to the same file). */
  readonly logStart: number;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `timeoutMs`; `{ kill: true }` sends SIGKILL at once (a crash). */
  stop(timeoutMs?: number, options?: { kill?: boolean }): Promise<void>;
}

export function startProcess(name: string, binary: string, args: string[], logPath: string): ManagedProcess {
  const fd = openSync(logPath, "a");
  const logStart = fstatSync(fd).size;
  let child: ChildProcess;
  try {
    // detached: own process group, so stopping kills anything the component started too.
    child = spawn(binary, args, { stdio: ["ignore", fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
  let exitedFlag = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code, signal) => {
      exitedFlag = true;
      resolve(code ?? (signal ? -1 : null));
    });
    child.on("error", () => {
      exitedFlag = true;
      resolve(-1);
    });
  });
  // Our exit must not wait for children; stop()/the exit hook end them.
  child.unref();
  const pid = child.pid ?? -1;
  return {
    name,
    logPath,
    logStart,
    pid,
    exited,
    hasExited: () => exitedFlag,
    async stop(timeoutMs = 10_000, options: { kill?: boolean } = {}) {
      if (exitedFlag || pid < 0) return;
      killGroup(pid, options.kill ? "SIGKILL" : "SIGTERM");
      // A ref'd timer: the child is unref'd, so without it the event loop could drain while we wait.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
      try {
        if ((await Promise.race([exited, timeout])) === "timeout") {
          killGroup(pid, "SIGKILL");
          const hold = setInterval(() => {}, 1000);
          await exited.finally(() => clearInterval(hold));
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** The last `lines` lines of a log file after byte `from`, for error messages. */
export async function tailOf(path: string, lines = 30, from = 0): Promise<string> {
  try {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.max(0, Math.min(size - from, 64 * 1024));
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, size - length);
      return buf
        .toString("utf8")
        .split("\n")
        .slice(-lines - 1)
        .join("\n")
        .trimEnd();
    } finally {
      await handle.close();
    }
  } catch {
    return "(no log)";
  }
}

/**
 * A free loopback TCP port, below the kernel's range for the local ports of outgoing connections when that leaves
 * room (Linux: /proc/sys/net/ipv4/ip_local_port_range): the many client connections of a test run draw from that
 * range, and one of them could take a port between our probe and the component's bind, or while a component
 * restarts on the same port. Another listener can still take it first: `onFreshPorts` starts again elsewhere.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralPortRange();
  const from = 20_000;
  if (low - from >= 1_000) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = from + Math.floor(Math.random() * (low - from));
      if ((await listenOn(port)) !== undefined) return port;
    }
  }
  const port = await listenOn(0);
  if (port === undefined)
    throw new TsOperatorError("TSOP_CONTROLPLANE", "no free loopback port to listen on");
  return port;
}

/** `n` distinct free ports. */
export async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

let ephemeralRange: [number, number] | undefined;

/** The kernel's range for outgoing connections' local ports; Linux's default where it cannot be read. */
export function ephemeralPortRange(): [number, number] {
  ephemeralRange ??= readEphemeralPortRange();
  return ephemeralRange;
}

function readEphemeralPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux
  }
  return [32_768, 60_999];
}

/** Binds `port` (0: any) on 127.0.0.1 and closes it again: the port bound, or undefined when it is taken. */
function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** What a component's failed start says when one of its ports was taken first (Go's and Node's wording). */
export function isPortClash(err: unknown): boolean {
  return err instanceof Error && err.message.includes("address already in use");
}

/**
 * Runs `start` on `count` fresh ports, and again on new ones while it fails because one was taken between our
 * probe and its bind (`isPortClash`), up to `attempts` times in all. `start` must leave nothing running when it
 * throws.
 */
export async function onFreshPorts<T>(
  count: number,
  start: (ports: number[]) => Promise<T>,
  options: { attempts?: number; pick?: (count: number) => Promise<number[]> } = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const pick = options.pick ?? distinctPorts;
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await pick(count));
    } catch (err) {
      if (attempt >= attempts || !isPortClash(err)) throw err;
    }
  }
}

/**
 * Registers a started component for cleanup and waits until it is ready (`waitUntilReady`); one that does not
 * get there is stopped and unregistered before the error is thrown, so a caller may simply start another.
 */
export async function readyOrStopped(
  registry: CleanupRegistry,
  proc: ManagedProcess,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  registry.addProcess(proc);
  try {
    await waitUntilReady(proc, timeoutMs, probe);
  } catch (err) {
    await proc.stop(2_000);
    registry.removeProcess(proc);
    throw err;
  }
}

/**
 * Waits until `probe` says a started component is ready; fails with TSOP_CONTROLPLANE, the log's last lines and
 * its path when the process exits first or `timeoutMs` passes.
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) {
      const code = await proc.exited;
      throw new TsOperatorError(
        "TSOP_CONTROLPLANE",
        `${proc.name} exited (code ${code}) during startup. Last log lines:\n${await tailOf(proc.logPath, 30, proc.logStart)}\n` +
          `Full log: ${proc.logPath}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new TsOperatorError(
        "TSOP_CONTROLPLANE",
        `${proc.name} not ready after ${timeoutMs} ms. Last log lines:\n${await tailOf(proc.logPath, 30, proc.logStart)}\n` +
          `Full log: ${proc.logPath}`,
      );
    }
    await sleep(100);
  }
}

/**
 * Everything one environment must clean up, also when the process ends abruptly: process groups to kill and
 * directories to remove. Registered with the exit hooks and mirrored into a watchdog shell.
 */
export class CleanupRegistry {
  private readonly pids = new Set<number>();
  private readonly dirs = new Set<string>();
  private watchdog: ChildProcess | undefined;
  private hooked = false;

  addProcess(p: ManagedProcess): void {
    this.pids.add(p.pid);
    this.refreshWatchdog();
  }
  removeProcess(p: ManagedProcess): void {
    this.pids.delete(p.pid);
    this.refreshWatchdog();
  }
  addDir(dir: string): void {
    this.dirs.add(dir);
    this.refreshWatchdog();
  }

  /** Synchronous: usable from `process.on("exit")`. */
  cleanupNow(): void {
    for (const pid of this.pids) killGroup(pid, "SIGKILL");
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.pids.clear();
    this.dirs.clear();
    this.stopWatchdog();
  }

  /** Called when the environment stopped cleanly by itself. */
  dispose(): void {
    this.pids.clear();
    this.dirs.clear();
    this.stopWatchdog();
    if (this.hooked) {
      liveRegistries.delete(this);
    }
  }

  hookProcessExit(): void {
    if (this.hooked) return;
    this.hooked = true;
    liveRegistries.add(this);
    installGlobalHooks();
  }

  private stopWatchdog(): void {
    if (this.watchdog?.pid) killGroup(this.watchdog.pid, "SIGKILL");
    this.watchdog = undefined;
  }

  private refreshWatchdog(): void {
    this.stopWatchdog();
    if (this.pids.size === 0 && this.dirs.size === 0) return;
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const script = [
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
      ...[...this.pids].map((pid) => `kill -KILL -${pid} 2>/dev/null; kill -KILL ${pid} 2>/dev/null`),
      ...[...this.dirs].map((d) => `rm -rf ${quote(d)}`),
    ].join("\n");
    const child = spawn("/bin/sh", ["-c", script], { stdio: "ignore", detached: true });
    child.unref();
    this.watchdog = child;
  }
}

const liveRegistries = new Set<CleanupRegistry>();
let globalHooksInstalled = false;

function installGlobalHooks(): void {
  if (globalHooksInstalled) return;
  globalHooksInstalled = true;
  process.on("exit", () => {
    for (const r of liveRegistries) r.cleanupNow();
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    // Only when nobody else handles the signal: then the default would kill us without running "exit" hooks.
    // When the application has its own handler it decides (it will stop the environment or exit, and the exit
    // hook covers the rest). Prepended, so we count the other handlers before any `once` handler removes itself.
    const hook = () => {
      if (process.listenerCount(signal) > 1) return;
      for (const r of liveRegistries) r.cleanupNow();
      process.off(signal, hook);
      process.kill(process.pid, signal);
    };
    process.prependListener(signal, hook);
  }
}
