/**
 * `ClientConfig`: where the API server is and how to talk to it (roperator's ClientConfig, TypeScript form).
 * Built directly, or loaded with `fromKubeconfig`, `fromServiceAccount` or `fromEnvironment`.
 */
import { TsOperatorError } from "../core/errors.js";
import type { Credentials } from "./credentials.js";

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
  /** Client-side rate limit; undefined = no limit. */
  qps?: number | undefined;
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
  readonly qps: number | undefined;
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
