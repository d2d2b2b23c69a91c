/** What a stream driver supports; checked by core at startup against what a pipeline needs. */
export interface StreamCapabilities {
  /** Order guarantee: per partition, per ordering key, or none. */
  ordering: "partition" | "key" | "none";
  /** Whether a consumer can start from an earlier offset or time (replay). */
  replay: boolean;
  /** Whether a consumer can start from a timestamp. */
  startFromTimestamp: boolean;
  /** Whether several consumers can share work in a named group. */
  groups: boolean;
  /** Whether headers round-trip. */
  headers: boolean;
  /** How positions are settled: `offset` logs commit a position per partition; `ack` queues ack each record. */
  settlement: "offset" | "ack";
  /** Largest record (value + key + headers) the stream accepts, in bytes. */
  maxRecordBytes: number;
  /** Most records one `send` call may carry; core splits larger batches. */
  maxBatchRecords: number;
}

/** What a state-store driver supports. */
export interface StateCapabilities {
  /** Versioned compare-and-set through `ifVersion`. */
  cas: boolean;
  /** Per-entry time to live. */
  ttl: boolean;
  /** Atomic `increment`. */
  increment: boolean;
  /** Most keys per `get`/`put`/`delete` call; core splits larger batches. */
  maxBatch: number;
}

/** What a model driver supports. */
export interface ModelCapabilities {
  /** Most inputs per `predict` call; core micro-batches up to this size. */
  maxBatch: number;
}

/** What a time-series driver supports. */
export interface TimeSeriesCapabilities {
  /** Most points per `write` call; core splits larger buffers. */
  maxBatch: number;
}
