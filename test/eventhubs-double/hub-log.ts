/**
 * The Event Hubs test double's storage: hubs made of partitions, each an
 * append-only in-memory list of events with the service's numbering —
 * sequence numbers from 0, offsets as byte positions (text), enqueued times
 * in ms. Nothing expires; with a {@link Journal} every change is also logged
 * to a file, and replayed from it when the double starts again.
 */
import type { Message } from "rhea";
import type { Journal } from "./journal.js";

/** One stored event: the client's message as sent, and what the service stamped on it. */
export interface StoredEvent {
  message: Message;
  sequenceNumber: number;
  /** The byte position of the event in its partition, as the service's text offset. */
  offset: string;
  enqueuedTime: number;
  partitionKey: string | undefined;
}

/** Where a receiver starts, as the client's selector filter says. */
export type StartAt =
  | { by: "offset"; value: string; inclusive: boolean }
  | { by: "sequence"; value: number; inclusive: boolean }
  | { by: "enqueued"; value: number }
  | { by: "end" };

/** One partition of a hub: its events and the listeners waiting for more. */
export class Partition {
  readonly events: StoredEvent[] = [];
  private bytes = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly id: string) {}

  /** Appends events in order, stamping each; then wakes the receivers. */
  append(items: NewEvent[], now: number): void {
    for (const item of items) {
      this.events.push({
        message: item.message,
        sequenceNumber: this.events.length,
        offset: String(this.bytes),
        enqueuedTime: now,
        partitionKey: item.partitionKey,
      });
      this.bytes += item.size;
    }
    for (const listener of this.listeners) listener();
  }

  /** The index of the first event a receiver starting at `start` gets. */
  indexOf(start: StartAt): number {
    const events = this.events;
    switch (start.by) {
      case "end":
        return events.length;
      case "sequence":
        return Math.max(0, start.inclusive ? start.value : start.value + 1);
      case "offset": {
        if (start.value === "-1") return 0;
        const at = events.findIndex((e) => Number(e.offset) >= Number(start.value));
        if (at === -1) return events.length;
        return start.inclusive || events[at]!.offset !== start.value ? at : at + 1;
      }
      case "enqueued": {
        const at = events.findIndex((e) => e.enqueuedTime > start.value);
        return at === -1 ? events.length : at;
      }
    }
  }

  /** Calls `listener` after every append until the returned function is called. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** One hub: a name, a creation time and a fixed set of partitions `0…n-1`. */
export class Hub {
  readonly createdAt = Date.now();
  readonly partitions: Partition[];

  constructor(
    readonly name: string,
    partitionCount: number,
  ) {
    this.partitions = Array.from({ length: partitionCount }, (_, i) => new Partition(String(i)));
  }

  /** The partition called `id`, or undefined. */
  partition(id: string): Partition | undefined {
    return /^\d+$/.test(id) ? this.partitions[Number(id)] : undefined;
  }

  /**
   * The partition a partition key maps to. A stable FNV-1a hash: keys spread
   * and stick, but not to the partitions the real service would pick.
   */
  partitionForKey(key: string): Partition {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      hash ^= key.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return this.partitions[hash % this.partitions.length]!;
  }

  private next = 0;

  /** The partition a keyless event sent to the hub goes to: round robin. */
  nextPartition(): Partition {
    const partition = this.partitions[this.next % this.partitions.length]!;
    this.next++;
    return partition;
  }
}

/** Events as a sender link delivers them, before the partition stamps them. */
export type NewEvent = { message: Message; size: number; partitionKey: string | undefined };

/**
 * The namespace: hubs by name, created and deleted through the double's
 * control API. With a journal, the hubs and events it logged are replayed
 * first, and every change is logged before it is made.
 */
export class Namespace {
  private readonly hubs = new Map<string, Hub>();

  constructor(private readonly journal?: Journal) {
    journal?.replay({
      hub: (name, partitions) => this.addHub(name, partitions),
      drop: (name) => this.hubs.delete(name.toLowerCase()),
      events: (hub, partition, time, events) => this.get(hub)?.partition(partition)?.append(events, time),
    });
  }

  /** Creates hub `name` with `partitions` partitions; an existing hub is kept as it is. */
  create(name: string, partitions: number): Hub {
    const existing = this.hubs.get(name.toLowerCase());
    if (existing !== undefined) return existing;
    this.journal?.hubCreated(name, partitions);
    return this.addHub(name, partitions);
  }

  private addHub(name: string, partitions: number): Hub {
    const hub = new Hub(name, partitions);
    this.hubs.set(name.toLowerCase(), hub);
    return hub;
  }

  /** Removes hub `name`; returns whether it existed. */
  delete(name: string): boolean {
    if (!this.hubs.has(name.toLowerCase())) return false;
    this.journal?.hubDeleted(name);
    return this.hubs.delete(name.toLowerCase());
  }

  /** Appends `events` to a partition of `hub` at `now`, logging them first. */
  append(hub: Hub, partition: Partition, events: NewEvent[], now: number): void {
    this.journal?.appended(hub.name, partition.id, now, events);
    partition.append(events, now);
  }

  /** Hub `name` (names are case-insensitive, as in the service), or undefined. */
  get(name: string): Hub | undefined {
    return this.hubs.get(name.toLowerCase());
  }

  /** The names of every hub. */
  names(): string[] {
    return [...this.hubs.values()].map((hub) => hub.name);
  }
}
