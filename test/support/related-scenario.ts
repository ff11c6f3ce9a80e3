/**
 * Parents that each reference one Secret (`spec.secretRef`) and copy its `value` into a ConfigMap child, with
 * handler calls counted per parent and child writes timed: the related-objects integration test and
 * bench/related-latency.ts share it.
 */
import type { KubeClient } from "../../src/client/kube-client.js";
import type { ClientConfig } from "../../src/client/config.js";
import { silentLogger } from "../../src/core/logger.js";
import { k8sTypes } from "../../src/core/k8s-types.js";
import type { KubeObject } from "../../src/core/types.js";
import { ChildConfig, OperatorConfig } from "../../src/operator/api/config.js";
import type { Handler } from "../../src/operator/api/handler.js";
import { RelatedConfig } from "../../src/operator/api/related-config.js";
import { startOperator, type RunningOperator } from "../../src/operator/manager/runner.js";
import { Widget } from "./crds.js";

type RefParent = KubeObject<{ secretRef?: string }>;

export const ABSENT = "absent";

export interface RelatedScenario {
  readonly ns: string;
  readonly op: RunningOperator;
  /** Handler calls per parent name. */
  readonly calls: Map<string, number>;
  /** performance.now() of the engine's child writes, per child name (the latest). */
  readonly writtenAt: Map<string, number>;
  createParents(names: string[], refOf: (name: string) => string): Promise<void>;
  setSecret(name: string, value: string): Promise<void>;
  setRef(parent: string, ref: string | undefined): Promise<void>;
  /** The `value` the cached ConfigMap child of `parent` holds. */
  childValue(parent: string): string | undefined;
  stop(): Promise<void>;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export async function startRelatedScenario(
  admin: KubeClient,
  clientConfig: ClientConfig,
  ns: string,
): Promise<RelatedScenario> {
  await admin.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: ns } });
  const config = new OperatorConfig("related-operator", Widget)
    .withChild(k8sTypes.core.v1.ConfigMap, ChildConfig.apply())
    .withRelated(
      k8sTypes.core.v1.Secret,
      RelatedConfig.referencedBy<RefParent>((parent) => parent.spec?.secretRef),
    )
    .withNamespace(ns)
    .withConcurrency(8)
    .withServerPort(0);
  const calls = new Map<string, number>();
  const writtenAt = new Map<string, number>();
  const handler: Handler<RefParent> = {
    sync(request) {
      const name = request.parent.metadata.name ?? "";
      calls.set(name, (calls.get(name) ?? 0) + 1);
      const ref = request.parent.spec?.secretRef;
      const secret = ref ? request.related.ofType(k8sTypes.core.v1.Secret).get(ref) : undefined;
      const data = secret?.data;
      const value = data?.value ? Buffer.from(data.value, "base64").toString("utf8") : ABSENT;
      return {
        children: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { value } }],
      };
    },
  };
  const op = startOperator(config, handler, {
    clientConfig,
    logger: silentLogger,
    observer: {
      onWrite: (_key, _verb, what) => writtenAt.set(what.split("/").pop() ?? what, performance.now()),
    },
  });
  await op.ready;
  const parents = admin.resource(Widget, ns);
  const secrets = admin.resource(k8sTypes.core.v1.Secret, ns);
  const childStore = () =>
    op.controller.factory.informers().find((i) => i.type.kind === "ConfigMap" && i.scope.labelSelector)
      ?.store;
  return {
    ns,
    op,
    calls,
    writtenAt,
    async createParents(names, refOf) {
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < names.length) {
            const name = names[next++] ?? "";
            await parents.create({
              apiVersion: Widget.apiVersion,
              kind: Widget.kind,
              metadata: { name, namespace: ns },
              spec: { secretRef: refOf(name) },
            });
          }
        }),
      );
    },
    async setSecret(name, value) {
      const existing = await secrets.getOrUndefined(name);
      if (existing) await secrets.patch(name, "merge", { data: { value: b64(value) } });
      else
        await secrets.create({
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name, namespace: ns },
          data: { value: b64(value) },
        });
    },
    async setRef(parent, ref) {
      await parents.patch(parent, "merge", { spec: { secretRef: ref ?? null } });
    },
    childValue(parent) {
      const child = childStore()?.get(`${ns}/${parent}`);
      return (child?.data as Record<string, string> | undefined)?.value;
    },
    stop: () => op.stop(),
  };
}
