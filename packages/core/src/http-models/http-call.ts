/**
 * One JSON request to a model server over global `fetch` (keep-alive
 * connections are pooled by Node's HTTP client), with an optional per-call timeout.
 */
import { SwitchyardError } from "../errors.js";
import { deadlineSignal } from "../resources/signals.js";

/** A fetch-compatible function; the global `fetch` unless a client was injected. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** A non-2xx answer from a model server: its status and the server's error message. */
export class HttpStatusError extends Error {
  /** HTTP status code. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpStatusError";
    this.status = status;
  }
}

/** Where and how to send one call. */
export interface JsonCall {
  /** The fetch function to use. */
  fetch: FetchFunction;
  /** Absolute URL. */
  url: string;
  /** Request body, serialised as JSON; GET when absent. */
  body?: unknown;
  /** Extra headers (Host, Authorization). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Cancels the call. */
  signal: AbortSignal;
  /** Extra deadline of this call alone, in ms. */
  timeoutMs?: number | undefined;
  /** Names the model in error messages, e.g. `kserve model "fraud" at 127.0.0.1:8080`. */
  what: string;
}

/**
 * Sends the call and resolves with the parsed JSON answer. A non-2xx answer rejects
 * with HttpStatusError; a 2xx answer that is not JSON rejects with Internal.
 */
export async function callJson(call: JsonCall): Promise<unknown> {
  const deadline = deadlineSignal(call.signal, call.timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await send(
      call,
      deadline.signal,
      call.body === undefined ? undefined : JSON.stringify(call.body),
      call.body === undefined ? {} : { "content-type": "application/json", accept: "application/json" },
    );
    text = await res.text();
  } finally {
    deadline.dispose();
  }
  if (!res.ok) {
    throw new HttpStatusError(res.status, `${call.what} answered ${res.status}: ${errorMessage(text)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SwitchyardError("Internal", `${call.what} answered ${res.status} with a body that is not JSON`);
  }
}

/**
 * POSTs `body` as it is, with `headers` on top of the call's, and resolves with the
 * answer's headers and bytes. A non-2xx answer rejects with HttpStatusError.
 */
export async function callBytes(
  call: JsonCall,
  body: Uint8Array,
  headers: Readonly<Record<string, string>>,
): Promise<{ headers: Headers; bytes: Buffer }> {
  const deadline = deadlineSignal(call.signal, call.timeoutMs);
  let res: Response;
  let bytes: Buffer;
  try {
    res = await send(call, deadline.signal, body, headers);
    bytes = Buffer.from(await res.arrayBuffer());
  } finally {
    deadline.dispose();
  }
  if (!res.ok) {
    const text = bytes.toString("utf8");
    throw new HttpStatusError(res.status, `${call.what} answered ${res.status}: ${errorMessage(text)}`);
  }
  return { headers: res.headers, bytes };
}

function send(
  call: JsonCall,
  signal: AbortSignal,
  body: string | Uint8Array | undefined,
  headers: Readonly<Record<string, string>>,
): Promise<Response> {
  const init: RequestInit = {
    method: body === undefined ? "GET" : "POST",
    signal,
    headers: { ...call.headers, ...headers },
  };
  if (body !== undefined) init.body = body;
  return call.fetch(call.url, init);
}

/**
 * The server's own message: `{"error": "..."}` as the serving protocols define it (MLflow's
 * `{"message": "..."}`), else the raw text, shortened.
 */
function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || "(empty body)";
}
