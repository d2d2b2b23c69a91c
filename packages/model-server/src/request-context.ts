/**
 * The context a route handler gets, as a class: one object per request and no
 * closures, since it is built for every request on the hot path.
 */
import type { IncomingMessage } from "node:http";
import type { Batcher } from "./batcher.js";
import { readBody, readJson } from "./http.js";
import type { ServedModel } from "./model.js";
import type { ResolvedOptions } from "./options.js";
import type { RouteContext } from "./router.js";

/** A `RouteContext` for one request. */
export class RequestContext implements RouteContext {
  constructor(
    readonly req: IncomingMessage,
    readonly params: string[],
    readonly model: ServedModel,
    readonly batcher: Batcher,
    readonly options: ResolvedOptions,
    readonly ready: boolean,
  ) {}

  /** Reads the body within the size limit (413 beyond it). */
  body(): Promise<Buffer> {
    return readBody(this.req, this.options.maxBodyBytes);
  }

  /** Reads and parses a JSON body (400 when malformed). */
  json(): Promise<unknown> {
    return readJson(this.req, this.options.maxBodyBytes);
  }
}
