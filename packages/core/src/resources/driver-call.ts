import type { ErrorCode } from "../errors.js";
import { isRetryable, wrapError } from "../errors.js";
import { type RetryPolicy, backoffDelay, sleep, withRetry } from "../retry.js";
import { canceled, guardAbort, linkSignals } from "./signals.js";

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
export function callDriver<T>(
  context: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: DriverCallOptions,
): Promise<T> {
  if (options.signal === undefined) {
    // The common case: no caller signal. The first attempt runs bare (the driver gets the
    // lifetime signal and is closed with it); only a failure pays for retries.
    const lifetime = options.lifetime;
    if (lifetime.aborted) return Promise.reject(canceled(context));
    return fn(lifetime).catch((err: unknown) => {
      if (lifetime.aborted) throw canceled(context);
      return retryAfterFirstFailure(err, context, fn, options, lifetime);
    });
  }
  const linked = linkSignals(options.lifetime, options.signal);
  return withRetry(
    () => guardAbort(fn(linked.signal), linked.signal, context),
    options.policy,
    (err) => wrapError(err, options.classify, context),
    linked.signal,
  ).finally(() => linked.dispose());
}

async function retryAfterFirstFailure<T>(
  err: unknown,
  context: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: DriverCallOptions,
  signal: AbortSignal,
): Promise<T> {
  const first = wrapError(err, options.classify, context);
  if (signal.aborted || options.policy.maxAttempts <= 1 || !isRetryable(first.code)) throw first;
  await sleep(backoffDelay(options.policy, 1), signal);
  return withRetry(
    () => guardAbort(fn(signal), signal, context),
    { ...options.policy, maxAttempts: options.policy.maxAttempts - 1 },
    (e) => wrapError(e, options.classify, context),
    signal,
  );
}
