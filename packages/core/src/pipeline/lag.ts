import type { Settleable } from "../resources/received.js";

/**
 * Consumer lag as a user means it: records behind the head of each partition
 * that are not done yet. Some drivers count from the committed position (memory,
 * Kafka), others from what they have fetched (Redis Streams), which reads 0 while
 * every fetched record is stuck on a store that is down. Each partition's lag is
 * therefore at least its records in flight, so a stalled pipeline never reads "lag 0".
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

  /** The driver's lag per partition, raised to the records in flight where that is more; empty when neither is known. */
  combine(reported: Readonly<Record<string, number>>): Record<string, number> {
    const lag: Record<string, number> = { ...reported };
    for (const [partition, count] of this.#inFlight) lag[partition] = Math.max(lag[partition] ?? 0, count);
    return lag;
  }
}
