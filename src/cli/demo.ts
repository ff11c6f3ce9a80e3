/**
 * `tsoperator demo` (`npm run demo`): the echo-server example end to end on a local control plane. Builds the
 * control plane if needed, starts it, runs the example operator in-process, creates EchoServers and shows their
 * children and statuses converging in a compact live view, scales one, deletes one, and stops, leaving nothing
 * running. `--ci` (or CI=true) is the short non-interactive form: plain lines, no pauses, exit 1 on a timeout.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TsOperatorError } from "../core/errors.js";
import { k8sTypes } from "../core/k8s-types.js";
import type { K8sType, KubeObject } from "../core/types.js";
import { KubeClient } from "../client/kube-client.js";
import type { OperatorConfig } from "../operator/api/config.js";
import type { Handler } from "../operator/api/handler.js";
import { silentLogger } from "../core/logger.js";
import { sleep } from "../core/sleep.js";
import { startOperator, type RunningOperator } from "../operator/manager/runner.js";
import { installControlPlane } from "../testing/controlplane-binaries.js";
import { TestEnvironment } from "../testing/test-environment.js";

export interface DemoOptions {
  /** Leave the control plane and operator running until Ctrl-C, printing the kubeconfig. */
  keep?: boolean;
  /** Non-interactive: plain lines, no pauses. Default: `CI=true` in the environment. */
  ci?: boolean;
  /** How long each step may take to converge (default 60 000 ms). */
  stepTimeoutMs?: number;
  /** Where the demo writes (default stdout). */
  out?: NodeJS.WriteStream;
}

/** What the demo needs from the echo-server example (loaded at run time: examples are not part of the build). */
interface EchoServerModule {
  config: OperatorConfig;
  handler: Handler;
  EchoServerType: K8sType & { crd(): KubeObject };
}

const EXAMPLE_DIR = new URL("../../examples/echo-server/", import.meta.url);
const NAMESPACE = "demo";
const { Deployment } = k8sTypes.apps.v1;
const { Service } = k8sTypes.core.v1;

interface Row {
  name: string;
  replicas: number;
  deployment: KubeObject | undefined;
  service: KubeObject | undefined;
  parent: KubeObject | undefined;
}

/** One line per parent: what the operator made of it. */
function describeRow(row: Row): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  if (!row.parent) {
    const leftovers = [row.deployment && "Deployment", row.service && "Service"].filter(Boolean).join(", ");
    return `${pad(row.name, 8)} deleted   ${leftovers ? `children left: ${leftovers} (garbage collector pending)` : "children garbage-collected"}`;
  }
  const spec = row.deployment?.spec as { replicas?: number } | undefined;
  const clusterIp = (row.service?.spec as { clusterIP?: string } | undefined)?.clusterIP;
  const status = (row.parent.status ?? {}) as { phase?: string; readyReplicas?: number; observedGeneration?: number };
  const synced = status.observedGeneration === row.parent.metadata.generation;
  return [
    pad(row.name, 8),
    pad(`replicas ${row.replicas}`, 11),
    pad(row.deployment ? `Deployment ✓ (${spec?.replicas ?? "?"} replicas)` : "Deployment …", 28),
    pad(row.service ? `Service ✓ ${clusterIp ?? ""}` : "Service …", 24),
    status.phase
      ? `status ${status.phase} ${status.readyReplicas ?? 0}/${row.replicas} ready${synced ? "" : " (stale)"}`
      : "status …",
  ].join(" ");
}

/** Redraws the rows in place on a terminal; elsewhere prints a row only when it changed. */
class ProgressView {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  #drawn = 0;
  readonly #last = new Map<string, string>();

  constructor(out: NodeJS.WriteStream, tty: boolean) {
    this.#out = out;
    this.#tty = tty;
  }

  line(text: string): void {
    this.#drawn = 0;
    this.#out.write(`${text}\n`);
  }

