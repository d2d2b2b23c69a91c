/**
 * Parsing of HTTP model URLs (`kserve://host:port/model?…`,
 * `tfserving://host:port/model?…`) into what a driver needs.
 */
import type { DriverContext } from "../driver/adapter.js";
import { SwitchyardError } from "../errors.js";
import type { FetchFunction } from "./http-call.js";
import { nodeHttpFetch } from "./node-http-fetch.js";

/** The query parameters both HTTP model schemes accept. */
export const HTTP_MODEL_PARAMS = [
  "https",
  "timeoutMs",
  "version",
  "output",
  "maxBatch",
  "host",
  "token",
] as const;

/** The query parameters of `kserve://`: the common ones, and the input tensor to send when metadata lists none. */
export const KSERVE_PARAMS = [...HTTP_MODEL_PARAMS, "input", "datatype", "binary"] as const;

/** The query parameters of `kserve+grpc://`: tensors always travel as raw bytes there. */
export const KSERVE_GRPC_PARAMS = [...HTTP_MODEL_PARAMS, "input", "datatype"] as const;

/** Where a model is served and how to call it. */
export interface HttpModelTarget {
  /** `http://host:port` or `https://host:port`. */
  origin: string;
  /** Model name (the URL path). */
  model: string;
  /** Model version to address, or undefined for the server's default. */
  version: string | undefined;
  /** The one output to return when the model has several. */
  output: string | undefined;
  /** Input tensor name from `?input=`, used when metadata lists no inputs (and checked when it does). */
  input: string | undefined;
  /** Input datatype from `?datatype=` (e.g. `FP32`), used and checked like `input`. */
  datatype: string | undefined;
  /** `?binary=true|false` forces the binary tensor extension on or off; undefined: when the server lists it. */
  binary: boolean | undefined;
  /** Headers sent with every call: `Host` from `?host=`, `Authorization: Bearer` from `?token=`. */
  headers: Record<string, string>;
  /** Deadline of each call, in ms, on top of the caller's signal. */
  timeoutMs: number | undefined;
  /** Most inputs per call. */
  maxBatch: number;
  /** The fetch function: an injected client, else global fetch. */
  fetch: FetchFunction;
  /** Names the model in error messages. */
  what: string;
}

/**
 * Reads a model URL; InvalidArgument names the fix for a bad one. With `nameless`, the server
 * serves one model and the URL has no path (`mlflow://host:port`).
 */
export function parseModelUrl(
  url: URL,
  context: DriverContext,
  example: string,
  nameless = false,
): HttpModelTarget {
  const scheme = url.protocol.slice(0, -1);
  const fail = (detail: string) =>
    new SwitchyardError(
      "InvalidArgument",
      `model "${context.name}" (${scheme}://${url.host}…): ${detail}; e.g. ${example}`,
    );
  if (url.username !== "" || url.password !== "") throw fail("credentials in the URL are not supported");
  if (url.host === "") throw fail("the URL needs host:port");
  const model = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  if (nameless) {
    if (model !== "") throw fail("the URL has no path: the server serves one model");
  } else if (model === "" || model.includes("/")) throw fail("the URL path must be the model name");
  const https = flag(url, "https", fail);
  const binary = flag(url, "binary", fail);
  const headers: Record<string, string> = {};
  const host = nonEmpty(url.searchParams.get("host"));
  if (host !== undefined) headers.host = host;
  const token = nonEmpty(url.searchParams.get("token"));
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const client = context.client;
  if (client !== undefined && typeof client !== "function") {
    throw fail("an injected client must be a fetch-compatible function");
  }
  const origin = `${https === true ? "https" : "http"}://${url.host}`;
  return {
    origin,
    model,
    version: nonEmpty(url.searchParams.get("version")),
    output: nonEmpty(url.searchParams.get("output")),
    input: nonEmpty(url.searchParams.get("input")),
    datatype: nonEmpty(url.searchParams.get("datatype"))?.toUpperCase(),
    binary,
    headers,
    timeoutMs: integer(url, "timeoutMs", 1, fail),
    maxBatch: integer(url, "maxBatch", 1, fail) ?? 64,
    // Global fetch never sends a Host of our choosing, so a `host` override goes through node:http.
    fetch:
      (client as FetchFunction | undefined) ??
      (host === undefined ? (input, init) => fetch(input, init) : nodeHttpFetch()),
    what: nameless ? `${scheme} model at ${url.host}` : `${scheme} model "${model}" at ${url.host}`,
  };
}

function integer(url: URL, name: string, min: number, fail: (detail: string) => Error): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value) || value < min) {
    throw fail(`${name} must be an integer of at least ${min}, got "${raw}"`);
  }
  return value;
}

function flag(url: URL, name: string, fail: (detail: string) => Error): boolean | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  if (raw !== "true" && raw !== "false") throw fail(`${name} must be true or false, got "${raw}"`);
  return raw === "true";
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === "" ? undefined : value;
}
