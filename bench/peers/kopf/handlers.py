"""kopf peer for the end-to-end benchmark: the BenchParent workload (K ConfigMaps per parent, status
{observedGeneration, children}) written the way a kopf user would: create/update/resume handlers, children adopted
(ownerReference) and created with the official client, status written through kopf's patch.

Event posting is turned off: the other contenders post no Kubernetes Events for successful reconciles.
"""
import logging
import os

import kopf
import kubernetes

print("STARTED", flush=True)

GROUP, VERSION, PLURAL = "bench.tsoperator.dev", "v1", "benchparents"


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, **_):
    settings.posting.enabled = False
    # Use the same client identity as kopf itself (the kubeconfig in KUBECONFIG).
    kubernetes.config.load_kube_config()
    logging.getLogger("kopf").setLevel(logging.WARNING)


def desired_children(name, namespace, spec):
    k = int(spec.get("k", 0))
    payload = spec.get("payload") or ""
    for i in range(k):
        cm = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"{name}-{i}", "labels": {"bench.tsoperator.dev/parent": name}},
            "data": {"index": str(i), "k": str(k), "payload": payload},
        }
        kopf.adopt(cm)
        yield cm


@kopf.on.resume(GROUP, VERSION, PLURAL)
@kopf.on.create(GROUP, VERSION, PLURAL)
@kopf.on.update(GROUP, VERSION, PLURAL, field="spec")
def sync(name, namespace, spec, meta, patch, **_):
    api = kubernetes.client.CoreV1Api()
    k = int(spec.get("k", 0))
    for cm in desired_children(name, namespace, spec):
        try:
            api.create_namespaced_config_map(namespace, cm)
        except kubernetes.client.exceptions.ApiException as e:
            if e.status != 409:
                raise
            api.patch_namespaced_config_map(cm["metadata"]["name"], namespace, cm)
    patch.status["observedGeneration"] = meta.get("generation")
    patch.status["children"] = k
