import type { Settleable } from "../resources/received.js";

/**
 * Consumer lag as a user means it: records behind the head of each partition
 * that are not done yet. A driver counts what it has not fetched; records
 * fetched and still in flight (stuck on a store that is down, retrying) are
 * added here, so a stalled pipeline never reads "lag 0".
 */
export class PartitionLag {
  readonly #inFlight = new Map<string, number>();

  /** Counts `count` records of `partition` handed to the steps. */
  received(partition: string, count: number): void {
    this.#inFlight.set(partition, (this.#inFlight.get(partition) ?? 0) + count);
  }

  /** Counts records settled: done, dead-lettered or left for redelivery. */
  settled(records: readonly Settleable[]): void {
    for (let i = 0; i < records.length; i++) {
      const partition = records[i]!.raw.position.partition;
      const left = (this.#inFlight.get(partition) ?? 0) - 1;
      if (left > 0) this.#inFlight.set(partition, left);
      else this.#inFlight.delete(partition);
    }
  }

  /** The driver's lag per partition plus the records in flight; empty when neither is known. */
  combine(unfetched: Readonly<Record<string, number>>): Record<string, number> {
    const lag: Record<string, number> = { ...unfetched };
    for (const [partition, count] of this.#inFlight) lag[partition] = (lag[partition] ?? 0) + count;
    return lag;
  }
}
