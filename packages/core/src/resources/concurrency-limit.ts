import { canceled, onAbort } from "./signals.js";

/**
 * A concurrency limit: at most `limit` tasks run at once; the others wait in
 * arrival order. A waiting task whose signal aborts leaves the queue with Canceled.
 */
export class ConcurrencyLimit {
  /** The most tasks that run at once. */
  readonly limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit));
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `task` once a slot is free and releases the slot when it settles. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(canceled("waiting for a concurrency slot"));
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const forget =
        signal === undefined
          ? () => undefined
          : onAbort(signal, () => {
              const index = this.#waiting.indexOf(grant);
              if (index >= 0) this.#waiting.splice(index, 1);
              reject(canceled("waiting for a concurrency slot"));
            });
      // The slot is handed over directly, so `active` never dips and lets a newcomer jump the queue.
      const grant = () => {
        forget();
        resolve();
      };
      this.#waiting.push(grant);
    });
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}
