/**
 * Translation between records and Redis stream entries, apart from I/O. An
 * entry's fields are `v` (value bytes), `t` (event time, ms), `k` (key, when
 * set) and `h:<name>` per header; everything is sent and read as bytes.
 */
import { SwitchyardError } from "@switchyard/core/driver";
import type { Headers, IncomingRecord, OutgoingRecord, StartPosition } from "@switchyard/core/driver";

const HEADER_PREFIX = "h:";
/** The largest sequence number of a stream id, for "just before this millisecond". */
const MAX_SEQUENCE = 18446744073709551615n;

/** The fields of one XADD for a record. */
export function entryFields(record: OutgoingRecord): (string | Buffer)[] {
  const value = Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
  const fields: (string | Buffer)[] = ["v", value, "t", String(record.timestamp)];
  if (record.key !== undefined) fields.push("k", record.key);
  for (const name in record.headers) fields.push(HEADER_PREFIX + name, record.headers[name]!);
  return fields;
}

/** The bytes a record takes against `maxRecordBytes`: value, key and headers. */
export function recordBytes(record: OutgoingRecord): number {
  let total = record.value.byteLength;
  if (record.key !== undefined) total += Buffer.byteLength(record.key);
  for (const name in record.headers)
    total += Buffer.byteLength(name) + Buffer.byteLength(record.headers[name]!);
  return total;
}

/** A record read from partition `partition`, or undefined for an entry deleted since (nil fields). */
export function recordOf(id: string, fields: Buffer[] | null, partition: string): IncomingRecord | undefined {
  if (fields === null) return undefined;
  let value: Uint8Array = new Uint8Array(0);
  let key: string | undefined;
  let timestamp = Number.NaN;
  const headers: Headers = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!.toString("utf8");
    const data = fields[i + 1]!;
    if (name === "v") value = data;
    else if (name === "t") timestamp = Number(data.toString("latin1"));
    else if (name === "k") key = data.toString("utf8");
    else if (name.startsWith(HEADER_PREFIX))
      headers[name.slice(HEADER_PREFIX.length)] = data.toString("utf8");
  }
  // Entries added by other tools carry no event time: their append time stands in.
  if (!Number.isFinite(timestamp)) timestamp = Number(id.slice(0, id.indexOf("-")));
  return { key, value, headers, timestamp, id: recordId(partition, id), position: { partition, offset: id } };
}

/**
 * A record's id in the whole stream: its partition and its entry id there.
 * Entry ids alone repeat across partitions (each is a Redis stream of its own).
 */
export function recordId(partition: string, entryId: string): string {
  return `${partition}:${entryId}`;
}

/**
 * The id a new consumer group starts after (XGROUP CREATE), for partition
 * `partition`: `0` for earliest, `$` for latest, just before the first id of the
 * millisecond for a timestamp (stream ids start with the append time in ms), just
 * before the given id for offsets (earliest for partitions not given).
 */
export function groupStartId(start: StartPosition, partition: string): string {
  if (start === "earliest") return "0";
  if (start === "latest") return "$";
  if ("timestamp" in start) {
    const ms = Math.floor(start.timestamp);
    return ms <= 0 ? "0" : `${ms - 1}-${MAX_SEQUENCE}`;
  }
  const given = start.offsets[partition];
  return given === undefined ? "0" : previousId(given);
}

/** The stream id just before `id` (`ms-seq`), so a group created there delivers `id` first. */
export function previousId(id: string): string {
  const match = /^(\d+)(?:-(\d+))?$/.exec(id);
  if (match === null) {
    throw new SwitchyardError(
      "InvalidArgument",
      `"${id}" is not a Redis stream id; use <ms>-<seq> as received`,
    );
  }
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2] ?? "0");
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  return ms === 0n ? "0" : `${ms - 1n}-${MAX_SEQUENCE}`;
}

/** The partition of a record key: FNV-1a of its UTF-8 bytes, modulo the partition count. */
export function partitionOfKey(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
