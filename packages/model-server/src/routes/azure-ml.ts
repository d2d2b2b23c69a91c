/**
 * Azure ML online endpoint scoring contract: `POST /score` with
 * `Authorization: Bearer <key>` when a key is configured, and the
 * inference server's liveness answer on `GET /`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { HttpError, isObject, jsonText } from "../http.js";
import type { ResolvedOptions } from "../options.js";
import { requireReady, type Route, type RouteContext } from "../router.js";
import { rowsFromJson, type InputBatch } from "../tensor.js";
import { predictionsJson } from "../tensor-json.js";
import { rowsFromInputs, rowsFromSplit } from "./formats.js";

/** The Azure ML routes for the given options. */
export function azureMlRoutes(options: ResolvedOptions): Route[] {
  const key = options.azureKey === undefined ? undefined : digest(options.azureKey);
  return [
    {
      method: "GET",
      path: "/",
      name: "azureml_live",
      handle: () => ({ status: 200, text: "Healthy\n", contentType: "text/plain" }),
    },
    {
      method: "POST",
      path: "/score",
      name: "azureml_score",
      handle: async (ctx) => {
        if (key !== undefined) authorize(ctx, key);
        requireReady(ctx);
        const out = await ctx.batcher.score(rowsFromScoreBody(await ctx.json(), ctx));
        return jsonText(200, predictionsJson(out));
      },
    },
  ];
}

/** Compares digests so the check takes the same time whatever the presented key. */
function authorize(ctx: RouteContext, key: Buffer): void {
  const header = ctx.req.headers.authorization ?? "";
  const presented = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (presented === undefined || !timingSafeEqual(digest(presented), key)) {
    throw new HttpError(401, "missing or wrong key; send Authorization: Bearer <endpoint key>", {
      "www-authenticate": "Bearer",
    });
  }
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * The bodies `/score` takes: `{"input_data": {columns, index, data}}` (MLflow deployments),
 * `{"input_data": [[...]]}`, `{"input_data": {"<input>": [[...]]}}`, and `{"data": [[...]]}` (scoring scripts).
 */
function rowsFromScoreBody(body: unknown, ctx: RouteContext): InputBatch {
  const spec = ctx.model.input;
  if (isObject(body)) {
    const inputData = body.input_data;
    if (isObject(inputData) && inputData.data !== undefined)
      return rowsFromSplit(inputData, spec, "input_data");
    if (inputData !== undefined) return rowsFromInputs(inputData, spec, "input_data");
    if (body.data !== undefined) return rowsFromJson(body.data, spec, "data");
  }
  throw new HttpError(
    400,
    'request must be {"input_data": {"columns": [...], "data": [[...]]}} or {"data": [[...]]}',
  );
}
