/**
 * `serveModel`: one ONNX model on one port, answering every cloud's serving
 * contract, with dynamic batching, limits, metrics and graceful shutdown.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SwitchyardError } from "@switchyard/core/driver";
import { Batcher, type BatcherStats } from "./batcher.js";
import { serveGrpc, type GrpcListener } from "./grpc-server.js";
import { HttpError, type Reply } from "./http.js";
import { ServerMetrics, type RouteRequests } from "./metrics.js";
import { loadModel, type TensorSpec } from "./model.js";
import { resolveOptions, type ServeModelOptions } from "./options.js";
import { RequestContext } from "./request-context.js";
import { RouteTable, type Route } from "./router.js";
import { azureMlRoutes } from "./routes/azure-ml.js";
import { invocationRoutes } from "./routes/invocations.js";
import { openInferenceRoutes } from "./routes/open-inference.js";
import { tfServingRoutes } from "./routes/tf-serving.js";
import { vertexRoutes } from "./routes/vertex.js";

/** A running model server. */
export interface ModelServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The port listened on (useful with port 0). */
  port: number;
  /** The gRPC port, when `grpcPort` was given. */
  grpcPort: number | undefined;
  /** Name the model is served under. */
  model: string;
  /** The model's input and outputs. */
  tensors: { input: TensorSpec; outputs: TensorSpec[] };
  /** Batching counters: `sessionRuns` below `requests` shows requests shared runs. */
  stats(): BatcherStats;
  /** Stops accepting requests, finishes those in flight, closes connections and the session. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves the ONNX model at `path`. Resolves once the model is loaded and the port is
 * listening; rejects with NotFound / InvalidArgument naming the path when the file
 * is missing or is not a servable model.
 */
export async function serveModel(path: string, options: ServeModelOptions = {}): Promise<ModelServer> {
  const resolved = resolveOptions(path, options);
  const model = await loadModel(path, resolved);
  const metrics = new ServerMetrics(model.name);
  let draining = false;
  let inflight = 0;
  const batcher = new Batcher(model, { ...resolved, onRun: (rows, seconds) => metrics.run(rows, seconds) });
  const table = new RouteTable([
    ...vertexRoutes(resolved),
    ...openInferenceRoutes(),
    ...tfServingRoutes(),
    ...invocationRoutes(),
    ...azureMlRoutes(resolved),
    {
      method: "GET",
      path: "/metrics",
      name: "metrics",
      handle: () => ({
        status: 200,
        text: metrics.render({ inflight }),
        contentType: "text/plain; version=0.0.4",
      }),
    },
  ]);
  // Each route's counter is looked up once, here, rather than by label on every answer.
  const counters = new Map<Route, RouteRequests>(table.routes.map((r) => [r, metrics.route(r.name)]));
  const unmatched = metrics.route("unmatched");
  let drained: (() => void) | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    inflight++;
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query < 0 ? url : url.slice(0, query);
    let counter = unmatched;
    let reply: Reply;
    try {
      const found = table.match(req.method ?? "GET", path);
      if (found !== undefined && "route" in found) counter = counters.get(found.route)!;
      if (found === undefined) throw new HttpError(404, `no route for ${req.method} ${path}`);
      if ("allowed" in found) {
        throw new HttpError(405, `${req.method} is not allowed on ${path}`, {
          allow: found.allowed.join(", "),
        });
      }
      reply = await found.route.handle(
        new RequestContext(req, found.params, model, batcher, resolved, !draining),
      );
    } catch (err) {
      const e =
        err instanceof HttpError ? err : new HttpError(500, `internal error: ${(err as Error).message}`);
      reply = { status: e.status, json: { error: e.message }, headers: e.headers };
      // Unread bodies would otherwise be parsed as the next request on this connection.
      if (!req.complete) req.resume();
    }
    counter.count(reply.status);
    send(res, reply, draining);
    inflight--;
    if (draining) {
      server.closeIdleConnections();
      if (inflight === 0) drained?.();
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await model.session.release();
    const reason =
      (err as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? "is in use; pass another port"
        : "cannot be bound";
    throw new SwitchyardError(
      "Unavailable",
      `${resolved.host}:${resolved.port} ${reason}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const port = (server.address() as AddressInfo).port;
  const host = resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host;
  let grpc: GrpcListener | undefined;
  if (resolved.grpcPort !== undefined) {
    try {
      grpc = await serveGrpc(
        model,
        batcher,
        { ...resolved, port: resolved.grpcPort },
        metrics,
        () => !draining,
      );
    } catch (err) {
      server.close();
      await model.session.release();
      throw err;
    }
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      draining = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const grpcStopped = grpc?.close(resolved.shutdownTimeoutMs);
      server.closeIdleConnections();
      const finished =
        inflight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>(
        (resolve) => (timer = setTimeout(resolve, resolved.shutdownTimeoutMs)),
      );
      await Promise.race([Promise.all([finished, batcher.idle()]), deadline]);
      clearTimeout(timer);
      server.closeAllConnections();
      await stopped;
      await grpcStopped;
      await model.session.release();
    })();
    return closing;
  };

  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    port,
    grpcPort: grpc?.port,
    model: model.name,
    tensors: { input: model.input, outputs: model.outputs },
    stats: () => batcher.stats(),
    close,
  };
}

/**
 * Answers with one header list and the body in one `end`, which Node writes to the
 * socket in one call. The usual answer (no extra headers) skips building a header object.
 */
function send(res: ServerResponse, reply: Reply, closing: boolean): void {
  const json = "json" in reply;
  const body = json ? JSON.stringify(reply.json) : reply.text;
  const contentType = json ? "application/json" : reply.contentType;
  const length = Buffer.byteLength(body);
  if (reply.headers === undefined) {
    const headers = ["content-type", contentType, "content-length", length];
    if (closing) headers.push("connection", "close");
    res.writeHead(reply.status, headers);
  } else {
    // Still a flat list: binary tensor answers carry a header on every request.
    const headers: (string | number)[] = ["content-type", contentType, "content-length", length];
    for (const name in reply.headers) headers.push(name, reply.headers[name]!);
    if (closing && reply.headers.connection === undefined) headers.push("connection", "close");
    res.writeHead(reply.status, headers);
  }
  res.end(body);
}
