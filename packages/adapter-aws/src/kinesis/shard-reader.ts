/**
 * Reads one leased shard with GetRecords: from the lease's checkpoint, at most
 * five calls a second (the per-shard limit), renewing expired iterators from
 * the last record handed out, and splitting KPL aggregates into their records.
 */
import type { KinesisClient, _Record } from "@aws-sdk/client-kinesis";
import { GetRecordsCommand, GetShardIteratorCommand } from "@aws-sdk/client-kinesis";
import type { GetShardIteratorInput } from "@aws-sdk/client-kinesis";
import type { IncomingRecord } from "@switchyard/core/driver";
import { unwrap } from "./envelope.js";
import { MAX_GET_RECORDS } from "./options.js";
import { deaggregate, hasKplMagic } from "./kpl.js";
import { SHARD_END } from "./lease.js";
import { isSentinel } from "./lease.js";

/** Shortest time between two GetRecords calls on one shard: five calls a second. */
export const MIN_POLL_INTERVAL_MS = 200;

/** A place in a shard: a sequence number and the sub-record within a KPL aggregate (0 for plain records). */
export interface ShardPosition {
  /** The Kinesis sequence number. */
  sequence: string;
  /** The sub-sequence number. */
  sub: number;
}

/** Reads an offset string back: `seq`, or `seq:sub` for a sub-record of a KPL aggregate. */
export function parseOffset(offset: string): ShardPosition {
  const [sequence = "", sub = "0"] = offset.split(":");
  return { sequence, sub: Number(sub) };
}

/**
 * Whether sequence number `a` is greater than `b`. Sequence numbers are
 * decimal strings without leading zeros, so the longer is the greater and
 * strings of one length compare as text: no BigInt per record.
 */
