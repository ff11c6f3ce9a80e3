/**
 * TestEnvironment: a real local control plane (etcd + kube-apiserver + kube-controller-manager) for tests,
 * started on free loopback ports in a temp dir and stopped without leaving anything behind. It follows envtest's
 * conventions (`KUBEBUILDER_ASSETS`, `USE_EXISTING_CLUSTER=true`) and adds what envtest lacks: the garbage
 * collector and namespace controllers, so ownerReferences and namespace deletion behave as in a cluster.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { parseAllDocuments } from "yaml";
import { TsOperatorError, isApiError } from "../core/errors.js";
import { sleep } from "../core/sleep.js";
import type { KubeObject } from "../core/types.js";
import { ClientConfig } from "../client/config.js";
import { KubeClient } from "../client/kube-client.js";
import type { HttpMethod } from "../client/transport.js";
import { createPki, type ControlPlanePki, type KeyPair } from "./certificates.js";
import { resolveBinaries, type ControlPlaneBinaries } from "./controlplane-binaries.js";
import { readAuditLog, WRITES_AUDIT_POLICY, type AuditEvent } from "./audit-log.js";
import {
  CleanupRegistry,
  onFreshPorts,
  readyOrStopped,
  startProcess,
  type ManagedProcess,
} from "./processes.js";

/**
 * A CRD to install: a YAML/JSON file path, a CustomResourceDefinition object, or a resource from
 * `defineResource` (anything with a `crd()` method).
 */
export type CrdSource = string | KubeObject | { crd(): KubeObject };

export interface TestEnvironmentOptions {
  /** Start kube-controller-manager (default true). */
  controllerManager?: boolean;
  /** Controllers to run (default: garbagecollector, namespace, serviceaccount, serviceaccount-token). */
  controllers?: string[];
  /** CRDs to install once ready: YAML/JSON file paths, CRD objects or resources from `defineResource`. */
  crds?: CrdSource[];
  /** Extra kube-apiserver flags ("--name=value"). */
  apiServerFlags?: string[];
  /** kube-apiserver feature gates, e.g. `{ ShardedListAndWatch: true }` (alpha gates are off by default). */
  featureGates?: Record<string, boolean>;
  /**
   * Write an audit log (JSON lines, read it with `env.auditEvents()`): `true` for WRITES_AUDIT_POLICY (metadata
   * of every write), or an audit.k8s.io/v1 Policy object.
   */
  auditPolicy?: true | KubeObject;
  /** Readiness timeout (default 60 s). */
  startTimeoutMs?: number;
  /** Log lines go here (default: none). */
  log?: (line: string) => void;
}

/** An admin (system:masters) connection to the environment's apiserver. */
export interface EnvironmentInfo {
  endpoint: string;
  kubeconfigPath: string;
}

const DEFAULT_CONTROLLERS = ["garbagecollector", "namespace", "serviceaccount", "serviceaccount-token"];

/** The components a local environment runs. */
export type ControlPlaneProcess = "etcd" | "kube-apiserver" | "kube-controller-manager";

export class TestEnvironment implements EnvironmentInfo {
  /** https://127.0.0.1:<port> */
  readonly endpoint: string;
  /** Admin kubeconfig (client certificate in group system:masters). */
  readonly kubeconfigPath: string;
  /** True when `USE_EXISTING_CLUSTER=true` made this environment reuse the current kubeconfig. */
  readonly existingCluster: boolean;
  /** The CA that signed the serving and client certificates (PEM); undefined for an existing cluster. */
  readonly caPem: string | undefined;
  /** A static bearer token of a system:masters user (token auth file); undefined for an existing cluster. */
  readonly adminToken: string | undefined;
  #startupMs = 0;

  private readonly dir: string | undefined;
  private readonly dataDir: string | undefined;
  private readonly pki: ControlPlanePki | undefined;
  private readonly binaries: ControlPlaneBinaries | undefined;
  private readonly registry: CleanupRegistry;
  private readonly processes = new Map<string, ManagedProcess>();
  private readonly apiServerArgs: string[];
  private readonly dispatcher: Agent;
  private readonly existingConfig: ClientConfig | undefined;
  private readonly existingClient: KubeClient | undefined;
  private readonly etcdEndpoint: string | undefined;
  private stopped = false;

