import { SwitchyardError } from "../errors.js";
import type { OutgoingRecord, SendResult } from "../driver/record.js";
import { ConsumerGroup } from "./memory-group.js";
import { MemoryPartition } from "./memory-partition.js";
import { partitionForKey } from "./murmur2.js";

/** Something waiting for records to arrive in a log. */
export interface LogWatcher {
  /** Called once, synchronously, after the next append. */
  wake(): void;
}

/** How a `memory://` stream is laid out; fixed when the stream is first opened. */
export interface MemoryLogSettings {
  /** Number of partitions. Default 1 (Kafka's default for a new topic). */
  partitions?: number;
  /** Records kept per partition before the oldest are dropped. Default: unbounded. */
  retention?: number;
}

/**
 * The in-process log behind one `memory://name` stream: partitions, the
 * consumer groups reading them, and the consumers waiting for records.
 */
export class MemoryLog {
  /** The stream's name. */
  readonly name: string;
  /** The partitions, indexed by partition number. */
  readonly partitions: readonly MemoryPartition[];
  /** Records kept per partition. */
  readonly retention: number;
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly watchers = new Set<LogWatcher>();
  private nextUnkeyed = 0;

  constructor(name: string, partitions: number, retention: number) {
    this.name = name;
    this.retention = retention;
    this.partitions = Array.from({ length: partitions }, (_, i) => new MemoryPartition(i, retention));
  }

  /**
   * Appends records whose (already copied) payloads are `slab[bounds[2i], bounds[2i+1])`:
   * keyed records by Kafka's key hash, the others round-robin. Wakes waiting consumers.
   */
  append(records: readonly OutgoingRecord[], slab: Uint8Array, bounds: readonly number[]): SendResult[] {
    const count = this.partitions.length;
    const results = new Array<SendResult>(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const index =
        count === 1 ? 0 : r.key === undefined ? this.nextUnkeyed++ % count : partitionForKey(r.key, count);
      const partition = this.partitions[index]!;
      const offset = partition.append(
        r.key,
        slab,
        bounds[2 * i]!,
        bounds[2 * i + 1]!,
        r.headers,
        r.timestamp,
      );
      results[i] = { id: `${partition.id}:${offset}`, partition: partition.id };
    }
    if (this.watchers.size > 0) {
      for (const watcher of this.watchers) watcher.wake();
      this.watchers.clear();
    }
    return results;
  }

  /** The partition index for a partition id, or `undefined` if the stream has no such partition. */
  partitionIndex(id: string): number | undefined {
    const index = Number(id);
    return id !== "" && Number.isInteger(index) && index >= 0 && index < this.partitions.length
      ? index
      : undefined;
  }

  /** The named consumer group, created empty on first use. */
  group(name: string): ConsumerGroup {
    let group = this.groups.get(name);
    if (group === undefined) {
      group = new ConsumerGroup(name, this);
      this.groups.set(name, group);
    }
    return group;
  }

  /** Registers a watcher to wake on the next append. */
  watch(watcher: LogWatcher): void {
    this.watchers.add(watcher);
  }

  /** Removes a watcher that no longer waits. */
  unwatch(watcher: LogWatcher): void {
    this.watchers.delete(watcher);
  }
}

/** Every `memory://` stream of this process, by name. */
const logs = new Map<string, MemoryLog>();

/**
 * The process-wide log for a stream name, created on first use. A later open
 * that asks for a different layout is refused instead of silently ignored.
 */
export function openMemoryLog(name: string, settings: MemoryLogSettings = {}): MemoryLog {
  const existing = logs.get(name);
  if (existing === undefined) {
    const log = new MemoryLog(name, settings.partitions ?? 1, settings.retention ?? Number.POSITIVE_INFINITY);
    logs.set(name, log);
    return log;
  }
  const conflict =
    settings.partitions !== undefined && settings.partitions !== existing.partitions.length
      ? `partitions=${existing.partitions.length}`
      : settings.retention !== undefined && settings.retention !== existing.retention
        ? `retention=${existing.retention}`
        : undefined;
  if (conflict !== undefined) {
    throw new SwitchyardError(
      "FailedPrecondition",
      `memory stream "${name}" is already open with ${conflict} in this process; ` +
        "use the same settings in every URL for it (or leave them out to adopt the existing ones)",
    );
  }
  return existing;
}

/**
 * Forgets every `memory://` stream of this process, with its records and
 * consumer groups. For tests; drivers already open keep their old log.
 */
export function resetMemoryStreams(): void {
  logs.clear();
}
