/**
 * `/invocations`: the SageMaker container contract (JSON or CSV in, JSON or CSV
 * out), which is also where MLflow's scoring server takes its formats; plus the
 * SageMaker runtime path `/endpoints/{name}/invocations` and the `/ping` health check.
 */
import { HttpError, isObject, jsonText, mediaType } from "../http.js";
import type { TensorSpec } from "../model.js";
import { requireModel, requireReady, type Route, type RouteContext } from "../router.js";
import { rowsFromJson, type InputBatch } from "../tensor.js";
import { predictionsJson } from "../tensor-json.js";
import { csvOf, rowsFromCsv, rowsFromInputs, rowsFromSplit } from "./formats.js";

/** The SageMaker and MLflow routes. */
export function invocationRoutes(): Route[] {
  return [
    {
      method: "GET",
      path: "/ping",
      name: "sagemaker_ping",
      handle: (ctx) => ({
        status: ctx.ready ? 200 : 503,
        json: { status: ctx.ready ? "Healthy" : "Unhealthy" },
      }),
    },
    { method: "POST", path: "/invocations", name: "invocations", handle: invoke },
    {
      method: "POST",
      path: /^\/endpoints\/([^/]+)\/invocations$/,
      name: "sagemaker_runtime_invocations",
      handle: (ctx) => {
        requireModel(ctx, ctx.params[0]!);
        return invoke(ctx);
      },
    },
  ];
}

async function invoke(ctx: RouteContext) {
  requireReady(ctx);
  const spec = ctx.model.input;
  const contentType = mediaType(ctx.req.headers["content-type"]);
  const answerCsv = wantsCsv(mediaType(ctx.req.headers.accept));
  let input: InputBatch;
  if (contentType === "text/csv") {
    input = rowsFromCsv((await ctx.body()).toString("utf8"), spec);
  } else if (contentType === "application/json" || contentType === "") {
    input = rowsFromInvocationJson(await ctx.json(), spec);
  } else {
    throw new HttpError(415, `Content-Type ${contentType} is not served; send application/json or text/csv`);
  }
  const out = await ctx.batcher.score(input);
  if (answerCsv) return { status: 200, text: csvOf(out), contentType: "text/csv" };
  return jsonText(200, `{"predictions":${predictionsJson(out)}}`);
}

function wantsCsv(accept: string): boolean {
  if (accept === "text/csv") return true;
  if (accept === "" || accept === "application/json" || accept === "*/*" || accept === "application/*") {
    return false;
  }
  throw new HttpError(406, `Accept ${accept} is not served; ask for application/json or text/csv`);
}

/** The JSON bodies `/invocations` takes: rows, `instances`, `inputs`, or MLflow's `dataframe_split`. */
function rowsFromInvocationJson(body: unknown, spec: TensorSpec): InputBatch {
  if (Array.isArray(body)) return rowsFromJson(body, spec, "body");
  if (isObject(body)) {
    if (body.instances !== undefined) return rowsFromJson(body.instances, spec, "instances");
    if (body.inputs !== undefined) return rowsFromInputs(body.inputs, spec, "inputs");
    if (body.dataframe_split !== undefined)
      return rowsFromSplit(body.dataframe_split, spec, "dataframe_split");
  }
  throw new HttpError(
    400,
    'JSON body must be an array of rows or an object with "instances", "inputs" or "dataframe_split"',
  );
}
