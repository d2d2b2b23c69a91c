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
 * record, so it writes bytes, not text: the event time's digits written in
 * place, the rest of the JSON (`,"h":{…}}`) encoded once for a run of records
 * with the same headers, and one pooled Buffer for the whole (a fresh
 * Uint8Array costs about a microsecond to allocate, more than the rest of this
 * function). Times that are not non-negative safe integers are written as
 * `JSON.stringify` writes them.
 */
export function wrap(value: Uint8Array, headers: Headers, timestamp: number): Uint8Array {
  const tail = tailFor(headers);
  const digits = Number.isSafeInteger(timestamp) && timestamp >= 0 ? digitCount(timestamp) : 0;
  const text = digits === 0 ? JSON.stringify(timestamp) : "";
  const timeBytes = digits === 0 ? Buffer.byteLength(text) : digits;
  const length = TIME_HEAD.length + timeBytes + tail.length;
  const out = Buffer.allocUnsafe(PREFIX + length + value.length);
  out.set(ENVELOPE_MAGIC, 0);
  out.writeUInt32BE(length, ENVELOPE_MAGIC.length);
  out.set(TIME_HEAD, PREFIX);
  const at = PREFIX + TIME_HEAD.length;
  if (digits === 0) out.write(text, at);
  else writeDigits(out, at, digits, timestamp);
  out.set(tail, at + timeBytes);
  out.set(value, PREFIX + length);
  return out;
}

const TIME_HEAD = Buffer.from('{"t":');

/** The headers last wrapped, and the envelope's bytes after the event time for them. */
let lastWrapped: Headers | undefined;
let lastTail: Uint8Array = Buffer.from(',"h":{}}');

/** The envelope's bytes after the event time, `,"h":<headers JSON>}`: encoded again only when the headers change. */
function tailFor(headers: Headers): Uint8Array {
  if (lastWrapped !== undefined && sameHeaders(headers, lastWrapped)) return lastTail;
  let json = "{}";
  for (const _ in headers) {
    json = JSON.stringify(headers);
    break;
  }
  lastTail = Buffer.from(`,"h":${json}}`);
  lastWrapped = { ...headers };
  return lastTail;
}

function sameHeaders(a: Headers, b: Headers): boolean {
  let count = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

function digitCount(n: number): number {
  let count = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) count++;
  return count;
}

/** Writes the decimal digits of `n` (a non-negative safe integer of `count` digits) at `at`. */
function writeDigits(out: Uint8Array, at: number, count: number, n: number): void {
  let rest = n;
  for (let i = at + count - 1; i >= at; i--) {
    out[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}

/** Reads a record's data: the envelope's parts, or the whole data as the payload when it has none. */
export function unwrap(data: Uint8Array, arrival: number): Unwrapped {
  if (
    data.length < PREFIX ||
    data[0] !== ENVELOPE_MAGIC[0] ||
    data[1] !== ENVELOPE_MAGIC[1] ||
    data[2] !== ENVELOPE_MAGIC[2] ||
    data[3] !== ENVELOPE_MAGIC[3]
  ) {
    return { value: data, headers: {}, timestamp: arrival };
  }
  const length = ((data[4]! << 24) | (data[5]! << 16) | (data[6]! << 8) | data[7]!) >>> 0;
  const end = PREFIX + length;
  if (end > data.length) return { value: data, headers: {}, timestamp: arrival };
  const read = readMeta(data, end);
  if (read !== undefined) return read;
  const meta = parseMeta(data.subarray(PREFIX, end));
  if (meta === undefined) return { value: data, headers: {}, timestamp: arrival };
  return { value: data.subarray(end), headers: meta.h, timestamp: meta.t };
}

const TIME_START = asciiCodes('{"t":');
const HEADERS_START = asciiCodes(',"h":');

function asciiCodes(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

/** The headers' JSON last read, and what it parsed to: most records of a stream carry the same headers. */
let lastHeadersJson: Uint8Array | undefined;
let lastHeaders: Headers = {};

/**
 * Reads the envelope as {@link wrap} writes it, `{"t":<digits>,"h":<headers>}`,
 * once per consumed record, so cheaply: the time from its digits, the headers
 * parsed only when they differ from the last record's, and the record's parts
 * returned as they are, with no object in between. Undefined for any other
 * form (a negative or fractional time), which {@link parseMeta} reads.
 */
function readMeta(data: Uint8Array, end: number): Unwrapped | undefined {
  let at = PREFIX;
  if (!startsWith(data, at, TIME_START)) return undefined;
  at += TIME_START.length;
  const digitsStart = at;
  let t = 0;
  for (let digit = data[at]! - 0x30; digit >= 0 && digit <= 9 && at < end; digit = data[++at]! - 0x30) {
    t = t * 10 + digit;
  }
  if (at === digitsStart || at - digitsStart > 15) return undefined;
  if (!startsWith(data, at, HEADERS_START)) return undefined;
  at += HEADERS_START.length;
  if (at >= end || data[end - 1] !== 0x7d) return undefined;
  const h = headersOf(data, at, end - 1);
  return h === undefined ? undefined : { value: data.subarray(end), headers: h, timestamp: t };
}

/** Whether `data` holds `codes` from `at` (an indexed loop: this runs twice per consumed record). */
function startsWith(data: Uint8Array, at: number, codes: readonly number[]): boolean {
  for (let i = 0; i < codes.length; i++) if (data[at + i] !== codes[i]) return false;
  return true;
}

/** The headers whose JSON is `data` from `start` to `end`, parsed only when they differ from the last record's. */
function headersOf(data: Uint8Array, start: number, end: number): Headers | undefined {
  if (lastHeadersJson !== undefined && sameBytes(data, start, end, lastHeadersJson))
    return { ...lastHeaders };
  const json = data.subarray(start, end);
  let h: unknown;
  try {
    h = JSON.parse(decoder.decode(json));
  } catch {
    return undefined;
  }
  if (!isHeaders(h)) return undefined;
  lastHeadersJson = Uint8Array.from(json);
  lastHeaders = h;
  return { ...h };
}

/** Whether `data` from `start` to `end` holds the bytes of `b` (compared in place: no view per record). */
function sameBytes(data: Uint8Array, start: number, end: number, b: Uint8Array): boolean {
  if (end - start !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (data[start + i] !== b[i]) return false;
  return true;
}

function parseMeta(bytes: Uint8Array): { t: number; h: Headers } | undefined {
  let meta: unknown;
  try {
    meta = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  return isMeta(meta) ? meta : undefined;
}

function isMeta(meta: unknown): meta is { t: number; h: Headers } {
  if (typeof meta !== "object" || meta === null) return false;
  const { t, h } = meta as { t?: unknown; h?: unknown };
  return typeof t === "number" && isHeaders(h);
}

function isHeaders(h: unknown): h is Headers {
  if (typeof h !== "object" || h === null || Array.isArray(h)) return false;
  for (const value of Object.values(h)) if (typeof value !== "string") return false;
  return true;
}
