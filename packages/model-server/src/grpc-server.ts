/**
 * The Open Inference Protocol over gRPC (`inference.GRPCInferenceService`) on a
 * second port: health, metadata and inference through the same batcher as the
 * REST routes, with tensors as raw bytes (`raw_input_contents`,
 * `raw_output_contents`) or typed contents.
 */
import * as grpc from "@grpc/grpc-js";
import { openInferenceMethods, SwitchyardError, type OpenInferenceRpc } from "@switchyard/core/driver";
import { tensorBytes, tensorFromBinary } from "./binary-tensors.js";
import type { Batcher } from "./batcher.js";
import { HttpError } from "./http.js";
import type { ServedModel, TensorSpec } from "./model.js";
import type { RouteRequests, ServerMetrics } from "./metrics.js";
import { checkInput } from "./routes/open-inference-infer.js";
import { allocate, type InputBatch } from "./tensor.js";

/** A running gRPC listener. */
export interface GrpcListener {
  /** The port bound. */
  port: number;
  /** Stops accepting calls, lets running ones finish (at most `timeoutMs`), then closes. */
  close(timeoutMs: number): Promise<void>;
}

type Handler = (request: Record<string, unknown>) => Promise<object> | object;

/** gRPC status for each HTTP status the shared checks throw. */
const STATUS: Readonly<Record<number, grpc.status>> = {
  400: grpc.status.INVALID_ARGUMENT,
  404: grpc.status.NOT_FOUND,
  413: grpc.status.RESOURCE_EXHAUSTED,
  503: grpc.status.UNAVAILABLE,
};

/** Serves the model's gRPC service on `host:port`; `ready()` is false while shutting down. */
export async function serveGrpc(
  model: ServedModel,
  batcher: Batcher,
  where: { host: string; port: number; maxBodyBytes: number },
  metrics: ServerMetrics,
  ready: () => boolean,
): Promise<GrpcListener> {
  // Decoded requests fill every string field, with "" where the client sent none.
  const requireModel = (name: unknown, version: unknown) => {
    if (name !== model.name)
      throw new HttpError(404, `unknown model "${String(name)}"; this server serves "${model.name}"`);
    if (version !== "" && version !== model.version) {
      throw new HttpError(404, `unknown version "${version as string}" of model "${model.name}"`);
    }
  };
  const handlers: Record<OpenInferenceRpc, Handler> = {
    ServerLive: () => ({ live: true }),
    ServerReady: () => ({ ready: ready() }),
    ModelReady: (r) => {
      requireModel(r.name, r.version);
      return { ready: ready() };
    },
    ServerMetadata: () => ({ name: "switchyard-model-server", version: "0.1.0", extensions: [] }),
    ModelMetadata: (r) => {
      requireModel(r.name, r.version);
      const meta = (t: TensorSpec) => ({ name: t.name, datatype: t.datatype, shape: t.shape });
      return {
        name: model.name,
        versions: [model.version],
        platform: "onnxruntime_onnx",
        inputs: [meta(model.input)],
        outputs: model.outputs.map(meta),
      };
    },
    ModelInfer: async (r) => {
      requireModel(r.modelName, r.modelVersion);
      if (!ready()) throw new HttpError(503, "server is shutting down");
      const inputs = r.inputs as Record<string, unknown>[];
      if (inputs.length !== 1) {
        throw new HttpError(
          400,
          `model "${model.name}" takes 1 input ("${model.input.name}"), got ${inputs.length}`,
        );
      }
      const rows = checkInput(inputs[0]!, model.input);
      const raw = r.rawInputContents as Buffer[];
      const input =
        raw.length > 0
          ? tensorFromBinary(raw[0]!, model.input, rows, "inputs[0]")
          : fromContents(inputs[0]!, model.input, rows);
      const wanted = new Set((r.outputs as { name: string }[]).map((o) => o.name));
      for (const name of wanted) {
        if (!model.outputs.some((o) => o.name === name)) {
          throw new HttpError(
            400,
            `unknown output "${name}"; outputs are ${model.outputs.map((o) => o.name).join(", ")}`,
          );
        }
      }
      const out = await batcher.score(input);
      const tensors = out.tensors.filter((t) => wanted.size === 0 || wanted.has(t.spec.name));
      return {
        modelName: model.name,
        modelVersion: model.version,
        id: r.id,
        outputs: tensors.map((t) => ({
          name: t.spec.name,
          datatype: t.spec.datatype,
          shape: [rows, ...t.spec.shape.slice(1)],
        })),
        rawOutputContents: tensors.map((t) => tensorBytes(t.spec, t.data)),
      };
    },
  };

  const methods = openInferenceMethods();
  const definition: Record<string, grpc.MethodDefinition<Record<string, unknown>, object>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(methods) as [
    OpenInferenceRpc,
    (typeof methods)[OpenInferenceRpc],
  ][]) {
    definition[name] = {
      path: method.path,
      requestStream: false,
      responseStream: false,
      requestSerialize: method.encodeRequest,
      requestDeserialize: method.decodeRequest,
      responseSerialize: method.encodeResponse,
      responseDeserialize: method.decodeResponse,
    };
    const counter: RouteRequests = metrics.route(
      `grpc_${name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? "" : "_") + c.toLowerCase())}`,
    );
    implementation[name] = (
      call: grpc.ServerUnaryCall<Record<string, unknown>, object>,
      callback: grpc.sendUnaryData<object>,
    ) => {
      Promise.resolve()
        .then(() => handlers[name](call.request))
        .then(
          (answer) => {
            counter.count(200);
            callback(null, answer);
          },
          (err: unknown) => {
            const e =
              err instanceof HttpError
                ? err
                : new HttpError(500, `internal error: ${(err as Error).message}`);
            counter.count(e.status);
            callback({ code: STATUS[e.status] ?? grpc.status.INTERNAL, details: e.message });
          },
        );
    };
  }

  const server = new grpc.Server({
    "grpc.max_receive_message_length": where.maxBodyBytes,
  });
  server.addService(definition, implementation);
  const host = where.host.includes(":") ? `[${where.host}]` : where.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${where.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) resolve(bound);
      else
        reject(
          new SwitchyardError(
            "Unavailable",
            `gRPC port ${where.host}:${where.port} cannot be bound: ${err.message}`,
            { cause: err },
          ),
        );
    });
  });
  return {
    port,
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** The input's rows from its typed `contents` (fp32_contents or fp64_contents). */
function fromContents(tensor: Record<string, unknown>, spec: TensorSpec, rows: number): InputBatch {
  const contents = (tensor.contents ?? {}) as { fp32Contents?: number[]; fp64Contents?: number[] };
  const values = (spec.type === "float64" ? contents.fp64Contents : contents.fp32Contents) ?? [];
  const data = allocate(spec, rows);
  if (values.length !== data.length) {
    throw new HttpError(
      400,
      `inputs[0] has ${values.length} values in ${spec.type === "float64" ? "fp64" : "fp32"}_contents and no raw_input_contents; its shape [${rows}, …] needs ${data.length}`,
    );
  }
  data.set(values);
  return { data, rows };
}
