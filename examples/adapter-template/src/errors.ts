import type { ErrorCode } from "@switchyard/core/driver";
import { SwitchyardError, isAbort } from "@switchyard/core/driver";
import { ToyError } from "./backend.js";

const BY_STATUS: Record<ToyError["status"], ErrorCode> = {
  "not-found": "NotFound",
  invalid: "InvalidArgument",
  "too-large": "InvalidArgument",
  closed: "FailedPrecondition",
};

/**
 * Classifies whatever a driver call threw into a portable code. The contract
 * (checked by the kit over junk values): never throw, keep a SwitchyardError's
 * own code, call aborts Canceled and nothing else Canceled, and say Unknown
 * rather than guess — core retries Unknown with backoff.
 */
export function toyErrorCode(err: unknown): ErrorCode {
  if (err instanceof SwitchyardError) return err.code;
  if (err instanceof ToyError) return BY_STATUS[err.status];
  if (isAbort(err)) return "Canceled";
  return "Unknown";
}
