/**
 * KPL aggregation: the Kinesis Producer Library packs many user records into
 * one Kinesis record — the magic bytes F3 89 9A C2, a protobuf
 * `AggregatedRecord`, then the MD5 of the protobuf bytes. This reads them back.
 */
import { createHash } from "node:crypto";
import { ProtobufError, readFields } from "./protobuf.js";

/** The four bytes every KPL aggregated record starts with. */
export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const DIGEST_BYTES = 16;
const decoder = new TextDecoder("utf-8", { fatal: true });

/** One user record out of an aggregate, in aggregate order (its index is the sub-sequence number). */
export interface SubRecord {
  /** The partition key the producer gave it. */
  partitionKey: string;
  /** The explicit hash key, when the producer gave one. */
  explicitHashKey?: string;
  /** The user record's bytes. */
  data: Uint8Array;
}

/** Whether `data` starts with the KPL magic bytes. */
export function hasKplMagic(data: Uint8Array): boolean {
  return (
    data.length >= KPL_MAGIC.length &&
    data[0] === KPL_MAGIC[0] &&
    data[1] === KPL_MAGIC[1] &&
    data[2] === KPL_MAGIC[2] &&
    data[3] === KPL_MAGIC[3]
  );
}

/**
 * The user records of a KPL aggregated record, or undefined when `data` is not
 * one (no magic, a wrong MD5 or a malformed message): such records are passed
 * on whole, as the Kinesis Client Library does.
 */
export function deaggregate(data: Uint8Array): SubRecord[] | undefined {
  if (!hasKplMagic(data) || data.length < KPL_MAGIC.length + DIGEST_BYTES) return undefined;
  const message = data.subarray(KPL_MAGIC.length, data.length - DIGEST_BYTES);
  const digest = data.subarray(data.length - DIGEST_BYTES);
  if (!createHash("md5").update(message).digest().equals(digest)) return undefined;
  try {
    return parseAggregate(message);
  } catch (err) {
    if (err instanceof ProtobufError || err instanceof TypeError) return undefined;
    throw err;
  }
}

function parseAggregate(message: Uint8Array): SubRecord[] {
  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const records: Uint8Array[] = [];
  for (const f of readFields(message)) {
    if (f.kind !== "bytes") continue;
    if (f.field === 1) partitionKeys.push(decoder.decode(f.value));
    else if (f.field === 2) hashKeys.push(decoder.decode(f.value));
    else if (f.field === 3) records.push(f.value);
  }
  return records.map((bytes) => parseRecord(bytes, partitionKeys, hashKeys));
}

function parseRecord(bytes: Uint8Array, partitionKeys: string[], hashKeys: string[]): SubRecord {
  let keyIndex: number | undefined;
  let hashIndex: number | undefined;
  let data: Uint8Array | undefined;
  for (const f of readFields(bytes)) {
    if (f.field === 1 && f.kind === "varint") keyIndex = Number(f.value);
    else if (f.field === 2 && f.kind === "varint") hashIndex = Number(f.value);
    else if (f.field === 3 && f.kind === "bytes") data = f.value;
  }
  const partitionKey = keyIndex === undefined ? undefined : partitionKeys[keyIndex];
  if (partitionKey === undefined || data === undefined) {
    throw new ProtobufError("record without a valid partition key index or data");
  }
  const record: SubRecord = { partitionKey, data };
  const hashKey = hashIndex === undefined ? undefined : hashKeys[hashIndex];
  if (hashKey !== undefined) record.explicitHashKey = hashKey;
  return record;
}
