/**
 * The Node.js runtime floor: the floor's exact writes (one paginated LIST of the parents, then per parent K
 * POSTs concurrently and one status merge patch, 4 parents in flight) made with nothing but `node:https` and a
 * keep-alive Agent, as Node's documentation shows. No library, no watch, no cache, no retries. What it costs is
 * what any Node.js process pays for these requests; the difference to `floor` is our client's own cost.
 * It reads the kubeconfig the driver writes (one cluster, one user with inline certificate data).
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { stayUntilStopped, syncEachParent } from "./floor-loop.js";
import { BenchParent, childrenOf, type BenchParentObject } from "./workload.js";

console.log("STARTED");
const namespace = process.env.BENCH_NAMESPACE ?? "default";

const kubeconfig = readFileSync(process.env.KUBECONFIG ?? "", "utf8");
const field = (name: string): string => {
  const value = new RegExp(`${name}: (\\S+)`).exec(kubeconfig)?.[1];
  if (value === undefined) throw new Error(`floor-node: ${name} missing from the driver's kubeconfig`);
  return value;
};
const server = new URL(field("server"));
const decoded = (name: string) => Buffer.from(field(name), "base64");
const agent = new Agent({
  keepAlive: true,
  ca: decoded("certificate-authority-data"),
  cert: decoded("client-certificate-data"),
  key: decoded("client-key-data"),
});

function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: server.hostname,
        port: server.port,
        method,
        path,
        headers: {
          accept: "application/json",
          ...(payload === undefined
            ? {}
            : { "content-type": contentType, "content-length": Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const [group, version] = BenchParent.apiVersion.split("/") as [string, string];
const parentsPath = `/apis/${group}/${version}/namespaces/${namespace}/${BenchParent.plural}`;
const configMapsPath = `/api/v1/namespaces/${namespace}/configmaps`;

const todo: BenchParentObject[] = [];
let token: string | undefined;
do {
  const query = `?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`;
  const page = (await call("GET", parentsPath + query)) as {
    items: BenchParentObject[];
    metadata: { continue?: string };
  };
  todo.push(...page.items);
  token = page.metadata.continue || undefined;
} while (token !== undefined);
console.log("READY");

await syncEachParent(todo, async (parent) => {
  const status = { observedGeneration: parent.metadata.generation, children: parent.spec.k };
  await Promise.all(childrenOf(parent).map((cm) => call("POST", configMapsPath, cm)));
  await call(
    "PATCH",
    `${parentsPath}/${parent.metadata.name}/status`,
    { status },
    "application/merge-patch+json",
  );
});
console.log("DONE");
agent.destroy();
stayUntilStopped();
