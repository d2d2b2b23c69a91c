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
export type { PipelineContext, StateOptions } from "./pipeline/context.js";

// codecs (section: codec)
export type { Codec } from "./codec/codec.js";
export { json } from "./codec/json.js";
export type {
  StandardIssue,
  StandardOutput,
  StandardResult,
  StandardSchema,
} from "./codec/standard-schema.js";
export type { JsonOptions } from "./codec/json.js";
export type { DecodeLimits } from "./codec/decode-limits.js";
export { raw } from "./codec/raw.js";
export { avro } from "./codec/avro.js";
export type { AvroOptions } from "./codec/avro.js";
export type { AvroSchema } from "./codec/avro-type.js";
export { protobuf } from "./codec/protobuf.js";
export type { ProtobufOptions } from "./codec/protobuf.js";
export { MemorySchemaRegistry } from "./codec/schema-registry.js";
export type { SchemaRegistry } from "./codec/schema-registry.js";
export { HttpSchemaRegistry } from "./codec/http-schema-registry.js";
export type { HttpSchemaRegistryOptions, SchemaRegistryAuth } from "./codec/http-schema-registry.js";

// resources (section: resources)
export { StateStore } from "./resources/state-store.js";
export type {
  IncrementEntry,
  IncrementOptions,
  PutEntry,
  PutOptions,
  PutResult,
  StateCallOptions,
  StateRequirements,
  StateStoreOptions,
  VersionedValue,
} from "./resources/state-store-types.js";
export { ModelEndpoint } from "./resources/model-endpoint.js";
export type {
  CircuitState,
  FallbackChange,
  ModelEndpointOptions,
  Predictions,
} from "./resources/model-endpoint.js";
export type { CircuitBreakerOptions } from "./resources/circuit-breaker.js";
export { TimeSeriesSink } from "./resources/time-series-sink.js";
export type { TimeSeriesSinkOptions, WriteOptions } from "./resources/time-series-sink.js";

// configuration (section: config)
export { CONFIG_FILE_NAMES, loadConfig } from "./config/load.js";
export type { LoadConfigOptions, LoadedConfig } from "./config/load.js";
export type { ModuleImporter } from "./config/load-module.js";
export { interpolateEnv } from "./config/interpolate.js";
export type { Environment } from "./config/interpolate.js";
export { redactUrl } from "./config/redact.js";
export { ResourceResolver } from "./config/resolver.js";
export type { ResourceResolverOptions } from "./config/resolver.js";
export { SchemeRegistry } from "./config/scheme-registry.js";
export { closestMatch, didYouMean } from "./config/suggest.js";
export type { OpenContext, SchemeRegistryOptions } from "./config/scheme-registry.js";
export { DEFAULT_PROFILE, defineConfig } from "./config/types.js";
export type { KnownSections, NamesOf, Register, RegisteredConfig, ResourceNames } from "./config/names.js";
export type { ProfileConfig, ResourceSpec, ResourceUrlSpec, SwitchyardConfig } from "./config/types.js";
export type { AdapterEntry } from "./config/types.js";

// embedded adapters (section: embedded)
export { embedded } from "./embedded/adapter.js";
export type { EmbeddedOptions } from "./embedded/adapter.js";
export { functionModel } from "./embedded/function-model.js";
export type { FunctionModelOptions } from "./embedded/function-model.js";
export { resetMemoryStreams } from "./embedded/memory-log.js";
export { resetMemoryStateStores } from "./embedded/memory-state.js";
export { resetMemoryTimeSeries } from "./embedded/memory-timeseries.js";

// HTTP model adapters (section: http-models)
export { httpModels } from "./http-models/adapter.js";

// pipeline runtime (section: runtime)
export { Stream } from "./resources/stream.js";
export type { Publishable, StreamNeeds, StreamOptions, SubscribeOptions } from "./resources/stream.js";
export { Subscription } from "./resources/subscription.js";
export type { SubscriptionOptions } from "./resources/subscription.js";
export type { PartitionBatch, Received, Settleable, Undecodable } from "./resources/received.js";
export { run } from "./pipeline/run.js";
export type { PipelineRun, RunOptions, RunSummary } from "./pipeline/run.js";
export type { ResourceSource } from "./pipeline/resources.js";
export { formatStats } from "./pipeline/stats.js";
export type { Stats } from "./pipeline/stats.js";
