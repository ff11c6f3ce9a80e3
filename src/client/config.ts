/**
 * `ClientConfig`: where the API server is and how to talk to it (roperator's ClientConfig, TypeScript form).
 * Built directly, or loaded with `fromKubeconfig`, `fromServiceAccount` or `fromEnvironment`.
 */
import { TsOperatorError } from "../core/errors.js";
import type { Credentials } from "./credentials.js";
import { loadKubeconfig, type KubeconfigOptions } from "./kubeconfig.js";
import {
  loadServiceAccountConfig,
  serviceAccountAvailable,
  type ServiceAccountOptions,
} from "./service-account.js";

export type { KubeconfigOptions } from "./kubeconfig.js";
export type { ServiceAccountOptions } from "./service-account.js";

/** Options of `ClientConfig.fromEnvironment`: those of both sources it may use. */
export interface EnvironmentOptions {
  kubeconfig?: KubeconfigOptions;
  serviceAccount?: ServiceAccountOptions;
}

export interface ClientConfigInit {
  /** e.g. "https://127.0.0.1:6443". No trailing slash needed. */
  apiServerEndpoint: string;
  credentials?: Credentials | undefined;
  /** PEM CA bundle to trust (inline). */
  caData?: string | undefined;
  /** Path to a PEM CA bundle; read when the transport is created. */
  caFile?: string | undefined;
  userAgent: string;
  /** Default true. false = insecure-skip-tls-verify. */
  verifySslCerts?: boolean | undefined;
  /** SNI / certificate name to verify instead of the endpoint's host (kubeconfig `tls-server-name`). */
  tlsServerName?: string | undefined;
  /** Sent as `Impersonate-User`. */
  impersonate?: string | undefined;
  /** Sent as one `Impersonate-Group` header each. */
  impersonateGroups?: string[] | undefined;
  /** Sent as `Impersonate-Uid`. */
  impersonateUid?: string | undefined;
  /** HTTP(S) proxy (kubeconfig `proxy-url`). */
  proxyUrl?: string | undefined;
  /** The namespace the configuration points at (context namespace, or the service account's). */
  namespace?: string | undefined;
  /**
   * Client-side rate limit (client-go's QPS): requests per second, after a burst of `burst`. Default: none, as
   * in controller-runtime since 0.21. The API server's Priority and Fairness is the limiter: its 429 answers
   * are retried after their Retry-After, and the operator's work queue bounds how fast failed syncs come back.
   * Set it to cap one client's own rate (a shared cluster without APF tuned for it); `Infinity` is the same as
   * unset.
   */
  qps?: number | undefined;
  /** Requests that may go at once before `qps` applies, when `qps` is set. Default `qps` (rounded up). */
  burst?: number | undefined;
  /** Where this configuration came from, for error messages ("kubeconfig /x/y context foo"). */
  source?: string | undefined;
}

export class ClientConfig {
  readonly apiServerEndpoint: string;
  readonly credentials: Credentials | undefined;
  readonly caData: string | undefined;
  readonly caFile: string | undefined;
  readonly userAgent: string;
  readonly verifySslCerts: boolean;
  readonly tlsServerName: string | undefined;
  readonly impersonate: string | undefined;
  readonly impersonateGroups: readonly string[];
  readonly impersonateUid: string | undefined;
  readonly proxyUrl: string | undefined;
  readonly namespace: string | undefined;
  /** As given; undefined means no client-side limit. */
  readonly qps: number | undefined;
  /** As given; undefined means `qps` (rounded up). Ignored without `qps`. */
  readonly burst: number | undefined;
  readonly source: string | undefined;

