/**
 * Turns a handler's answer into the exact objects the engine will write, or a list of everything wrong with it.
 * Nothing is written unless the whole answer is valid, so a bad answer never leaves a parent half-applied.
 */
import { TsOperatorError } from "../../core/errors.js";
import type { K8sType, KubeObject, OwnerReference } from "../../core/types.js";
import { NotJsonError, hashOf, jsonCopy } from "../../core/json.js";
import { SHARD_BUCKET_LABEL, bucketOfObject } from "../../core/shard-hash.js";
import type { OperatorConfig, UpdateStrategy } from "../api/config.js";
import { UNCHANGED_CHILDREN, type SyncResponse } from "../api/handler.js";
import { typeKey } from "../api/sync-request.js";

/** Annotation holding the hash of the desired object the operator last wrote: "unchanged" costs no request. */
export const DESIRED_HASH_ANNOTATION = "tsoperator.dev/desired-hash";

/** Server-populated metadata a handler may have copied from an existing child; never part of desired state. */
const SERVER_METADATA = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
] as const;

export interface DesiredChild {
  readonly type: K8sType;
  readonly strategy: UpdateStrategy;
  /** The child type opted in to adopting objects with no controller. */
  readonly adoptOrphans: boolean;
  readonly namespace: string | undefined;
  readonly name: string;
  /** The object to write: labels, ownerReference and hash annotation included. */
  readonly object: KubeObject;
  readonly hash: string;
}

export interface OutputProblem {
  /** "Deployment.apps/v1 default/web" or "children[3]". */
  readonly child: string;
  readonly rule:
    | "missing-apiVersion"
    | "missing-kind"
    | "missing-name"
    | "undeclared-type"
    | "wrong-namespace"
    | "missing-namespace"
    | "cluster-scoped-child-of-namespaced-parent"
    | "status-on-child"
    | "duplicate-child"
    | "foreign-controller"
    | "not-an-object"
    | "not-json"
    | "invalid-response";
  readonly message: string;
}

/** The handler's output broke one or more rules. `problems` lists each; the message names them all. */
export class HandlerOutputError extends TsOperatorError {
  readonly problems: readonly OutputProblem[];
  constructor(problems: OutputProblem[]) {
    super(
      "TSOP_HANDLER_OUTPUT_INVALID",
      `invalid handler output: ${problems.map((p) => `${p.child}: ${p.message} [${p.rule}]`).join("; ")}`,
    );
    this.problems = problems;
  }
}

export interface PrepareContext {
  readonly config: OperatorConfig;
  readonly parent: KubeObject;
  readonly parentNamespaced: boolean;
  /** Whether a declared child type is namespaced (from k8sTypes or discovery). */
  isNamespaced(type: K8sType): boolean;
}

