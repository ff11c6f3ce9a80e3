/**
 * Child process for the "killed test process" test: starts a TestEnvironment, prints its pids and dirs as one
 * JSON line, then waits forever (the parent kills it).
 */
import { TestEnvironment } from "../../src/testing/test-environment.js";

const env = await TestEnvironment.start();
process.stdout.write(
  `${JSON.stringify({ pids: Object.values(env.pids()), dirs: [env.directory], kubeconfig: env.kubeconfigPath })}\n`,
);
setInterval(() => {}, 1 << 30);
