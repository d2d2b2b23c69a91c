import type { Headers, OutgoingRecord } from "../driver/record.js";

/** What a line of a `file:` stream holds: a record's value, and its key, headers and event time when it has them. */
export interface LineRecord {
  key: string | undefined;
  value: Uint8Array;
  headers: Headers;
  /** Event time, when the line carries one. */
  timestamp: number | undefined;
}

/**
 * How a line that carries more than a value starts. Hand-written JSON lines never
 * start with it, so every other line is a bare value.
 */
const ENVELOPE = '{"~switchyard":';
const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** The value as text when it can be a line on its own: UTF-8 without line breaks, not looking like an envelope. */
function bareText(value: Uint8Array): string | undefined {
  if (value.includes(0x0a) || value.includes(0x0d)) return undefined;
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return undefined;
  }
  return text.trim() === text && text !== "" && !text.startsWith(ENVELOPE) ? text : undefined;
}

/**
 * Headers a bare line may drop: the content type (the file is JSON lines) and
 * the trace context (a file is a development tool, not a hop to trace across).
 */
const DROPPABLE_HEADERS: ReadonlySet<string> = new Set(["content-type", "traceparent"]);

/**
 * The line (without its newline) a record is stored as. A value that can stand
 * on a line, with no header beyond `content-type` and `traceparent`, is written
 * as is — so a pipeline's output file reads like any NDJSON file — and its key
 * and event time are dropped (a file stream has one partition, so a key orders
 * nothing). Any other record is an envelope line
 * `{"~switchyard":{"key","headers","timestamp"},"value":"…"}` (or `"base64":"…"`
 * for bytes that cannot stand on a line): dead letters keep their `x-error-*`
 * headers and their original bytes.
 */
export function lineOf(record: OutgoingRecord): Uint8Array {
  const text = bareText(record.value);
  const plainHeaders = Object.keys(record.headers).every((name) => DROPPABLE_HEADERS.has(name));
  if (text !== undefined && plainHeaders) return record.value;
  const meta = { key: record.key ?? null, headers: record.headers, timestamp: record.timestamp };
  const body =
    text !== undefined ? { value: text } : { base64: Buffer.from(record.value).toString("base64") };
  return encoder.encode(`${ENVELOPE}${JSON.stringify(meta)},${JSON.stringify(body).slice(1)}`);
}

/** Reads a stored line back: an envelope's record, or a bare line as a value alone. */
export function recordOfLine(line: Uint8Array): LineRecord {
  const bare = { key: undefined, value: line, headers: {}, timestamp: undefined };
  if (line.length < ENVELOPE.length || line[0] !== 0x7b || line[2] !== 0x7e) return bare;
  let parsed: {
    "~switchyard"?: { key?: unknown; headers?: unknown; timestamp?: unknown };
    value?: unknown;
    base64?: unknown;
  };
  try {
    parsed = JSON.parse(utf8.decode(line)) as typeof parsed;
  } catch {
    return bare;
  }
  const meta = parsed["~switchyard"];
  if (typeof meta !== "object" || meta === null) return bare;
  const value =
    typeof parsed.value === "string"
      ? encoder.encode(parsed.value)
      : typeof parsed.base64 === "string"
        ? Uint8Array.from(Buffer.from(parsed.base64, "base64"))
        : undefined;
  if (value === undefined) return bare;
  return {
    key: typeof meta.key === "string" ? meta.key : undefined,
    value,
    headers: isHeaders(meta.headers) ? meta.headers : {},
    timestamp: typeof meta.timestamp === "number" ? meta.timestamp : undefined,
  };
}

function isHeaders(value: unknown): value is Headers {
  return (
    typeof value === "object" && value !== null && Object.values(value).every((v) => typeof v === "string")
  );
}
