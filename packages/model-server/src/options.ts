/**
 * Options of `serveModel`, their defaults, and the platform environment
 * variables (Vertex AI's `AIP_*`) that override the defaults inside a container.
 */
import { basename, extname } from "node:path";
import { SwitchyardError } from "@switchyard/core/driver";

/** Options for `serveModel`. Every field is optional. */
export interface ServeModelOptions {
  /** Port to listen on; 0 picks a free one. Default: `AIP_HTTP_PORT` when set, else 8080. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`; use `0.0.0.0` inside a container. */
  host?: string;
  /** Port of the Open Inference Protocol's gRPC service on the same host; 0 picks a free one. Default: no gRPC. */
  grpcPort?: number;
  /** Name the model is served under. Default: the file name without `.onnx`. */
  name?: string;
  /** Version reported by metadata and status routes. Default `"1"`. */
  version?: string;
  /** Most rows combined into one session run. Default 64; 1 turns batching off. */
  maxBatch?: number;
  /** Longest a request waits for others to share its batch, in ms. Default 2. */
  maxDelayMs?: number;
  /** Most requests queued or in inference before new ones get 503. Default 1024. */
  maxQueue?: number;
  /** Largest request body in bytes; larger bodies get 413. Default 8 MiB. */
  maxBodyBytes?: number;
  /** Key required as `Authorization: Bearer <key>` on Azure ML's `/score`. Default: none (open). */
  azureKey?: string;
  /** onnxruntime intra-op threads. Default: onnxruntime's own choice. */
  threads?: number;
  /** Longest `close()` waits for in-flight requests before dropping connections, in ms. Default 10000. */
  shutdownTimeoutMs?: number;
  /** Environment read for `AIP_HTTP_PORT`, `AIP_PREDICT_ROUTE`, `AIP_HEALTH_ROUTE`, `AIP_DEPLOYED_MODEL_ID`. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** `ServeModelOptions` with every default applied. */
export interface ResolvedOptions {
  port: number;
  host: string;
  grpcPort: number | undefined;
  name: string;
  version: string;
  maxBatch: number;
  maxDelayMs: number;
  maxQueue: number;
  maxBodyBytes: number;
  azureKey: string | undefined;
  threads: number | undefined;
  shutdownTimeoutMs: number;
  vertex: {
    predictRoute: string | undefined;
    healthRoute: string | undefined;
    deployedModelId: string | undefined;
  };
}

/** Applies defaults and the `AIP_*` environment; throws InvalidArgument naming the bad option. */
export function resolveOptions(path: string, options: ServeModelOptions): ResolvedOptions {
  const env = options.env ?? process.env;
  const envPort = env.AIP_HTTP_PORT === undefined ? undefined : Number(env.AIP_HTTP_PORT);
  const resolved: ResolvedOptions = {
    port: options.port ?? envPort ?? 8080,
    host: options.host ?? "127.0.0.1",
    grpcPort: options.grpcPort,
    name: options.name ?? basename(path, extname(path)),
    version: options.version ?? "1",
    maxBatch: options.maxBatch ?? 64,
    maxDelayMs: options.maxDelayMs ?? 0,
    maxQueue: options.maxQueue ?? 1024,
    maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
    azureKey: options.azureKey === "" ? undefined : options.azureKey,
    threads: options.threads,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
    vertex: {
      predictRoute: nonEmpty(env.AIP_PREDICT_ROUTE),
      healthRoute: nonEmpty(env.AIP_HEALTH_ROUTE),
      deployedModelId: nonEmpty(env.AIP_DEPLOYED_MODEL_ID),
    },
  };
  integer("port", resolved.port, 0, 65535);
  if (resolved.grpcPort !== undefined) integer("grpcPort", resolved.grpcPort, 0, 65535);
  integer("maxBatch", resolved.maxBatch, 1);
  integer("maxDelayMs", resolved.maxDelayMs, 0);
  integer("maxQueue", resolved.maxQueue, 1);
  integer("maxBodyBytes", resolved.maxBodyBytes, 1);
  integer("shutdownTimeoutMs", resolved.shutdownTimeoutMs, 0);
  if (resolved.threads !== undefined) integer("threads", resolved.threads, 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(resolved.name)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `model name "${resolved.name}" must be letters, digits, ".", "_" or "-"; pass a name option`,
    );
  }
  for (const route of [resolved.vertex.predictRoute, resolved.vertex.healthRoute]) {
    if (route !== undefined && !route.startsWith("/")) {
      throw new SwitchyardError("InvalidArgument", `AIP route "${route}" must start with "/"`);
    }
  }
  return resolved;
}

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${name} must be an integer from ${min} to ${max}, got ${value}`,
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
