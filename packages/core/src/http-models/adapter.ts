/**
 * The HTTP model adapter: `kserve://` (Open Inference Protocol v2) and
 * `tfserving://` (TensorFlow Serving REST) model URLs.
 */
import type { Adapter, SchemeHandler } from "../driver/adapter.js";
import { HTTP_MODEL_PARAMS, parseModelUrl } from "./endpoint-url.js";
import { KServeDriver } from "./kserve.js";
import { TfServingDriver } from "./tf-serving.js";

/**
 * The adapter for models behind HTTP serving protocols. URLs:
 * `kserve://host:port/model` and `tfserving://host:port/model`, with parameters
 * `https=true` (default false), `timeoutMs` (per call, default none: the endpoint's deadline),
 * `version` (default: the server's), `output` (pick one output of a multi-output model),
 * `maxBatch` (inputs per call, default 64). An injected client must be a fetch-compatible function.
 */
export function httpModels(): Adapter {
  const kserve: SchemeHandler<"model"> = {
    kind: "model",
    scheme: "kserve",
    params: HTTP_MODEL_PARAMS,
    create: (url, context) => new KServeDriver(parseModelUrl(url, context, "kserve://127.0.0.1:8080/fraud")),
  };
  const tfserving: SchemeHandler<"model"> = {
    kind: "model",
    scheme: "tfserving",
    params: HTTP_MODEL_PARAMS,
    create: (url, context) =>
      new TfServingDriver(parseModelUrl(url, context, "tfserving://127.0.0.1:8501/fraud")),
  };
  return { name: "@switchyard/core", schemes: [kserve, tfserving] };
}
