import type { ModelEndpoint } from "../resources/model-endpoint.js";
import type { StateStore } from "../resources/state-store.js";
import type { Stream } from "../resources/stream.js";
import type { TimeSeriesSink } from "../resources/time-series-sink.js";

/** What a batch-level step (`enrich`) can reach: the profile's resources by name, and the run's signal. */
export interface PipelineContext {
  /** A state store of the profile. */
  state<V = unknown>(name: string): StateStore<V>;
  /** A model endpoint of the profile. */
  model<I = unknown, O = unknown>(name: string): ModelEndpoint<I, O>;
  /** A stream of the profile. */
  stream<T = unknown>(name: string): Stream<T>;
  /** A time-series sink of the profile. */
  timeseries(name: string): TimeSeriesSink;
  /** Aborted when the pipeline stops. */
  readonly signal: AbortSignal;
}
