import type { ErrorCode } from "../errors.js";
import type { StreamCapabilities } from "./capabilities.js";
import type { IncomingRecord, OutgoingRecord, Position, SendResult } from "./record.js";

/** Where a new consumer group starts reading when it has no committed position. */
export type StartPosition =
  "earliest" | "latest" | { timestamp: number } | { offsets: Record<string, string> };

/** Options core passes to {@link StreamDriver.openConsumer}. */
export interface ConsumerOptions {
  /** Consumer group name; consumers of one group share the partitions. */
  group: string;
  /** Where to start when the group has no committed position. */
  start: StartPosition;
  /** A name for this consumer instance, unique within the group. */
  consumerName: string;
}

/** A change in the partitions this consumer owns, reported by group-managed drivers. */
export interface AssignmentChange {
  /** Partitions newly assigned to this consumer. */
  assigned: string[];
  /** Partitions about to be taken away. The driver waits for the listener's promise before giving them up. */
  revoked: string[];
}

/**
 * The driver side of a subscription. Core calls `receive` from one loop at a time,
 * so implementations need not be re-entrant; `commit` may run while a `receive` is pending.
 */
export interface ConsumerDriver {
  /**
   * Returns up to `max` records, waiting until at least one is available or the
   * signal aborts (then it returns `[]` or throws an abort error). Records of one
   * partition come in stream order. Must not buffer more than `max` records beyond
   * what it returned, so that back-pressure reaches the server.
   */
  receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]>;
  /**
   * Settles positions. For `offset` settlement core passes, per partition, the
   * position of the last record below which everything is done; the driver
   * commits "next to read = after this". For `ack` settlement core passes every
   * done record's position. Called by core only; never retried by the driver.
   */
  commit(positions: Position[]): Promise<void>;
  /**
   * Asks for redelivery of records core gave up on without a dead-letter stream
   * (ack settlement only). Offset logs leave this undefined.
   */
  nack?(positions: Position[]): Promise<void>;
  /** Registers the listener for assignment changes (group-managed drivers only). */
  onAssignment?(listener: (change: AssignmentChange) => Promise<void>): void;
  /** The number of records behind the head of each owned partition, when the driver can tell. */
  lag?(): Promise<Record<string, number>>;
  /** Stops receiving and leaves the group. Does not commit. */
  close(): Promise<void>;
}

/**
 * The contract a stream adapter implements. Methods take batches, never retry
 * and throw provider errors as they are; core classifies them with `errorCode`,
 * wraps them once and owns every retry.
 */
export interface StreamDriver {
  /** What this stream supports; core checks it against what a pipeline needs at startup. */
  readonly capabilities: StreamCapabilities;
  /**
   * Sends records in one batch (at most `capabilities.maxBatchRecords`). Resolves
   * with one result per record, in order, once the stream has acknowledged every
   * record. Rejects if any record was not acknowledged; core retries the whole batch.
   */
  send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]>;
  /** Opens a consumer in a group. Throws a NotFound-classified error if the stream does not exist. */
  openConsumer(options: ConsumerOptions): Promise<ConsumerDriver>;
  /** Classifies a provider error into a portable code. Must not throw and must not wrap. */
  errorCode(err: unknown): ErrorCode;
  /** Returns the provider client if it is an instance of `type`, for escape-hatch use. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined;
  /** Checks the stream is reachable and exists, within the signal's deadline. */
  probe?(signal: AbortSignal): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
