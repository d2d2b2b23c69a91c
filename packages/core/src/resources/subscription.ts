import type { Codec } from "../codec/codec.js";
import type { ConsumerDriver, IncomingRecord, Position, StreamCapabilities } from "../driver/index.js";
import { SwitchyardError, isRetryable } from "../errors.js";
import { DEFAULT_RETRY, backoffDelay, sleep } from "../retry.js";
import { PartitionCheckpoint } from "./checkpoint.js";
import type { PartitionBatch, Received, Settleable, Undecodable } from "./received.js";

/** Tuning of a subscription. */
export interface SubscriptionOptions {
  /** Most records per driver `receive`. Default 1024. */
  maxBatch: number;
  /** Records received but not acknowledged before `receive` waits (bounded prefetch). Default 8 × maxBatch. */
  maxUnacked: number;
  /**
   * Payload bytes (keys and values) received but not acknowledged before `receive`
   * waits, so large records cannot fill the heap. One driver batch may overshoot
   * it; batches are sized from the records seen so far to keep that small.
   * Default 32 MiB.
   */
  maxUnackedBytes: number;
  /**
   * How often done positions are committed, in ms, on an offset log. Default
   * 1000. On an ack-settled stream (Pub/Sub, Redis Streams) records are acked
   * as soon as they are done instead: the back end counts unacked messages
   * against its flow control, so acks held for an interval would cap the rate.
   */
  commitIntervalMs: number;
  /** How long a revoked partition's in-flight records may take before they are abandoned, in ms. Default 10000. */
  revokeTimeoutMs: number;
  /** Called before a transient receive failure is retried (to log it); `attempt` counts failures in a row. */
  onReceiveRetry?: (error: SwitchyardError, attempt: number) => void;
}

type Wrap = (err: unknown, context: string) => SwitchyardError;

/**
 * A consumer group membership on a stream. `receive` hands out records one
 * partition batch at a time; the receiver acknowledges records when every sink
 * has them, and the subscription commits, per partition, only the contiguous
 * run of done records — so a restart resumes at the first unacknowledged one.
 */
export class Subscription<T> {
  private readonly checkpoints = new Map<string, PartitionCheckpoint>();
  private readonly queue: PartitionBatch<T>[] = [];
  private readonly ackPositions: Position[] = [];
  private unacked = 0;
  private unackedBytes = 0;
  /** Bytes held per partition, so a revoked partition gives its share back. */
  private readonly bytesByPartition = new Map<string, number>();
  /** Payload bytes per record of the last batch; starts at the whole budget, so the first receive asks for one record. */
  private recordBytes: number;
  private space: (() => void) | undefined;
  private committing: Promise<void> = Promise.resolve();
  private lastCommitAt = 0;
  /** An ack commit is queued behind the one in flight (ack settlement): later acks join it. */
  private ackCommitQueued = false;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  /** Use `Stream.subscribe`. */
  constructor(
    private readonly consumer: ConsumerDriver,
    private readonly capabilities: StreamCapabilities,
    private readonly codec: Codec<T>,
    private readonly options: SubscriptionOptions,
    private readonly wrap: Wrap,
  ) {
    this.recordBytes = options.maxUnackedBytes;
    this.timer = setInterval(() => void this.commit().catch(() => undefined), options.commitIntervalMs);
    this.timer.unref();
    consumer.onAssignment?.(async ({ revoked }) => {
      await Promise.all(revoked.map((partition) => this.release(partition)));
    });
  }

  /** Records received and not yet acknowledged. */
  get inFlight(): number {
    return this.unacked;
  }

  /** Payload bytes of the records received and not yet acknowledged. */
  get inFlightBytes(): number {
    return this.unackedBytes;
  }

