import { canceled } from "./signals.js";

/** Tuning of a {@link MicroBatcher}. */
export interface MicroBatcherOptions {
  /** Most items per flush; reaching it flushes at once. */
  maxBatch: number;
  /** How long the first item of a batch waits for company, in ms; 0 flushes on the next turn of the event loop. */
  maxDelayMs: number;
  /**
   * Whether a failed flush should be retried item by item, so that one bad item
   * fails only its own caller. Default: never.
   */
  isolate?: (err: unknown) => boolean;
}

interface Waiter<I, O> {
  input: I;
  resolve(output: O): void;
  reject(err: unknown): void;
  settled: boolean;
  /** Detaches the caller's abort listener. */
  cleanup?: () => void;
}

/**
 * A micro-batcher: gathers single items from many callers into batches for
 * one `flush` call, and hands each caller its own result. A caller's signal
 * withdraws its item if it is still waiting, or stops waiting for the result.
 */
export class MicroBatcher<I, O> {
  readonly #flush: (inputs: I[]) => Promise<O[]>;
  readonly #options: MicroBatcherOptions;
  #pending: Waiter<I, O>[] = [];
  #timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(flush: (inputs: I[]) => Promise<O[]>, options: MicroBatcherOptions) {
    this.#flush = flush;
    this.#options = options;
  }

  /** Items waiting for the next flush. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Adds one item; resolves with its result once its batch has been flushed. */
  add(input: I, signal?: AbortSignal): Promise<O> {
    if (signal?.aborted) return Promise.reject(canceled("predict"));
    return new Promise<O>((resolve, reject) => {
      const waiter: Waiter<I, O> = { input, resolve, reject, settled: false };
      if (signal) {
        const onAbort = () => {
          this.#pending = this.#pending.filter((w) => w !== waiter);
          settle(waiter, () => reject(canceled("predict")));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.cleanup = () => signal.removeEventListener("abort", onAbort);
      }
      this.#pending.push(waiter);
      if (this.#pending.length >= this.#options.maxBatch) this.flush();
      else this.#schedule();
    });
  }

  /** Flushes what is waiting now, without waiting for the delay. */
  flush(): void {
    this.#cancelTimer();
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#options.maxBatch);
      const run = this.#run(batch).finally(() => this.#inFlight.delete(run));
      this.#inFlight.add(run);
    }
  }

  /** Flushes what is waiting and resolves once every flush in flight has settled. */
  async drain(): Promise<void> {
    this.flush();
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  async #run(batch: Waiter<I, O>[]): Promise<void> {
    try {
      const outputs = await this.#flush(batch.map((w) => w.input));
      batch.forEach((w, i) => settle(w, () => w.resolve(outputs[i] as O)));
    } catch (err) {
      if (batch.length > 1 && this.#options.isolate?.(err) === true) {
        await Promise.all(batch.filter((w) => !w.settled).map((w) => this.#run([w])));
        return;
      }
      for (const w of batch) settle(w, () => w.reject(err));
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const fire = () => {
      this.#timer = undefined;
      this.flush();
    };
    this.#timer =
      this.#options.maxDelayMs > 0 ? setTimeout(fire, this.#options.maxDelayMs) : setImmediate(fire);
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    if (this.#options.maxDelayMs > 0) clearTimeout(this.#timer as ReturnType<typeof setTimeout>);
    else clearImmediate(this.#timer as ReturnType<typeof setImmediate>);
    this.#timer = undefined;
  }
}

function settle<I, O>(waiter: Waiter<I, O>, action: () => void): void {
  if (waiter.settled) return;
  waiter.settled = true;
  waiter.cleanup?.();
  action();
}
