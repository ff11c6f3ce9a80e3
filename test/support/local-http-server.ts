/**
 * A node:http server on 127.0.0.1 for client-layer unit tests: it reads each request's body, then lets the
 * test answer. Closing it drops every connection, so a test that left a request hanging does not hold the run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type LocalHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface LocalHttpServer {
  readonly server: Server;
  /** e.g. "http://127.0.0.1:41234". */
  readonly endpoint: string;
  close(): void;
}

export async function startLocalHttpServer(handle: LocalHandler): Promise<LocalHttpServer> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => handle(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
