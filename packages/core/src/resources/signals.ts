import { SwitchyardError } from "../errors.js";

/** A signal that aborts when any of its sources does, and a way to detach it from them. */
export interface LinkedSignal {
  /** Aborted as soon as one source aborts, with that source's reason. */
  readonly signal: AbortSignal;
  /** Removes the listeners from the sources; call when the operation is over. */
  dispose(): void;
}

/**
 * Links several optional signals into one. Unlike `AbortSignal.any`, the
 * listeners are removed explicitly, so long-lived sources (a resource's
 * lifetime signal) do not collect one listener per call.
 */
export function linkSignals(...sources: (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController();
  const attached: AbortSignal[] = [];
  const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  const dispose = () => {
    for (const source of attached) source.removeEventListener("abort", onAbort);
    attached.length = 0;
  };
  for (const source of sources) {
    if (source === undefined) continue;
    if (source.aborted) {
      dispose();
      controller.abort(source.reason);
      break;
    }
    source.addEventListener("abort", onAbort, { once: true });
    attached.push(source);
  }
  return { signal: controller.signal, dispose };
}

/** The error an operation rejects with when its signal aborts. */
export function canceled(what: string): SwitchyardError {
  return new SwitchyardError("Canceled", `${what}: canceled`);
}

/**
 * Settles with `promise`, or rejects with Canceled as soon as `signal` aborts,
 * whichever comes first. Used where a driver might not honour its signal.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(canceled(what));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(canceled(what));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.finally(() => signal.removeEventListener("abort", onAbort)).then(resolve, reject);
  });
}

/** Pending operations per signal, cancelled together by one listener on that signal. */
const pendingBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Like {@link raceAbort}, but registers one listener per signal instead of one
 * per call: adding a listener to an AbortSignal costs more than a fast driver
 * call, and long-lived signals (a resource's lifetime) see every call.
 */
export function guardAbort<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(canceled(what));
  }
  let pending = pendingBySignal.get(signal);
  if (pending === undefined) {
    const set = new Set<() => void>();
    pending = set;
    pendingBySignal.set(signal, set);
    signal.addEventListener(
      "abort",
      () => {
        for (const cancel of set) cancel();
        set.clear();
      },
      { once: true },
    );
  }
  const waiting = pending;
  return new Promise<T>((resolve, reject) => {
    const cancel = () => reject(canceled(what));
    waiting.add(cancel);
    promise.then(
      (value) => {
        waiting.delete(cancel);
        resolve(value);
      },
      (err: unknown) => {
        waiting.delete(cancel);
        // The driver's own error, passed on as is for the caller to classify.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(err);
      },
    );
  });
}
