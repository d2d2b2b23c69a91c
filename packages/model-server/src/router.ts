/**
 * The route table: each serving contract contributes routes, matched on the
 * request path; a path that matches with the wrong method answers 405.
 */
import type { IncomingMessage } from "node:http";
import type { Batcher } from "./batcher.js";
import { HttpError, type Reply } from "./http.js";
import type { ServedModel } from "./model.js";
import type { ResolvedOptions } from "./options.js";

/** What a route handler gets for one request. */
export interface RouteContext {
  /** The request (headers, method, url). */
  req: IncomingMessage;
  /** Path segments captured by the route's pattern, URL-decoded. */
  params: string[];
  /** The served model. */
  model: ServedModel;
  /** The batcher that scores rows. */
  batcher: Batcher;
  /** The server's resolved options. */
  options: ResolvedOptions;
  /** Whether the model is loaded and the server is not shutting down. */
  ready: boolean;
  /** Reads the body within the size limit (413 beyond it). */
  body(): Promise<Buffer>;
  /** Reads and parses a JSON body (400 when malformed). */
  json(): Promise<unknown>;
}

/** One route: method, path pattern and handler. */
export interface Route {
  /** HTTP method. */
  method: "GET" | "POST";
  /** Exact path, or a pattern whose groups become `params`. */
  path: string | RegExp;
  /** Stable name used as the `route` label in metrics. */
  name: string;
  /** Answers the request. Throw `HttpError` for a 4xx/5xx. */
  handle(ctx: RouteContext): Promise<Reply> | Reply;
}

/** The result of matching a request against the table. */
export type Match = { route: Route; params: string[] } | { allowed: string[] } | undefined;

/** Finds the route for `method` and `path`; when only the method is wrong, lists the allowed ones. */
export function match(routes: readonly Route[], method: string, path: string): Match {
  const allowed: string[] = [];
  for (const route of routes) {
    let params: string[] | undefined;
    if (typeof route.path === "string") {
      if (route.path === path) params = [];
    } else {
      const m = route.path.exec(path);
      if (m !== null) params = m.slice(1).map((p) => (p === undefined ? "" : decode(p)));
    }
    if (params === undefined) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

/** Most paths a `RouteTable` remembers; further paths are matched on every request. */
const REMEMBERED_PATHS = 256;

/**
 * The route table of a server: `match` over its routes, remembering the result for the
 * paths it has seen (clients send the same few paths over and over), so the patterns
 * are not run again on each request.
 */
export class RouteTable {
  private readonly seen = new Map<string, Match>();

  constructor(readonly routes: readonly Route[]) {}

  /** Same as `match(routes, method, path)`. */
  match(method: string, path: string): Match {
    const key = `${method} ${path}`;
    const known = this.seen.get(key);
    if (known !== undefined) return known;
    const found = match(this.routes, method, path);
    // Only answers worth remembering, and only so many: unknown paths cost no memory.
    if (found !== undefined && this.seen.size < REMEMBERED_PATHS) this.seen.set(key, found);
    return found;
  }
}

/** Throws 404 unless `name` is the served model's name (and `version`, when given, its version). */
export function requireModel(ctx: RouteContext, name: string, version = ""): void {
  if (name !== ctx.model.name) {
    throw new HttpError(404, `unknown model "${name}"; this server serves "${ctx.model.name}"`);
  }
  if (version !== "" && version !== ctx.model.version) {
    throw new HttpError(
      404,
      `unknown version "${version}" of model "${name}"; this server serves version "${ctx.model.version}"`,
    );
  }
}

/** Throws 503 unless the server is ready to score. */
export function requireReady(ctx: RouteContext): void {
  if (!ctx.ready) throw new HttpError(503, "server is shutting down", { connection: "close" });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `path segment "${segment}" is not valid percent-encoding`);
  }
}
