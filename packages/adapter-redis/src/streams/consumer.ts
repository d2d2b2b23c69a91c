import type { ConsumerDriver, IncomingRecord, Position } from "@switchyard/core/driver";
import type { Redis } from "ioredis";
import { sendBuffer } from "../connection.js";
import type { StreamSettings } from "./settings.js";
import { recordOf } from "./transform.js";

/** What a consumer needs from the stream that opened it. */
export interface ConsumerSetup {
  /** The shared connection, for XACK, XAUTOCLAIM and reads that do not block. */
  client: Redis;
  /** A connection of its own for blocking XREADGROUP, so a long block delays nobody else. */
  blocking: Redis;
  /** The stream's settings. */
  settings: StreamSettings;
  /** The consumer group. */
  group: string;
  /** This consumer's name in the group. */
  consumer: string;
  /** Called once on close. */
  onClose: () => void;
}

/** Reply of XREADGROUP with buffers: per stream key, its entries (`fields` is null for deleted ones). */
type ReadReply = [Buffer, [Buffer, Buffer[] | null][]][] | null;
/** Reply of XAUTOCLAIM with buffers: next cursor, claimed entries, deleted ids. */
type ClaimReply = [Buffer, [Buffer, Buffer[] | null][], Buffer[]?];

/**
 * A member of a Redis Streams consumer group. Each record is settled on its own
 * (`ack` settlement): commit is XACK, nack makes the record claimable at once.
 * Every receive first takes over records that other (dead or stuck) consumers
 * left unacknowledged for `claimIdleMs` (XAUTOCLAIM, checked at most once a
 * second); after a restart under the same name it first reads its own pending
 * records; then it blocks for new ones on its own connection, at most `blockMs`
 * at a time.
 */
export class RedisStreamConsumer implements ConsumerDriver {
  readonly #setup: ConsumerSetup;
  readonly #partitionOfKey: Map<string, string>;
  /** Records read from the server but not yet returned (at most one read's worth). */
  #backlog: IncomingRecord[] = [];
  /** Records read and not yet settled, by `partition/id`: XAUTOCLAIM must not hand them to us twice. */
  readonly #held = new Set<string>();
  /** Own pending ids still to re-read after a restart, per key; undefined once done. */
  #history: Map<string, string> | undefined;
  readonly #claimCursors: Map<string, string>;
  #lastClaimAt = 0;
  #inflight: Promise<IncomingRecord[]> | undefined;
  #closed = false;

  constructor(setup: ConsumerSetup) {
    this.#setup = setup;
    const { keys } = setup.settings;
    this.#partitionOfKey = new Map(keys.map((key, i) => [key, String(i)]));
    this.#history = new Map(keys.map((key) => [key, "0"]));
    this.#claimCursors = new Map(keys.map((key) => [key, "0-0"]));
  }

  async receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    if (this.#backlog.length > 0) return this.#deliver([], max);
    while (!signal.aborted && !this.#closed) {
      const claimed = await this.#claimIdle(max);
      if (claimed.length > 0) return this.#deliver(claimed, max);
      if (this.#history !== undefined) {
        const own = await this.#readOwnPending(max);
        if (own.length > 0) return this.#deliver(own, max);
        continue;
      }
      const fresh = await this.#readNew(max, signal);
      if (fresh.length > 0) return this.#deliver(fresh, max);
    }
    return [];
  }

