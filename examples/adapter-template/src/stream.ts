import type { ErrorCode } from "@switchyard/core";
import type {
  ConsumerDriver,
  ConsumerOptions,
  OutgoingRecord,
  SendResult,
  StreamCapabilities,
  StreamDriver,
} from "@switchyard/core/driver";
import type { ToyBackend, ToyLog } from "./backend.js";
import { ToyError } from "./backend.js";
import { ToyConsumer } from "./consumer.js";
import { toyErrorCode } from "./errors.js";

/** What a toy stream supports. Declare only what the backend truly does: the kit checks each claim both ways. */
export const TOY_STREAM_CAPABILITIES: StreamCapabilities = {
  ordering: "partition",
  replay: true,
  startFromTimestamp: true,
  // One consumer per group: the toy backend cannot share partitions between members.
  groups: false,
  headers: true,
  settlement: "offset",
  maxRecordBytes: 64 * 1024,
  maxBatchRecords: 500,
};

/**
 * The stream driver for `toy://<name>?partitions=N`. Methods move bytes and
 * nothing else: no retries, no wrapping — core classifies what they throw with
 * `errorCode` and owns every retry.
 */
export class ToyStream implements StreamDriver {
  readonly capabilities = TOY_STREAM_CAPABILITIES;
  #closed = false;
  readonly #consumers = new Set<ToyConsumer>();

  constructor(
    private readonly backend: ToyBackend,
    private readonly name: string,
    private readonly log: ToyLog | undefined,
  ) {}

  /** Appends the batch; resolves with one result per record, in order, once all are stored. */
  async send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    signal.throwIfAborted();
    const log = this.#open();
    // Core checks sizes too, but the driver is the last line: never store a record above the limit.
    for (const r of records) {
      if (size(r) > this.capabilities.maxRecordBytes)
        throw new ToyError(
          "too-large",
          `toy stream "${this.name}": a record of ${size(r)} bytes is too large`,
        );
    }
    const results = records.map((r) => {
      const partition = partitionOf(r.key, log.partitions.length);
      const offset =
        log.partitions[partition]!.push({ ...r, value: r.value.slice(), headers: { ...r.headers } }) - 1;
      // Ids are unique within the stream: offsets alone repeat across partitions.
      return { id: `${partition}:${offset}`, partition: String(partition) };
    });
    for (const wake of log.waiters) wake();
    return results;
  }

  /** Opens the group's consumer; a stream that does not exist is NotFound here (and in probe). */
  async openConsumer(options: ConsumerOptions): Promise<ConsumerDriver> {
    const consumer = new ToyConsumer(this.#open(), this.name, options);
    this.#consumers.add(consumer);
    return consumer;
  }

  errorCode(err: unknown): ErrorCode {
    return toyErrorCode(err);
  }

  /** The provider client, for users who need what the portable API does not offer. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.backend instanceof type ? this.backend : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#open();
  }

  /** Idempotent; afterwards every call fails FailedPrecondition (never hangs, never Unavailable). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#consumers].map((c) => c.close()));
  }

  #open(): ToyLog {
    if (this.#closed) throw new ToyError("closed", `toy stream "${this.name}" is closed`);
    if (this.log === undefined) throw new ToyError("not-found", `toy stream "${this.name}" does not exist`);
    return this.log;
  }
}

function size(r: OutgoingRecord): number {
  let n = r.value.byteLength + (r.key === undefined ? 0 : Buffer.byteLength(r.key));
  for (const [k, v] of Object.entries(r.headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

function partitionOf(key: string | undefined, partitions: number): number {
  if (key === undefined) return Math.floor(Math.random() * partitions);
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return h % partitions;
}
