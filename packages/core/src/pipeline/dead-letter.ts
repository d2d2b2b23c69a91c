import type { Headers, OutgoingRecord } from "../driver/index.js";
import { SwitchyardError, codeOf } from "../errors.js";
import type { IncomingRecord } from "../driver/index.js";
import { redactUrl } from "../config/redact.js";

/** The most UTF-8 bytes `x-error-message` holds; a longer message is cut and says how long it was. */
export const MAX_ERROR_MESSAGE_BYTES = 4096;

/** The most UTF-8 bytes any other `x-error-*` header holds. */
export const MAX_ERROR_FIELD_BYTES = 256;

/** Why a record was given up on, for its `x-error-*` headers. */
export interface DeadLetterReason {
  /** The error that made it fail. */
  error: unknown;
  /** Where it failed: `decode`, or the step kind and index, e.g. `infer#2`. */
  stage: string;
  /** Attempts made. */
  attempts: number;
}

/**
 * Builds the dead-letter record for a failed source record: the original bytes,
 * key and headers unchanged, plus `x-error-*` headers saying what failed where.
 * Credentials in URLs and secret-named `name=value` pairs of the error message
 * are masked, and every `x-error-*` value is bounded in size, so that neither a
 * secret nor a huge message reaches the dead-letter stream.
 */
export function deadLetterRecord(
  raw: IncomingRecord,
  source: string,
  pipeline: string,
  reason: DeadLetterReason,
): OutgoingRecord {
  const message = reason.error instanceof Error ? reason.error.message : String(reason.error);
  const code = reason.error instanceof SwitchyardError ? reason.error.code : codeOf(reason.error);
  const field = (value: string) => bounded(value, MAX_ERROR_FIELD_BYTES);
  const headers: Headers = {
    ...raw.headers,
    "x-error-code": code,
    "x-error-message": bounded(withoutSecrets(message), MAX_ERROR_MESSAGE_BYTES, Buffer.byteLength(message)),
    "x-error-stage": field(reason.stage),
    "x-error-attempts": String(reason.attempts),
    "x-error-pipeline": field(pipeline),
    "x-error-source": field(source),
    "x-error-partition": field(raw.position.partition),
    "x-error-offset": field(raw.position.offset),
    "x-error-time": new Date().toISOString(),
  };
  return { key: raw.key, value: raw.value, headers, timestamp: raw.timestamp };
}

/**
 * A `scheme://…` run of a message, or a `name=value` pair whose value is not a
 * URL (that is matched as a URL on its own). Values stop at `=` and `?` so that
 * `a=b?token=x` is two pairs: one pass, linear in the message.
 */
const SECRET_CARRIER =
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`;]+|\b[a-z][\w.-]*=(?![a-z][a-z0-9+.-]*:\/\/)[^\s;&=?"'<>`]+/gi;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Messages are cut to this many characters before scrubbing, long enough that a cut secret falls past the header's bound. */
const SCRUBBED_CHARS = 4 * MAX_ERROR_MESSAGE_BYTES;

/**
 * The message with every URL redacted and the values of secret-named pairs
 * (`AccountKey=…`, `password=…`) masked; cut to a few times the header bound first.
 */
export function withoutSecrets(message: string): string {
  return message.slice(0, SCRUBBED_CHARS).replace(SECRET_CARRIER, (found) =>
    // A lone pair reads as a one-parameter query, which redactUrl masks by the parameter's name.
    SCHEME.test(found) ? redactUrl(found) : redactUrl(`?${found}`).slice(1),
  );
}

const encoder = new TextEncoder();

/**
 * `text` if it fits in `max` UTF-8 bytes, else its longest whole-character
 * prefix that fits with a note of the full size: `fullSize`, the size of the
 * message the text was taken from, when given.
 */
function bounded(text: string, max: number, fullSize?: number): string {
  const size = Buffer.byteLength(text);
  if (size <= max) return text;
  const note = `… [cut: ${fullSize ?? size} bytes in all]`;
  const room = new Uint8Array(max - Buffer.byteLength(note));
  // encodeInto writes whole characters only, so the cut never splits one.
  const { read } = encoder.encodeInto(text, room);
  return `${text.slice(0, read)}${note}`;
}
