import { redactUrl } from "@switchyard/core";
import { UrlParams, pathSegments } from "../url-params.js";

/** Everything a Vertex AI endpoint needs, from its URL `vertex://project/location/endpoint?…`. */
export interface VertexSettings {
  /** The Google Cloud project (id or number). */
  project: string;
  /** The endpoint's region, e.g. `us-central1`. */
  location: string;
  /** The endpoint's id. */
  endpoint: string;
  /** The full predict URL: `https://<host>/<apiVersion>/projects/…/endpoints/<id>:predict`. */
  predictUrl: string;
  /** Whether requests carry a Google access token. Default: yes, unless the host is loopback (`auth=google` forces it). */
  auth: boolean;
  /** Most instances per request. Default 64. */
  maxBatch: number;
  /** Deadline of one request in ms, on top of the caller's; 0 for none. Default 0. */
  timeoutMs: number;
  /** The request's `parameters` (a JSON object), if any. */
  parameters: Record<string, unknown> | undefined;
  /** `vertex://project/location/endpoint` with any credentials masked, for messages. */
  where: string;
}

/** The query parameters a `vertex://` URL accepts. */
export const VERTEX_PARAMS = [
  "host",
  "tls",
  "auth",
  "apiVersion",
  "maxBatch",
  "timeoutMs",
  "parameters",
] as const;

const PROJECT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const LOCATION = /^[a-z][a-z0-9-]{1,62}$/;
const ENDPOINT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Parses `vertex://project/location/endpoint?…`, refusing bad parts with a message naming the fix. */
export function vertexSettings(url: URL): VertexSettings {
  const where = redactUrl(url.href);
  const params = new UrlParams(url, where);
  const project = decodeURIComponent(url.hostname);
  const [location, endpoint, ...rest] = pathSegments(url);
  if (!PROJECT.test(project) || location === undefined || endpoint === undefined || rest.length > 0) {
    throw params.bad(
      "write vertex://<project>/<location>/<endpoint id>, e.g. vertex://my-project/us-central1/1234567890",
    );
  }
  if (!LOCATION.test(location))
    throw params.bad(`"${location}" is not a Google Cloud region, e.g. us-central1`);
  if (!ENDPOINT.test(endpoint)) throw params.bad(`"${endpoint}" is not a Vertex AI endpoint id`);
  const host = params.text("host") ?? `${location}-aiplatform.googleapis.com`;
  if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(host)) {
    throw params.bad(`"host" must be a host name with an optional port, e.g. 127.0.0.1:8080, got "${host}"`);
  }
  const loopback = LOOPBACK.has(host.replace(/:\d+$/, ""));
  const tls = params.bool("tls", true);
  const auth = params.choice("auth", ["google", "none"] as const, loopback ? "none" : "google") === "google";
  // A token goes over plain HTTP only to this machine (a local proxy or test server).
  if (auth && !tls && !loopback) {
    throw params.bad("an access token is never sent without TLS: drop tls=false, or add auth=none");
  }
  const apiVersion = params.choice("apiVersion", ["v1", "v1beta1"] as const, "v1");
  const path = `/${apiVersion}/projects/${project}/locations/${location}/endpoints/${endpoint}:predict`;
  return {
    project,
    location,
    endpoint,
    predictUrl: `${tls ? "https" : "http"}://${host}${path}`,
    auth,
    maxBatch: params.int("maxBatch", 64, 1, 10_000),
    timeoutMs: params.int("timeoutMs", 0, 0),
    parameters: parametersOf(params),
    where,
  };
}

/** The `parameters` URL parameter: a JSON object, sent with every request. */
function parametersOf(params: UrlParams): Record<string, unknown> | undefined {
  const raw = params.text("parameters");
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw params.bad(`"parameters" must be a JSON object (URL-encoded), e.g. parameters=%7B%22k%22%3A1%7D`);
  }
  return parsed as Record<string, unknown>;
}
