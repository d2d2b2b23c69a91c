import type { Item } from "./batch.js";

/** The record a key waits on, and the later records of the key set aside behind it, in stream order. */
interface Hold {
  blocker: Item;
  queue: Item[];
}

/**
 * The keys of one partition that are held back: while a record is being
 * retried (or is on its way to the dead-letter stream), the later records of
 * its key wait here, each at the step it had reached, until that record is
 * settled. Records without a key count as one key, so where keys are unknown
 * a retried record holds back the rest of its partition.
 */
export class KeyHolds {
  private readonly holds = new Map<string | undefined, Hold>();

  /** Records set aside, in all. */
  waiting = 0;

  /** Keys held now. */
  get size(): number {
    return this.holds.size;
  }

  /** Whether `item` must wait: an earlier record of its key is being retried. */
  blocks(item: Item): boolean {
    if (this.holds.size === 0) return false;
    const hold = this.holds.get(item.key);
    return hold !== undefined && item.rec.ordinal > hold.blocker.rec.ordinal;
  }

  /** Sets `item` aside behind its key's blocker, to resume at `step`. */
  defer(item: Item, step: number): void {
    item.step = step;
    const queue = this.holds.get(item.key)!.queue;
    let at = queue.length;
    while (at > 0 && queue[at - 1]!.rec.ordinal > item.rec.ordinal) at--;
    queue.splice(at, 0, item);
    this.waiting++;
  }

  /**
   * Holds `item`'s key behind it because it failed. When a later record of the
   * key was the blocker (it failed at an earlier step), `item` takes its place
   * and that record is returned: the caller sets it aside behind `item`.
   */
  hold(item: Item): Item | undefined {
    const hold = this.holds.get(item.key);
    if (hold === undefined) {
      this.holds.set(item.key, { blocker: item, queue: [] });
      return undefined;
    }
    if (hold.blocker === item || hold.blocker.rec.ordinal < item.rec.ordinal) return undefined;
    const displaced = hold.blocker;
    hold.blocker = item;
    return displaced;
  }

  /** Whether `item` holds its key back. */
  isBlocker(item: Item): boolean {
    return this.holds.size > 0 && this.holds.get(item.key)?.blocker === item;
  }

  /** Ends the hold `item` put on its key; returns the records that waited behind it, in stream order. */
  release(item: Item): Item[] {
    const hold = this.holds.get(item.key);
    if (hold?.blocker !== item) return [];
    this.holds.delete(item.key);
    this.waiting -= hold.queue.length;
    return hold.queue;
  }
}
