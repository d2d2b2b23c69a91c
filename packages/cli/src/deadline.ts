import { SwitchyardError } from "@switchyard/core";

/**
 * Resolves like `promise`, or rejects with DeadlineExceeded once `signal` aborts
 * (the promise itself keeps running: a hung connect cannot be interrupted from here).
 */
export function withDeadline<T>(promise: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  const expired = () => new SwitchyardError("DeadlineExceeded", `no answer within ${timeoutMs} ms`);
  if (signal.aborted) return Promise.reject(expired());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(expired());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
