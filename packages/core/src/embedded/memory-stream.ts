import { SwitchyardError, codeOf } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import type { StreamCapabilities } from "../driver/capabilities.js";
import type { OutgoingRecord, SendResult } from "../driver/record.js";
import type { ConsumerDriver, ConsumerOptions, StartPosition, StreamDriver } from "../driver/stream.js";
import { MemoryConsumer } from "./memory-consumer.js";
import type { MemoryLog, MemoryLogSettings } from "./memory-log.js";
import { openMemoryLog } from "./memory-log.js";

const MAX_RECORD_BYTES = 1024 * 1024;

/** What every `memory://` stream supports. */
export const MEMORY_STREAM_CAPABILITIES: StreamCapabilities = {
  ordering: "partition",
  replay: true,
  startFromTimestamp: true,
  groups: true,
  headers: true,
  settlement: "offset",
  maxRecordBytes: MAX_RECORD_BYTES,
  maxBatchRecords: 10_000,
};

/**
 * The stream driver for `memory://name`: a partitioned log inside this process,
 * shared by every driver opened on the same name. `send` copies payloads, so
 * callers may reuse their buffers once it resolves; received records are shared
 * between consumers and must be treated as read-only.
 */
export class MemoryStreamDriver implements StreamDriver {
  readonly capabilities = MEMORY_STREAM_CAPABILITIES;
  private readonly log: MemoryLog;
  private readonly consumers = new Set<MemoryConsumer>();
  private closed = false;

  constructor(log: MemoryLog) {
    this.log = log;
  }

  async send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    signal.throwIfAborted();
    this.assertOpen();
    if (records.length > MEMORY_STREAM_CAPABILITIES.maxBatchRecords) {
      throw new SwitchyardError(
        "InvalidArgument",
        `memory stream "${this.log.name}": ${records.length} records in one send; the limit is ` +
          `${MEMORY_STREAM_CAPABILITIES.maxBatchRecords}`,
      );
    }
    let total = 0;
    for (let i = 0; i < records.length; i++) {
      checkSize(this.log.name, records[i]!, i);
      total += records[i]!.value.byteLength;
    }
    // One allocation per batch: payloads are copied into a slab the log keeps ranges of.
    const slab = new Uint8Array(total);
    const bounds = new Array<number>(records.length * 2);
    let at = 0;
    for (let i = 0; i < records.length; i++) {
      const value = records[i]!.value;
      slab.set(value, at);
      bounds[2 * i] = at;
      at += value.byteLength;
      bounds[2 * i + 1] = at;
    }
    return this.log.append(records, slab, bounds);
  }

  async openConsumer(options: ConsumerOptions): Promise<ConsumerDriver> {
    this.assertOpen();
    if (options.group === "" || options.consumerName === "") {
      throw new SwitchyardError("InvalidArgument", "a consumer needs a non-empty group and consumerName");
    }
    checkStart(this.log, options.start);
    const consumer = new MemoryConsumer(this.log, options);
    this.consumers.add(consumer);
    await consumer.join();
    return consumer;
  }

  errorCode(err: unknown): ErrorCode {
    return codeOf(err);
  }

  as<T>(_type: abstract new (...args: never[]) => T): T | undefined {
    return undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.assertOpen();
  }

  /** Closes the consumers opened through this driver; the log itself stays for other drivers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.close()));
    this.consumers.clear();
  }

  private assertOpen(): void {
    if (this.closed)
      throw new SwitchyardError("FailedPrecondition", `memory stream "${this.log.name}" is closed`);
  }
}

/** Opens the driver for the `memory://` stream called `name`, creating the stream on first use. */
export function memoryStream(name: string, settings: MemoryLogSettings = {}): MemoryStreamDriver {
  if (name === "") {
    throw new SwitchyardError(
      "InvalidArgument",
      "a memory stream needs a name: memory://<stream>?partitions=4 (e.g. memory://transactions)",
    );
  }
  return new MemoryStreamDriver(openMemoryLog(name, settings));
}

function checkSize(stream: string, record: OutgoingRecord, index: number): void {
  // Cheap upper bound first (a UTF-16 unit is at most 3 UTF-8 bytes); exact count only near the limit.
  let bound = record.value.byteLength + (record.key?.length ?? 0) * 3;
  for (const name in record.headers) bound += (name.length + record.headers[name]!.length) * 3;
  if (bound <= MAX_RECORD_BYTES) return;
  let size = record.value.byteLength + (record.key === undefined ? 0 : Buffer.byteLength(record.key));
  for (const name in record.headers)
    size += Buffer.byteLength(name) + Buffer.byteLength(record.headers[name]!);
  if (size > MAX_RECORD_BYTES) {
    throw new SwitchyardError(
      "InvalidArgument",
      `memory stream "${stream}": record ${index} is ${size} bytes (value + key + headers); ` +
        `the limit is ${MAX_RECORD_BYTES} bytes`,
    );
  }
}

function checkStart(log: MemoryLog, start: StartPosition): void {
  if (start === "earliest" || start === "latest") return;
  if ("timestamp" in start) {
    if (Number.isFinite(start.timestamp)) return;
  } else if ("offsets" in start) {
    for (const [partition, offset] of Object.entries(start.offsets)) {
      const value = Number(offset);
      if (
        log.partitionIndex(partition) === undefined ||
        offset === "" ||
        !Number.isSafeInteger(value) ||
        value < 0
      ) {
        throw new SwitchyardError(
          "InvalidArgument",
          `memory stream "${log.name}" (${log.partitions.length} partitions): cannot start partition ` +
            `"${partition}" at offset "${offset}"; use partition ids 0..${log.partitions.length - 1} and offsets >= 0`,
        );
      }
    }
    return;
  }
  throw new SwitchyardError(
    "InvalidArgument",
    `memory stream "${log.name}": unknown start position ${JSON.stringify(start)}; ` +
      'use "earliest", "latest", { timestamp } or { offsets }',
  );
}
