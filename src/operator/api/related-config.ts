/**
 * `RelatedConfig`: how parents relate to objects they read but do not own (a Secret named in the spec, Nodes,
 * a Service elsewhere), so that a change to such an object re-syncs exactly the parents that depend on it.
 * Two forms, as in controller-runtime and kube-rs: the parent lists what it references (the engine keeps the
 * reverse index), or a function maps a related object to the parents it concerns. Pure configuration.
 */
import { TsOperatorError } from "../../core/errors.js";
import type { KubeObject, ObjectId } from "../../core/types.js";

/**
 * Object ids: `{ namespace, name }`, or a bare name, meaning the namespace of the object that names it (the
 * parent's for references, the related object's for a mapping) when the target type is namespaced.
 */
export type ObjectRefs = Iterable<ObjectId | string> | ObjectId | string | undefined | null;

export type ReferencesFunction = (parent: KubeObject) => ObjectRefs;
export type ParentsFunction = (related: KubeObject) => ObjectRefs;

export class RelatedConfig {
  private constructor(
    /** The parent -> related ids function (reference form). */
    readonly references: ReferencesFunction | undefined,
    /** The related object -> parent ids function (mapping form). */
    readonly parentsOf: ParentsFunction | undefined,
    /** Only related objects in this namespace are cached (default: the operator's namespace for namespaced types). */
    readonly namespace: string | undefined = undefined,
    /** Only related objects matching this label selector are cached. */
    readonly labelSelector: string | undefined = undefined,
  ) {}

  /**
   * The parent names the related objects it uses; the engine keeps the reverse index, updated on every parent
   * event, so a change to one of them re-syncs the parents that reference it now (and no others).
   *
   * @example
   * config.withRelated(k8sTypes.core.v1.Secret, RelatedConfig.referencedBy<App>((app) => app.spec?.secretRef));
   */
  static referencedBy<P extends KubeObject = KubeObject>(
    references: (parent: P) => ObjectRefs,
  ): RelatedConfig {
    if (typeof references !== "function") invalid("referencedBy needs a function parent -> ids");
    // Called only with parents of the operator's parent type.
    return new RelatedConfig(references as ReferencesFunction, undefined);
  }

  /**
   * A function from a related object to the parents it concerns (label selectors, cluster-wide objects such as
   * Nodes). Called on every event of the type; a parent it stops returning is re-synced once more too.
   *
   * @example
   * config.withRelated(k8sTypes.core.v1.Node, RelatedConfig.mappedBy((node) => parentsOnNode(node)));
   */
  static mappedBy<R extends KubeObject = KubeObject>(parentsOf: (related: R) => ObjectRefs): RelatedConfig {
    if (typeof parentsOf !== "function") invalid("mappedBy needs a function related object -> parent ids");
    return new RelatedConfig(undefined, parentsOf as ParentsFunction);
  }

  /** Cache (and relate) only objects in this namespace. */
  withNamespace(namespace: string | undefined): RelatedConfig {
    return new RelatedConfig(this.references, this.parentsOf, namespace || undefined, this.labelSelector);
  }

  /** Cache (and relate) only objects matching this label selector ("app=db,tier!=test"). */
  withLabelSelector(selector: string | undefined): RelatedConfig {
    return new RelatedConfig(this.references, this.parentsOf, this.namespace, selector || undefined);
  }
}

/** The ids a reference or mapping function returned, as a list. */
export function refsToIds(refs: ObjectRefs, defaultNamespace: string | undefined): ObjectId[] {
  if (refs === undefined || refs === null) return [];
  const list = typeof refs === "string" || !(Symbol.iterator in refs) ? [refs] : [...refs];
  const out: ObjectId[] = [];
  for (const ref of list) {
    if (typeof ref === "string") {
      if (ref) out.push({ namespace: defaultNamespace, name: ref });
    } else if (ref && typeof ref.name === "string" && ref.name) {
      out.push({ namespace: ref.namespace || defaultNamespace, name: ref.name });
    }
  }
  return out;
}

function invalid(message: string): never {
  throw new TsOperatorError("TSOP_CONFIG_INVALID", message);
}
