/**
 * Open Inference Protocol v2 over REST — the contract of KServe, Triton,
 * Seldon MLServer and TorchServe's KServe mode: health, metadata and typed-tensor inference.
 */
import type { TensorSpec } from "../model.js";
import { requireModel, type Route } from "../router.js";
import { infer } from "./open-inference-infer.js";

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
        json: { name: "switchyard-model-server", version: "0.1.0", extensions: ["binary_tensor_data"] },
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
