import type { SwitchyardError } from "../errors.js";
import type { Headers, IncomingRecord } from "../driver/index.js";
import type { PartitionCheckpoint } from "./checkpoint.js";

/** A record received from a subscription, decoded. Settle it with `Subscription.ack`. */
export interface Received<T> {
  /** The record's key. */
  readonly key: string | undefined;
  /** The decoded value. */
  readonly value: T;
  /** The record's headers. */
  readonly headers: Headers;
  /** Event time (ms). */
  readonly timestamp: number;
  /** The record's id in the stream. */
  readonly id: string;
  /** The record exactly as received, bytes included (for dead-lettering). */
  readonly raw: IncomingRecord;
  /** @internal the partition's checkpoint and the record's ordinal in it. */
  readonly checkpoint: PartitionCheckpoint;
  /** @internal */
  readonly ordinal: number;
}

/** A record whose bytes did not decode; it must be dead-lettered (then acknowledged) by the receiver. */
export interface Undecodable {
  /** The record exactly as received. */
  readonly raw: IncomingRecord;
  /** Why decoding failed (code InvalidArgument). */
  readonly error: SwitchyardError;
  /** @internal */
  readonly checkpoint: PartitionCheckpoint;
  /** @internal */
  readonly ordinal: number;
}

/** Records of one partition, in stream order, as one unit of work. */
export interface PartitionBatch<T> {
  /** The partition the records come from. */
  readonly partition: string;
  /** Records that decoded, in order. */
  readonly records: Received<T>[];
  /** Records that did not decode. */
  readonly undecodable: Undecodable[];
}

/** Anything that can be acknowledged: a received record or an undecodable one. */
export type Settleable = Pick<Received<unknown>, "checkpoint" | "ordinal" | "raw">;
