import { SwitchyardError, codeOf, isRetryable } from "./errors.js";
import { onAbort } from "./resources/signals.js";

/** How a failed call is retried: exponential backoff with full jitter, capped. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts: number;
  /** Delay before the second attempt, in ms. Default 50. */
  initialDelayMs: number;
  /** Largest delay between attempts, in ms. Default 5000. */
  maxDelayMs: number;
  /** Growth factor between attempts. Default 2. */
  multiplier: number;
}

/** The retry policy used where none is configured. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 50,
  maxDelayMs: 5000,
  multiplier: 2,
};

/** Fills a partial policy with the defaults. */
export function retryPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...DEFAULT_RETRY, ...partial };
}

/** The delay before attempt `attempt + 1` (attempt counts from 1), with full jitter. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
  return Math.random() * ceiling;
}

/** Resolves after `ms`, or rejects with Canceled when the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SwitchyardError("Canceled", "canceled while waiting to retry"));
      return;
    }
    // Many retries may wait on one long-lived signal: one shared listener, not one each.
    const forget =
      signal === undefined
        ? () => undefined
        : onAbort(signal, () => {
            clearTimeout(timer);
            reject(new SwitchyardError("Canceled", "canceled while waiting to retry"));
          });
    const timer = setTimeout(() => {
      forget();
      resolve();
    }, ms);
  });
}

/**
 * Calls `fn` until it succeeds, the error is not retryable, attempts run out or
 * the signal aborts. `toError` turns a thrown value into a SwitchyardError (the
 * caller's driver classification); the last error is rethrown.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  toError: (err: unknown) => SwitchyardError,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const wrapped = toError(err);
      if (signal?.aborted || attempt >= policy.maxAttempts || !isRetryable(codeOf(wrapped))) throw wrapped;
      await sleep(backoffDelay(policy, attempt), signal);
    }
  }
}
