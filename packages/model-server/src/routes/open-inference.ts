/**
 * Open Inference Protocol v2 over REST — the contract of KServe, Triton,
 * Seldon MLServer and TorchServe's KServe mode: health, metadata and typed-tensor inference.
 */
import { HttpError, isObject, jsonText } from "../http.js";
import type { TensorSpec } from "../model.js";
import { requireModel, requireReady, type Route, type RouteContext } from "../router.js";
import { tensorFromJson } from "../tensor.js";
import { flatJson } from "../tensor-json.js";

const MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?$/;
const MODEL_READY = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/ready$/;
const INFER = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/infer$/;

/** The Open Inference Protocol v2 routes. */
export function openInferenceRoutes(): Route[] {
  return [
    {
      method: "GET",
      path: "/v2",
      name: "v2_server_metadata",
      handle: () => ({
        status: 200,
        json: { name: "switchyard-model-server", version: "0.1.0", extensions: [] },
      }),
    },
    {
      method: "GET",
      path: "/v2/health/live",
      name: "v2_live",
      handle: () => ({ status: 200, json: { live: true } }),
    },
    {
      method: "GET",
      path: "/v2/health/ready",
      name: "v2_ready",
      handle: (ctx) => ({ status: ctx.ready ? 200 : 503, json: { ready: ctx.ready } }),
    },
    {
      method: "GET",
      path: MODEL_READY,
      name: "v2_model_ready",
      handle: (ctx) => {
        requireModel(ctx, ctx.params[0]!, ctx.params[1]);
        return { status: ctx.ready ? 200 : 503, json: { name: ctx.model.name, ready: ctx.ready } };
      },
    },
    {
      method: "GET",
      path: MODEL,
      name: "v2_model_metadata",
      handle: (ctx) => {
        requireModel(ctx, ctx.params[0]!, ctx.params[1]);
        const { model } = ctx;
        return {
          status: 200,
          json: {
            name: model.name,
            versions: [model.version],
            platform: "onnxruntime_onnx",
            inputs: [metadata(model.input)],
            outputs: model.outputs.map(metadata),
          },
        };
      },
    },
    { method: "POST", path: INFER, name: "v2_infer", handle: infer },
  ];
}

function metadata(spec: TensorSpec): { name: string; datatype: string; shape: number[] } {
  return { name: spec.name, datatype: spec.datatype, shape: spec.shape };
}

async function infer(ctx: RouteContext) {
  requireModel(ctx, ctx.params[0]!, ctx.params[1]);
  requireReady(ctx);
  if (ctx.req.headers["inference-header-content-length"] !== undefined) {
    throw new HttpError(400, "the binary tensor extension is not supported; send tensor data as JSON");
  }
  const body = await ctx.json();
  if (!isObject(body) || !Array.isArray(body.inputs)) {
    throw new HttpError(400, 'request must be an object with "inputs": [{name, shape, datatype, data}]');
  }
  const spec = ctx.model.input;
  if (body.inputs.length !== 1) {
    throw new HttpError(
      400,
      `model "${ctx.model.name}" takes 1 input ("${spec.name}"), got ${body.inputs.length}`,
    );
  }
  const tensor: unknown = body.inputs[0];
  if (!isObject(tensor))
    throw new HttpError(400, "inputs[0] must be an object {name, shape, datatype, data}");
  if (tensor.name !== spec.name) {
    throw new HttpError(
      400,
      `inputs[0].name is ${JSON.stringify(tensor.name)}; the model's input is "${spec.name}"`,
    );
  }
  if (tensor.datatype !== spec.datatype) {
    throw new HttpError(
      400,
      `inputs[0].datatype is ${JSON.stringify(tensor.datatype)}; input "${spec.name}" is ${spec.datatype}`,
    );
  }
  const rows = batchSize(tensor.shape, spec);
  const wanted = requestedOutputs(body.outputs, ctx);
  const out = await ctx.batcher.score(tensorFromJson(tensor.data, spec, rows, "inputs[0].data"));
  // Written as text, key for key what JSON.stringify would write for the response object.
  let outputs = "";
  for (const t of out.tensors) {
    if (wanted !== undefined && !wanted.has(t.spec.name)) continue;
    outputs +=
      `${outputs === "" ? "" : ","}{"name":${JSON.stringify(t.spec.name)},"datatype":${JSON.stringify(t.spec.datatype)},` +
      `"shape":${JSON.stringify([rows, ...t.spec.shape.slice(1)])},"data":${flatJson(t.spec, t.data)}}`;
  }
  const id = typeof body.id === "string" ? `"id":${JSON.stringify(body.id)},` : "";
  return jsonText(
    200,
    `{"model_name":${JSON.stringify(ctx.model.name)},"model_version":${JSON.stringify(ctx.model.version)},${id}"outputs":[${outputs}]}`,
  );
}

/** Checks the request shape against the input's and returns its batch dimension. */
function batchSize(shape: unknown, spec: TensorSpec): number {
  const expected = `[n, ${spec.shape.slice(1).join(", ")}]`;
  if (
    !Array.isArray(shape) ||
    shape.length !== spec.shape.length ||
    !shape.every((d, i) => Number.isInteger(d) && (i === 0 ? (d as number) >= 1 : d === spec.shape[i]))
  ) {
    throw new HttpError(
      400,
      `inputs[0].shape is ${JSON.stringify(shape)}; input "${spec.name}" takes ${expected}`,
    );
  }
  return shape[0] as number;
}

function requestedOutputs(outputs: unknown, ctx: RouteContext): Set<string> | undefined {
  if (outputs === undefined) return undefined;
  if (!Array.isArray(outputs)) throw new HttpError(400, '"outputs" must be an array of {name}');
  const known = new Set(ctx.model.outputs.map((o) => o.name));
  const wanted = new Set<string>();
  for (const o of outputs) {
    const name: unknown = isObject(o) ? o.name : undefined;
    if (typeof name !== "string" || !known.has(name)) {
      throw new HttpError(
        400,
        `unknown output ${JSON.stringify(name)}; outputs are ${[...known].join(", ")}`,
      );
    }
    wanted.add(name);
  }
  return wanted;
}
