/**
 * Classification of HTTP model-server failures into portable error codes:
 * by status for answers, by socket error code for connections that failed.
 */
import { type ErrorCode, SwitchyardError } from "../errors.js";
import { HttpStatusError } from "./http-call.js";

const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const DEADLINE = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** The portable code of an HTTP status. */
export function statusCode(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 406:
    case 413:
    case 415:
    case 422:
      return "InvalidArgument";
    case 401:
      return "Unauthenticated";
    case 403:
      return "PermissionDenied";
    case 404:
      return "NotFound";
    case 405:
    case 501:
      return "Unimplemented";
    case 408:
    case 504:
      return "DeadlineExceeded";
    case 409:
    case 412:
      return "FailedPrecondition";
    case 429:
      return "ResourceExhausted";
    case 499:
      return "Canceled";
    case 502:
    case 503:
      return "Unavailable";
    default:
      if (status >= 500) return "Internal";
      return status >= 400 ? "InvalidArgument" : "Unknown";
  }
}

/** Classifies anything a call to a model server threw. Never throws. */
export function classifyHttpError(err: unknown): ErrorCode {
  if (err instanceof SwitchyardError) return err.code;
  if (err instanceof HttpStatusError) return statusCode(err.status);
  const name = (err as { name?: unknown } | null)?.name;
  if (name === "TimeoutError") return "DeadlineExceeded";
  if (name === "AbortError") return "Canceled";
  const code = socketCode(err, 0);
  if (code !== undefined) {
    if (UNAVAILABLE.has(code)) return "Unavailable";
    if (DEADLINE.has(code)) return "DeadlineExceeded";
  }
  return "Unknown";
}

/** The first socket error code in an error's `cause` chain (fetch reports connection failures as `cause`). */
function socketCode(err: unknown, depth: number): string | undefined {
  if (typeof err !== "object" || err === null || depth > 4) return undefined;
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && (UNAVAILABLE.has(code) || DEADLINE.has(code))) return code;
  if (Array.isArray(errors)) {
    for (const e of errors) {
      const found = socketCode(e, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return socketCode(cause, depth + 1);
}
