#!/usr/bin/env node
/**
 * The `tsoperator` command: build the local control plane, start it for manual use, run the demo, print
 * deployment manifests and CRDs.
 */
import {
  installControlPlane,
  readPinnedVersions,
  binaryDirFor,
  type InstallOptions,
} from "../testing/controlplane-binaries.js";
import { TestEnvironment } from "../testing/test-environment.js";
import { TsOperatorError } from "../core/errors.js";
import { CRD_USAGE, crdCommand } from "./crd-command.js";
import { MANIFESTS_USAGE, manifestsCommand } from "./manifests-command.js";

const USAGE = `usage: tsoperator <command>

commands:
  controlplane install [options]   make sure etcd, kube-apiserver and kube-controller-manager are installed,
                                   trying in order: KUBEBUILDER_ASSETS, setup-envtest's store, the cache,
                                   a verified download (envtest archive, Kubernetes server binary), a build
                                   from the pinned Go modules; says which path it took and why
      --force                      build from source even when the binaries are there or downloadable
      --no-build                   never build from source; fail with the reasons instead
      --without-controller-manager accept etcd and kube-apiserver alone when no kube-controller-manager can be had
      --mirror=<url>               download base URL (default $TSOPERATOR_CONTROLPLANE_MIRROR, else upstream)
  controlplane path                print the folder holding the binaries
  controlplane up [--keep]         start a local control plane, print what it serves, stop it
                                   (--keep: run until Ctrl-C)
  demo [--keep] [--ci]             the echo-server example on a local control plane: create, scale and
                                   delete EchoServers and watch them converge (--keep: leave it running;
                                   --ci or CI=true: plain output, no pauses, exit 1 if it does not converge)
${MANIFESTS_USAGE}${CRD_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === "controlplane" && sub === "install") {
    await installControlPlane(parseInstallFlags(rest));
    return 0;
  }
  if (command === "controlplane" && sub === "path") {
    process.stdout.write(`${await binaryDirFor()}\n`);
    return 0;
  }
  if (command === "controlplane" && sub === "up") {
    return controlPlaneUp(rest.includes("--keep"));
  }
  if (command === "demo") {
    // Loaded lazily: the demo pulls in the operator engine, which the other commands do not need.
    const { runDemo } = await import("./demo.js");
    const flags = [sub, ...rest];
    return runDemo({ keep: flags.includes("--keep"), ci: flags.includes("--ci") || undefined });
  }
  if (command === "crd") {
    process.stdout.write(await crdCommand([sub ?? "", ...rest].filter(Boolean)));
    return 0;
  }
  if (command === "manifests") {
    process.stdout.write(await manifestsCommand([sub ?? "", ...rest].filter(Boolean)));
    return 0;
  }
  process.stderr.write(USAGE);
  return command === undefined || command === "help" || command === "--help" ? 0 : 2;
}

function parseInstallFlags(flags: string[]): InstallOptions {
  const options: InstallOptions = {};
  for (const flag of flags) {
    if (flag === "--force") options.force = true;
    else if (flag === "--no-build") options.sourceBuild = false;
    else if (flag === "--without-controller-manager") options.controllerManager = false;
    else if (flag.startsWith("--mirror=")) options.mirror = flag.slice("--mirror=".length);
    else throw new TsOperatorError("TSOP_CONFIG_INVALID", `controlplane install: unknown option ${flag}`);
  }
  return options;
}

async function controlPlaneUp(keep: boolean): Promise<number> {
  await installControlPlane();
  const versions = await readPinnedVersions();
  const started = Date.now();
  const env = await TestEnvironment.start({ log: (line) => process.stdout.write(`  ${line}\n`) });
  try {
    process.stdout.write(
      [
        `local control plane up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `  kubernetes   ${versions.kubernetes} (etcd ${versions.etcd})`,
        `  apiserver    ${env.endpoint}`,
        `  kubeconfig   ${env.kubeconfigPath}`,
        `  logs         ${env.directory ?? "-"}`,
        "",
      ].join("\n"),
    );
    const config = env.clientConfig("tsoperator-cli");
    void config;
    if (keep) {
      process.stdout.write(`export KUBECONFIG=${env.kubeconfigPath}   # then use kubectl; Ctrl-C stops\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
    }
  } finally {
    await env.stop();
    process.stdout.write("control plane stopped, temp files removed\n");
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof TsOperatorError) process.stderr.write(`tsoperator: ${err.message}\n`);
    else process.stderr.write(`tsoperator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