  /**
   * Returns the next batch of one partition, waiting while too many records are
   * unacknowledged (back-pressure) or none are available. Returns undefined when
   * the signal aborts or the subscription is closed. A transient driver failure
   * (a retryable code: the broker or server is away) is retried with backoff for
   * as long as it lasts, so consumption resumes when the server returns; any
   * other failure is thrown.
   */
  async receive(signal: AbortSignal): Promise<PartitionBatch<T> | undefined> {
    let failures = 0;
    while (this.queue.length === 0) {
      if (this.closed || signal.aborted) return undefined;
      if (this.full()) {
        await new Promise<void>((resolve) => {
          const onAbort = () => resolve();
          this.space = () => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          };
          signal.addEventListener("abort", onAbort, { once: true });
        });
        continue;
      }
      let records: IncomingRecord[];
      try {
        records = await this.consumer.receive(this.batchLimit(), signal);
      } catch (err) {
        if (signal.aborted || this.closed) return undefined;
        const error = this.wrap(err, "receive");
        if (!isRetryable(error.code)) throw error;
        failures++;
        this.options.onReceiveRetry?.(error, failures);
        try {
          await sleep(backoffDelay(DEFAULT_RETRY, Math.min(failures, 12)), signal);
        } catch {
          return undefined;
        }
        continue;
      }
      failures = 0;
      // A driver answering [] at once (one closed under a reader, say) must not spin: let timers and I/O run.
      if (records.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (records.length > 0) {
        let bytes = 0;
        for (const r of records) bytes += sizeOf(r);
        this.recordBytes = bytes / records.length;
        await this.enqueue(records);
      }
    }
    return this.queue.shift();
  }

  /** Acknowledges records: their positions become committable once every earlier record of their partition is done too. */
  ack(items: readonly Settleable[]): void {
    for (const item of items) {
      if (item.checkpoint.released) continue;
      item.checkpoint.markDone(item.ordinal);
      if (this.capabilities.settlement === "ack") this.ackPositions.push(item.raw.position);
    }
    this.unacked -= items.length;
    this.forget(items);
    this.wake();
    if (this.capabilities.settlement === "ack") this.commitAcksSoon();
    else this.commitIfCaughtUp();
  }

  /**
   * Gives up on records without acknowledging them: an ack-based queue redelivers
   * them; an offset log holds its checkpoint before them until a restart.
   */
  async nack(items: readonly Settleable[]): Promise<void> {
    this.unacked -= items.length;
    this.forget(items);
    this.wake();
    if (this.capabilities.settlement === "ack" && this.consumer.nack !== undefined) {
      for (const item of items) item.checkpoint.markDone(item.ordinal);
      await this.consumer.nack(items.map((i) => i.raw.position));
    }
  }

  /** Commits every position that is done now. Commits run one at a time. */
  commit(): Promise<void> {
    const next = this.committing.then(() => this.commitNow());
    this.committing = next.catch(() => undefined);
    return next;
  }

  /** Whether the driver tells lag: without it, {@link lag} is always `{}`. */
  get tellsLag(): boolean {
    return this.consumer.lag !== undefined;
  }

  /** Consumer lag per partition, when the driver can tell (see {@link tellsLag}); `{}` otherwise. */
  async lag(): Promise<Record<string, number>> {
    return (await this.consumer.lag?.()) ?? {};
  }