  render(rows: readonly Row[]): void {
    const lines = rows.map((r) => `  ${describeRow(r)}`);
    if (this.#tty) {
      const width = (this.#out.columns || 120) - 1;
      if (this.#drawn) this.#out.write(`\x1b[${this.#drawn}A`);
      for (const l of lines) this.#out.write(`\x1b[2K${l.slice(0, width)}\n`);
      this.#drawn = lines.length;
      return;
    }
    for (const [i, l] of lines.entries()) {
      const key = rows[i]!.name;
      if (this.#last.get(key) !== l) {
        this.#last.set(key, l);
        this.#out.write(`${l}\n`);
      }
    }
  }
}

/**
 * Runs the demo; resolves with the process exit code.
 *
 * @example
 * process.exitCode = await runDemo({ ci: true });
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout;
  const ci = options.ci ?? process.env.CI === "true";
  const tty = !ci && out.isTTY === true;
  const stepTimeoutMs = options.stepTimeoutMs ?? 60_000;
  const view = new ProgressView(out, tty);
  const say = (text: string) => view.line(text);
  const pause = (ms: number) => (ci ? Promise.resolve() : sleep(ms));
  const started = Date.now();
  const abort = new AbortController();
  const onSignal = () => abort.abort(new TsOperatorError("TSOP_SHUTDOWN", "interrupted"));
  // `on`, not `once`: the control plane's signal hook re-raises the signal when no listener is left.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const examplePath = fileURLToPath(new URL("src/operator.ts", EXAMPLE_DIR));
  if (!existsSync(examplePath)) {
    throw new TsOperatorError("TSOP_CONFIG_INVALID", `the demo runs from a clone of tsoperator: ${examplePath} is missing`);
  }
  // A computed specifier: tsc does not pull the example into the package build, tsx loads its TypeScript.
  const example = (await import(new URL("src/operator.js", EXAMPLE_DIR).href)) as EchoServerModule;

  say("tsoperator demo: the echo-server example operator on a local control plane");
  say("1/6 control plane binaries");
  await installControlPlane({ log: (line) => say(`  ${line}`) });
  say("2/6 starting etcd, kube-apiserver and kube-controller-manager");
  // The CRD comes from the example's defineResource: there is no crd.yaml to keep in step with the types.
  const env = await TestEnvironment.start({ crds: [example.EchoServerType] });
  let operator: RunningOperator | undefined;
  let client: KubeClient | undefined;
  try {
    say(`  control plane ready in ${(env.startupMs / 1000).toFixed(1)} s at ${env.endpoint}; EchoServer CRD installed`);
    say("  note: this control plane has no scheduler, kubelet or deployment controller, so no Pods start;");
    say("  the demo plays the deployment controller by writing Deployment status (readyReplicas) itself");
    client = await KubeClient.fromConfig(env.clientConfig("tsoperator-demo"));
    await client.resource(k8sTypes.core.v1.Namespace).create({ metadata: { name: NAMESPACE } });

    say("3/6 starting the echo-server operator in-process");
    const config = example.config.withNamespace(NAMESPACE).withMetricsEnabled(false).withHealthEnabled(false);
    operator = startOperator(config, example.handler, { clientConfig: env.clientConfig("echo-server-operator"), logger: silentLogger, signal: abort.signal });
    await operator.ready;

    const echo = client.resource(example.EchoServerType, NAMESPACE);
    const deployments = client.resource(Deployment, NAMESPACE);
    const services = client.resource(Service, NAMESPACE);
    const wanted = new Map<string, number>([
      ["alpha", 1],
      ["bravo", 2],
      ["charlie", 3],
    ]);
    const snapshot = async (): Promise<Row[]> => {
      const [p, d, s] = await Promise.all([echo.list(), deployments.list(), services.list()]);
      const byName = (items: KubeObject[]) => new Map(items.map((o) => [o.metadata.name ?? "", o]));
      const parents = byName(p.items);
      const deps = byName(d.items);
      const svcs = byName(s.items);
      return [...wanted].map(([name, replicas]) => ({
        name,
        replicas,
        parent: parents.get(name),
        deployment: deps.get(name),
        service: svcs.get(name),
      }));
    };
    /** Redraws until `done(rows)` holds; fails after the step timeout. */
    const converge = async (what: string, done: (rows: Row[]) => boolean): Promise<void> => {
      const deadline = Date.now() + stepTimeoutMs;
      for (;;) {
        if (abort.signal.aborted) throw abort.signal.reason;
        const rows = await snapshot();
        view.render(rows);
        if (done(rows)) return;
        if (Date.now() > deadline) {
          throw new TsOperatorError("TSOP_REQUEST_TIMEOUT", `did not converge within ${stepTimeoutMs} ms: ${what}`);
        }
        await sleep(tty ? 150 : 250);
      }
    };
    const specMatches = (r: Row) =>
      r.parent !== undefined &&
      (r.deployment?.spec as { replicas?: number } | undefined)?.replicas === r.replicas &&
      r.service !== undefined &&
      (r.parent.status as { observedGeneration?: number } | undefined)?.observedGeneration === r.parent.metadata.generation;
    const readyIs = (r: Row, n: number) => (r.parent?.status as { readyReplicas?: number } | undefined)?.readyReplicas === n;

    say("4/6 creating 3 EchoServers: alpha (1 replica), bravo (2), charlie (3)");
    for (const [name, replicas] of wanted) {
      await echo.create({
        apiVersion: example.EchoServerType.apiVersion,
        kind: example.EchoServerType.kind,
        metadata: { name, namespace: NAMESPACE },
        spec: { message: `hello from ${name}`, replicas },
      });
    }
    await converge("Deployments, Services and status of 3 EchoServers", (rows) => rows.every(specMatches));
    say("  3 EchoServers converged: a Deployment and a Service each, status Progressing (no Pods here)");
    await pause(1500);
    say("  simulating readiness: writing each Deployment's status as the deployment controller would");
    for (const [name, replicas] of wanted) {
      await deployments.patchStatus(name, "merge", {
        status: { replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas },
      });
    }
    await converge("status Ready for 3 EchoServers", (rows) => rows.every((r) => readyIs(r, r.replicas)));
    say("  status mirrors the Deployments: all 3 Ready");
    await pause(1500);

    say("5/6 scaling bravo from 2 to 4 replicas (spec change)");
    wanted.set("bravo", 4);
    await echo.patch("bravo", "merge", { spec: { replicas: 4 } });
    await converge("bravo scaled to 4", (rows) => rows.every(specMatches));
    say("  scaled bravo: Deployment now wants 4 replicas, status Progressing with 2/4 ready");
    await pause(1500);

    say("6/6 deleting charlie");
    await echo.delete("charlie");
    await converge("charlie's children garbage-collected", (rows) => {
      const c = rows.find((r) => r.name === "charlie");
      return c !== undefined && !c.parent && !c.deployment && !c.service;
    });
    say("  charlie deleted: Deployment and Service garbage-collected (ownerReferences)");
    say(`demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    if (options.keep) {
      say("");
      say("everything keeps running; try:");
      say(`  export KUBECONFIG=${env.kubeconfigPath}`);
      say(`  kubectl -n ${NAMESPACE} get echoservers,deployments,services`);
      say("Ctrl-C stops the operator and the control plane");
      if (!abort.signal.aborted) {
        await new Promise<void>((resolve) => abort.signal.addEventListener("abort", () => resolve(), { once: true }));
      }
    }
    return 0;
  } finally {
    // After Ctrl-C the control plane's own signal hook may already have killed its processes; keep the event
    // loop alive so the operator, the client and the environment still shut down in order and we can say so.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await operator?.stop();
      await client?.close();
      await env.stop();
      say("stopped: operator, control plane and temp files are gone");
    } finally {
      clearInterval(keepAlive);
    }
  }
}