  private constructor(init: {
    endpoint: string;
    kubeconfigPath: string;
    existingConfig?: ClientConfig;
    existingClient?: KubeClient;
    dir?: string;
    dataDir?: string;
    pki?: ControlPlanePki;
    binaries?: ControlPlaneBinaries;
    adminToken?: string;
    apiServerArgs?: string[];
    registry?: CleanupRegistry;
    etcd?: ManagedProcess;
    etcdEndpoint?: string;
    startedAt: number;
  }) {
    this.registry = init.registry ?? new CleanupRegistry();
    if (init.etcd) this.processes.set("etcd", init.etcd);
    this.etcdEndpoint = init.etcdEndpoint;
    this.endpoint = init.endpoint;
    this.kubeconfigPath = init.kubeconfigPath;
    this.existingConfig = init.existingConfig;
    this.existingClient = init.existingClient;
    this.existingCluster = init.existingConfig !== undefined;
    this.dir = init.dir;
    this.dataDir = init.dataDir;
    this.pki = init.pki;
    this.caPem = init.pki?.ca.certPem;
    this.binaries = init.binaries;
    this.adminToken = init.adminToken;
    this.apiServerArgs = init.apiServerArgs ?? [];
    this.dispatcher = new Agent({
      connect: init.pki
        ? { ca: init.pki.ca.certPem, cert: init.pki.admin.certPem, key: init.pki.admin.keyPem }
        : undefined,
    });
  }

  /**
   * Starts a control plane (or, with `USE_EXISTING_CLUSTER=true`, connects to the current kubeconfig's) and
   * resolves once `/readyz` answers ok and the controller manager is healthy.
   *
   * @example
   * const env = await TestEnvironment.start({ crds: [EchoServerType] }); // a defineResource result, or a YAML path
   * try { const config = env.clientConfig(); ... } finally { await env.stop(); }
   */
  static async start(options: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
    const startedAt = Date.now();
    // The children are unref'd (so a forgotten stop() cannot hang the test process) and undici may unref idle
    // sockets: hold the event loop open ourselves while starting.
    const keepAlive = setInterval(() => {}, 60_000);
    let env: TestEnvironment;
    try {
      env =
        process.env.USE_EXISTING_CLUSTER === "true"
          ? await TestEnvironment.connectExisting(startedAt)
          : await TestEnvironment.startLocal(options, startedAt);
      if (env.existingCluster && options.crds?.length) await env.installCrds(options.crds);
    } finally {
      clearInterval(keepAlive);
    }
    env.#startupMs = Date.now() - startedAt;
    options.log?.(`control plane ready at ${env.endpoint} in ${env.startupMs} ms`);
    return env;
  }

  private static async connectExisting(startedAt: number): Promise<TestEnvironment> {
    const kubeconfigPath = process.env.KUBECONFIG?.split(":")[0] || join(homedir(), ".kube", "config");
    const config = await ClientConfig.fromKubeconfig("tsoperator-test");
    const env = new TestEnvironment({
      endpoint: config.apiServerEndpoint,
      kubeconfigPath,
      existingConfig: config,
      existingClient: await KubeClient.fromConfig(config),
      startedAt,
    });
    await env.adminJson("GET", "/version");
    return env;
  }

