/**
 * TensorFlow Serving's REST API: model status and `:predict` in the row
 * (`instances`) and columnar (`inputs`) formats.
 */
import { HttpError, isObject, jsonText } from "../http.js";
import { requireModel, requireReady, type Route, type RouteContext } from "../router.js";
import { rowsFromJson, rowValue, type RequestOutputs } from "../tensor.js";
import { predictionsJson } from "../tensor-json.js";

const STATUS = /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+))?$/;
const PREDICT = /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+))?:predict$/;

/** The TensorFlow Serving REST routes. */
export function tfServingRoutes(): Route[] {
  return [
    {
      method: "GET",
      path: STATUS,
      name: "tfserving_status",
      handle: (ctx) => {
        requireModel(ctx, ctx.params[0]!, ctx.params[1]);
        const state = ctx.ready ? "AVAILABLE" : "UNLOADING";
        return {
          status: 200,
          json: {
            model_version_status: [
              { version: ctx.model.version, state, status: { error_code: "OK", error_message: "" } },
            ],
          },
        };
      },
    },
    { method: "POST", path: PREDICT, name: "tfserving_predict", handle: predict },
  ];
}

async function predict(ctx: RouteContext) {
  requireModel(ctx, ctx.params[0]!, ctx.params[1]);
  requireReady(ctx);
  const body = await ctx.json();
  if (!isObject(body) || (body.instances === undefined) === (body.inputs === undefined)) {
    throw new HttpError(
      400,
      'request must be an object with either "instances" (rows) or "inputs" (columns)',
    );
  }
  const spec = ctx.model.input;
  if (body.instances !== undefined) {
    const out = await ctx.batcher.score(rowsFromJson(body.instances, spec, "instances"));
    return jsonText(200, `{"predictions":${predictionsJson(out)}}`);
  }
  let columns: unknown = body.inputs;
  if (isObject(columns)) {
    columns = columns[spec.name];
    if (columns === undefined) throw new HttpError(400, `"inputs" has no "${spec.name}", the model's input`);
  }
  const out = await ctx.batcher.score(rowsFromJson(columns, spec, "inputs"));
  return { status: 200, json: { outputs: columnar(out) } };
}

/** The columnar answer: the only output's tensor as nested lists, or `{name: tensor}` for several outputs. */
function columnar(out: RequestOutputs): unknown {
  const tensor = (t: RequestOutputs["tensors"][number]) =>
    Array.from({ length: out.rows }, (_, r) => rowValue(t.spec, t.data, r));
  if (out.tensors.length === 1) return tensor(out.tensors[0]!);
  return Object.fromEntries(out.tensors.map((t) => [t.spec.name, tensor(t)]));
}
