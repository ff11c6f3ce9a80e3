/**
 * Per-process accounting from /proc (Linux): CPU seconds (utime + stime) and resident memory. Used for the
 * contender and, separately, for the control plane's etcd / kube-apiserver / kube-controller-manager.
 */
import { readFileSync } from "node:fs";

// USER_HZ is 100 on every Linux this runs on (it is fixed by the kernel ABI for /proc/<pid>/stat).
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by `pid` (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at state (field 3); utime/stime are 14/15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export function totalCpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** Resident set size in bytes (0 when the process is gone). */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
