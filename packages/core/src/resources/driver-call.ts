import type { ErrorCode } from "../errors.js";
import { wrapError } from "../errors.js";
import { type RetryPolicy, withRetry } from "../retry.js";
import { guardAbort, linkSignals } from "./signals.js";

/** What {@link callDriver} needs to know about the resource making the call. */
export interface DriverCallOptions {
  /** How transient errors are retried. */
  policy: RetryPolicy;
  /** The driver's error classification. */
  classify: (err: unknown) => ErrorCode;
  /** Aborted when the resource closes. */
  lifetime: AbortSignal;
  /** The caller's own cancellation, if any. */
  signal?: AbortSignal | undefined;
}

/**
 * Calls a driver method the way every portable type does: with a signal that
 * aborts on close or on the caller's cancellation, retrying retryable errors
 * with backoff, and wrapping the final error once as a SwitchyardError whose
 * message starts with `context` (cancellation stays Canceled).
 */
export async function callDriver<T>(
  context: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: DriverCallOptions,
): Promise<T> {
  // Most calls have no signal of their own: they use the lifetime signal as is, with no per-call listener.
  const linked = options.signal === undefined ? undefined : linkSignals(options.lifetime, options.signal);
  const signal = linked?.signal ?? options.lifetime;
  try {
    return await withRetry(
      () => guardAbort(fn(signal), signal, context),
      options.policy,
      (err) => wrapError(err, options.classify, context),
      signal,
    );
  } finally {
    linked?.dispose();
  }
}
