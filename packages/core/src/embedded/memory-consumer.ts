import { SwitchyardError } from "../errors.js";
import type { IncomingRecord, Position } from "../driver/record.js";
import type { AssignmentChange, ConsumerDriver, ConsumerOptions, StartPosition } from "../driver/stream.js";
import type { ConsumerGroup, GroupMember } from "./memory-group.js";
import type { LogWatcher, MemoryLog } from "./memory-log.js";

type AssignmentListener = (change: AssignmentChange) => Promise<void>;

/**
 * A consumer of a `memory://` stream in a consumer group. It buffers nothing:
 * `receive` slices records straight out of the partitions it owns, starting
 * each call at the next partition in turn so none is starved.
 */
export class MemoryConsumer implements ConsumerDriver, GroupMember, LogWatcher {
  /** The consumer's name in its group. */
  readonly name: string;
  /** Where to start on partitions the group never committed. */
  readonly start: StartPosition;
  private readonly log: MemoryLog;
  private readonly group: ConsumerGroup;
  /** Next offset to read, per partition this consumer may read from. */
  private readonly fetch = new Map<number, number>();
  /** The readable partitions, ascending. */
  private readable: number[] = [];
  /** Every owned partition (readable or draining) with the offset it was assigned at. */
  private readonly assignedAt = new Map<number, number>();
  private turn = 0;
  private listener: AssignmentListener | undefined;
  private listenerError: Error | undefined;
  private wakeUp: (() => void) | undefined;
  private state: "open" | "closed" | "fenced" = "open";

  constructor(log: MemoryLog, options: ConsumerOptions) {
    this.log = log;
    this.group = log.group(options.group);
    this.name = options.consumerName;
    this.start = options.start;
  }

  /** Joins the group; resolves once this consumer has its share of partitions. */
  join(): Promise<void> {
    return this.group.join(this);
  }

  async receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    if (!Number.isInteger(max) || max < 1) {
      throw new SwitchyardError(
        "InvalidArgument",
        `receive(max): max must be a positive integer, got ${max}`,
      );
    }
    this.assertUsable();
    for (;;) {
      if (this.listenerError !== undefined) {
        const err = this.listenerError;
        this.listenerError = undefined;
        throw err;
      }
      if (this.state !== "open" || signal.aborted) return [];
      const records = this.poll(max);
      if (records.length > 0) return records;
      await this.idle(signal);
    }
  }

  async commit(positions: Position[]): Promise<void> {
    this.group.commit(this, positions);
  }

  onAssignment(listener: AssignmentListener): void {
    this.listener = listener;
    // The group assigned partitions while the consumer was being opened, before a listener existed.
    if (this.assignedAt.size > 0)
      void this.tell({ assigned: this.ids([...this.assignedAt.keys()]), revoked: [] });
  }

  async lag(): Promise<Record<string, number>> {
    const lag: Record<string, number> = {};
    for (const [p, assignedAt] of this.assignedAt) {
      const partition = this.log.partitions[p]!;
      const done = Math.max(this.group.committedOffset(p) ?? assignedAt, partition.earliest);
      lag[partition.id] = Math.max(0, partition.next - done);
    }
    return lag;
  }

  async close(): Promise<void> {
    if (this.state === "closed") return;
    const wasOpen = this.state === "open";
    this.state = "closed";
    this.wake();
    if (wasOpen) await this.group.leave(this);
  }

  async revoke(partitions: number[]): Promise<void> {
    for (const p of partitions) this.fetch.delete(p);
    this.readable = this.readable.filter((p) => !partitions.includes(p));
    await this.tell({ assigned: [], revoked: this.ids(partitions) });
    for (const p of partitions) this.assignedAt.delete(p);
  }

  async assign(partitions: number[], offsets: number[]): Promise<void> {
    partitions.forEach((p, i) => {
      this.fetch.set(p, offsets[i]!);
      this.assignedAt.set(p, offsets[i]!);
    });
    this.readable = [...this.readable, ...partitions].sort((a, b) => a - b);
    await this.tell({ assigned: this.ids(partitions), revoked: [] });
    this.wake();
  }

  fence(): void {
    this.state = "fenced";
    this.wake();
  }

  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  private poll(max: number): IncomingRecord[] {
    const count = this.readable.length;
    if (count === 0) return [];
    const first = this.turn++ % count;
    let remaining = max;
    const chunks: IncomingRecord[][] = [];
    for (let i = 0; i < count && remaining > 0; i++) {
      const p = this.readable[(first + i) % count]!;
      const partition = this.log.partitions[p]!;
      // A consumer that fell behind retention continues at the earliest record still kept.
      const from = Math.max(this.fetch.get(p)!, partition.earliest);
      if (from >= partition.next) continue;
      const chunk = partition.read(from, remaining);
      this.fetch.set(p, from + chunk.length);
      remaining -= chunk.length;
      chunks.push(chunk);
    }
    return chunks.length === 1 ? chunks[0]! : ([] as IncomingRecord[]).concat(...chunks);
  }

  private idle(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        this.log.unwatch(this);
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
      this.log.watch(this);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private async tell(change: AssignmentChange): Promise<void> {
    if (this.listener === undefined) return;
    try {
      await this.listener(change);
    } catch (err) {
      // As with Kafka's rebalance listener, the failure surfaces from the next receive.
      this.listenerError =
        err instanceof Error
          ? err
          : new SwitchyardError("Unknown", `assignment listener failed: ${String(err)}`);
      this.wake();
    }
  }

  private ids(partitions: number[]): string[] {
    return partitions.map((p) => this.log.partitions[p]!.id);
  }

  private assertUsable(): void {
    if (this.state === "fenced") {
      throw new SwitchyardError(
        "FailedPrecondition",
        `consumer "${this.name}" of group "${this.group.name}" was replaced by a newer consumer with its name`,
      );
    }
    if (this.state === "closed") {
      throw new SwitchyardError("FailedPrecondition", `consumer "${this.name}" is closed`);
    }
  }
}
