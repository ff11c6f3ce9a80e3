/**
 * How a request authenticates. Every form a user can configure (static token, basic auth, client certificate,
 * exec plugin, rotating token file) is normalised into a `CredentialProvider` that the transport asks before
 * each request, so refresh logic lives in one place per mechanism.
 */

/** What the transport needs for one request. */
export interface ResolvedCredentials {
  /** Full value of the Authorization header ("Bearer ...", "Basic ..."). */
  authorization?: string;
  /** Client certificate and key, PEM. A change of either makes the transport open new connections. */
  certPem?: string;
  keyPem?: string;
  /** Epoch ms after which these must not be used (exec plugin expirationTimestamp). */
  expiresAtMs?: number;
}

export interface CredentialProvider {
  /** Current credentials, cached by the provider as long as they are valid. Never logs secrets. */
  get(signal?: AbortSignal): Promise<ResolvedCredentials>;
  /**
   * The server answered 401 with credentials from `get()`: forget them. Returns true when a fresh `get()`
   * may give different credentials (so one retry is worth it), false for static credentials.
   */
  invalidate(): boolean;
  /**
   * How many times an exec credential plugin has been run for this provider (summed over combined ones);
   * absent for providers that run none. Read it through `KubeClient.execPluginRuns`.
   */
  readonly execPluginRuns?: number;
}

/** The credential forms of `ClientConfig.credentials` (roperator's `Credentials`, plus refreshing providers). */
export type Credentials =
  | { kind: "bearer"; token: string }
  | { kind: "header"; value: string }
  | { kind: "basic"; username: string; password: string }
  | { kind: "pem"; certPem: string; keyPem: string }
  | { kind: "pemPaths"; certPath: string; keyPath: string }
  | { kind: "provider"; provider: CredentialProvider };
