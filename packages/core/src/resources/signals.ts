import { setMaxListeners } from "node:events";
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
 * registrations are removed explicitly, so long-lived sources (a resource's
 * lifetime signal) do not collect one per call; and they go through
 * {@link onAbort}, one real listener per source however many calls are linked
 * to it at once (a hundred batches retrying a sink would otherwise trip Node's
 * possible-leak warning at eleven).
 */
export function linkSignals(...sources: (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController();
  const forget: (() => void)[] = [];
  const dispose = () => {
    for (const remove of forget) remove();
    forget.length = 0;
  };
  for (const source of sources) {
    if (source === undefined) continue;
    if (source.aborted) {
      dispose();
      controller.abort(source.reason);
      break;
    }
    forget.push(onAbort(source, () => controller.abort(source.reason)));
  }
  return { signal: controller.signal, dispose };
}

/**
 * `signal`, or with `timeoutMs` a signal that also aborts after that long
 * (with a `TimeoutError`, as `AbortSignal.timeout` does); dispose when the
 * call is over. Not `AbortSignal.any`: on Node 20 it keeps about 2 KB alive
 * per call on a long-lived source (a resource's lifetime signal) for as long
 * as the source lives — 48 MB after 20,000 model calls.
 */
export function deadlineSignal(signal: AbortSignal, timeoutMs: number | undefined): LinkedSignal {
  if (timeoutMs === undefined) return { signal, dispose: () => undefined };
  const controller = new AbortController();
  if (signal.aborted) {
    controller.abort(signal.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  const forget = onAbort(signal, () => controller.abort(signal.reason));
  const timer = setTimeout(
    () => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    timeoutMs,
  );
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      forget();
    },
  };
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

/**
 * A controller for a resource's lifetime, aborted when the resource closes. Its
 * signal goes to every driver call the resource makes (the fast path passes it
 * as is), and client libraries add a listener to it per request (the AWS SDK
 * does): with sixteen calls in flight Node would warn of a possible leak at
 * eleven. Many listeners at once is this signal's purpose, and each is removed
 * when its call ends, so the warning is turned off for it alone.
 */
export function lifetimeController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** Callbacks per signal, run together by one listener on that signal. */
const callbacksBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Runs `callback` when `signal` aborts; returns the function that cancels the
 * registration. Registers one real listener per signal, however many callers
 * wait on it: adding a listener to an AbortSignal costs more than a fast driver
 * call, and long-lived signals (a resource's lifetime, a run's) see every call.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = callbacksBySignal.get(signal);
  if (callbacks === undefined) {
    const set = new Set<() => void>();
    callbacks = set;
    callbacksBySignal.set(signal, set);
    signal.addEventListener(
      "abort",
      () => {
        for (const run of [...set]) run();
        set.clear();
      },
      { once: true },
    );
  }
  const registered = callbacks;
  registered.add(callback);
  return () => registered.delete(callback);
}

/** Like {@link raceAbort}, with one listener per signal rather than one per call (see {@link onAbort}). */
export function guardAbort<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(canceled(what));
  }
  return new Promise<T>((resolve, reject) => {
    const forget = onAbort(signal, () => reject(canceled(what)));
    promise.then(
      (value) => {
        forget();
        resolve(value);
      },
      (err: unknown) => {
        forget();
        // The driver's own error, passed on as is for the caller to classify.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(err);
      },
    );
  });
}
