import { SwitchyardError, isAbort, isConnectionError } from "@switchyard/core/driver";
import type { ErrorCode } from "@switchyard/core/driver";

/** Reply-error prefixes Redis (and our Lua scripts) send, and their portable codes. */
const REPLY_CODES: Readonly<Record<string, ErrorCode>> = {
  WRONGTYPE: "FailedPrecondition",
  NOTNUMBER: "FailedPrecondition",
  NOSCRIPT: "Internal",
  EXECABORT: "Internal",
  READONLY: "Unavailable",
  LOADING: "Unavailable",
  BUSY: "Unavailable",
  MASTERDOWN: "Unavailable",
  CLUSTERDOWN: "Unavailable",
  TRYAGAIN: "Unavailable",
  MOVED: "Unavailable",
  ASK: "Unavailable",
  OOM: "ResourceExhausted",
  NOAUTH: "Unauthenticated",
  WRONGPASS: "Unauthenticated",
  NOPERM: "PermissionDenied",
  NOGROUP: "NotFound",
  BUSYGROUP: "AlreadyExists",
};

/** Generic `ERR …` replies, told apart by their text. */
const ERR_PATTERNS: readonly [RegExp, ErrorCode][] = [
  [/max number of clients/i, "ResourceExhausted"],
  [/unknown command/i, "Unimplemented"],
  [/password|AUTH/, "Unauthenticated"],
  [/not an integer|not a valid float|out of range|overflow/i, "FailedPrecondition"],
  [/syntax error|wrong number of arguments|invalid|must be|equal or smaller/i, "InvalidArgument"],
];

/** ioredis's own messages when a command cannot reach the server. */
const CONNECTION_MESSAGES = [
  "Connection is closed.",
  "Command aborted due to connection close",
  "Stream isn't writeable",
  "Reached the max retries per request limit",
  "connect ETIMEDOUT",
];

/**
 * The portable code of an error from ioredis or Redis: connection failures are
 * Unavailable, `WRONGTYPE` and non-numeric counters FailedPrecondition, `OOM`
 * ResourceExhausted, `NOAUTH`/`WRONGPASS` Unauthenticated, `NOPERM`
 * PermissionDenied, `READONLY`/`LOADING`/`BUSY` Unavailable, `NOGROUP` NotFound.
 * Never throws.
 */
export function redisErrorCode(err: unknown): ErrorCode {
  if (err instanceof SwitchyardError) return err.code;
  if (typeof err !== "object" || err === null) return "Unknown";
  const message = err instanceof Error ? err.message : String((err as { message?: unknown }).message);
  // ioredis names its connection-close error AbortError: it is not a cancellation.
  if (CONNECTION_MESSAGES.some((m) => message.startsWith(m))) return "Unavailable";
  if (isAbort(err)) return "Canceled";
  if (isConnectionError(err)) return "Unavailable";
  return replyCode(message);
}

/** The code of a Redis reply error, looking through the "Error running script" wrapper of older servers. */
function replyCode(message: string): ErrorCode {
  const tokens = message.match(/(?:^|: )([A-Z]+)(?= )/g) ?? [];
  for (const token of tokens) {
    const code = REPLY_CODES[token.replace(/^: /, "")];
    if (code !== undefined) return code;
  }
  if (message.startsWith("ERR")) {
    for (const [pattern, code] of ERR_PATTERNS) if (pattern.test(message)) return code;
  }
  return "Unknown";
}
