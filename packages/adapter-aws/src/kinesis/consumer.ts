/**
 * A Kinesis consumer in a group: shard leases in a DynamoDB table decide which
 * shards it reads; it polls each held shard within its GetRecords limit and
 * stores checkpoints in the leases.
 */
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type {
  AssignmentChange,
  ConsumerDriver,
  ConsumerOptions,
  IncomingRecord,
  Position,
} from "@switchyard/core/driver";
import type { Lease } from "./lease.js";
import { SHARD_END } from "./lease.js";
import type { LeaseTable } from "./lease-table.js";
import { ShardLeases } from "./shard-leases.js";
import { ShardReader, checkpointPosition, parseOffset } from "./shard-reader.js";

/** How a consumer reads and leases. */
export interface KinesisConsumerSettings {
  /** The stream. */
  stream: string;
  /** Lease expiry without renewal, ms. */
  failoverMs: number;
  /** Whether record data carries the Switchyard envelope. */
  envelope: boolean;
  /** The most records one GetRecords call asks for. */
  maxRecords: number;
  /** Called with errors of background lease work. */
  onError: (err: unknown) => void;
}

type Listener = (change: AssignmentChange) => Promise<void>;

/** The ConsumerDriver of a Kinesis stream. */
export class KinesisConsumer implements ConsumerDriver {
  private readonly readers = new Map<string, ShardReader>();
  private readonly leases: ShardLeases;
  private listener: Listener | undefined;
  private readonly startTimestamp: number | undefined;
  private closed = false;
  private turn = 0;

  private constructor(
    private readonly client: KinesisClient,
    table: LeaseTable,
    private readonly settings: KinesisConsumerSettings,
    options: ConsumerOptions,
  ) {
    const start = options.start;
    this.startTimestamp = typeof start === "object" && "timestamp" in start ? start.timestamp : undefined;
    this.leases = new ShardLeases(client, table, {
      stream: settings.stream,
      owner: options.consumerName,
      start,
      failoverMs: settings.failoverMs,
      onTaken: (lease) => this.taken(lease),
      onLost: (shard) => this.revoke(shard),
      onHandoff: (shard) => this.handOver(shard),
      onError: settings.onError,
    });
  }

  /** Creates the lease table if needed, writes leases for the stream's shards and takes this consumer's share. */
  static async open(
    client: KinesisClient,
    table: LeaseTable,
    settings: KinesisConsumerSettings,
    options: ConsumerOptions,
    signal: AbortSignal,
  ): Promise<KinesisConsumer> {
    await table.ensure(signal);
    const consumer = new KinesisConsumer(client, table, settings, options);
    await consumer.leases.start(signal);
    return consumer;
  }

  async receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    while (!signal.aborted && !this.closed) {
      const now = Date.now();
      // No more shards than records asked for, so every shard's share is at least one and none is dropped.
      const readers = this.rotation()
        .filter((r) => r.dueAt() <= now)
        .slice(0, Math.max(1, max));
      if (readers.length > 0) {
        const share = Math.max(1, Math.floor(max / readers.length));
        // Settled one by one: records one shard read are handed out even when another shard's read failed.
        const outcomes = await Promise.allSettled(readers.map((r) => r.read(share, signal)));
        const records: IncomingRecord[] = [];
        let failure: PromiseRejectedResult | undefined;
        outcomes.forEach((outcome, i) => {
          if (outcome.status === "rejected") failure ??= outcome;
          // A shard handed over or lost while its read was under way: its records belong to the next owner.
          else if (this.readers.get(readers[i]!.shard) === readers[i]) records.push(...outcome.value);
        });
        for (const reader of readers) if (reader.ended) await this.finishIfDone(reader);
        if (records.length > 0) return records;
        if (failure !== undefined) throw failure.reason as Error;
      }
      await sleepUntil(this.nextDue(), signal);
    }
    return [];
  }

  async commit(positions: Position[]): Promise<void> {
    const signal = AbortSignal.timeout(10_000);
    await Promise.all(
      positions.map(async ({ partition, offset }) => {
        const reader = this.readers.get(partition);
        if (
          reader?.ended === true &&
          reader.lastOffset === offset &&
          this.leases.lease(partition) !== undefined
        ) {
          await this.finish(reader, signal);
          return;
        }
        const { sequence, sub } = parseOffset(offset);
        await this.leases.checkpoint(partition, sequence, sub, signal);
      }),
    );
  }

  onAssignment(listener: Listener): void {
    this.listener = listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.leases.close();
    this.readers.clear();
  }

  /** Held shards, starting one further each call so no shard waits behind the others. */
  private rotation(): ShardReader[] {
    const all = [...this.readers.values()];
    const at = this.turn++ % Math.max(1, all.length);
    return [...all.slice(at), ...all.slice(0, at)];
  }

  private nextDue(): number {
    let next = Date.now() + 250;
    for (const reader of this.readers.values()) next = Math.min(next, reader.dueAt());
    return next;
  }

  private taken(lease: Lease): void {
    const checkpoint = checkpointPosition(lease.checkpoint, lease.checkpointSubSequenceNumber);
    this.readers.set(
      lease.leaseKey,
      new ShardReader(this.client, {
        stream: this.settings.stream,
        shard: lease.leaseKey,
        checkpoint,
        startTimestamp: this.startTimestamp,
        envelope: this.settings.envelope,
        maxRecords: this.settings.maxRecords,
      }),
    );
    void this.listener?.({ assigned: [lease.leaseKey], revoked: [] }).catch(this.settings.onError);
  }

  /** A shard read to its end with nothing handed out since the last checkpoint is finished at once. */
  private async finishIfDone(reader: ShardReader): Promise<void> {
    const lease = this.leases.lease(reader.shard);
    if (lease === undefined) return;
    const handedOut = reader.lastOffset === undefined ? undefined : parseOffset(reader.lastOffset);
    const atCheckpoint =
      handedOut === undefined ||
      (handedOut.sequence === lease.checkpoint && handedOut.sub === lease.checkpointSubSequenceNumber);
    if (atCheckpoint) await this.finish(reader, AbortSignal.timeout(10_000));
  }

  private async finish(reader: ShardReader, signal: AbortSignal): Promise<void> {
    if (await this.leases.checkpoint(reader.shard, SHARD_END, 0, signal)) this.revoke(reader.shard);
  }

  /** Stops reading a shard another member claimed and lets core settle its in-flight records. */
  private async handOver(shard: string): Promise<void> {
    this.readers.delete(shard);
    await this.listener?.({ assigned: [], revoked: [shard] });
  }

  private revoke(shard: string): void {
    if (!this.readers.delete(shard)) return;
    void this.listener?.({ assigned: [], revoked: [shard] }).catch(this.settings.onError);
  }
}

function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, at - Date.now()));
    signal.addEventListener("abort", done, { once: true });
  });
}
