import type { IncomingRecord } from "@switchyard/core/driver";

/**
 * The bounded hand-over between the SDK's push callback and core's
 * `receive(max)`. `push` waits while the buffer holds `capacity` records or
 * more, and the SDK does not fetch a partition's next batch (nor top up its
 * link credit) until its callback returns, so a consumer core does not read
 * from stops the service from sending. Records of one partition stay in order.
 */
export class RecordBuffer {
  private records: IncomingRecord[] = [];
  private head = 0;
  private spaceWaiters: (() => void)[] = [];
  private dataWaiter: (() => void) | undefined;
  private failure: Error | undefined;
  private closed = false;

  constructor(private readonly capacity: number) {}

  /** How many records wait to be received. */
  get size(): number {
    return this.records.length - this.head;
  }

  /** Adds a partition's batch once there is room. Resolves false (dropping it) when the buffer closed meanwhile. */
  async push(batch: IncomingRecord[]): Promise<boolean> {
    while (!this.closed && this.size >= this.capacity) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) return false;
    for (const record of batch) this.records.push(record);
    this.wakeReader();
    return true;
  }

  /**
   * Takes up to `max` records, waiting until one is there, the signal aborts
   * (then `[]`) or a failure was reported (then it throws, once).
   */
  async take(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    while (this.size === 0) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        throw failure;
      }
      if (this.closed || signal.aborted) return [];
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          this.dataWaiter = undefined;
          resolve();
        };
        this.dataWaiter = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
    const end = Math.min(this.records.length, this.head + max);
    const out = this.records.slice(this.head, end);
    this.head = end;
    if (this.head === this.records.length) {
      this.records = [];
      this.head = 0;
    }
    this.wakeWriters();
    return out;
  }

  /** Forgets the records of a partition this consumer no longer owns; its new owner reads them again. */
  dropPartition(partition: string): void {
    this.records = this.records.slice(this.head).filter((r) => r.position.partition !== partition);
    this.head = 0;
    this.wakeWriters();
  }

  /** Makes the next `take` on an empty buffer throw `err` (an error the SDK cannot recover from). */
  fail(err: Error): void {
    this.failure = err;
    this.wakeReader();
  }

  /** Releases every waiter: pushes resolve false, takes return what is left, then `[]`. */
  close(): void {
    this.closed = true;
    this.wakeWriters();
    this.wakeReader();
  }

  private wakeReader(): void {
    this.dataWaiter?.();
  }

  private wakeWriters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }
}