  constructor(init: ClientConfigInit) {
    let url: URL;
    try {
      url = new URL(init.apiServerEndpoint);
    } catch (cause) {
      throw new TsOperatorError(
        "TSOP_CONFIG_INVALID",
        `apiServerEndpoint ${JSON.stringify(init.apiServerEndpoint)} is not a URL${init.source ? ` (${init.source})` : ""}`,
        { cause },
      );
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new TsOperatorError(
        "TSOP_CONFIG_INVALID",
        `apiServerEndpoint must be http(s), got ${url.protocol}${init.source ? ` (${init.source})` : ""}`,
      );
    }
    this.apiServerEndpoint = init.apiServerEndpoint.replace(/\/+$/, "");
    this.credentials = init.credentials;
    this.caData = init.caData;
    this.caFile = init.caFile;
    this.userAgent = init.userAgent;
    this.verifySslCerts = init.verifySslCerts ?? true;
    this.tlsServerName = init.tlsServerName;
    this.impersonate = init.impersonate;
    this.impersonateGroups = Object.freeze([...(init.impersonateGroups ?? [])]);
    this.impersonateUid = init.impersonateUid;
    this.proxyUrl = init.proxyUrl;
    this.namespace = init.namespace;
    this.qps = init.qps;
    this.burst = init.burst;
    this.source = init.source;
  }

  /**
   * Loads a kubeconfig the way kubectl does: `options.path`, else every file of `KUBECONFIG` (merged, first
   * definition wins), else `~/.kube/config`; then the named or current context.
   *
   * @example
   * const config = await ClientConfig.fromKubeconfig("my-operator", { context: "kind-dev" });
   */
  static async fromKubeconfig(userAgent: string, options?: KubeconfigOptions): Promise<ClientConfig> {
    return new ClientConfig(await loadKubeconfig(userAgent, options));
  }

  /**
   * The pod's service account: API server from `KUBERNETES_SERVICE_HOST/PORT`, CA, namespace and a token that is
   * re-read when the kubelet rotates it. Rejects with TSOP_SERVICE_ACCOUNT_NOT_FOUND outside a pod.
   *
   * @example
   * const config = await ClientConfig.fromServiceAccount("my-operator");
   */
  static async fromServiceAccount(userAgent: string, options?: ServiceAccountOptions): Promise<ClientConfig> {
    return new ClientConfig(await loadServiceAccountConfig(userAgent, options));
  }

  /**
   * The service account when one is mounted (the operator runs in a pod), the kubeconfig otherwise.
   *
   * @example
   * const config = await ClientConfig.fromEnvironment("my-operator");
   */
  static async fromEnvironment(userAgent: string, options?: EnvironmentOptions): Promise<ClientConfig> {
    if (await serviceAccountAvailable(options?.serviceAccount)) {
      return ClientConfig.fromServiceAccount(userAgent, options?.serviceAccount);
    }
    return ClientConfig.fromKubeconfig(userAgent, options?.kubeconfig);
  }

  /** A copy with some fields changed. */
  with(changes: Partial<ClientConfigInit>): ClientConfig {
    return new ClientConfig({ ...this.toInit(), ...changes });
  }

  toInit(): ClientConfigInit {
    return {
      apiServerEndpoint: this.apiServerEndpoint,
      credentials: this.credentials,
      caData: this.caData,
      caFile: this.caFile,
      userAgent: this.userAgent,
      verifySslCerts: this.verifySslCerts,
      tlsServerName: this.tlsServerName,
      impersonate: this.impersonate,
      impersonateGroups: [...this.impersonateGroups],
      impersonateUid: this.impersonateUid,
      proxyUrl: this.proxyUrl,
      namespace: this.namespace,
      qps: this.qps,
      burst: this.burst,
      source: this.source,
    };
  }

  /** `console.log(config)` and `util.inspect` show the same secret-free view as `toJSON()`. */
  [Symbol.for("nodejs.util.inspect.custom")](): Record<string, unknown> {
    return this.toJSON();
  }

  /** Never prints credentials: safe for logs. */
  toJSON(): Record<string, unknown> {
    return {
      apiServerEndpoint: this.apiServerEndpoint,
      credentials: this.credentials ? this.credentials.kind : undefined,
      userAgent: this.userAgent,
      verifySslCerts: this.verifySslCerts,
      impersonate: this.impersonate,
      namespace: this.namespace,
      source: this.source,
    };
  }
}
