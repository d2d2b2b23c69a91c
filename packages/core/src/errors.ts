/**
 * The portable error codes every driver classifies its provider errors into.
 * Retry policy in core keys off these codes, never off provider messages.
 */
export type ErrorCode =
  | "NotFound"
  | "AlreadyExists"
  | "InvalidArgument"
  | "FailedPrecondition"
  | "PermissionDenied"
  | "Unauthenticated"
  | "ResourceExhausted"
  | "Unavailable"
  | "DeadlineExceeded"
  | "Canceled"
  | "Unimplemented"
  | "Internal"
  | "Unknown";

/** Every portable error code, in declaration order. */
export const ERROR_CODES: readonly ErrorCode[] = [
  "NotFound",
  "AlreadyExists",
  "InvalidArgument",
  "FailedPrecondition",
  "PermissionDenied",
  "Unauthenticated",
  "ResourceExhausted",
  "Unavailable",
  "DeadlineExceeded",
  "Canceled",
  "Unimplemented",
  "Internal",
  "Unknown",
];

/**
 * The one error type Switchyard throws. `code` is portable; the provider's own
 * error, when there is one, is kept as `cause`.
 */
export class SwitchyardError extends Error {
  /** The portable classification of this error. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SwitchyardError";
    this.code = code;
  }
}

/** Codes for which trying the same call again later may succeed. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "Unavailable",
  "ResourceExhausted",
  "DeadlineExceeded",
  "Internal",
  "Unknown",
]);

/** Whether an error with this code is worth retrying with backoff. */
export function isRetryable(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

/** The portable code of any thrown value: its own code for a SwitchyardError, `Canceled` for an abort, else `Unknown`. */
export function codeOf(err: unknown): ErrorCode {
  if (err instanceof SwitchyardError) return err.code;
  if (isAbort(err)) return "Canceled";
  return "Unknown";
}

/** Whether `err` is an AbortSignal cancellation (DOMException `AbortError` or a Canceled SwitchyardError). */
export function isAbort(err: unknown): boolean {
  if (err instanceof SwitchyardError) return err.code === "Canceled";
  return (
    typeof err === "object" &&
    err !== null &&
    ((err as { name?: unknown }).name === "AbortError" || (err as { code?: unknown }).code === "ABORT_ERR")
  );
}

/** Node's socket errors for an endpoint that cannot be reached right now. */
const CONNECTION_ERRNOS: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Whether `err` is a Node socket error — its `code` one of ECONNREFUSED,
 * ECONNRESET, ECONNABORTED, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH,
 * ENOTFOUND, EAI_AGAIN — for an endpoint that cannot be reached right now,
 * which drivers classify as `Unavailable`. Looks at `err` itself, not at its
 * `cause`. Never throws.
 */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && CONNECTION_ERRNOS.has(code);
}

/**
 * Wraps a driver error once, with the code the driver gave it. A SwitchyardError
 * passes through unchanged. The driver's classification comes first (some
 * clients name their own connection errors `AbortError`); an abort the driver
 * does not recognise becomes Canceled.
 */
export function wrapError(
  err: unknown,
  classify: (err: unknown) => ErrorCode,
  context: string,
): SwitchyardError {
  if (err instanceof SwitchyardError) return err;
  let code: ErrorCode;
  try {
    code = classify(err);
  } catch {
    code = "Unknown";
  }
  if (code === "Unknown" && isAbort(err)) {
    return new SwitchyardError("Canceled", `${context}: canceled`, { cause: err });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new SwitchyardError(code, `${context}: ${detail}`, { cause: err });
}