/** Validates `response` and returns the children to write. Throws HandlerOutputError listing every problem. */
export function prepareDesiredChildren(response: SyncResponse, ctx: PrepareContext): DesiredChild[] {
  const problems: OutputProblem[] = [];
  if (response === null || typeof response !== "object") {
    throw new HandlerOutputError([
      { child: "response", rule: "invalid-response", message: "sync must return { status, children }" },
    ]);
  }
  if (!Array.isArray(response.children) && response.children !== UNCHANGED_CHILDREN) {
    throw new HandlerOutputError([
      {
        child: "response",
        rule: "invalid-response",
        message: 'children must be an array of objects or "unchanged"',
      },
    ]);
  }
  const r = response.resyncAfterMs;
  if (r !== undefined && r !== null && !(typeof r === "number" && Number.isFinite(r) && r >= 0)) {
    problems.push({
      child: "response",
      rule: "invalid-response",
      message: `resyncAfterMs ${String(r)} is not a duration`,
    });
  }
  const s: unknown = response.status;
  if (s !== undefined && s !== null && (typeof s !== "object" || Array.isArray(s))) {
    problems.push({
      child: "response",
      rule: "invalid-response",
      message: "status must be an object or null",
    });
  } else if (s !== undefined && s !== null) {
    try {
      jsonCopy(s, "status");
    } catch (error) {
      if (!(error instanceof NotJsonError)) throw error;
      problems.push({ child: "response", rule: "not-json", message: error.message });
    }
  }

  const parentMeta = ctx.parent.metadata;
  const parentNamespace = parentMeta.namespace || undefined;
  const seen = new Set<string>();
  const out: DesiredChild[] = [];

  const children: readonly unknown[] = Array.isArray(response.children) ? response.children : [];
  children.forEach((raw: unknown, index) => {
    const at = `children[${index}]`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push({ child: at, rule: "not-an-object", message: "is not an object" });
      return;
    }
    const child = raw as KubeObject;
    const meta: Record<string, unknown> =
      child.metadata && typeof child.metadata === "object" ? (child.metadata as Record<string, unknown>) : {};
    const name = typeof meta.name === "string" ? meta.name : "";
    const label = `${child.kind || "?"} ${name || at}`;
    let ok = true;
    const problem = (rule: OutputProblem["rule"], message: string) => {
      problems.push({ child: label, rule, message });
      ok = false;
    };
    if (typeof child.apiVersion !== "string" || !child.apiVersion)
      problem("missing-apiVersion", "apiVersion is missing");
    if (typeof child.kind !== "string" || !child.kind) problem("missing-kind", "kind is missing");
    if (!name) {
      problem(
        "missing-name",
        typeof meta.generateName === "string"
          ? "metadata.name is missing (generateName is not supported: children need stable names)"
          : "metadata.name is missing",
      );
    }
    if (!ok) return;
    const declared = ctx.config.childConfigFor(child.apiVersion, child.kind);
    if (!declared) {
      problem(
        "undeclared-type",
        `${child.kind} (${child.apiVersion}) is not a declared child type; declare it with withChild(...)`,
      );
      return;
    }
    if (child.status !== undefined) {
      problem(
        "status-on-child",
        "children must not carry a status (the server and their controllers own it)",
      );
    }
    const childNamespaced = ctx.isNamespaced(declared.type);
    const given = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : undefined;
    let namespace: string | undefined;
    if (childNamespaced) {
      if (ctx.parentNamespaced) {
        if (given !== undefined && given !== parentNamespace) {
          problem(
            "wrong-namespace",
            `namespace ${given} differs from the parent's ${parentNamespace}; children of a namespaced parent live in its namespace`,
          );
        }
        namespace = parentNamespace;
      } else {
        if (given === undefined) {
          problem(
            "missing-namespace",
            "the parent is cluster-scoped: a namespaced child must name its namespace",
          );
        }
        namespace = given;
      }
    } else {
      if (ctx.parentNamespaced) {
        problem(
          "cluster-scoped-child-of-namespaced-parent",
          "a cluster-scoped child cannot be owned by a namespaced parent (the garbage collector would delete it)",
        );
      } else if (given !== undefined) {
        problem("wrong-namespace", `${child.kind} is cluster-scoped; remove metadata.namespace`);
      }
      namespace = undefined;
    }
    const foreign = (meta.ownerReferences as OwnerReference[] | undefined)?.find(
      (ref) => ref?.controller && ref.uid !== parentMeta.uid,
    );
    if (foreign)
      problem(
        "foreign-controller",
        `already has a controller ownerReference to ${foreign.kind} ${foreign.name}`,
      );
    const id = `${typeKey(declared.type)}|${namespace ?? ""}|${name}`;
    if (seen.has(id)) problem("duplicate-child", "is returned twice");
    seen.add(id);
    if (!ok) return;
    let object: KubeObject;
    try {
      object = finishChild(child, namespace, ctx);
    } catch (error) {
      if (!(error instanceof NotJsonError)) throw error;
      problem("not-json", error.message);
      return;
    }
    const hash = hashOf(object);
    // Sharded: the parent's bucket, so the replica holding it caches this child too (its label selector). Not
    // in the hash: switching sharding on must not count as a change of every child (a "recreate" child would be
    // recreated); child sync sets the label alone where it is missing.
    const sharding = ctx.config.sharding;
    if (sharding) {
      object.metadata.labels = {
        ...object.metadata.labels,
        [SHARD_BUCKET_LABEL]: String(bucketOfObject(ctx.parent, sharding.key ?? "uid", sharding.buckets)),
      };
    }
    object.metadata.annotations = { ...object.metadata.annotations, [DESIRED_HASH_ANNOTATION]: hash };
    out.push({
      type: declared.type,
      strategy: declared.config.strategy,
      adoptOrphans: declared.config.adoptsOrphans,
      namespace,
      name,
      object,
      hash,
    });
  });

  if (problems.length > 0) throw new HandlerOutputError(problems);
  return out;
}

/**
 * A deep copy with defaulted namespace, our labels and the controller ownerReference. Throws NotJsonError for a
 * value the server would not receive as given (NaN, a Map, ...).
 */
function finishChild(child: KubeObject, namespace: string | undefined, ctx: PrepareContext): KubeObject {
  // One deep copy, as JSON sees it: everything below edits the copy, never the handler's object, and the hash
  // is taken of exactly what will be sent.
  const copy = jsonCopy(child);
  const metadata = copy.metadata;
  for (const field of SERVER_METADATA) delete (metadata as Record<string, unknown>)[field];
  if (namespace) metadata.namespace = namespace;
  else delete metadata.namespace;
  metadata.labels = {
    ...metadata.labels,
    [ctx.config.trackingLabel]: ctx.parent.metadata.uid ?? "",
    [ctx.config.ownershipLabel]: ctx.config.operatorName,
  };
  const owner: OwnerReference = {
    apiVersion: ctx.config.parentType.apiVersion,
    kind: ctx.config.parentType.kind,
    name: ctx.parent.metadata.name ?? "",
    uid: ctx.parent.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
  const others = (metadata.ownerReferences ?? []).filter((ref) => ref.uid !== owner.uid);
  metadata.ownerReferences = [...others, owner];
  // A hash annotation copied from an existing child must not count in the new hash.
  if (metadata.annotations) {
    delete metadata.annotations[DESIRED_HASH_ANNOTATION];
    if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  }
  return copy;
}
