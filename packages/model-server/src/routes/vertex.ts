/**
 * Vertex AI custom-container contract: `{instances, parameters}` in,
 * `{predictions, deployedModelId}` out, on `AIP_PREDICT_ROUTE` / `AIP_HEALTH_ROUTE`
 * when Vertex sets them, and on Vertex's default routes otherwise.
 */
import { HttpError, isObject, jsonText } from "../http.js";
import type { ResolvedOptions } from "../options.js";
import type { Route, RouteContext } from "../router.js";
import { requireReady } from "../router.js";
import { rowsFromJson } from "../tensor.js";
import { predictionsJson } from "../tensor-json.js";

/** The routes Vertex uses when the container spec names none (`ENDPOINT` and `DEPLOYED_MODEL` are Vertex's ids). */
const DEFAULT_PREDICT = /^\/v1\/endpoints\/([^/:]+)\/deployedModels\/([^/:]+):predict$/;
const DEFAULT_HEALTH = /^\/v1\/endpoints\/([^/:]+)\/deployedModels\/([^/:]+)$/;
/** The public prediction API's path, so a Vertex client pointed at this server works unchanged. */
const PUBLIC_PREDICT = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/endpoints\/[^/:]+:predict$/;

/** The Vertex AI routes for the given options. */
export function vertexRoutes(options: ResolvedOptions): Route[] {
  const { predictRoute, healthRoute } = options.vertex;
  const health = (ctx: RouteContext) => ({ status: ctx.ready ? 200 : 503, json: { ready: ctx.ready } });
  const routes: Route[] = [];
  if (predictRoute !== undefined)
    routes.push({ method: "POST", path: predictRoute, name: "vertex_predict", handle: predict });
  if (healthRoute !== undefined)
    routes.push({ method: "GET", path: healthRoute, name: "vertex_health", handle: health });
  routes.push(
    { method: "POST", path: DEFAULT_PREDICT, name: "vertex_predict", handle: predict },
    { method: "POST", path: PUBLIC_PREDICT, name: "vertex_predict", handle: predict },
    { method: "GET", path: DEFAULT_HEALTH, name: "vertex_health", handle: health },
  );
  return routes;
}

async function predict(ctx: RouteContext) {
  requireReady(ctx);
  const body = await ctx.json();
  if (!isObject(body) || body.instances === undefined) {
    throw new HttpError(400, 'request must be an object {"instances": [...], "parameters": {...}}');
  }
  const out = await ctx.batcher.score(rowsFromJson(body.instances, ctx.model.input, "instances"));
  const deployedModelId = ctx.params[1] || ctx.options.vertex.deployedModelId || ctx.model.name;
  return jsonText(
    200,
    `{"predictions":${predictionsJson(out)},"deployedModelId":${JSON.stringify(deployedModelId)}}`,
  );
}
