/**
 * The HTTP plumbing every route shares: bounded body reading, JSON replies and
 * an error type that carries its status.
 */
import type { IncomingMessage } from "node:http";

/** An error that becomes a JSON reply `{"error": message}` with this status. */
export class HttpError extends Error {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}

/** What a route answers: a status and a JSON value, or text (or bytes) with its content type. */
export type Reply =
  | { status: number; json: unknown; headers?: Readonly<Record<string, string>> }
  | {
      status: number;
      text: string | Buffer;
      contentType: string;
      headers?: Readonly<Record<string, string>>;
    };

/** A 200-style JSON reply whose body is already JSON text. */
export function jsonText(status: number, text: string): Reply {
  return { status, text, contentType: "application/json" };
}

/**
 * Reads the whole request body. A body over `limit` bytes is read to its end and
 * discarded (so the client sees the 413 instead of a reset connection), then refused.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return collectBody(req, limit, asIs);
}

/** Reads the whole request body as `readBody` does and parses it as `parseJson` does. */
export function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return collectBody(req, limit, parseJson);
}

/** Reads the body and settles with `finish(body)`, or with what `finish` throws. */
function collectBody<T>(req: IncomingMessage, limit: number, finish: (body: Buffer) => T): Promise<T> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = declared > limit;
  // Events rather than an async iterator, and `on` rather than `once` (each event comes at most once
  // here): this runs once per request on the hot path.
  return new Promise((resolve, reject) => {
    let ended = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on("error", reject);
    // A client that disconnects mid-body never sends "end"; settle so the request is not counted in flight forever.
    // "close" also follows every answered request: building an error there (a stack trace each time) was
    // a tenth of the server's CPU under load, so only a body that never ended gets one.
    req.on("close", () => {
      if (!ended) reject(new HttpError(400, "the client closed the connection before the body ended"));
    });
    req.on("end", () => {
      ended = true;
      if (over) {
        reject(
          new HttpError(413, `request body exceeds the ${limit}-byte limit; send fewer rows per request`),
        );
        return;
      }
      try {
        resolve(finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
      } catch (err) {
        reject(err instanceof Error ? err : new HttpError(400, String(err)));
      }
    });
  });
}

function asIs(body: Buffer): Buffer {
  return body;
}

/** Parses a JSON body, answering 400 with the parser's reason when it is malformed. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new HttpError(400, "request body is empty; send a JSON object");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new HttpError(400, `malformed JSON body: ${(err as Error).message}`);
  }
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The media type of a header value without parameters, lower-cased (`text/csv; charset=utf-8` → `text/csv`). */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";", 1)[0]!.trim().toLowerCase();
}
