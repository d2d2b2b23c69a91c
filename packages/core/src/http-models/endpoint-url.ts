/**
 * Parsing of HTTP model URLs (`kserve://host:port/model?…`,
 * `tfserving://host:port/model?…`) into what a driver needs.
 */
import type { DriverContext } from "../driver/adapter.js";
import { SwitchyardError } from "../errors.js";
import type { FetchFunction } from "./http-call.js";

/** The query parameters both HTTP model schemes accept. */
export const HTTP_MODEL_PARAMS = ["https", "timeoutMs", "version", "output", "maxBatch"] as const;

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
  /** Deadline of each call, in ms, on top of the caller's signal. */
  timeoutMs: number | undefined;
  /** Most inputs per call. */
  maxBatch: number;
  /** The fetch function: an injected client, else global fetch. */
  fetch: FetchFunction;
  /** Names the model in error messages. */
  what: string;
}

/** Reads a model URL; InvalidArgument names the fix for a bad one. */
export function parseModelUrl(url: URL, context: DriverContext, example: string): HttpModelTarget {
  const scheme = url.protocol.slice(0, -1);
  const fail = (detail: string) =>
    new SwitchyardError(
      "InvalidArgument",
      `model "${context.name}" (${scheme}://${url.host}…): ${detail}; e.g. ${example}`,
    );
  if (url.username !== "" || url.password !== "") throw fail("credentials in the URL are not supported");
  if (url.host === "") throw fail("the URL needs host:port");
  const model = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  if (model === "" || model.includes("/")) throw fail("the URL path must be the model name");
  const https = url.searchParams.get("https");
  if (https !== null && https !== "true" && https !== "false")
    throw fail(`https must be true or false, got "${https}"`);
  const client = context.client;
  if (client !== undefined && typeof client !== "function") {
    throw fail("an injected client must be a fetch-compatible function");
  }
  const origin = `${https === "true" ? "https" : "http"}://${url.host}`;
  return {
    origin,
    model,
    version: nonEmpty(url.searchParams.get("version")),
    output: nonEmpty(url.searchParams.get("output")),
    timeoutMs: integer(url, "timeoutMs", 1, fail),
    maxBatch: integer(url, "maxBatch", 1, fail) ?? 64,
    fetch: (client as FetchFunction | undefined) ?? ((input, init) => fetch(input, init)),
    what: `${scheme} model "${model}" at ${url.host}`,
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

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === "" ? undefined : value;
}
