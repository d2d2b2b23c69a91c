/**
 * Translation between Switchyard records and Kafka's wire records. No I/O here:
 * sizes, partitioning by key, and record batches from a fetch into incoming records.
 */
import type { MessageToProduce, RecordsBatch } from "@platformatic/kafka";
import type { Headers, IncomingRecord, OutgoingRecord } from "@switchyard/core/driver";

/** Batch attribute bit of transaction markers, which carry no user data. */
const CONTROL_BATCH = 0x20;
/** Batch attribute bit saying every record's time is the broker's append time. */
const LOG_APPEND_TIME = 0x08;
const EMPTY = Buffer.alloc(0);

/** The bytes a record's key, value and headers take (what `maxRecordBytes` limits). */
export function recordBytes(record: OutgoingRecord): number {
  let size = record.value.byteLength;
  if (record.key !== undefined) size += Buffer.byteLength(record.key);
  for (const name in record.headers)
    size += Buffer.byteLength(name) + Buffer.byteLength(record.headers[name]!);
  return size;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A produce message for `record` on an explicit partition, all fields as Buffers. */
export function toMessage(record: OutgoingRecord, topic: string, partition: number): MessageToProduce {
  let headers: Map<Buffer, Buffer> | undefined;
  for (const name in record.headers) {
    headers ??= new Map();
    headers.set(Buffer.from(name), Buffer.from(record.headers[name]!));
  }
  const message: MessageToProduce = {
    topic,
    partition,
    value: asBuffer(record.value),
    timestamp: BigInt(Math.trunc(record.timestamp)),
  };
  if (record.key !== undefined) message.key = Buffer.from(record.key);
  if (headers !== undefined) message.headers = headers;
  return message;
}

/**
 * A record's id in the whole topic: its partition and its offset there.
 * Offsets alone repeat across partitions.
 */
export function recordId(partition: string, offset: string): string {
  return `${partition}:${offset}`;
}

const M = 0x5bd1e995;

/** Kafka's key hash: 32-bit MurmurHash2 with seed 0x9747b28c, as the Java client computes it. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    h = Math.imul(h, M) ^ Math.imul(k, M);
  }
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2]! << 16;
    if (rest >= 2) h ^= data[whole + 1]! << 8;
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner gives a keyed record, so Java and Node producers agree. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
}

/**
 * Appends the user records of one partition's fetched batches at or after
 * `from` to `out`, and returns the offset to fetch next. Transaction markers
 * are skipped but still move the position on.
 */
export function appendRecords(
  batches: readonly RecordsBatch[],
  partition: number,
  from: number,
  out: IncomingRecord[],
): number {
  const partitionId = String(partition);
  let next = from;
  for (const batch of batches) {
    const first = Number(batch.firstOffset);
    const last = first + batch.lastOffsetDelta;
    if (last + 1 > next) next = last + 1;
    if ((batch.attributes & CONTROL_BATCH) !== 0) continue;
    const appendTime = (batch.attributes & LOG_APPEND_TIME) !== 0 ? Number(batch.maxTimestamp) : undefined;
    const firstTimestamp = Number(batch.firstTimestamp);
    for (const record of batch.records) {
      const offset = first + record.offsetDelta;
      // compressed batches start where the producer's batch started, before `from`
      if (offset < from) continue;
      let headers: Headers = {};
      if (record.headers.length > 0) {
        headers = {};
        for (const [name, value] of record.headers) {
          if (name !== null) headers[name.toString()] = value === null ? "" : value.toString();
        }
      }
      const at = String(offset);
      out.push({
        key: record.key === null ? undefined : record.key.toString(),
        value: record.value ?? EMPTY,
        headers,
        timestamp: appendTime ?? firstTimestamp + Number(record.timestampDelta),
        id: recordId(partitionId, at),
        position: { partition: partitionId, offset: at },
      });
    }
  }
  return next;
}
