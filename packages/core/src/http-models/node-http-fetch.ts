/**
 * A fetch-compatible function over `node:http`/`node:https` with keep-alive
 * agents, for calls whose `Host` header must differ from the address dialled
 * (a KServe endpoint behind an ingress): global `fetch` always sends the URL's host.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FetchFunction } from "./http-call.js";

/** A fetch function that sends the headers it is given as they are, `Host` included. */
export function nodeHttpFetch(): FetchFunction {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      const secure = url.protocol === "https:";
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const body = init.body as string | Uint8Array | undefined | null;
      if (body !== undefined && body !== null) headers["content-length"] = String(Buffer.byteLength(body));
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: init.method ?? "GET",
        headers,
        agent: secure ? agents.https : agents.http,
        ...(init.signal === undefined || init.signal === null ? {} : { signal: init.signal }),
      });
      // As fetch does, an aborted call rejects with the signal's reason (a TimeoutError for deadlines).
      const fail = (err: Error) =>
        reject(init.signal?.aborted === true ? (init.signal.reason as Error) : err);
      req.on("error", fail);
      req.on("response", (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        res.on("end", () => {
          const answer = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) answer.set(name, Array.isArray(value) ? value.join(", ") : value);
          }
          const status = res.statusCode ?? 500;
          const nobody = status === 204 || status === 304;
          resolve(new Response(nobody ? null : Buffer.concat(chunks), { status, headers: answer }));
        });
      });
      req.end(body ?? undefined);
    });
}
