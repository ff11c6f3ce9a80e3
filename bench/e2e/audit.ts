/**
 * Exact per-contender request counts from the apiserver's audit log. Every contender authenticates with its own
 * client certificate (user `bench-...`, group `bench-contenders`); the policy logs only that group, at Metadata
 * level, so the log holds precisely the contenders' requests and nothing they did not send.
 */
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const CONTENDER_GROUP = "bench-contenders";

/** Writes the audit policy and returns the apiserver flags that enable it. */
export async function auditFlags(dir: string): Promise<{ flags: string[]; logPath: string }> {
  const policyPath = join(dir, "audit-policy.yaml");
  const logPath = join(dir, "audit.log");
  await writeFile(
    policyPath,
    [
      "apiVersion: audit.k8s.io/v1",
      "kind: Policy",
      "omitStages: [RequestReceived]",
      "rules:",
      "  - level: Metadata",
      `    userGroups: [${CONTENDER_GROUP}]`,
      "  - level: None",
      "",
    ].join("\n"),
  );
  return {
    flags: [
      `--audit-policy-file=${policyPath}`,
      `--audit-log-path=${logPath}`,
      "--audit-log-format=json",
      // Blocking mode: the event is written before the response is sent, so a count taken after the fact is
      // complete.
      "--audit-log-mode=blocking",
      "--audit-log-maxsize=0",
    ],
    logPath,
  };
}

interface AuditEvent {
  auditID: string;
  verb: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string };
  responseStatus?: { code?: number };
}

/** Requests of one user, counted once per audit ID, keyed "verb resource[/subresource]". */
export type RequestCounts = Map<string, number>;

export const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);

/** Reads the audit log incrementally. */
export class AuditReader {
  private offset = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly path: string) {}

  /** The requests logged since the last call, per user. */
  async readNew(): Promise<Map<string, RequestCounts>> {
    const byUser = new Map<string, RequestCounts>();
    let handle;
    try {
      handle = await open(this.path, "r");
    } catch {
      return byUser;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return byUser;
      const buffer = Buffer.alloc(size - this.offset);
      await handle.read(buffer, 0, buffer.length, this.offset);
      // Only whole lines; a partial last line is read next time.
      const end = buffer.lastIndexOf(10);
      if (end < 0) return byUser;
      this.offset += end + 1;
      for (const line of buffer.subarray(0, end).toString("utf8").split("\n")) {
        if (!line) continue;
        const event = JSON.parse(line) as AuditEvent;
        // Watches log ResponseStarted and ResponseComplete: count each request once.
        if (this.seen.has(event.auditID)) continue;
        this.seen.add(event.auditID);
        const user = event.user?.username ?? "?";
        const what = event.objectRef?.subresource
          ? `${event.objectRef.resource}/${event.objectRef.subresource}`
          : (event.objectRef?.resource ?? "-");
        const key = `${event.verb} ${what}`;
        let counts = byUser.get(user);
        if (!counts) byUser.set(user, (counts = new Map<string, number>()));
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    } finally {
      await handle.close();
    }
    return byUser;
  }
}

export function writesIn(counts: RequestCounts | undefined): number {
  let total = 0;
  for (const [key, n] of counts ?? []) if (WRITE_VERBS.has(key.split(" ")[0] ?? "")) total += n;
  return total;
}

export function verbTotals(counts: RequestCounts | undefined): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [key, n] of counts ?? []) {
    const verb = key.split(" ")[0] ?? "?";
    totals.set(verb, (totals.get(verb) ?? 0) + n);
  }
  return totals;
}
