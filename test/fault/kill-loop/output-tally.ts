/**
 * The kill loop's count over its output, kept while records arrive: ids seen,
 * redeliveries, and records written ahead of an earlier record of their key
 * that had not been written yet (a per-key order break).
 */
import type { Sequenced } from "./pipeline.js";

/** Figures over the output so far. */
export interface Tally {
  /** Distinct ids written. */
  unique: number;
  /** Records written again (at-least-once redelivery). */
  duplicates: number;
  /** First writes of a record after a later record of its key was written. */
  outOfOrder: number;
}

/** Counts the output of the kill loop, one record at a time in arrival order. */
export class OutputTally {
  private readonly seen = new Set<number>();
  private readonly highest = new Map<string, number>();
  private duplicates = 0;
  private outOfOrder = 0;

  /** Counts one output record (records of one key arrive in the order they were written). */
  add(record: Sequenced): void {
    if (this.seen.has(record.id)) {
      this.duplicates++;
      return;
    }
    this.seen.add(record.id);
    const highest = this.highest.get(record.key) ?? -1;
    if (record.seq < highest) this.outOfOrder++;
    else this.highest.set(record.key, record.seq);
  }

  /** The figures now. */
  snapshot(): Tally {
    return { unique: this.seen.size, duplicates: this.duplicates, outOfOrder: this.outOfOrder };
  }
}
