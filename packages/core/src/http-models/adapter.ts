/**
 * The HTTP model adapter: `kserve://` (Open Inference Protocol v2) and
 * `tfserving://` (TensorFlow Serving REST) model URLs.
 */
import type { Adapter, SchemeHandler } from "../driver/adapter.js";
import { SwitchyardError } from "../errors.js";
import { isMissingPackage } from "../optional-package.js";
import { HTTP_MODEL_PARAMS, KSERVE_GRPC_PARAMS, KSERVE_PARAMS, parseModelUrl } from "./endpoint-url.js";
import type { KServeGrpcDriver } from "./kserve-grpc.js";
import { KServeDriver } from "./kserve.js";
import { MLFLOW_PARAMS, MlflowDriver } from "./mlflow.js";
import { TfServingDriver } from "./tf-serving.js";

/**
 * The adapter for models behind HTTP serving protocols. URLs:
 * `kserve://host:port/model`, `kserve+grpc://host:port/model` and `tfserving://host:port/model`,
 * with parameters `https=true` (default false; TLS for gRPC), `timeoutMs` (per call, default
 * none: the endpoint's deadline), `version` (default: the server's), `output` (pick one output of
 * a multi-output model), `maxBatch` (inputs per call, default 64), `host` (the Host header or
 * gRPC authority) and `token` (sent as `Authorization: Bearer`). `kserve` schemes also take
 * `input` and `datatype` (the input tensor, when metadata lists none) and `kserve://` takes
 * `binary=true|false` (the binary tensor extension; default: when the server lists it).
 * `mlflow://host:port` (no path: the server serves one model) calls MLflow's scoring server.
 * An injected client must be a fetch-compatible function (HTTP schemes only).
 */
export function httpModels(): Adapter {
  const kserve: SchemeHandler<"model"> = {
    kind: "model",
    scheme: "kserve",
    params: KSERVE_PARAMS,
    create: (url, context) => new KServeDriver(parseModelUrl(url, context, "kserve://127.0.0.1:8080/fraud")),
  };
  const tfserving: SchemeHandler<"model"> = {
    kind: "model",
    scheme: "tfserving",
    params: HTTP_MODEL_PARAMS,
    create: (url, context) =>
      new TfServingDriver(parseModelUrl(url, context, "tfserving://127.0.0.1:8501/fraud")),
  };
  const kserveGrpc: SchemeHandler<"model"> = {
    kind: "model",
    scheme: "kserve+grpc",
    params: KSERVE_GRPC_PARAMS,
    create: async (url, context) => {
      const example = "kserve+grpc://127.0.0.1:8081/fraud";
      if (context.client !== undefined) {
        throw new SwitchyardError(
          "InvalidArgument",
          `model "${context.name}" (kserve+grpc://${url.host}…): an injected client is not supported; use ?host= and ?token= for headers`,
        );
      }
      const target = parseModelUrl(url, context, example);
      const { KServeGrpcDriver } = await loadGrpcDriver();
      return new KServeGrpcDriver(target);
    },
  };
  const mlflow: SchemeHandler<"model"> = {
    kind: "model",
    scheme: "mlflow",
    params: MLFLOW_PARAMS,
    create: (url, context) => new MlflowDriver(parseModelUrl(url, context, "mlflow://127.0.0.1:5000", true)),
  };
  return { name: "@switchyard/core", schemes: [kserve, kserveGrpc, tfserving, mlflow] };
}

/** The command that installs the gRPC stack `kserve+grpc:` models need (an optional peer of core). */
export const GRPC_INSTALL = "npm install @grpc/grpc-js@^1.14";

/**
 * The gRPC model driver, loaded on first use so that pipelines without gRPC
 * models never load the gRPC stack, and projects without them need not
 * install it: without @grpc/grpc-js the error is FailedPrecondition naming the
 * install command.
 */
async function loadGrpcDriver(): Promise<{ KServeGrpcDriver: typeof KServeGrpcDriver }> {
  try {
    return await import("./kserve-grpc.js");
  } catch (err) {
    if (!isMissingPackage(err, "@grpc/grpc-js")) throw err;
    throw new SwitchyardError(
      "FailedPrecondition",
      `kserve+grpc: models talk gRPC through @grpc/grpc-js, which is not installed — ${GRPC_INSTALL}`,
      { cause: err },
    );
  }
}
