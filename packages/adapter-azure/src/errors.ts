/**
 * Classification of Azure SDK errors into Switchyard's portable codes. Event
 * Hubs reports AMQP conditions as MessagingErrors named by `code`
 * (`MessagingEntityNotFoundError`, `ServerBusyError` …); Blob Storage, Cosmos
 * DB and HTTP endpoints report HTTP statuses (`statusCode`, or Cosmos's
 * numeric `code`); Azure Identity reports its own error names.
 */
import type { ErrorCode } from "@switchyard/core/driver";
import { SwitchyardError, isAbort, isConnectionError } from "@switchyard/core/driver";

const BY_MESSAGING_CODE: Record<string, ErrorCode> = {
  MessagingEntityNotFoundError: "NotFound",
  MessagingEntityAlreadyExistsError: "AlreadyExists",
  ArgumentError: "InvalidArgument",
  ArgumentOutOfRangeError: "InvalidArgument",
  MessageTooLargeError: "InvalidArgument",
  InvalidOperationError: "FailedPrecondition",
  ReceiverDisconnectedError: "FailedPrecondition",
  PartitionNotOwnedError: "FailedPrecondition",
  UnauthorizedError: "Unauthenticated",
  ServerBusyError: "ResourceExhausted",
  QuotaExceededError: "ResourceExhausted",
  OperationTimeoutError: "DeadlineExceeded",
  OperationCancelledError: "Canceled",
  NotImplementedError: "Unimplemented",
  InternalServerError: "Unavailable",
  ServiceUnavailableError: "Unavailable",
  // The SDK reports an unreachable host and an unknown AMQP address alike as this.
  ServiceCommunicationError: "Unavailable",
  ConnectionForcedError: "Unavailable",
  ConnectionLostError: "Unavailable",
  DetachForcedError: "Unavailable",
  SenderBusyError: "Unavailable",
  SenderNotReadyError: "Unavailable",
  InsufficientCreditError: "Unavailable",
  CredentialUnavailableError: "Unauthenticated",
  AuthenticationError: "Unauthenticated",
  AuthenticationRequiredError: "Unauthenticated",
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: "InvalidArgument",
  401: "Unauthenticated",
  403: "PermissionDenied",
  404: "NotFound",
  408: "DeadlineExceeded",
  409: "AlreadyExists",
  412: "FailedPrecondition",
  413: "InvalidArgument",
  429: "ResourceExhausted",
  449: "Unavailable",
  500: "Unavailable",
  502: "Unavailable",
  503: "Unavailable",
  504: "DeadlineExceeded",
};

interface Shape {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  errors?: unknown;
  cause?: unknown;
}

function classifyOne(err: Shape, depth: number): ErrorCode | undefined {
  if (depth > 5) return undefined;
  if (err instanceof SwitchyardError) return err.code;
  if (typeof err.code === "string") {
    const byCode = BY_MESSAGING_CODE[err.code];
    if (byCode !== undefined) return byCode;
    if (isConnectionError(err)) return "Unavailable";
  }
  if (typeof err.name === "string" && BY_MESSAGING_CODE[err.name] !== undefined) {
    return BY_MESSAGING_CODE[err.name];
  }
  const status =
    typeof err.statusCode === "number" ? err.statusCode : typeof err.code === "number" ? err.code : undefined;
  if (status !== undefined) {
    if (BY_STATUS[status] !== undefined) return BY_STATUS[status];
    if (status >= 500) return "Unavailable";
  }
  if (Array.isArray(err.errors)) {
    for (const inner of err.errors) {
      if (typeof inner !== "object" || inner === null) continue;
      const code = classifyOne(inner as Shape, depth + 1);
      if (code !== undefined) return code;
    }
  }
  if (typeof err.cause === "object" && err.cause !== null) return classifyOne(err.cause, depth + 1);
  return undefined;
}

/** The portable code of an error thrown by an Azure SDK client or by this adapter. Never throws. */
export function azureErrorCode(err: unknown): ErrorCode {
  try {
    if (err instanceof SwitchyardError) return err.code;
    if (isAbort(err)) return "Canceled";
    if (typeof err !== "object" || err === null) return "Unknown";
    return classifyOne(err, 0) ?? "Unknown";
  } catch {
    return "Unknown";
  }
}

/** What a resource that failed to open is told, by code; `at` names the endpoint tried, when known. */
const STARTUP_HINTS: Partial<Record<ErrorCode, (at: string) => string>> = {
  NotFound: () => "does not exist — create it first (or, for Cosmos DB, add ?create=true)",
  Unauthenticated: () => "refused the credentials — check the connection string, key or Entra ID login",
  PermissionDenied: () => "refused access — grant the identity a data-plane role on it",
  Unavailable: (at) => `cannot be reached${at} — check the endpoint and the network`,
  DeadlineExceeded: (at) => `did not answer in time${at} — check the endpoint and the network`,
};

/**
 * The error a resource fails to open with: classified, naming the resource,
 * the endpoint it tried (a host or URL, never a key) and the fix, the SDK
 * error kept as `cause`. Never includes a key or connection string.
 */
export function startupError(err: unknown, where: string, endpoint?: string): SwitchyardError {
  if (err instanceof SwitchyardError) return err;
  const code = azureErrorCode(err);
  const hint = STARTUP_HINTS[code]?.(endpoint === undefined ? "" : ` at ${endpoint}`);
  return new SwitchyardError(code, `${where} ${hint ?? `failed to open (${code})`}`, { cause: err });
}

/** The error an open that ran out of its `ms` fails with: DeadlineExceeded, naming the resource and the endpoint. */
export function startupTimeout(where: string, endpoint: string, ms: number, cause: unknown): SwitchyardError {
  return new SwitchyardError(
    "DeadlineExceeded",
    `${where} did not answer within ${ms} ms at ${endpoint} — check the endpoint and the network`,
    { cause },
  );
}
