/**
 * Publishing through PutRecords within the service limits: at most 500
 * records and 5 MiB per call, 1 MiB per record (data plus partition key),
 * partition keys of 1 to 256 characters.
 */
import type { KinesisClient, PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { OutgoingRecord, SendResult } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { randomUUID } from "node:crypto";
import { wrap } from "./envelope.js";

/** Most records in one PutRecords call. */
export const MAX_PUT_RECORDS = 500;
/** Most bytes (data plus partition keys) in one PutRecords call. */
export const MAX_PUT_BYTES = 5 * 1024 * 1024;
/** Most bytes (data plus partition key) in one record. */
export const MAX_KINESIS_RECORD_BYTES = 1024 * 1024;
const MAX_KEY_CHARS = 256;

/** One record ready for PutRecords, with its byte size. */
export interface PreparedRecord {
  /** The PutRecords entry. */
  entry: PutRecordsRequestEntry;
  /** Data plus partition key, in bytes. */
  bytes: number;
}

/** Turns a core record into a PutRecords entry, enveloped unless `raw`; throws InvalidArgument over the limits. */
export function prepare(
  stream: string,
  record: OutgoingRecord,
  raw: boolean,
  maxRecordBytes: number,
): PreparedRecord {
  const key = record.key ?? randomUUID();
  const keyBytes = Buffer.byteLength(key);
  const declared = record.value.byteLength + (record.key === undefined ? 0 : keyBytes);
  if (declared > maxRecordBytes) {
    throw new SwitchyardError(
      "InvalidArgument",
      `kinesis stream "${stream}": record of ${declared} bytes exceeds the limit of ${maxRecordBytes} — make it smaller`,
    );
  }
  if (key.length === 0 || key.length > MAX_KEY_CHARS) {
    throw new SwitchyardError(
      "InvalidArgument",
      `kinesis stream "${stream}": partition key of ${key.length} characters — Kinesis takes 1 to ${MAX_KEY_CHARS}`,
    );
  }
  const data = raw ? record.value : wrap(record.value, record.headers, record.timestamp);
  const bytes = data.byteLength + keyBytes;
  if (bytes > MAX_KINESIS_RECORD_BYTES) {
    throw new SwitchyardError(
      "InvalidArgument",
      `kinesis stream "${stream}": record of ${bytes} bytes with its key and headers exceeds Kinesis's ${MAX_KINESIS_RECORD_BYTES} — make it smaller`,
    );
  }
  return { entry: { Data: data, PartitionKey: key }, bytes };
}

/** Splits prepared records into PutRecords calls of at most 500 records and 5 MiB, keeping their order. */
export function planCalls<T extends PreparedRecord>(records: readonly T[]): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const r of records) {
    if (current.length === MAX_PUT_RECORDS || bytes + r.bytes > MAX_PUT_BYTES) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += r.bytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/** What one PutRecords call did to each of its records, in order: a result or the reason it was refused. */
export type PutOutcome = { ok: true; result: SendResult } | { ok: false; code: string; message: string };

/** Sends one PutRecords call and returns each record's outcome. */
export async function putRecords(
  client: KinesisClient,
  stream: string,
  entries: PutRecordsRequestEntry[],
  signal: AbortSignal,
): Promise<PutOutcome[]> {
  const reply = await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }), {
    abortSignal: signal,
  });
  const results = reply.Records ?? [];
  return entries.map((_, i) => {
    const r = results[i];
    if (r?.SequenceNumber !== undefined && r.ErrorCode === undefined) {
      const result: SendResult = { id: r.SequenceNumber };
      if (r.ShardId !== undefined) result.partition = r.ShardId;
      return { ok: true, result };
    }
    return { ok: false, code: r?.ErrorCode ?? "InternalFailure", message: r?.ErrorMessage ?? "no result" };
  });
}
