import type { Codec } from "../codec/codec.js";
import type { ModelEndpoint } from "../resources/model-endpoint.js";
import type { StateStore } from "../resources/state-store.js";
import type { Stream } from "../resources/stream.js";
import type { TimeSeriesSink } from "../resources/time-series-sink.js";

/** What a batch-level step (`enrich`) can reach: the profile's resources by name, and the run's signal. */
export interface PipelineContext {
  /**
   * A state store of the profile. Values are JSON unless `options.codec` says
   * otherwise; the same codec object gives the same store on every call, so
   * pass a constant rather than a codec built per batch.
   */
  state<V = unknown>(name: string, options?: StateOptions<V>): StateStore<V>;
  /** A model endpoint of the profile. */
  model<I = unknown, O = unknown>(name: string): ModelEndpoint<I, O>;
  /** A stream of the profile. */
  stream<T = unknown>(name: string): Stream<T>;
  /** A time-series sink of the profile. */
  timeseries(name: string): TimeSeriesSink;
  /** Aborted when the pipeline stops. */
  readonly signal: AbortSignal;
}

/** Options of {@link PipelineContext.state}. */
export interface StateOptions<V> {
  /** How values are stored as bytes. Default JSON. */
  codec?: Codec<V>;
}
