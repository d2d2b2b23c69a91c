import { SwitchyardError, isAbort, isConnectionError } from "@switchyard/core/driver";
import type { ErrorCode } from "@switchyard/core/driver";

/** AWS error names (the `name` of an SDK v3 service exception) and their portable codes. */
const NAMED_CODES: Readonly<Record<string, ErrorCode>> = {
  ResourceNotFoundException: "NotFound",
  ResourceInUseException: "FailedPrecondition",
  ConditionalCheckFailedException: "FailedPrecondition",
  TransactionConflictException: "FailedPrecondition",
  ProvisionedThroughputExceededException: "ResourceExhausted",
  ThrottlingException: "ResourceExhausted",
  LimitExceededException: "ResourceExhausted",
  RequestLimitExceeded: "ResourceExhausted",
  TooManyRequestsException: "ResourceExhausted",
  KMSThrottlingException: "ResourceExhausted",
  ValidationException: "InvalidArgument",
  ValidationError: "InvalidArgument",
  InvalidArgumentException: "InvalidArgument",
  SerializationException: "InvalidArgument",
  RejectedRecordsException: "InvalidArgument",
  ExpiredIteratorException: "FailedPrecondition",
  AccessDeniedException: "PermissionDenied",
  KMSAccessDeniedException: "PermissionDenied",
  UnrecognizedClientException: "Unauthenticated",
  InvalidSignatureException: "Unauthenticated",
  IncompleteSignatureException: "Unauthenticated",
  MissingAuthenticationTokenException: "Unauthenticated",
  MissingAuthenticationToken: "Unauthenticated",
  ExpiredTokenException: "Unauthenticated",
  CredentialsProviderError: "Unauthenticated",
  InternalFailure: "Unavailable",
  InternalFailureException: "Unavailable",
  InternalServerError: "Unavailable",
  InternalServerException: "Unavailable",
  ServiceUnavailable: "Unavailable",
  ServiceUnavailableException: "Unavailable",
  ModelNotReadyException: "Unavailable",
  InternalDependencyException: "Unavailable",
  TimeoutError: "DeadlineExceeded",
};

/** HTTP/2 session failures, besides socket errors: the endpoint cannot be reached right now. */
const HTTP2_CODES = new Set(["ERR_HTTP2_STREAM_ERROR", "ERR_HTTP2_GOAWAY_SESSION"]);

/**
 * The portable code of an error from an AWS SDK v3 client: throttling is
 * ResourceExhausted, missing streams and tables NotFound, failed conditions
 * FailedPrecondition, bad requests InvalidArgument, signature and credential
 * failures Unauthenticated, server faults and unreachable endpoints
 * Unavailable. Falls back on the HTTP status. Never throws.
 */
export function awsErrorCode(err: unknown): ErrorCode {
  if (err instanceof SwitchyardError) return err.code;
  if (typeof err !== "object" || err === null) return "Unknown";
  const { name, code, $metadata } = err as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (typeof name === "string" && name !== "AbortError") {
    const named = NAMED_CODES[name];
    if (named !== undefined) return named;
  }
  if (isConnectionError(err) || (typeof code === "string" && HTTP2_CODES.has(code))) return "Unavailable";
  if (isAbort(err)) return "Canceled";
  if (name === "ModelError") return modelErrorCode(err);
  return statusCode($metadata?.httpStatusCode);
}

/** A SageMaker ModelError carries the container's own status: its 4xx means the input was refused. */
function modelErrorCode(err: { OriginalStatusCode?: number }): ErrorCode {
  const status = err.OriginalStatusCode ?? 500;
  if (status >= 400 && status < 500) return status === 429 ? "ResourceExhausted" : "InvalidArgument";
  return "Unavailable";
}

function statusCode(status: number | undefined): ErrorCode {
  if (status === undefined) return "Unknown";
  if (status === 429) return "ResourceExhausted";
  if (status >= 500) return "Unavailable";
  if (status === 404) return "NotFound";
  if (status === 403) return "PermissionDenied";
  if (status === 401) return "Unauthenticated";
  if (status === 409 || status === 412) return "FailedPrecondition";
  if (status >= 400) return "InvalidArgument";
  return "Unknown";
}
