import { SwitchyardError, isAbort, isConnectionError } from "@switchyard/core/driver";
import type { ErrorCode } from "@switchyard/core/driver";

/** gRPC status codes (google.rpc.Code), as Google's clients put them on `err.code`, and their portable codes. */
const GRPC_CODES: Readonly<Record<number, ErrorCode>> = {
  1: "Canceled",
  2: "Unknown",
  3: "InvalidArgument",
  4: "DeadlineExceeded",
  5: "NotFound",
  6: "AlreadyExists",
  7: "PermissionDenied",
  8: "ResourceExhausted",
  9: "FailedPrecondition",
  // ABORTED is a lost race inside the service (a transaction or lock conflict): trying again is the cure.
  10: "Unavailable",
  11: "InvalidArgument",
  12: "Unimplemented",
  13: "Internal",
  14: "Unavailable",
  15: "Internal",
  16: "Unauthenticated",
};

/** HTTP statuses of Google's REST surfaces (and of a Vertex AI endpoint), and their portable codes. */
const HTTP_CODES: Readonly<Record<number, ErrorCode>> = {
  400: "InvalidArgument",
  401: "Unauthenticated",
  403: "PermissionDenied",
  404: "NotFound",
  408: "DeadlineExceeded",
  409: "AlreadyExists",
  412: "FailedPrecondition",
  413: "InvalidArgument",
  429: "ResourceExhausted",
  499: "Canceled",
  500: "Internal",
  501: "Unimplemented",
  502: "Unavailable",
  503: "Unavailable",
  504: "DeadlineExceeded",
};

/**
 * The portable code of an error from a Google Cloud client: the gRPC status on
 * `err.code` (NOT_FOUND → NotFound, RESOURCE_EXHAUSTED → ResourceExhausted,
 * UNAVAILABLE and ABORTED → Unavailable, …), an HTTP status on `err.code` or
 * `err.status`, or a socket errno (Unavailable). Never throws.
 */
export function gcpErrorCode(err: unknown): ErrorCode {
  if (err instanceof SwitchyardError) return err.code;
  if (typeof err !== "object" || err === null) return "Unknown";
  if (isAbort(err)) return "Canceled";
  const { code, status } = err as { code?: unknown; status?: unknown };
  if (typeof code === "number") {
    const mapped = GRPC_CODES[code] ?? HTTP_CODES[code];
    if (mapped !== undefined) return mapped;
  }
  if (typeof status === "number") {
    const mapped = HTTP_CODES[status] ?? (status >= 500 ? "Unavailable" : undefined);
    if (mapped !== undefined) return mapped;
  }
  if (isConnectionError(err)) return "Unavailable";
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== err) return gcpErrorCode(cause);
  return "Unknown";
}