  /** Commits what is done and leaves the group. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.wake();
    try {
      await this.finalCommit();
    } finally {
      await this.consumer.close();
    }
  }

  /** The last commit before leaving: a transient failure is retried twice after a short pause, as no tick will follow. */
  private async finalCommit(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.commit();
        return;
      } catch (err) {
        if (attempt >= 2 || !(err instanceof SwitchyardError) || !isRetryable(err.code)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
  }

  private async commitNow(): Promise<void> {
    let positions: Position[];
    const taken: [PartitionCheckpoint, Position][] = [];
    if (this.capabilities.settlement === "ack") {
      positions = this.ackPositions.splice(0, this.ackPositions.length);
    } else {
      positions = [];
      for (const checkpoint of this.checkpoints.values()) {
        const p = checkpoint.committable();
        if (p === undefined) continue;
        positions.push(p);
        taken.push([checkpoint, p]);
      }
    }
    if (positions.length === 0) return;
    this.lastCommitAt = Date.now();
    try {
      await this.consumer.commit(positions);
    } catch (err) {
      // Nothing is marked committed: the next commit offers the same positions again.
      if (this.capabilities.settlement === "ack") this.ackPositions.push(...positions);
      throw this.wrap(err, "commit");
    }
    for (const [checkpoint, p] of taken) checkpoint.markCommitted(p);
  }

  /** Waits for a revoked partition's in-flight records (bounded), commits them and forgets the partition. */
  private async release(partition: string): Promise<void> {
    const checkpoint = this.checkpoints.get(partition);
    if (checkpoint === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      checkpoint.drained(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.revokeTimeoutMs))),
    ]);
    clearTimeout(timer);
    await this.commit().catch(() => undefined);
    checkpoint.released = true;
    this.unacked -= checkpoint.pending;
    this.unackedBytes -= this.bytesByPartition.get(partition) ?? 0;
    this.bytesByPartition.delete(partition);
    this.checkpoints.delete(partition);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.partition === partition) this.queue.splice(i, 1);
    }
    this.wake();
  }

  private async enqueue(records: IncomingRecord[]): Promise<void> {
    if (this.codec.prepare !== undefined) {
      try {
        await this.codec.prepare(records.map((r) => r.value));
      } catch {
        // Records whose schema cannot be resolved fail in decode below and are dead-lettered one by one.
      }
    }
    const byPartition = new Map<string, IncomingRecord[]>();
    for (const r of records) {
      const list = byPartition.get(r.position.partition);
      if (list === undefined) byPartition.set(r.position.partition, [r]);
      else list.push(r);
    }
    for (const [partition, list] of byPartition) {
      let checkpoint = this.checkpoints.get(partition);
      if (checkpoint === undefined) {
        checkpoint = new PartitionCheckpoint(partition);
        this.checkpoints.set(partition, checkpoint);
      }
      const first = checkpoint.track(list.map((r) => r.position));
      this.unacked += list.length;
      let bytes = 0;
      for (const r of list) bytes += sizeOf(r);
      this.unackedBytes += bytes;
      this.bytesByPartition.set(partition, (this.bytesByPartition.get(partition) ?? 0) + bytes);
      this.queue.push(this.decode(partition, list, checkpoint, first));
    }
  }

  private decode(
    partition: string,
    list: IncomingRecord[],
    checkpoint: PartitionCheckpoint,
    first: number,
  ): PartitionBatch<T> {
    const records: Received<T>[] = [];
    const undecodable: Undecodable[] = [];
    for (let i = 0; i < list.length; i++) {
      const raw = list[i]!;
      try {
        const value = this.codec.decode(raw.value);
        records.push({
          key: raw.key,
          value,
          headers: raw.headers,
          timestamp: raw.timestamp,
          id: raw.id,
          raw,
          checkpoint,
          ordinal: first + i,
        });
      } catch (err) {
        const error =
          err instanceof SwitchyardError
            ? err
            : new SwitchyardError("InvalidArgument", `${this.codec.name} decode failed: ${String(err)}`, {
                cause: err,
              });
        undecodable.push({ raw, error, checkpoint, ordinal: first + i });
      }
    }
    return { partition, records, undecodable };
  }

  /**
   * Hands acks to the driver right away, at most one commit queued behind the
   * one in flight, so acks of the same turn (and those made while a commit
   * runs) go in one call. A failed commit keeps its positions for the next.
   */
  private commitAcksSoon(): void {
    if (this.ackCommitQueued || this.closed) return;
    this.ackCommitQueued = true;
    const next = this.committing.then(() => {
      this.ackCommitQueued = false;
      return this.commitNow();
    });
    this.committing = next.catch(() => undefined);
  }

  /**
   * Commits at once, rather than at the next tick, when every record received is
   * done: a consumer that has worked off its backlog (after a restart, say) then
   * has nothing left to redo if it is killed. At most ten times per interval.
   */
  private commitIfCaughtUp(): void {
    if (this.unacked > 0 || this.closed) return;
    if (Date.now() - this.lastCommitAt < this.options.commitIntervalMs / 10) return;
    void this.commit().catch(() => undefined);
  }

  /** Whether receiving must wait for acknowledgements: too many records or too many bytes held. */
  private full(): boolean {
    return this.unacked >= this.options.maxUnacked || this.unackedBytes >= this.options.maxUnackedBytes;
  }

  /** Most records to ask the driver for: what fits in the byte budget left at the recent record size. */
  private batchLimit(): number {
    const room = this.options.maxUnackedBytes - this.unackedBytes;
    const fits = Math.floor(room / Math.max(1, this.recordBytes));
    return Math.max(1, Math.min(this.options.maxBatch, fits));
  }

  /** Gives back the bytes of settled records (a released partition gave back all of its own already). */
  private forget(items: readonly Settleable[]): void {
    for (const item of items) {
      if (item.checkpoint.released) continue;
      const bytes = sizeOf(item.raw);
      const partition = item.checkpoint.partition;
      this.unackedBytes -= bytes;
      this.bytesByPartition.set(partition, (this.bytesByPartition.get(partition) ?? 0) - bytes);
    }
  }

  private wake(): void {
    if (this.space !== undefined && (!this.full() || this.closed)) {
      const resolve = this.space;
      this.space = undefined;
      resolve();
    }
  }
}

/** The payload bytes a record holds: its value and key. */
function sizeOf(record: IncomingRecord): number {
  return record.value.byteLength + (record.key?.length ?? 0);
}
