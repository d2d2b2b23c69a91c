import type { Headers, OutgoingRecord } from "../driver/index.js";
import { SwitchyardError, codeOf } from "../errors.js";
import type { IncomingRecord } from "../driver/index.js";

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
 */
export function deadLetterRecord(
  raw: IncomingRecord,
  source: string,
  pipeline: string,
  reason: DeadLetterReason,
): OutgoingRecord {
  const message = reason.error instanceof Error ? reason.error.message : String(reason.error);
  const code = reason.error instanceof SwitchyardError ? reason.error.code : codeOf(reason.error);
  const headers: Headers = {
    ...raw.headers,
    "x-error-code": code,
    "x-error-message": message.length > 1000 ? `${message.slice(0, 997)}...` : message,
    "x-error-stage": reason.stage,
    "x-error-attempts": String(reason.attempts),
    "x-error-pipeline": pipeline,
    "x-error-source": source,
    "x-error-partition": raw.position.partition,
    "x-error-offset": raw.position.offset,
    "x-error-time": new Date().toISOString(),
  };
  return { key: raw.key, value: raw.value, headers, timestamp: raw.timestamp };
}
