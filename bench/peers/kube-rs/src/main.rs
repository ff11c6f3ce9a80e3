//! kube-rs peer for the end-to-end benchmark: the BenchParent workload (K ConfigMaps per parent, status
//! {observedGeneration, children}) written the way a kube-rs user would: a Controller over the CRD that `owns`
//! ConfigMaps, children and status written with server-side apply. Treated like the tsoperator peer: a parent's
//! children are applied concurrently (try_join_all), and the controller's documented concurrency setting
//! (`controller::Config::concurrency`) is set to tsoperator's default worker count, 4 (BENCH_CONCURRENCY; kube-rs's
//! own default, 0, means unbounded). READY is printed once the controller's parent store has synced (the store
//! kube-rs's own runner waits for before its first reconcile).
use std::{collections::BTreeMap, sync::Arc, time::Duration};

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::{
    api::{Api, ObjectMeta, Patch, PatchParams},
    runtime::{controller, controller::Action, watcher, Controller},
    Client, CustomResource, Resource, ResourceExt,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(
    group = "bench.tsoperator.dev",
    version = "v1",
    kind = "BenchParent",
    namespaced,
    status = "BenchParentStatus"
)]
pub struct BenchParentSpec {
    pub k: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BenchParentStatus {
    pub observed_generation: Option<i64>,
    pub children: Option<i64>,
}

struct Ctx {
    client: Client,
}

#[derive(Debug)]
struct ReconcileError(kube::Error);
impl std::fmt::Display for ReconcileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for ReconcileError {}

const MANAGER: &str = "kube-rs-peer";

async fn reconcile(parent: Arc<BenchParent>, ctx: Arc<Ctx>) -> Result<Action, ReconcileError> {
    let ns = parent.namespace().unwrap_or_default();
    let name = parent.name_any();
    let owner = parent.controller_owner_ref(&()).expect("parent has a uid");
    let cms: Api<ConfigMap> = Api::namespaced(ctx.client.clone(), &ns);
    let params = PatchParams::apply(MANAGER).force();
    let k = parent.spec.k;
    let writes = (0..k).map(|i| {
        let cm = ConfigMap {
            metadata: ObjectMeta {
                name: Some(format!("{name}-{i}")),
                namespace: Some(ns.clone()),
                labels: Some(BTreeMap::from([("bench.tsoperator.dev/parent".to_string(), name.clone())])),
                owner_references: Some(vec![owner.clone()]),
                ..Default::default()
            },
            data: Some(BTreeMap::from([
                ("index".to_string(), i.to_string()),
                ("k".to_string(), k.to_string()),
                ("payload".to_string(), parent.spec.payload.clone().unwrap_or_default()),
            ])),
            ..Default::default()
        };
        let (cms, params, child) = (&cms, &params, format!("{name}-{i}"));
        async move { cms.patch(&child, params, &Patch::Apply(&cm)).await }
    });
    futures::future::try_join_all(writes).await.map_err(ReconcileError)?;
    let parents: Api<BenchParent> = Api::namespaced(ctx.client.clone(), &ns);
    let status = serde_json::json!({
        "apiVersion": "bench.tsoperator.dev/v1",
        "kind": "BenchParent",
        "status": { "observedGeneration": parent.metadata.generation, "children": k },
    });
    parents.patch_status(&name, &params, &Patch::Apply(&status)).await.map_err(ReconcileError)?;
    Ok(Action::await_change())
}

fn error_policy(_parent: Arc<BenchParent>, err: &ReconcileError, _ctx: Arc<Ctx>) -> Action {
    eprintln!("reconcile failed: {err}");
    Action::requeue(Duration::from_secs(1))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("STARTED");
    let ns = std::env::var("BENCH_NAMESPACE")?;
    let client = Client::try_default().await?;
    let parents: Api<BenchParent> = Api::namespaced(client.clone(), &ns);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
    let concurrency: u16 = std::env::var("BENCH_CONCURRENCY").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let controller = Controller::new(parents, watcher::Config::default())
        .owns(cms, watcher::Config::default())
        .with_config(controller::Config::default().concurrency(concurrency));
    let store = controller.store();
    tokio::spawn(async move {
        // Store::wait_until_ready() shares one oneshot receiver between its callers, and that receiver keeps the
        // waker of the last task that polled it: the controller's own runner waits on the same store, so a wait
        // started here first is never woken (why READY never came before). A fresh wait every 10 ms sees the
        // memoized readiness, at most 10 ms late.
        loop {
            match tokio::time::timeout(Duration::from_millis(10), store.wait_until_ready()).await {
                Ok(Ok(())) => break,
                Ok(Err(_)) => return,
                Err(_) => continue,
            }
        }
        println!("READY");
        // Flushed explicitly: the driver reads this line from a pipe.
        let _ = std::io::Write::flush(&mut std::io::stdout());
    });
    controller
        .run(reconcile, error_policy, Arc::new(Ctx { client }))
        .for_each(|_| futures::future::ready(()))
        .await;
    Ok(())
}
