/**
 * One TestEnvironment per test file, with an admin client: registers the before/after hooks and hands out the
 * pair once they exist, so each integration test file does not repeat the setup.
 */
import { after, before } from "node:test";
import { KubeClient } from "../../src/client/kube-client.js";
import { TestEnvironment, type CrdSource } from "../../src/testing/test-environment.js";

export interface SharedEnvironment {
  readonly env: TestEnvironment;
  readonly admin: KubeClient;
}

export function useTestEnvironment(
  crds: CrdSource[],
  options: { controllerManager?: boolean } = {},
): SharedEnvironment {
  let env: TestEnvironment | undefined;
  let admin: KubeClient | undefined;
  before(async () => {
    env = await TestEnvironment.start({ crds, ...options });
    admin = await KubeClient.fromConfig(env.clientConfig("test-admin").with({ qps: Infinity }));
  });
  after(async () => {
    await admin?.close();
    await env?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the test environment is used before its before() hook ran");
    return value;
  };
  return {
    get env() {
      return started(env);
    },
    get admin() {
      return started(admin);
    },
  };
}
