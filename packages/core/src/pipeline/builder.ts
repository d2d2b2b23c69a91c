import type { Codec } from "../codec/codec.js";
import type { Headers, StartPosition } from "../driver/index.js";
import type { ModelEndpointOptions } from "../resources/model-endpoint.js";
import type { RetryPolicy } from "../retry.js";
import type { NamesOf, RegisteredConfig, ResourceNames } from "../config/names.js";
import type { PipelineContext } from "./context.js";

/** Where records come from: a stream name in the profile, its codec and consumer group. */
export interface SourceOptions<T> {
  /** Decodes each record's bytes. Default `json()`. */
  codec?: Codec<T>;
  /** Consumer group; instances with the same group share the partitions. Default: the pipeline name. */
  group?: string;
  /** Where a new group starts. Default `earliest`. */
  start?: StartPosition;
  /** Dead-letter stream name in the profile. Default `dead-letters`; bad records are never dropped. */
  deadLetter?: string;
}

/** The per-record information a step may read besides the value. */
export interface RecordMeta {
  /** The source record's key. */
  readonly key: string | undefined;
  /** The source record's headers. */
  readonly headers: Readonly<Headers>;
  /** The source record's event time (ms). */
  readonly timestamp: number;
  /** The source partition. */
  readonly partition: string;
}

/** Options for writing to a stream. */
export interface SinkStreamOptions<T> {
  /** Encodes values. Default `json()`. */
  codec?: Codec<T>;
  /** The outgoing key. Default: the source record's key. */
  key?: (value: T, meta: RecordMeta) => string | undefined;
  /** Only records for which this holds are written. */
  when?: (value: T) => boolean;
}

/** A time-series point as a pipeline builds it; `measurement` defaults to the sink name, `time` to the record's event time. */
export interface PointInput {
  /** Measurement name. Default: the sink's name. */
  measurement?: string;
  /** Indexed dimensions. */
  tags?: Record<string, string>;
  /** Values. */
  fields: Record<string, number | string | boolean>;
  /** Time in ms. Default: the record's event time. */
  time?: number;
}

/** Options for `infer`. */
export interface InferOptions<T, I, O, U> {
  /** The model input for one record. */
  input: (value: T) => I;
  /** Combines a record with its prediction; `fallback` says whether this record's prediction came from the endpoint's fallback. */
  output: (value: T, prediction: O, meta: { fallback: boolean }) => U;
  /** Endpoint tuning for this model: timeout, concurrency, circuit breaker, and a fallback for graceful degradation. */
  endpoint?: Partial<Omit<ModelEndpointOptions<I, O>, "name">>;
}

/** Options for `store`. */
export interface StoreOptions<T, V> {
  /** The state key for a record. */
  key: (value: T) => string;
  /** The value to store. */
  value: (value: T) => V;
  /** Time to live in ms. */
  ttlMs?: number;
  /** Only records for which this holds are stored. */
  when?: (value: T) => boolean;
}

/** One step of a pipeline, as data; the runtime interprets it. */
export type Step =
  | { kind: "map"; fn: (value: unknown, meta: RecordMeta) => unknown }
  | { kind: "filter"; fn: (value: unknown, meta: RecordMeta) => boolean }
  | { kind: "enrich"; fn: (batch: unknown[], context: PipelineContext) => Promise<unknown[]> | unknown[] }
  | { kind: "infer"; model: string; options: InferOptions<unknown, unknown, unknown, unknown> }
  | { kind: "to"; stream: string; options: SinkStreamOptions<unknown> }
  | {
      kind: "record";
      sink: string;
      fn: (value: unknown, meta: RecordMeta) => PointInput | PointInput[] | undefined;
    }
  | { kind: "store"; state: string; options: StoreOptions<unknown, unknown> };

/** Tuning of the runtime for one pipeline. */
export interface PipelineOptions {
  /** Most records per batch. Default 1024. */
  batchSize: number;
  /** Partitions processed at once. Default 16. */
  concurrency: number;
  /** Batches received but not yet acknowledged, per pipeline (bounded prefetch). Default 8. */
  maxInFlightBatches: number;
  /** Payload bytes received but not yet acknowledged, per pipeline: bounds prefetch and in-flight work by size as well as by count. Default 32 MiB. */
  maxInFlightBytes: number;
  /** Retry policy for failing steps and sinks before dead-lettering. */
  retry: Partial<RetryPolicy>;
  /**
   * How often done positions of an offset log (Kafka, Kinesis, Event Hubs) are
   * committed, in ms. Default 1000. Ack-settled streams (Pub/Sub, Redis
   * Streams) ack each record as soon as it is done.
   */
  commitIntervalMs: number;
}

