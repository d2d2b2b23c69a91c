/**
 * What the scale-out instances wrote to `processed`, read live in a group of
 * its own on an ordered subscription: how often each id arrived, which
 * instance wrote it, and, per key, the order in which ids first arrived.
 */
import type { Stream, Subscription } from "@switchyard/core";
import type { ProcessedItem } from "../scale-out/pipeline.js";

/** A live tally of the `processed` stream, by id, instance and key. */
export class KeyedLog {
  /** Times each id arrived. */
  readonly arrivals = new Map<number, number>();
  /** Records written by each instance. */
  readonly byInstance = new Map<string, number>();
  /** Per key, the ids in the order they first arrived. */
  readonly firstByKey = new Map<string, number[]>();
  /** Records read in all. */
  records = 0;
  readonly #stop = new AbortController();
  readonly #reading: Promise<void>;
  #failure: Error | undefined;

  private constructor(private readonly subscription: Subscription<ProcessedItem>) {
    this.#reading = this.#read().catch((err: unknown) => {
      this.#failure = err instanceof Error ? err : new Error(String(err));
    });
  }

  /** Joins a new group on `stream` and starts counting. */
  static async start(stream: Stream<ProcessedItem>, group: string): Promise<KeyedLog> {
    return new KeyedLog(await stream.subscribe({ group }));
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

  /** Keys whose ids did not first arrive in increasing (publish) order, with that order. */
  outOfOrder(): string[] {
    const wrong: string[] = [];
    for (const [key, ids] of this.firstByKey) {
      if (ids.some((id, i) => i > 0 && id < ids[i - 1]!)) wrong.push(`${key}: ${ids.join(",")}`);
    }
    return wrong;
  }

  /** Throws what stopped the reading, if anything did. */
  check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Stops reading and leaves the group. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#reading;
    await this.subscription.close();
  }

  async #read(): Promise<void> {
    for (;;) {
      const batch = await this.subscription.receive(this.#stop.signal);
      if (batch === undefined) return;
      for (const { key, value } of batch.records) {
        const seen = this.arrivals.get(value.id) ?? 0;
        if (seen === 0) {
          const ids = this.firstByKey.get(key ?? "") ?? [];
          ids.push(value.id);
          this.firstByKey.set(key ?? "", ids);
        }
        this.arrivals.set(value.id, seen + 1);
        this.byInstance.set(value.by, (this.byInstance.get(value.by) ?? 0) + 1);
      }
      this.records += batch.records.length;
      if (batch.undecodable.length > 0)
        throw new Error(`${batch.undecodable.length} undecodable output records`);
      this.subscription.ack(batch.records);
    }
  }
}
