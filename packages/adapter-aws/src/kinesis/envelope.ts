/**
 * The envelope that carries a record's headers and event time through Kinesis,
 * whose records hold only bytes and a partition key: the magic bytes 00 53 57
 * 31 ("\0SW1"), a 4-byte big-endian length, that many bytes of JSON
 * `{"t":<event time ms>,"h":{<headers>}}`, then the payload unchanged.
 * Records without the envelope (written by other producers) are read as plain
 * payloads with the arrival time as their event time.
 */
import type { Headers } from "@switchyard/core/driver";

/** The four bytes an enveloped record starts with. */
export const ENVELOPE_MAGIC = Uint8Array.of(0x00, 0x53, 0x57, 0x31);
const PREFIX = ENVELOPE_MAGIC.length + 4;
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A record's parts as read back from Kinesis data. */
export interface Unwrapped {
  /** The payload as the producer passed it. */
  value: Uint8Array;
  /** Headers, `{}` for records without the envelope. */
  headers: Headers;
  /** Event time, or `arrival` for records without the envelope. */
  timestamp: number;
}

/**
 * Wraps a payload with its headers and event time. Runs once per published
 * record, so it takes the cheap ways: the JSON text built by hand (an event
 * time is an integer, `{}` stands for no headers), and one pooled Buffer
 * written in place (a fresh Uint8Array costs about a microsecond to allocate,
 * more than the rest of this function).
 */
export function wrap(value: Uint8Array, headers: Headers, timestamp: number): Uint8Array {
  let h = "{}";
  for (const _ in headers) {
    h = JSON.stringify(headers);
    break;
  }
  const meta = `{"t":${JSON.stringify(timestamp)},"h":${h}}`;
  const length = Buffer.byteLength(meta);
  const out = Buffer.allocUnsafe(PREFIX + length + value.length);
  out.set(ENVELOPE_MAGIC, 0);
  out.writeUInt32BE(length, ENVELOPE_MAGIC.length);
  out.write(meta, PREFIX);
  out.set(value, PREFIX + length);
  return out;
}

/** Reads a record's data: the envelope's parts, or the whole data as the payload when it has none. */
export function unwrap(data: Uint8Array, arrival: number): Unwrapped {
  const plain = { value: data, headers: {}, timestamp: arrival };
  if (data.length < PREFIX || !ENVELOPE_MAGIC.every((byte, i) => data[i] === byte)) return plain;
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(ENVELOPE_MAGIC.length);
  if (PREFIX + length > data.length) return plain;
  let meta: unknown;
  try {
    meta = JSON.parse(decoder.decode(data.subarray(PREFIX, PREFIX + length)));
  } catch {
    return plain;
  }
  if (!isMeta(meta)) return plain;
  return { value: data.subarray(PREFIX + length), headers: meta.h, timestamp: meta.t };
}

function isMeta(meta: unknown): meta is { t: number; h: Headers } {
  if (typeof meta !== "object" || meta === null) return false;
  const { t, h } = meta as { t?: unknown; h?: unknown };
  return (
    typeof t === "number" &&
    typeof h === "object" &&
    h !== null &&
    Object.values(h).every((v) => typeof v === "string")
  );
}
