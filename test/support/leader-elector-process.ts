/**
 * Child process for the leader election tests: campaigns for a Lease with the identity, timings and kubeconfig
 * given by environment variables and prints one JSON line per event ({ event, identity, at }). SIGTERM stops
 * it gracefully (the lease is released); the tests SIGKILL it to simulate a crash.
 */
import { ClientConfig } from "../../src/client/config.js";
import { KubeClient } from "../../src/client/kube-client.js";
import { LeaderElector } from "../../src/runtime/leader-election.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const print = (event: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(
    `${JSON.stringify({ event, identity: env("LE_IDENTITY"), at: Date.now(), ...extra })}\n`,
  );

const client = await KubeClient.fromConfig(
  await ClientConfig.fromKubeconfig("leader-elector-process", { path: env("LE_KUBECONFIG") }),
);
const elector = new LeaderElector(client, {
  leaseName: env("LE_LEASE"),
  namespace: env("LE_NAMESPACE"),
  identity: env("LE_IDENTITY"),
  leaseDurationMs: Number(env("LE_DURATION_MS")),
  renewDeadlineMs: Number(env("LE_RENEW_DEADLINE_MS")),
  retryPeriodMs: Number(env("LE_RETRY_MS")),
});
process.once("SIGTERM", () => {
  void elector.stop().then(async () => {
    await client.close();
    print("exited");
    process.exit(0);
  });
});
print("campaigning");
await elector.run({
  onStartedLeading: () => void print("started"),
  onStoppedLeading: () => void print("stopped"),
  onNewLeader: (leader) => void print("leader", { leader }),
});