export function sequenceAfter(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** How a shard reader reads its records. */
export interface ShardReaderOptions {
  /** The stream. */
  stream: string;
  /** The shard. */
  shard: string;
  /** Where the lease says to start: a sentinel or the last done position. */
  checkpoint: string | ShardPosition;
  /** The instant of an AT_TIMESTAMP start, when the consumer was given one. */
  startTimestamp: number | undefined;
  /** Whether record data carries the Switchyard envelope (headers and event time). */
  envelope: boolean;
  /** The most records one GetRecords call asks for, whatever less a read wants. */
  maxRecords: number;
}

/** The reader of one shard this consumer holds the lease of. */
export class ShardReader {
  private iterator: string | undefined;
  /** The sequence number of the last record handed out or done (two fields, not an object per record). */
  private lastSequence: string | undefined;
  /** Its sub-sequence number. */
  private lastSub = 0;
  private pending: IncomingRecord[] = [];
  private nextPollAt = 0;
  /** Whether the shard is closed and every record of it was handed out. */
  ended = false;
  /** The position of the last record handed out, if any. */
  lastOffset: string | undefined;
  /** Milliseconds behind the shard's newest record at the last call. */
  millisBehind: number | undefined;

  constructor(
    private readonly client: KinesisClient,
    private readonly options: ShardReaderOptions,
  ) {
    if (options.checkpoint === SHARD_END) this.ended = true;
    else if (typeof options.checkpoint !== "string") {
      this.lastSequence = options.checkpoint.sequence;
      this.lastSub = options.checkpoint.sub;
    }
  }

  /** The shard id. */
  get shard(): string {
    return this.options.shard;
  }

  /** When this reader may call GetRecords next (ms epoch); 0 when it has records waiting. */
  dueAt(): number {
    if (this.pending.length > 0) return 0;
    return this.ended ? Number.POSITIVE_INFINITY : this.nextPollAt;
  }

  /**
   * Returns up to `limit` records: those left from an earlier call, else one
   * GetRecords call's worth. A call asks for `maxRecords` even when `limit` is
   * smaller: the shard allows five calls a second, so asking for one read's
   * share only would cap the shard at five shares a second. What it returns
   * beyond `limit` waits here (at most `maxRecords`), and makes the reader due at once.
   */
  async read(limit: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    if (this.pending.length === 0 && !this.ended) await this.fetch(limit, signal);
    const out = this.pending.splice(0, limit);
    if (out.length > 0) this.lastOffset = out[out.length - 1]!.position.offset;
    return out;
  }

  /** Whether the sub-record `sub` of `sequence` comes after the last record handed out or done. */
  private isNew(sequence: string, sub: number): boolean {
    const last = this.lastSequence;
    if (last === undefined) return true;
    return sequence === last ? sub > this.lastSub : sequenceAfter(sequence, last);
  }

  private async fetch(limit: number, signal: AbortSignal): Promise<void> {
    this.nextPollAt = Date.now() + MIN_POLL_INTERVAL_MS;
    this.iterator ??= await this.newIterator(signal);
    let reply;
    try {
      reply = await this.client.send(
        new GetRecordsCommand({
          ShardIterator: this.iterator,
          Limit: Math.min(Math.max(limit, this.options.maxRecords), MAX_GET_RECORDS),
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      // Iterators expire after five minutes: the next poll starts again after the last record read.
      if ((err as { name?: unknown }).name !== "ExpiredIteratorException") throw err;
      this.iterator = undefined;
      return;
    }
    this.millisBehind = reply.MillisBehindLatest;
    this.iterator = reply.NextShardIterator;
    for (const r of reply.Records ?? []) this.add(r);
    if (this.iterator === undefined) this.ended = true;
  }

  private async newIterator(signal: AbortSignal): Promise<string | undefined> {
    const input: GetShardIteratorInput = {
      StreamName: this.options.stream,
      ShardId: this.options.shard,
      ShardIteratorType: "TRIM_HORIZON",
    };
    const checkpoint =
      this.lastSequence === undefined
        ? this.options.checkpoint
        : { sequence: this.lastSequence, sub: this.lastSub };
    if (typeof checkpoint !== "string") {
      // AT, not AFTER: the rest of a KPL aggregate may still be to do; `add` skips what is done.
      input.ShardIteratorType = "AT_SEQUENCE_NUMBER";
      input.StartingSequenceNumber = checkpoint.sequence;
    } else if (checkpoint === "LATEST") {
      input.ShardIteratorType = "LATEST";
    } else if (checkpoint === "AT_TIMESTAMP" && this.options.startTimestamp !== undefined) {
      input.ShardIteratorType = "AT_TIMESTAMP";
      input.Timestamp = new Date(this.options.startTimestamp);
    }
    const reply = await this.client.send(new GetShardIteratorCommand(input), { abortSignal: signal });
    return reply.ShardIterator;
  }

  private add(record: _Record): void {
    const sequence = record.SequenceNumber ?? "0";
    const arrival = record.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
    const data = record.Data ?? new Uint8Array();
    const subs = hasKplMagic(data) ? deaggregate(data) : undefined;
    if (subs === undefined) {
      // A plain record, the common case: no array of parts and no offset suffix.
      if (this.isNew(sequence, 0)) this.push(record.PartitionKey ?? "", data, arrival, sequence, sequence, 0);
      return;
    }
    for (let sub = 0; sub < subs.length; sub++) {
      if (!this.isNew(sequence, sub)) continue;
      const part = subs[sub]!;
      this.push(part.partitionKey, part.data, arrival, `${sequence}:${sub}`, sequence, sub);
    }
  }

  private push(
    key: string,
    data: Uint8Array,
    arrival: number,
    offset: string,
    sequence: string,
    sub: number,
  ): void {
    const { value, headers, timestamp } = this.options.envelope
      ? unwrap(data, arrival)
      : { value: data, headers: {}, timestamp: arrival };
    this.pending.push({
      key,
      value,
      headers,
      timestamp,
      id: offset,
      position: { partition: this.options.shard, offset },
    });
    this.lastSequence = sequence;
    this.lastSub = sub;
  }
}

/** The starting point a lease's checkpoint names: a sentinel, or the position of the last done record. */
export function checkpointPosition(checkpoint: string, sub: number): string | ShardPosition {
  return isSentinel(checkpoint) ? checkpoint : { sequence: checkpoint, sub };
}