  private static async startLocal(
    options: TestEnvironmentOptions,
    startedAt: number,
  ): Promise<TestEnvironment> {
    // Without a controller manager, etcd and kube-apiserver alone will do (envtest's assets, macOS without Go).
    const binaries = await resolveBinaries({ controllerManager: options.controllerManager !== false });
    const dir = await mkdtemp(join(tmpdir(), "tsoperator-env-"));
    // etcd fsyncs constantly; on tmpfs (and with --unsafe-no-fsync) the apiserver is several times faster.
    const shm = "/dev/shm";
    const dataDir = existsSync(shm)
      ? await mkdtemp(join(shm, "tsoperator-etcd-")).catch(() => join(dir, "etcd-data"))
      : join(dir, "etcd-data");
    const registry = new CleanupRegistry();
    registry.addDir(dir);
    registry.addDir(dataDir);
    registry.hookProcessExit();
    const log = options.log ?? (() => {});
    const started: ManagedProcess[] = [];
    try {
      const pki = await createPki(dir);
      const adminToken = randomBytes(24).toString("hex");
      const tokenFile = join(dir, "tokens.csv");
      await writeFile(tokenFile, `${adminToken},tsoperator-token-admin,token-admin,"system:masters"\n`, {
        mode: 0o600,
      });

      // Each component on fresh ports, again on new ones if another process took one first (onFreshPorts).
      const { etcd, etcdEndpoint } = await onFreshPorts(2, async ([clientPort, peerPort]) => {
        // A start that failed may have begun a data dir for its own peer URL.
        await rm(dataDir, { recursive: true, force: true });
        await mkdir(dataDir, { recursive: true });
        const endpoint = `http://127.0.0.1:${clientPort}`;
        const etcd = startProcess(
          "etcd",
          binaries.etcd,
          [
            "--name=default",
            `--data-dir=${dataDir}`,
            `--listen-client-urls=${endpoint}`,
            `--advertise-client-urls=${endpoint}`,
            `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
            `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
            "--unsafe-no-fsync=true",
            "--quota-backend-bytes=8589934592",
            "--log-level=warn",
          ],
          join(dir, "etcd.log"),
        );
        await readyOrStopped(registry, etcd, options.startTimeoutMs ?? 60_000, async () => {
          const res = await request(`${endpoint}/health`).catch(() => undefined);
          if (!res) return false;
          const body = await res.body.text();
          return res.statusCode === 200 && body.includes('"true"');
        });
        return { etcd, etcdEndpoint: endpoint };
      });
      started.push(etcd);
      log(`etcd ready at ${etcdEndpoint}`);

      const env = await onFreshPorts(1, async ([apiPort]) => {
        const endpoint = `https://127.0.0.1:${apiPort}`;
        const apiServerArgs = [
          `--etcd-servers=${etcdEndpoint}`,
          `--secure-port=${apiPort}`,
          "--bind-address=127.0.0.1",
          "--advertise-address=127.0.0.1",
          // The default reconciler refuses loopback addresses for the `kubernetes` Service endpoints.
          "--endpoint-reconciler-type=none",
          `--tls-cert-file=${pki.serving.certPath}`,
          `--tls-private-key-file=${pki.serving.keyPath}`,
          `--client-ca-file=${pki.ca.certPath}`,
          `--token-auth-file=${tokenFile}`,
          "--authorization-mode=RBAC",
          `--service-account-key-file=${pki.serviceAccountPubPath}`,
          `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          "--service-cluster-ip-range=10.0.0.0/24",
          "--allow-privileged=true",
          "--profiling=false",
          "--v=1",
          ...featureGateFlags(options.featureGates),
          ...(await auditFlags(dir, options.auditPolicy)),
          ...(options.apiServerFlags ?? []),
        ];
        const env = new TestEnvironment({
          endpoint,
          kubeconfigPath: join(dir, "admin.kubeconfig"),
          dir,
          dataDir,
          pki,
          binaries,
          adminToken,
          apiServerArgs,
          registry,
          etcd,
          etcdEndpoint,
          startedAt,
        });
        try {
          await writeFile(env.kubeconfigPath, adminKubeconfig(endpoint, pki.ca, pki.admin), { mode: 0o600 });
          await env.startApiServer(options.startTimeoutMs ?? 60_000);
        } catch (err) {
          await env.dispatcher.close().catch(() => {});
          throw err;
        }
        return env;
      });
      log(`kube-apiserver ready at ${env.endpoint}`);
      // Before the controller manager: its garbage collector discovers resources at start and then only every
      // 30 s, so CRDs installed first are garbage-collected from the first second.
      if (options.crds?.length) await env.installCrds(options.crds);

      const kcmBinary = binaries["kube-controller-manager"];
      if (options.controllerManager !== false && kcmBinary) {
        const kcmPort = await onFreshPorts(1, async ([port]) => {
          const kcm = startProcess(
            "kube-controller-manager",
            kcmBinary,
            [
              `--kubeconfig=${env.kubeconfigPath}`,
              `--authentication-kubeconfig=${env.kubeconfigPath}`,
              `--authorization-kubeconfig=${env.kubeconfigPath}`,
              `--controllers=${(options.controllers ?? DEFAULT_CONTROLLERS).join(",")}`,
              "--leader-elect=false",
              `--secure-port=${port}`,
              "--bind-address=127.0.0.1",
              `--service-account-private-key-file=${pki.serviceAccountKeyPath}`,
              `--root-ca-file=${pki.ca.certPath}`,
              "--use-service-account-credentials=false",
              "--concurrent-gc-syncs=10",
              "--v=1",
            ],
            join(dir, "kube-controller-manager.log"),
          );
          const insecure = new Agent({ connect: { rejectUnauthorized: false } });
          try {
            const healthz = `https://127.0.0.1:${port}/healthz`;
            await env.trackUntilHealthy(kcm, healthz, insecure, options.startTimeoutMs ?? 60_000);
          } finally {
            await insecure.close();
          }
          return port;
        });
        log(`kube-controller-manager healthy on port ${kcmPort}`);
      }
      return env;
    } catch (err) {
      for (const p of started.reverse()) await p.stop(2_000);
      // Keep the logs: the error names them. Move them out of the temp dir that is about to go.
      const kept = await keepLogs(dir);
      registry.cleanupNow();
      throw rewriteLogPaths(err, dir, kept);
    }
  }

  /** Tracks `p` and waits until `url` answers 200; a process that does not get there is stopped and forgotten. */
  private async trackUntilHealthy(
    p: ManagedProcess,
    url: string,
    dispatcher: Agent,
    timeoutMs: number,
  ): Promise<void> {
    // In the map while it starts: stop() ends it then too.
    this.processes.set(p.name, p);
    try {
      await readyOrStopped(this.registry, p, timeoutMs, async () => {
        const res = await request(url, { dispatcher }).catch(() => undefined);
        if (!res) return false;
        await res.body.dump();
        return res.statusCode === 200;
      });
    } catch (err) {
      if (this.processes.get(p.name) === p) this.processes.delete(p.name);
      throw err;
    }
  }

  private async startApiServer(timeoutMs: number): Promise<void> {
    if (!this.binaries || !this.dir)
      throw new TsOperatorError("TSOP_CONTROLPLANE", "not a local environment");
    const apiserver = startProcess(
      "kube-apiserver",
      this.binaries["kube-apiserver"],
      this.apiServerArgs,
      join(this.dir, "kube-apiserver.log"),
    );
    await this.trackUntilHealthy(apiserver, `${this.endpoint}/readyz`, this.dispatcher, timeoutMs);
  }

  /** Time from `start()` to ready, ms. */
  get startupMs(): number {
    return this.#startupMs;
  }

  /** An admin ClientConfig (client certificate in system:masters). */
  clientConfig(userAgent = "tsoperator-test"): ClientConfig {
    if (this.existingConfig) return this.existingConfig.with({ userAgent });
    const pki = this.requirePki();
    return new ClientConfig({
      apiServerEndpoint: this.endpoint,
      caData: pki.ca.certPem,
      credentials: { kind: "pem", certPem: pki.admin.certPem, keyPem: pki.admin.keyPem },
      userAgent,
      source: `TestEnvironment ${this.endpoint}`,
    });
  }

  /** A client certificate for any user and groups, signed by the environment's CA. */
  async clientCertFor(user: string, groups: readonly string[] = []): Promise<KeyPair> {
    return this.requirePki().clientCert(user, groups);
  }

  /** A ClientConfig that authenticates as `user` (with `groups`) through a fresh client certificate. */
  async clientConfigFor(user: string, groups: readonly string[] = [], userAgent = "tsoperator-test") {
    const pair = await this.clientCertFor(user, groups);
    return new ClientConfig({
      apiServerEndpoint: this.endpoint,
      caData: this.requirePki().ca.certPem,
      credentials: { kind: "pem", certPem: pair.certPem, keyPem: pair.keyPem },
      userAgent,
    });
  }

  /** The audit log, when started with `auditPolicy` (local environments only). */
  get auditLogPath(): string | undefined {
    const path = this.apiServerArgs.find((a) => a.startsWith("--audit-log-path="));
    return path?.slice("--audit-log-path=".length);
  }

  /** The audit events written so far (empty without `auditPolicy`). */
  async auditEvents(): Promise<AuditEvent[]> {
    const path = this.auditLogPath;
    return path ? readAuditLog(path) : [];
  }

  /** The folder holding logs and certificates (local environments only). */
  get directory(): string | undefined {
    return this.dir;
  }

  /** Log file of a component (local environments only). */
  logPath(component: "etcd" | "kube-apiserver" | "kube-controller-manager"): string | undefined {
    return this.dir ? join(this.dir, `${component}.log`) : undefined;
  }

  /**
   * Installs CustomResourceDefinitions (file paths with YAML/JSON documents, or objects), waiting until each is
   * Established and its resource is served. Existing CRDs with the same name are replaced.
   *
   * Prefer `TestEnvironment.start({ crds })`: the garbage collector notices CRDs installed after the controller
   * manager started only at its next discovery sync (every 30 s), so ownerReferences to their objects are not
   * followed until then.
   */
  async installCrds(crds: CrdSource[], timeoutMs = 30_000): Promise<KubeObject[]> {
    const objects: KubeObject[] = [];
    for (const item of crds) {
      if (typeof item === "string") objects.push(...(await readManifests(item)));
      else if (typeof item.crd === "function") objects.push((item as { crd(): KubeObject }).crd());
      else objects.push(item as KubeObject);
    }
    const installed: KubeObject[] = [];
    for (const crd of objects) {
      if (crd.kind !== "CustomResourceDefinition") {
        throw new TsOperatorError("TSOP_INVALID_OBJECT", `installCrds: ${crd.kind ?? "object"} is not a CRD`);
      }
      const name = crd.metadata.name ?? "";
      const base = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
      const existing = await this.adminJson("GET", `${base}/${name}`, undefined, [404]);
      if (existing.status === 404) {
        await this.adminJson("POST", base, crd);
      } else {
        const current = existing.body as KubeObject;
        await this.adminJson("PUT", `${base}/${name}`, {
          ...crd,
          metadata: { ...crd.metadata, resourceVersion: current.metadata.resourceVersion },
        });
      }
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await this.adminJson("GET", `${base}/${name}`);
        const conditions = (
          (body as KubeObject).status as { conditions?: Array<{ type: string; status: string }> }
        )?.conditions;
        if (conditions?.some((c) => c.type === "Established" && c.status === "True")) {
          installed.push(body as KubeObject);
          break;
        }
        if (Date.now() > deadline) {
          throw new TsOperatorError("TSOP_CONTROLPLANE", `CRD ${name} not Established after ${timeoutMs} ms`);
        }
        await sleep(100);
      }
      // Established can precede the resource appearing in discovery by a moment; wait for it.
      const spec = crd.spec as {
        group: string;
        names: { plural: string };
        versions: Array<{ name: string; served: boolean }>;
      };
      for (const version of spec.versions.filter((v) => v.served)) {
        for (;;) {
          const { status } = await this.adminJson(
            "GET",
            `/apis/${spec.group}/${version.name}/${spec.names.plural}?limit=1`,
            undefined,
            [404, 503],
          );
          if (status === 200) break;
          if (Date.now() > deadline) {
            throw new TsOperatorError("TSOP_CONTROLPLANE", `CRD ${name} not served after ${timeoutMs} ms`);
          }
          await sleep(100);
        }
      }
    }
    return installed;
  }

  /** Deletes CRDs by name and waits until they are gone. */
  async uninstallCrds(names: string[], timeoutMs = 60_000): Promise<void> {
    const base = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    for (const name of names) await this.adminJson("DELETE", `${base}/${name}`, undefined, [404]);
    const deadline = Date.now() + timeoutMs;
    for (const name of names) {
      while ((await this.adminJson("GET", `${base}/${name}`, undefined, [404])).status !== 404) {
        if (Date.now() > deadline) throw new TsOperatorError("TSOP_CONTROLPLANE", `CRD ${name} not deleted`);
        await sleep(200);
      }
    }
  }

  /**
   * Compacts etcd up to its current revision, so any watch or list from an older resourceVersion gets
   * 410 Gone. Returns the compacted revision.
   */
  async compactEtcd(): Promise<number> {
    if (!this.etcdEndpoint)
      throw new TsOperatorError("TSOP_CONTROLPLANE", "compactEtcd needs a local environment");
    const range = await request(`${this.etcdEndpoint}/v3/kv/range`, {
      method: "POST",
      body: JSON.stringify({ key: Buffer.from("\0").toString("base64") }),
    });
    const header = ((await range.body.json()) as { header?: { revision?: string } }).header;
    const revision = Number(header?.revision ?? 0);
    const res = await request(`${this.etcdEndpoint}/v3/kv/compaction`, {
      method: "POST",
      body: JSON.stringify({ revision: String(revision), physical: true }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new TsOperatorError("TSOP_CONTROLPLANE", `etcd compaction failed: ${res.statusCode} ${text}`);
    }
    return revision;
  }

  /**
   * Stops kube-apiserver and starts it again on the same port; resolves when ready again. By default a clean
   * stop (SIGTERM: the server drains, closing watches with a final response); `crash: true` sends SIGKILL, so
   * connections break mid-stream as when the process or its node dies. `downMs`: how long it stays down.
   */
  async restartApiServer(
    options: { downMs?: number; timeoutMs?: number; crash?: boolean } = {},
  ): Promise<void> {
    await this.stopApiServer({ crash: options.crash ?? false });
    if (options.downMs) await sleep(options.downMs);
    await this.startApiServer(options.timeoutMs ?? 60_000);
  }

  /** Stops kube-apiserver only, cleanly or (`crash: true`) with SIGKILL; see `startApiServerAgain`. */
  async stopApiServer(options: { crash?: boolean } = {}): Promise<void> {
    const current = this.processes.get("kube-apiserver");
    if (!current) throw new TsOperatorError("TSOP_CONTROLPLANE", "no kube-apiserver to stop");
    await current.stop(undefined, { kill: options.crash ?? false });
    this.registry.removeProcess(current);
    this.processes.delete("kube-apiserver");
  }

  async startApiServerAgain(timeoutMs = 60_000): Promise<void> {
    await this.startApiServer(timeoutMs);
  }

  /**
   * The process id of each component this environment runs, by name (`etcd`, `kube-apiserver`, and
   * `kube-controller-manager` when it runs). Empty for an existing cluster.
   */
  pids(): Partial<Record<ControlPlaneProcess, number>> {
    const out: Partial<Record<ControlPlaneProcess, number>> = {};
    for (const [name, process] of this.processes) out[name as ControlPlaneProcess] = process.pid;
    return out;
  }

  /** Ends every process it started and removes its temp dirs. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.dispatcher.close().catch(() => {});
    await this.existingClient?.close();
    const order = ["kube-controller-manager", "kube-apiserver", "etcd"];
    for (const name of order) await this.processes.get(name)?.stop();
    this.processes.clear();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    this.registry.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private requirePki(): ControlPlanePki {
    if (!this.pki) {
      throw new TsOperatorError(
        "TSOP_CONTROLPLANE",
        "this needs a local environment (not USE_EXISTING_CLUSTER)",
      );
    }
    return this.pki;
  }

  /**
   * A minimal admin JSON request that does not go through tsoperator's client layer: for tests of the
   * environment itself and for setup that must not depend on the code under test. Statuses >= 300 throw unless
   * listed in `allowed`.
   */
  async adminJson(
    method: HttpMethod,
    path: string,
    body?: unknown,
    allowed: number[] = [],
  ): Promise<{ status: number; body: unknown }> {
    if (this.existingClient) {
      try {
        const answer = await this.existingClient.request({ method, path, body });
        return { status: 200, body: answer };
      } catch (err) {
        if (isApiError(err) && allowed.includes(err.statusCode))
          return { status: err.statusCode, body: err.status };
        throw err;
      }
    }
    const res = await request(`${this.endpoint}${path}`, {
      method,
      dispatcher: this.dispatcher,
      headers: { "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    const isJson = String(res.headers["content-type"] ?? "").includes("json");
    const parsed: unknown = text && isJson ? JSON.parse(text) : text;
    if (res.statusCode >= 300 && !allowed.includes(res.statusCode)) {
      const message = (parsed as { message?: string } | undefined)?.message ?? text;
      throw new TsOperatorError("TSOP_CONTROLPLANE", `${method} ${path}: ${res.statusCode} ${message}`);
    }
    return { status: res.statusCode, body: parsed };
  }
}

async function keepLogs(dir: string): Promise<string> {
  const kept = join(tmpdir(), `tsoperator-failed-${Date.now()}-${process.pid}`);
  await mkdir(kept, { recursive: true });
  for (const name of ["etcd.log", "kube-apiserver.log", "kube-controller-manager.log"]) {
    if (existsSync(join(dir, name))) await cp(join(dir, name), join(kept, name)).catch(() => {});
  }
  return kept;
}

function rewriteLogPaths(err: unknown, dir: string, kept: string): unknown {
  if (err instanceof TsOperatorError && err.message.includes(dir)) {
    return new TsOperatorError(err.code, err.message.split(dir).join(kept), { cause: err.cause });
  }
  return err;
}

/** Reads every YAML/JSON document of a manifest file. */
export async function readManifests(path: string): Promise<KubeObject[]> {
  const text = await readFile(path, "utf8");
  const docs = parseAllDocuments(text);
  const out: KubeObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length) {
      throw new TsOperatorError(
        "TSOP_INVALID_OBJECT",
        `${path}: ${doc.errors[0]?.message ?? "invalid YAML"}`,
      );
    }
    const value: unknown = doc.toJS();
    if (value == null) continue;
    if (typeof value !== "object" || Array.isArray(value) || !("metadata" in value)) {
      throw new TsOperatorError("TSOP_INVALID_OBJECT", `${path}: a document is not a Kubernetes object`);
    }
    out.push(value as KubeObject);
  }
  return out;
}

function adminKubeconfig(endpoint: string, ca: KeyPair, admin: KeyPair): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: tsoperator-test",
    "  cluster:",
    `    server: ${endpoint}`,
    `    certificate-authority-data: ${b64(ca.certPem)}`,
    "users:",
    "- name: tsoperator-admin",
    "  user:",
    `    client-certificate-data: ${b64(admin.certPem)}`,
    `    client-key-data: ${b64(admin.keyPem)}`,
    "contexts:",
    "- name: tsoperator-test",
    "  context:",
    "    cluster: tsoperator-test",
    "    user: tsoperator-admin",
    "    namespace: default",
    "current-context: tsoperator-test",
    "",
  ].join("\n");
}

function featureGateFlags(gates: Record<string, boolean> | undefined): string[] {
  const entries = Object.entries(gates ?? {});
  return entries.length > 0 ? [`--feature-gates=${entries.map(([k, v]) => `${k}=${v}`).join(",")}`] : [];
}

/** Writes the policy file next to the logs; the log is written synchronously (blocking) and never rotated. */
async function auditFlags(dir: string, policy: true | KubeObject | undefined): Promise<string[]> {
  if (!policy) return [];
  const policyPath = join(dir, "audit-policy.json");
  await writeFile(policyPath, JSON.stringify(policy === true ? WRITES_AUDIT_POLICY : policy));
  return [
    `--audit-policy-file=${policyPath}`,
    `--audit-log-path=${join(dir, "audit.log")}`,
    "--audit-log-format=json",
    "--audit-log-mode=blocking",
    "--audit-log-maxbackup=0",
  ];
}
