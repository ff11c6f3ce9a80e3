/**
 * The kube-apiserver audit log of a TestEnvironment: what the server itself says was done, by whom (user agent
 * and user), in which order. Tests use it as the impartial witness of claims like "no parent was written by two
 * replicas at once", which no client-side log can prove.
 */
import { readFile } from "node:fs/promises";
import type { KubeObject } from "../core/types.js";

/** The fields of an audit.k8s.io/v1 Event the tests read (the JSON lines carry more). */
export interface AuditEvent {
  /** "RequestReceived" | "ResponseStarted" | "ResponseComplete" | "Panic". */
  stage: string;
  verb: string;
  requestURI: string;
  userAgent?: string;
  user?: { username?: string; groups?: string[] };
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
    apiVersion?: string;
    subresource?: string;
  };
  responseStatus?: { code?: number };
  /** MicroTime strings. */
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

/**
 * The default policy: metadata (no bodies) of every write, at ResponseComplete only; reads and watches are not
 * logged, they would swamp the file and no test needs them.
 */
export const WRITES_AUDIT_POLICY: KubeObject = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  metadata: { name: "writes" },
  omitStages: ["RequestReceived", "ResponseStarted"],
  rules: [
    { level: "None", verbs: ["get", "list", "watch"] },
    { level: "Metadata", verbs: ["create", "update", "patch", "delete", "deletecollection"] },
  ],
};

/** Reads and parses an audit log file (JSON lines; a torn last line, still being written, is skipped). */
export async function readAuditLog(path: string): Promise<AuditEvent[]> {
  const text = await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return "";
    throw err;
  });
  const events: AuditEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as AuditEvent);
    } catch {
      // The server is appending this line right now.
    }
  }
  return events;
}
