import type {
  ConsumerDriver,
  ConsumerOptions,
  IncomingRecord,
  Position,
  StartPosition,
} from "@switchyard/core/driver";
import type { ToyLog } from "./backend.js";
import { ToyError } from "./backend.js";

/**
 * A consumer of a toy stream (offset settlement). The contract the kit checks:
 * `receive` hands out each partition's records in order and buffers nothing
 * beyond what it returns; `commit` stores "next to read = after this position";
 * `close` does NOT commit, so whatever was not committed is read again by the
 * group's next consumer — that is how at-least-once survives a restart.
 */
export class ToyConsumer implements ConsumerDriver {
  /** Next offset to read, per partition. */
  readonly #next: number[];
  readonly #committed: number[];
  #turn = 0;
  #closed = false;

  constructor(
    private readonly log: ToyLog,
    private readonly stream: string,
    options: ConsumerOptions,
  ) {
    const committed = log.committed.get(options.group);
    // A group that committed before resumes there; `start` applies to new groups only.
    this.#committed =
      committed ?? log.partitions.map((records, p) => startOffset(records, String(p), options.start));
    log.committed.set(options.group, this.#committed);
    this.#next = [...this.#committed];
  }

  async receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    for (;;) {
      if (this.#closed || signal.aborted) return [];
      const records = this.#poll(max);
      if (records.length > 0) return records;
      await this.#idle(signal);
    }
  }

  /** Offset settlement: each position is the last done record of its partition; the next read starts after it. */
  async commit(positions: Position[]): Promise<void> {
    if (this.#closed) throw new ToyError("closed", `a consumer of toy stream "${this.stream}" is closed`);
    for (const { partition, offset } of positions) this.#committed[Number(partition)] = Number(offset) + 1;
  }

  /** Records behind the head of each partition, counted from the group's committed offset. */
  async lag(): Promise<Record<string, number>> {
    return Object.fromEntries(
      this.log.partitions.map((records, p) => [String(p), records.length - this.#committed[p]!]),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.log.waiters) wake();
  }

  #poll(max: number): IncomingRecord[] {
    const out: IncomingRecord[] = [];
    const count = this.log.partitions.length;
    const first = this.#turn++ % count;
    for (let i = 0; i < count && out.length < max; i++) {
      const p = (first + i) % count;
      const records = this.log.partitions[p]!;
      while (this.#next[p]! < records.length && out.length < max) {
        const offset = this.#next[p]!++;
        const r = records[offset]!;
        out.push({ ...r, id: `${p}:${offset}`, position: { partition: String(p), offset: String(offset) } });
      }
    }
    return out;
  }

  /** Waits for a send, a close or the abort. One listener per wait, removed when it ends. */
  #idle(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.log.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.log.waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** Where a new group starts in one partition: `{ offsets }` name the first record to read. */
function startOffset(records: { timestamp: number }[], partition: string, start: StartPosition): number {
  if (start === "earliest") return 0;
  if (start === "latest") return records.length;
  if ("timestamp" in start) {
    const at = records.findIndex((r) => r.timestamp >= start.timestamp);
    return at < 0 ? records.length : at;
  }
  const given = start.offsets[partition];
  if (given === undefined) return 0;
  const offset = Number(given);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new ToyError("invalid", `no offset "${given}" in partition ${partition}`);
  return Math.min(offset, records.length);
}
