/**
 * tsoperator: the curated entry point. Everything an operator author needs for `sync`/`finalize`; the client,
 * runtime and testing layers have their own subpath exports.
 */
export * from "./core/errors.js";
export * from "./core/types.js";
export { k8sTypes } from "./core/k8s-types.js";
export { ClientConfig, type ClientConfigInit } from "./client/config.js";
export type { Credentials, CredentialProvider, ResolvedCredentials } from "./client/credentials.js";
