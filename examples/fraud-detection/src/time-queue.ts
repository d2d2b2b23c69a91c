/** A min-heap of items ordered by time: the generator's schedule of future fraudulent transactions. */
export class TimeQueue<T extends { ts: number }> {
  private readonly items: T[] = [];

  /** How many items are scheduled. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest item's time, or `Infinity` when empty. */
  peekTime(): number {
    return this.items[0]?.ts ?? Infinity;
  }

  /** Schedules an item. */
  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.ts <= item.ts) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.ts < items[left]!.ts ? right : left;
      if (items[child]!.ts >= last.ts) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
