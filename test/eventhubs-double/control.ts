/**
 * The Event Hubs test double's control API, over HTTP on 127.0.0.1: what the
 * Azure portal or ARM does for the real service (create and delete hubs) and
 * what fault tests need (drop every client connection).
 *
 * - `PUT /hubs/<name>?partitions=<n>` creates a hub (default 4 partitions); 201
 * - `DELETE /hubs/<name>` deletes it; 204, or 404 when there was none
 * - `GET /hubs` lists hub names as JSON
 * - `POST /connections/drop` cuts every AMQP connection at the socket; 204
 */
import { createServer } from "node:http";
import type { AddressInfo, Server } from "node:net";
import type { EventHubsDouble } from "./server.js";

/** Serves the control API of `double` on 127.0.0.1:`port` (0 picks one); resolves with the server. */
export async function serveControl(double: EventHubsDouble, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const hub = /^\/hubs\/([^/]+)$/.exec(url.pathname)?.[1];
    if (req.method === "PUT" && hub !== undefined) {
      const partitions = Number(url.searchParams.get("partitions") ?? "4");
      if (!Number.isInteger(partitions) || partitions < 1 || partitions > 32) {
        res.writeHead(400).end("partitions must be an integer from 1 to 32\n");
        return;
      }
      double.namespace.create(decodeURIComponent(hub), partitions);
      res.writeHead(201).end();
    } else if (req.method === "DELETE" && hub !== undefined) {
      res.writeHead(double.namespace.delete(decodeURIComponent(hub)) ? 204 : 404).end();
    } else if (req.method === "GET" && url.pathname === "/hubs") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify(double.namespace.names()));
    } else if (req.method === "POST" && url.pathname === "/connections/drop") {
      double.dropConnections();
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end("unknown control request\n");
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

/** The control API's port. */
export function controlPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
