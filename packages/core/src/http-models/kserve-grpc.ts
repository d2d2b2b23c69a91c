/**
 * A ModelDriver for the Open Inference Protocol over gRPC
 * (`inference.GRPCInferenceService` of KServe, Triton, MLServer and Switchyard's
 * model server): `kserve+grpc://host:port/model`. Tensors travel as raw bytes.
 */
import * as grpc from "@grpc/grpc-js";
import type { ModelCapabilities } from "../driver/capabilities.js";
import type { ModelDriver } from "../driver/model.js";
import { type ErrorCode, SwitchyardError } from "../errors.js";
import type { HttpModelTarget } from "./endpoint-url.js";
import { flattenBatch, outputRows } from "./kserve.js";
import { inputSpec, type InputSpec } from "./kserve-metadata.js";
import { openInferenceMethods, type OpenInferenceRpc } from "./open-inference-proto.js";
import { decodeTensor, encodeTensor, hasBinaryForm } from "./v2-binary.js";

/** Portable codes of gRPC statuses. */
const CODES: Partial<Record<grpc.status, ErrorCode>> = {
  [grpc.status.INVALID_ARGUMENT]: "InvalidArgument",
  [grpc.status.NOT_FOUND]: "NotFound",
  [grpc.status.UNAVAILABLE]: "Unavailable",
  [grpc.status.DEADLINE_EXCEEDED]: "DeadlineExceeded",
  [grpc.status.RESOURCE_EXHAUSTED]: "ResourceExhausted",
  [grpc.status.UNAUTHENTICATED]: "Unauthenticated",
  [grpc.status.PERMISSION_DENIED]: "PermissionDenied",
  [grpc.status.CANCELLED]: "Canceled",
  [grpc.status.FAILED_PRECONDITION]: "FailedPrecondition",
  [grpc.status.UNIMPLEMENTED]: "Unimplemented",
  [grpc.status.INTERNAL]: "Internal",
};

/** Scores batches with one `ModelInfer` call each, the batch as one raw tensor `[n, …]`. */
export class KServeGrpcDriver implements ModelDriver {
  /** At most `maxBatch` inputs per call (URL parameter, default 64). */
  readonly capabilities: ModelCapabilities;
  private readonly client: grpc.Client;
  private readonly metadata = new grpc.Metadata();
  private input: Promise<InputSpec> | undefined;
  private closed = false;

  constructor(private readonly target: HttpModelTarget) {
    this.capabilities = { maxBatch: target.maxBatch };
    const address = target.origin.replace(/^https?:\/\//, "");
    const credentials = target.origin.startsWith("https:")
      ? grpc.credentials.createSsl()
      : grpc.credentials.createInsecure();
    const { host, authorization } = target.headers;
    this.client = new grpc.Client(address, credentials, {
      ...(host === undefined ? {} : { "grpc.default_authority": host }),
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
    });
    if (authorization !== undefined) this.metadata.set("authorization", authorization);
  }

  /** Sends the batch as one raw tensor; resolves with one output per row the server answered. */
  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    if (inputs.length === 0) return [];
    const spec = await this.spec(signal);
    if (!hasBinaryForm(spec.datatype)) {
      throw new SwitchyardError(
        "FailedPrecondition",
        `${this.target.what}: input datatype ${spec.datatype} is not a numeric tensor type`,
      );
    }
    const data: number[] = [];
    const rowSize = flattenBatch(inputs, data, this.target.what);
    const rowShape = spec.rowShape.length === 1 && spec.rowShape[0] === -1 ? [rowSize] : spec.rowShape;
    const answer = await this.call("ModelInfer", signal, {
      modelName: this.target.model,
      modelVersion: this.target.version ?? "",
      inputs: [{ name: spec.name, datatype: spec.datatype, shape: [inputs.length, ...rowShape] }],
      outputs: this.target.output === undefined ? [] : [{ name: this.target.output }],
      rawInputContents: [encodeTensor(spec.datatype, data)],
    });
    const raw = answer.rawOutputContents as Buffer[];
    const outputs = (answer.outputs as Record<string, unknown>[]).map((o, i) => {
      const bytes = raw[i];
      return {
        name: o.name,
        shape: o.shape,
        data:
          bytes === undefined
            ? contentsOf(o.contents)
            : decodeTensor(String(o.datatype), bytes, this.target.what),
      };
    });
    return outputRows({ outputs }, this.target);
  }

  /** Resolves when the model answers ready. */
  async probe(signal: AbortSignal): Promise<void> {
    const answer = await this.call("ModelReady", signal, {
      name: this.target.model,
      version: this.target.version ?? "",
    });
    if (answer.ready !== true) {
      throw new SwitchyardError("Unavailable", `${this.target.what}: the model is not ready`);
    }
  }

  errorCode(err: unknown): ErrorCode {
    if (err instanceof SwitchyardError) return err.code;
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === "number") return CODES[code as grpc.status] ?? "Unknown";
    return "Unknown";
  }

  /** There is no SDK client behind this driver: always undefined. */
  as<T>(_type: abstract new (...args: never[]) => T): T | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.close();
  }

  private spec(signal: AbortSignal): Promise<InputSpec> {
    this.input ??= this.call("ModelMetadata", signal, {
      name: this.target.model,
      version: this.target.version ?? "",
    }).then(
      (meta) => inputSpec(meta, this.target),
      (err: unknown) => {
        this.input = undefined;
        throw err;
      },
    );
    return this.input;
  }

  private call(
    rpc: OpenInferenceRpc,
    signal: AbortSignal,
    request: object,
  ): Promise<Record<string, unknown>> {
    if (this.closed) {
      return Promise.reject(
        new SwitchyardError("FailedPrecondition", `${this.target.what}: the driver is closed`),
      );
    }
    const method = openInferenceMethods()[rpc];
    const { timeoutMs, what } = this.target;
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const options: grpc.CallOptions =
        timeoutMs === undefined ? {} : { deadline: new Date(Date.now() + timeoutMs) };
      const call = this.client.makeUnaryRequest(
        method.path,
        method.encodeRequest,
        method.decodeResponse,
        request,
        this.metadata,
        options,
        (err, answer) => {
          signal.removeEventListener("abort", cancel);
          if (err === null && answer !== undefined) resolve(answer);
          else
            reject(Object.assign(new Error(`${what}: ${err?.details ?? "no answer"}`), { code: err?.code }));
        },
      );
      const cancel = () => call.cancel();
      signal.addEventListener("abort", cancel, { once: true });
    });
  }
}

/** The values of a tensor's typed `contents`: whichever typed list it filled. */
function contentsOf(contents: unknown): unknown[] {
  for (const values of Object.values((contents ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(values) && values.length > 0)
      return values.map((v: unknown) => (typeof v === "bigint" ? Number(v) : v));
  }
  return [];
}
