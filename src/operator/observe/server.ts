/**
 * The operator's HTTP endpoints for Prometheus and the kubelet: `/metrics`, `/healthz` (liveness: 500 with a
 * JSON reason when the process should be restarted, as controller-runtime's healthz answers a failed check),
 * `/readyz` (readiness, 503 with what is not ready), and `/health`, kept as roperator's alias of `/healthz`.
 *
 * Plain node:http: three routes do not justify a framework, and probes must keep answering while syncs run.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TsOperatorError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { OperatorMetrics } from "./metrics.js";

export interface ReadinessReport {
  ok: boolean;
  /** Shown as JSON on /readyz, e.g. `{ caches: { "Pod/v1": false } }`. */
  detail: Record<string, unknown>;
}

/** A liveness answer with a reason. `detail` is shown as JSON on a failing /healthz: durations and counts only. */
export interface LivenessReport {
  ok: boolean;
  detail?: Record<string, unknown> | undefined;
}

export interface HealthChecks {
  /** False, `{ ok: false }` or a rejection means the process should be restarted. */
  live(): boolean | LivenessReport | Promise<boolean | LivenessReport>;
  ready(): ReadinessReport | Promise<ReadinessReport>;
}

export interface OperatorServerOptions {
  /** 0 picks a free port (see the resolved `port`). */
  port: number;
  /** Default: all interfaces (the kubelet and Prometheus connect from outside the pod). */
  host?: string | undefined;
  /** Undefined: /metrics answers 404. */
  metrics?: OperatorMetrics | undefined;
  /** Undefined: the health routes answer 404. */
  health?: HealthChecks | undefined;
  logger: Logger;
}

export interface OperatorServer {
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, "application/json; charset=utf-8", `${JSON.stringify(body)}\n`);

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: OperatorServerOptions,
): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    return;
  }
  switch (path) {
    case "/metrics": {
      if (!options.metrics) break;
      send(res, 200, options.metrics.contentType, await options.metrics.metricsText());
      return;
    }
    case "/healthz":
    case "/health": {
      if (!options.health) break;
      let report: LivenessReport;
      try {
        const answer = await options.health.live();
        report = typeof answer === "boolean" ? { ok: answer } : answer;
      } catch (error) {
        options.logger.warn({ err: error }, "liveness check failed");
        report = { ok: false, detail: { error: "liveness check failed" } };
      }
      if (report.ok) send(res, 200, "text/plain; charset=utf-8", "ok\n");
      else json(res, 500, { status: "not live", ...report.detail });
      return;
    }
    case "/readyz": {
      if (!options.health) break;
      let report: ReadinessReport;
      try {
        report = await options.health.ready();
      } catch (error) {
        report = { ok: false, detail: { error: error instanceof Error ? error.message : String(error) } };
      }
      json(res, report.ok ? 200 : 503, { status: report.ok ? "ready" : "not ready", ...report.detail });
      return;
    }
  }
  send(res, 404, "text/plain; charset=utf-8", "not found\n");
}

/**
 * Starts listening; resolves once the port is bound. Rejects with TSOP_CONFIG_INVALID when the port is taken
 * (the usual cause: two operators, or a sidecar, configured with the same `serverPort`).
 *
 * @example
 * const server = await startOperatorServer({ port: 8080, metrics, health, logger });
 * // ...
 * await server.close();
 */
export function startOperatorServer(options: OperatorServerOptions): Promise<OperatorServer> {
  // Not an ESM import of node:http: on Node.js 22 that builds the module's ESM facade, whose lazy getters
  // (http.WebSocket, ...) load Node's bundled undici, about 60 ms of CPU at start-up for nothing.
  const { createServer } = process.getBuiltinModule("node:http");
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      options.logger.error({ err: error, path: req.url }, "operator server request failed");
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    });
  });
  // Probes open a connection per request; idle keep-alive sockets must not delay close().
  server.keepAliveTimeout = 5_000;

  return new Promise<OperatorServer>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${options.host ?? "*"}:${options.port}`;
      const message =
        error.code === "EADDRINUSE"
          ? `metrics/health server: port ${where} is already in use (choose another with withServerPort(n), or 0 for any)`
          : `metrics/health server: cannot listen on ${where}: ${error.message}`;
      reject(new TsOperatorError("TSOP_CONFIG_INVALID", message, { cause: error }));
    };
    server.once("error", onError);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off("error", onError);
      server.on("error", (error) => options.logger.error({ err: error }, "operator server error"));
      const port = (server.address() as AddressInfo).port;
      options.logger.info(
        { port, metrics: Boolean(options.metrics), health: Boolean(options.health) },
        "serving",
      );
      let closing: Promise<void> | undefined;
      resolve({
        port,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          })),
      });
    });
  });
}