  async commit(positions: Position[]): Promise<void> {
    const byKey = this.#idsByKey(positions);
    await Promise.all(
      [...byKey].map(([key, ids]) => this.#setup.client.xack(key, this.#setup.group, ...ids)),
    );
  }

  async nack(positions: Position[]): Promise<void> {
    const { client, group, consumer, settings } = this.#setup;
    const byKey = this.#idsByKey(positions);
    // Marking them idle for claimIdleMs makes the next XAUTOCLAIM (ours or another consumer's) take them.
    const idle = String(settings.claimIdleMs);
    await Promise.all(
      [...byKey].map(([key, ids]) => client.xclaim(key, group, consumer, 0, ...ids, "IDLE", idle, "JUSTID")),
    );
    this.#lastClaimAt = 0;
  }

  async lag(): Promise<Record<string, number>> {
    const lag: Record<string, number> = {};
    for (const [key, partition] of this.#partitionOfKey) {
      const groups = (await this.#setup.client.xinfo("GROUPS", key)) as unknown[][];
      for (const fields of groups) {
        const info = new Map<unknown, unknown>();
        for (let i = 0; i + 1 < fields.length; i += 2) info.set(fields[i], fields[i + 1]);
        if (info.get("name") === this.#setup.group && typeof info.get("lag") === "number") {
          lag[partition] = info.get("lag") as number;
        }
      }
    }
    return lag;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Ends a blocking read at once; records it may have taken stay pending for a restart or a takeover.
    this.#setup.blocking.disconnect();
    this.#setup.onClose();
  }

  #deliver(records: IncomingRecord[], max: number): IncomingRecord[] {
    for (const record of records) this.#held.add(`${record.position.partition}/${record.position.offset}`);
    this.#backlog.push(...records);
    return this.#backlog.splice(0, Math.max(1, max));
  }

  /** Takes over records idle for claimIdleMs, at most once a second (or right after a nack). */
  async #claimIdle(max: number): Promise<IncomingRecord[]> {
    const { client, group, consumer, settings } = this.#setup;
    const now = Date.now();
    if (now - this.#lastClaimAt < Math.min(settings.claimIdleMs, 1000)) return [];
    this.#lastClaimAt = now;
    const claimed: IncomingRecord[] = [];
    for (const [key, partition] of this.#partitionOfKey) {
      if (claimed.length >= max) break;
      const cursor = this.#claimCursors.get(key) ?? "0-0";
      const idle = String(settings.claimIdleMs);
      const count = String(max - claimed.length);
      const reply = (await sendBuffer(client, "XAUTOCLAIM", [
        key,
        group,
        consumer,
        idle,
        cursor,
        "COUNT",
        count,
      ])) as ClaimReply;
      this.#claimCursors.set(key, reply[0].toString("latin1"));
      for (const [id, fields] of reply[1]) {
        const record = recordOf(id.toString("latin1"), fields, partition);
        if (record !== undefined && !this.#held.has(`${partition}/${record.position.offset}`))
          claimed.push(record);
      }
    }
    return claimed;
  }

  /** Re-reads this consumer's own unacknowledged records (delivered before a restart). */
  async #readOwnPending(max: number): Promise<IncomingRecord[]> {
    const history = this.#history!;
    const { client, group, consumer } = this.#setup;
    const keys = [...history.keys()];
    const count = String(Math.max(1, Math.floor(max / keys.length)));
    const args = [
      "GROUP",
      group,
      consumer,
      "COUNT",
      count,
      "STREAMS",
      ...keys,
      ...keys.map((k) => history.get(k)!),
    ];
    const reply = (await sendBuffer(client, "XREADGROUP", args)) as ReadReply;
    const records: IncomingRecord[] = [];
    const gone: Position[] = [];
    for (const key of keys) {
      const entries = reply?.find(([name]) => name.toString("utf8") === key)?.[1] ?? [];
      if (entries.length === 0) {
        history.delete(key);
        continue;
      }
      const partition = this.#partitionOfKey.get(key)!;
      for (const [rawId, fields] of entries) {
        const id = rawId.toString("latin1");
        history.set(key, id);
        const record = recordOf(id, fields, partition);
        if (record === undefined) gone.push({ partition, offset: id });
        else records.push(record);
      }
    }
    // Entries trimmed away while pending can never be delivered: drop them from the pending list.
    if (gone.length > 0) await this.commit(gone);
    if (history.size === 0) this.#history = undefined;
    return records;
  }

  /** Blocks for new records; on abort returns [] and keeps the read for the next receive. */
  async #readNew(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    if (this.#inflight === undefined) {
      const { blocking, group, consumer, settings } = this.#setup;
      const { keys } = settings;
      const count = String(Math.max(1, Math.floor(max / keys.length)));
      const block = String(settings.blockMs);
      const args = [
        "GROUP",
        group,
        consumer,
        "COUNT",
        count,
        "BLOCK",
        block,
        "STREAMS",
        ...keys,
        ...keys.map(() => ">"),
      ];
      const read = sendBuffer(blocking, "XREADGROUP", args).then((reply) =>
        this.#records(reply as ReadReply),
      );
      read.catch(() => undefined);
      this.#inflight = read;
    }
    const inflight = this.#inflight;
    try {
      const records = await untilAborted(inflight, signal);
      if (records === undefined) return [];
      this.#inflight = undefined;
      return records;
    } catch (err) {
      this.#inflight = undefined;
      if (this.#closed) return [];
      throw err;
    }
  }

  #records(reply: ReadReply): IncomingRecord[] {
    const records: IncomingRecord[] = [];
    for (const [rawKey, entries] of reply ?? []) {
      const partition = this.#partitionOfKey.get(rawKey.toString("utf8")) ?? "0";
      for (const [id, fields] of entries) {
        const record = recordOf(id.toString("latin1"), fields, partition);
        if (record !== undefined) records.push(record);
      }
    }
    return records;
  }

  #idsByKey(positions: readonly Position[]): Map<string, string[]> {
    const { keys } = this.#setup.settings;
    const byKey = new Map<string, string[]>();
    for (const { partition, offset } of positions) {
      this.#held.delete(`${partition}/${offset}`);
      const key = keys[Number(partition)] ?? keys[0]!;
      const ids = byKey.get(key);
      if (ids === undefined) byKey.set(key, [offset]);
      else ids.push(offset);
    }
    return byKey;
  }
}

/** Resolves with the promise's value, or with undefined as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
