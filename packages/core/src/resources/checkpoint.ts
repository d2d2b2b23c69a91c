import type { Position } from "../driver/index.js";

/**
 * The records of one partition received but not yet committed, in receipt
 * order. A record is identified by its ordinal (its index in receipt order);
 * `markDone` may come in any order, and the committable position only ever
 * advances over a contiguous run of done records.
 */
export class PartitionCheckpoint {
  /** The partition id. */
  readonly partition: string;
  /** Set when the partition was revoked or abandoned: late acknowledgements are ignored. */
  released = false;
  private base = 0; // ordinal of positions[head]
  private head = 0;
  private readonly positions: Position[] = [];
  private readonly done: boolean[] = [];
  private committed: Position | undefined;
  private lastDone: Position | undefined;
  private outstanding = 0;
  private waiters: (() => void)[] = [];

  constructor(partition: string) {
    this.partition = partition;
  }

  /** Records received positions in order; returns the ordinal of the first. */
  track(positions: readonly Position[]): number {
    const first = this.base + (this.positions.length - this.head);
    for (const p of positions) {
      this.positions.push(p);
      this.done.push(false);
    }
    this.outstanding += positions.length;
    return first;
  }

  /** Marks `count` records starting at ordinal `from` done. Unknown or repeated ordinals are ignored. */
  markDone(from: number, count = 1): void {
    if (this.released) return;
    for (let ordinal = from; ordinal < from + count; ordinal++) {
      const index = this.head + (ordinal - this.base);
      if (index < this.head || index >= this.done.length || this.done[index] === true) continue;
      this.done[index] = true;
      this.outstanding--;
    }
    this.advance();
    if (this.outstanding === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Records received and not yet done. */
  get pending(): number {
    return this.outstanding;
  }

  /** The position to commit now (the last of the contiguous done run), or undefined when nothing advanced since the last commit. */
  committable(): Position | undefined {
    if (this.lastDone === undefined || this.lastDone.offset === this.committed?.offset) return undefined;
    return this.lastDone;
  }

  /** Records that the back end accepted a commit of `position`; until then the position stays committable. */
  markCommitted(position: Position): void {
    this.committed = position;
  }

  /** Resolves once every tracked record is done. */
  drained(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private advance(): void {
    let i = this.head;
    while (i < this.done.length && this.done[i] === true) i++;
    if (i === this.head) return;
    this.lastDone = this.positions[i - 1];
    this.base += i - this.head;
    this.head = i;
    if (this.head > 1024 && this.head * 2 > this.positions.length) {
      this.positions.splice(0, this.head);
      this.done.splice(0, this.head);
      this.head = 0;
    }
  }
}
