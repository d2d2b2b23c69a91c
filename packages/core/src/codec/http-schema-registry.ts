import type { ErrorCode } from "../errors.js";
import { SwitchyardError, isAbort } from "../errors.js";
import { invalidArgument, messageOf } from "./codec-error.js";
import type { SchemaRegistry } from "./schema-registry.js";
import { checkRegisterArgs, checkSchemaId } from "./schema-registry.js";
import { isSchemaId } from "./wire-format.js";

/** Credentials for a schema registry: HTTP basic (Confluent Cloud's API key and secret) or a bearer token. */
export type SchemaRegistryAuth = { username: string; password: string } | { bearerToken: string };

/** Options of {@link HttpSchemaRegistry}. */
export interface HttpSchemaRegistryOptions {
  /** Credentials sent with every request. Default: `user:password` from the URL, else none. */
  auth?: SchemaRegistryAuth;
  /** The fetch implementation, e.g. one with a proxy or custom TLS. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** How long one request may take before it fails with DeadlineExceeded, in ms. Default 10000. */
  timeoutMs?: number;
}

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
const ACCEPT = `${CONTENT_TYPE}, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5`;

/**
 * A client of a schema registry that speaks the Confluent REST API (Confluent
 * Schema Registry, Confluent Cloud, Redpanda, Karapace, Apicurio's ccompat
 * endpoint). Credentials may be given in the URL or as `auth`; they are sent
 * as an Authorization header and never appear in error messages.
 */
export class HttpSchemaRegistry implements SchemaRegistry {
  /** The registry's base URL without credentials, as it appears in messages. */
  readonly url: string;
  readonly #authorization: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, options: HttpSchemaRegistryOptions = {}) {
    const { url, auth } = parseBaseUrl(baseUrl);
    this.url = url;
    this.#authorization = authorization(options.auth ?? auth);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async register(subject: string, schema: string): Promise<number> {
    checkRegisterArgs(subject, schema);
    const path = `/subjects/${encodeURIComponent(subject)}/versions`;
    const body = await this.#request("POST", path, JSON.stringify({ schema }));
    const id = (body as { id?: unknown } | null)?.id;
    if (!isSchemaId(id)) throw this.#badResponse("POST", path, "no integer id");
    return id;
  }

  async getById(id: number): Promise<string> {
    checkSchemaId(id);
    const path = `/schemas/ids/${id}`;
    const body = await this.#request("GET", path, undefined);
    const schema = (body as { schema?: unknown } | null)?.schema;
    if (typeof schema !== "string") throw this.#badResponse("GET", path, "no schema text");
    return schema;
  }

  async #request(method: string, path: string, body: string | undefined): Promise<unknown> {
    const headers: Record<string, string> = { accept: ACCEPT };
    if (body !== undefined) headers["content-type"] = CONTENT_TYPE;
    if (this.#authorization !== undefined) headers.authorization = this.#authorization;
    const where = `schema registry ${this.url}: ${method} ${path}`;
    let text: string;
    let status: number;
    try {
      const res = await this.#fetch(`${this.url}${path}`, {
        method,
        headers,
        body: body ?? null,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw transportError(err, where, this.#timeoutMs);
    }
    if (status < 200 || status > 299) {
      throw new SwitchyardError(codeForStatus(status), `${where} returned ${status}: ${detailOf(text)}`);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new SwitchyardError("Internal", `${where}: the response is not JSON`, { cause: err });
    }
  }

  #badResponse(method: string, path: string, missing: string): SwitchyardError {
    return new SwitchyardError(
      "Internal",
      `schema registry ${this.url}: ${method} ${path}: the response has ${missing} — is this a Confluent-compatible registry?`,
    );
  }
}

/** Splits credentials off the base URL, so that only the bare URL is ever printed or fetched. */
function parseBaseUrl(baseUrl: string): { url: string; auth: SchemaRegistryAuth | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch (err) {
    throw invalidArgument(
      "schema registry",
      `"${baseUrl.replace(/\/\/[^/]*@/, "//***@")}" is not a URL — write e.g. http://127.0.0.1:8081`,
      err,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw invalidArgument("schema registry", `the URL must be http: or https:, got ${parsed.protocol}`);
  }
  const auth =
    parsed.username === ""
      ? undefined
      : { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return { url: parsed.href.replace(/\/+$/, ""), auth };
}

function authorization(auth: SchemaRegistryAuth | undefined): string | undefined {
  if (auth === undefined) return undefined;
  if ("bearerToken" in auth) return `Bearer ${auth.bearerToken}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
}

/** The HTTP statuses a Confluent registry answers with, as portable codes. */
function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return "InvalidArgument"; // 422: the schema is invalid
  if (status === 401) return "Unauthenticated";
  if (status === 403) return "PermissionDenied";
  if (status === 404) return "NotFound";
  if (status === 408) return "DeadlineExceeded";
  if (status === 409) return "FailedPrecondition"; // the subject's compatibility rule refuses the schema
  if (status === 429) return "ResourceExhausted";
  if (status === 500) return "Internal";
  if (status >= 501) return "Unavailable";
  return "Unknown";
}

/** The registry's own explanation (`{"error_code":40403,"message":"Schema not found"}`) or the start of the body. */
function detailOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error_code?: unknown };
    if (typeof body.message === "string") {
      return typeof body.error_code === "number"
        ? `${body.message} (error ${body.error_code})`
        : body.message;
    }
  } catch {
    // Not JSON: a proxy's error page, say.
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || "(empty body)";
}

function transportError(err: unknown, where: string, timeoutMs: number): SwitchyardError {
  if ((err as { name?: unknown } | null)?.name === "TimeoutError") {
    return new SwitchyardError("DeadlineExceeded", `${where}: no answer within ${timeoutMs} ms`, {
      cause: err,
    });
  }
  if (isAbort(err)) return new SwitchyardError("Canceled", `${where}: canceled`, { cause: err });
  // Node's fetch reports "fetch failed" and keeps the reason (ECONNREFUSED…) as its cause.
  const reason = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  const detail = typeof reason === "string" ? `${messageOf(err)} (${reason})` : messageOf(err);
  return new SwitchyardError("Unavailable", `${where}: ${detail}`, { cause: err });
}