/**
 * A pipeline definition: a source stream and a chain of steps. Immutable; each
 * method returns a new pipeline. Resource names refer to the active profile, so
 * the same definition runs on any backend.
 */
export class Pipeline<T = unknown, N extends ResourceNames = ResourceNames> {
  /** The pipeline's name (also the default consumer group). */
  readonly name: string;
  /** The source stream's name in the profile, once `from` was called. */
  readonly source: { stream: string; options: SourceOptions<unknown> } | undefined;
  /** The steps in order. */
  readonly steps: readonly Step[];
  /** Runtime tuning. */
  readonly options: Partial<PipelineOptions>;

  /** Use {@link pipeline} to start a definition. */
  constructor(
    name: string,
    source: { stream: string; options: SourceOptions<unknown> } | undefined,
    steps: readonly Step[],
    options: Partial<PipelineOptions>,
  ) {
    this.name = name;
    this.source = source;
    this.steps = steps;
    this.options = options;
  }

  /** Reads records from a stream of the profile; a validating codec (`json(schema)`) gives the records their type. */
  from<S>(stream: N["stream"], options: SourceOptions<S> = {}): Pipeline<S, N> {
    return new Pipeline<S, N>(this.name, { stream, options: options }, this.steps, this.options);
  }

  /** Transforms each record. Runs in a plain loop over the batch. */
  map<U>(fn: (value: T, meta: RecordMeta) => U): Pipeline<U, N> {
    return this.with<U>({ kind: "map", fn: fn as (value: unknown, meta: RecordMeta) => unknown });
  }

  /** Keeps records for which `fn` holds; the others are done (acknowledged) without output. */
  filter(fn: (value: T, meta: RecordMeta) => boolean): Pipeline<T, N> {
    return this.with<T>({ kind: "filter", fn: fn as (value: unknown, meta: RecordMeta) => boolean });
  }

  /** Batch-level step with access to resources; must return one value per input, in order. */
  enrich<U>(fn: (batch: T[], context: PipelineContext) => Promise<U[]> | U[]): Pipeline<U, N> {
    return this.with<U>({
      kind: "enrich",
      fn: fn as (batch: unknown[], context: PipelineContext) => Promise<unknown[]>,
    });
  }

  /** Scores each record with a model of the profile, micro-batched per batch. */
  infer<I, O, U>(model: N["model"], options: InferOptions<T, I, O, U>): Pipeline<U, N> {
    return this.with<U>({
      kind: "infer",
      model,
      options: options as InferOptions<unknown, unknown, unknown, unknown>,
    });
  }

  /** Writes records to a stream of the profile. The records continue to the next step. */
  to(stream: N["stream"], options: SinkStreamOptions<T> = {}): Pipeline<T, N> {
    return this.with<T>({ kind: "to", stream, options: options as SinkStreamOptions<unknown> });
  }

  /** Writes time-series points (zero, one or several per record) to a sink of the profile. */
  record(
    sink: N["timeseries"],
    fn: (value: T, meta: RecordMeta) => PointInput | PointInput[] | undefined,
  ): Pipeline<T, N> {
    return this.with<T>({ kind: "record", sink, fn: fn as (value: unknown, meta: RecordMeta) => PointInput });
  }

  /** Writes a value per record to a state store of the profile. */
  store<V>(state: N["state"], options: StoreOptions<T, V>): Pipeline<T, N> {
    return this.with<T>({ kind: "store", state, options: options as StoreOptions<unknown, unknown> });
  }

  /** Returns a copy with runtime tuning changed. */
  configure(options: Partial<PipelineOptions>): Pipeline<T, N> {
    return new Pipeline<T, N>(this.name, this.source, this.steps, { ...this.options, ...options });
  }

  private with<U>(step: Step): Pipeline<U, N> {
    return new Pipeline<U, N>(this.name, this.source, [...this.steps, step], this.options);
  }
}

/**
 * Starts a pipeline definition. Resource names are checked against the config
 * type: `pipeline<typeof config>("fraud")`, or every `pipeline()` once the app
 * registered its config (see `Register`); without either, any name compiles and
 * a wrong one is refused when the pipeline starts.
 */
export function pipeline<C = RegisteredConfig>(name: string): Pipeline<never, NamesOf<C>> {
  return new Pipeline<never, NamesOf<C>>(name, undefined, [], {});
}
