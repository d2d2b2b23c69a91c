/** Record headers: string keys to string values, carried end to end (e.g. `traceparent`, `x-error-*`). */
export type Headers = Record<string, string>;

/** A record as a driver sends it: bytes already encoded by core. */
export interface OutgoingRecord {
  /** Partition / ordering key; records with the same key keep their order. `undefined` lets the driver spread records. */
  key: string | undefined;
  /** The encoded payload. */
  value: Uint8Array;
  /** Headers to carry with the record. Drivers that cannot carry headers declare `headers: false`. */
  headers: Headers;
  /** Event time in milliseconds since the epoch. */
  timestamp: number;
}

/** What the stream assigned to one sent record, in the order of the records passed to `send`. */
export interface SendResult {
  /** The record's id in the stream (offset, sequence number, message id). */
  id: string;
  /** The partition (shard, partition id) the record landed in, when the stream has partitions. */
  partition?: string;
}

/**
 * Where a received record stands in its stream. Core never compares offsets: it
 * tracks the order in which records of one partition were received and hands
 * positions back to `commit`.
 */
export interface Position {
  /** Partition (shard) id; `""` for streams without partitions. */
  partition: string;
  /** The driver's own offset / sequence / ack id, as a string. */
  offset: string;
}

/** A record as a consumer driver receives it: raw bytes, not decoded. */
export interface IncomingRecord {
  /** Partition / ordering key, if the record had one. */
  key: string | undefined;
  /** The payload bytes exactly as stored. */
  value: Uint8Array;
  /** Headers as stored. */
  headers: Headers;
  /** Event time in milliseconds since the epoch. */
  timestamp: number;
  /** The record's id in the stream. */
  id: string;
  /** Where the record stands, for checkpoints. */
  position: Position;
}
