/**
 * @switchyard/core — portable streams, state stores, model endpoints and
 * time-series sinks, and the batch-native pipeline runtime over them.
 */

// errors and retry
export { ERROR_CODES, SwitchyardError, codeOf, isRetryable } from "./errors.js";
export type { ErrorCode } from "./errors.js";
export { DEFAULT_RETRY } from "./retry.js";
export type { RetryPolicy } from "./retry.js";

// pipeline definition
export { Pipeline, pipeline } from "./pipeline/builder.js";
export type {
  InferOptions,
  PipelineOptions,
  PointInput,
  RecordMeta,
  SinkStreamOptions,
  SourceOptions,
  StoreOptions,
} from "./pipeline/builder.js";
export type { PipelineContext } from "./pipeline/context.js";

// codecs (section: codec)
export type { Codec } from "./codec/codec.js";

// resources (section: resources)

// configuration (section: config)

// embedded adapters (section: embedded)

// HTTP model adapters (section: http-models)

// pipeline runtime (section: runtime)
