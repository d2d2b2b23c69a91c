/**
 * What the scale-out pipeline's instances wrote, read live from the output
 * stream in a group of its own: how often each id arrived and how many records
 * each instance wrote.
 */
import type { Stream, Subscription } from "@switchyard/core";
import type { ProcessedItem } from "./scale-out/pipeline.js";

/** A live tally of the `processed` stream. */
export class ProcessedLog {
  /** Times each id arrived. */
  readonly arrivals = new Map<number, number>();
  /** Records written by each instance. */
  readonly byInstance = new Map<string, number>();
  /** Records read in all. */
  records = 0;
  private readonly stop = new AbortController();
  private readonly reading: Promise<void>;
  private failure: Error | undefined;

  private constructor(private readonly subscription: Subscription<ProcessedItem>) {
    this.reading = this.read().catch((err: unknown) => {
      this.failure = err instanceof Error ? err : new Error(String(err));
    });
  }

  /** Joins a new consumer group on `stream` (from the earliest record) and starts counting. */
  static async start(stream: Stream<ProcessedItem>, group: string): Promise<ProcessedLog> {
    return new ProcessedLog(await stream.subscribe({ group, start: "earliest" }));
  }

  /** Distinct ids seen. */
  get distinct(): number {
    return this.arrivals.size;
  }

  /** Records beyond the first of each id. */
  get duplicates(): number {
    return this.records - this.arrivals.size;
  }

  /** Records written by `instance`. */
  countOf(instance: string): number {
    return this.byInstance.get(instance) ?? 0;
  }

  /** Throws what stopped the reading, if anything did. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops reading and leaves the group. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.reading;
    await this.subscription.close();
  }

  private async read(): Promise<void> {
    for (;;) {
      const batch = await this.subscription.receive(this.stop.signal);
      if (batch === undefined) return;
      for (const { value } of batch.records) {
        this.arrivals.set(value.id, (this.arrivals.get(value.id) ?? 0) + 1);
        this.byInstance.set(value.by, (this.byInstance.get(value.by) ?? 0) + 1);
      }
      this.records += batch.records.length;
      if (batch.undecodable.length > 0)
        throw new Error(`${batch.undecodable.length} undecodable output records`);
      this.subscription.ack(batch.records);
    }
  }
}
