/**
 * Per-key order of an output stream: items published in id order under a few
 * keys must come out, key by key, never ahead of an earlier item of their key.
 * Re-deliveries of an item already seen are allowed (at-least-once) and counted.
 */
import type { Stream, Subscription } from "@switchyard/core";
import type { ProcessedItem } from "../scale-out/pipeline.js";

/** A live check of the order in which items arrive, by key. */
export class KeyOrderLog {
  /** Items that arrived while an earlier item of their key had not. */
  readonly outOfOrder: string[] = [];
  /** Records beyond the first of each id. */
  duplicates = 0;
  private readonly arrived = new Set<number>();
  /** Per key, the smallest id of that key not yet arrived. */
  private readonly nextOfKey: number[];
  private readonly stop = new AbortController();
  private readonly reading: Promise<void>;
  private failure: Error | undefined;

  private constructor(
    private readonly subscription: Subscription<ProcessedItem>,
    private readonly keys: number,
  ) {
    this.nextOfKey = Array.from({ length: keys }, (_, k) => k);
    this.reading = this.read().catch((err: unknown) => {
      this.failure = err instanceof Error ? err : new Error(String(err));
    });
  }

  /** Reads `stream` from its start in a group of its own; ids `i` belong to key `i % keys`. */
  static async start(stream: Stream<ProcessedItem>, group: string, keys: number): Promise<KeyOrderLog> {
    return new KeyOrderLog(await stream.subscribe({ group, start: "earliest" }), keys);
  }

  /** Distinct ids seen. */
  get distinct(): number {
    return this.arrived.size;
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

  private see(id: number): void {
    if (this.arrived.has(id)) {
      this.duplicates++;
      return;
    }
    const key = id % this.keys;
    const next = this.nextOfKey[key]!;
    if (id !== next) this.outOfOrder.push(`key ${key}: ${id} before ${next}`);
    this.arrived.add(id);
    let pointer = next;
    while (this.arrived.has(pointer)) pointer += this.keys;
    this.nextOfKey[key] = pointer;
  }

  private async read(): Promise<void> {
    for (;;) {
      const batch = await this.subscription.receive(this.stop.signal);
      if (batch === undefined) return;
      for (const { value } of batch.records) this.see(value.id);
      if (batch.undecodable.length > 0)
        throw new Error(`${batch.undecodable.length} undecodable output records`);
      this.subscription.ack(batch.records);
    }
  }
}
