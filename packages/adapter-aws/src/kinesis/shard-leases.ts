/**
 * One member's side of a group's shard leases: keeps a lease for every shard
 * in the table, takes its share on a timer, renews what it holds, notices
 * leases taken from it, stores checkpoints and gives leases up on close.
 */
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { StartPosition } from "@switchyard/core/driver";
import type { Lease, StartSentinel } from "./lease.js";
import { SHARD_END } from "./lease.js";
import type { LeaseTable } from "./lease-table.js";
import { isConditionFailure } from "./lease-table.js";
import type { CounterSightings } from "./lease-taker.js";
import { expiredLeases, leasesToTake } from "./lease-taker.js";
import { parseOffset } from "./shard-reader.js";
import { listShards } from "./shards.js";

/** What a member's leases are told and tell. */
export interface ShardLeasesOptions {
  /** The stream whose shards are leased. */
  stream: string;
  /** This member's name in `leaseOwner`. */
  owner: string;
  /** Where leases of shards without a lease start. */
  start: StartPosition;
  /** How long a lease's counter may stand still before others take it, ms. */
  failoverMs: number;
  /** Called with each lease this member takes. */
  onTaken: (lease: Lease) => void;
  /** Called with the shard of each lease taken from this member. */
  onLost: (shard: string) => void;
  /**
   * Called when another member claimed a lease this member holds: stop
   * reading the shard and settle its in-flight records (checkpoints still
   * work) before the promise resolves; then the lease is handed over.
   */
  onHandoff: (shard: string) => Promise<void>;
  /** Called with errors of the background timers (the next tick tries again). */
  onError: (err: unknown) => void;
}

/** The leases one consumer holds in a group's lease table. */
export class ShardLeases {
  private readonly held = new Map<string, Lease>();
  private readonly writes = new Map<string, Promise<boolean>>();
  /** Leases this member claimed from another, waiting for it to hand them over, by when claimed. */
  private readonly pending = new Map<string, number>();
  /** Leases this member is handing over. */
  private readonly handingOff = new Set<string>();
  private readonly seen: CounterSightings = new Map();
  private readonly lifetime = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;
  private takeTimer: NodeJS.Timeout | undefined;
  private taking: Promise<void> = Promise.resolve();

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly table: LeaseTable,
    private readonly options: ShardLeasesOptions,
  ) {}

  /** Writes leases for new shards, takes this member's share and starts the timers. */
  async start(signal: AbortSignal): Promise<void> {
    await this.syncShards(signal);
    await this.takeNow(signal);
    const renewMs = Math.max(100, Math.floor(this.options.failoverMs / 3) - 25);
    this.renewTimer = setInterval(() => void this.renewAll(), renewMs);
    this.takeTimer = setInterval(() => this.takeSoon(), this.options.failoverMs);
    this.renewTimer.unref();
    this.takeTimer.unref();
  }

  /** The lease this member holds for `shard`, if any. */
  lease(shard: string): Lease | undefined {
    return this.held.get(shard);
  }

  /** Runs a take cycle (shard sync included) soon, e.g. after a shard was finished. */
  takeSoon(): void {
    this.taking = this.taking
      .then(async () => {
        await this.syncShards(this.lifetime.signal);
        await this.takeNow(this.lifetime.signal);
      })
      .catch((err: unknown) => {
        if (!this.lifetime.signal.aborted) this.options.onError(err);
      });
  }

  /**
   * Stores `sequence`/`sub` (or SHARD_END) in the lease of `shard`. Returns
   * false, and forgets the lease, when it was taken by another member meanwhile.
   */
  async checkpoint(shard: string, sequence: string, sub: number, signal: AbortSignal): Promise<boolean> {
    if (this.handingOff.has(shard)) return this.handoffCheckpoint(shard, sequence, sub, signal);
    const done = await this.write(shard, (lease) =>
      this.table.checkpoint(lease, this.options.owner, sequence, sub, signal),
    );
    // The write found the lease claimed by another member: it is being handed over, and this
    // checkpoint is what the next owner must start after.
    if (!done && this.handingOff.has(shard)) return this.handoffCheckpoint(shard, sequence, sub, signal);
    if (done && sequence === SHARD_END) {
      // A finished shard's lease stays in the table as SHARD_END (its children wait on it) but is not held.
      this.held.delete(shard);
      this.takeSoon();
    }
    return done;
  }

  private async handoffCheckpoint(shard: string, sequence: string, sub: number, signal: AbortSignal) {
    try {
      await this.table.handoffCheckpoint(shard, this.options.owner, sequence, sub, signal);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /**
   * Applies one conditional write to a held lease, after the writes already
   * queued for it: two writes on the same counter would fail each other.
   * Returns false, and forgets the lease, when another member took it.
   */
  private write(shard: string, op: (lease: Lease) => Promise<Lease>): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const lease = this.held.get(shard);
      if (lease === undefined) return false;
      try {
        this.held.set(shard, await op(lease));
        return true;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        await this.conditionFailed(shard);
        return false;
      }
    };
    const next = (this.writes.get(shard) ?? Promise.resolve(true)).then(run, run);
    this.writes.set(shard, next);
    return next;
  }

  /** Stops the timers and gives up every held lease so other members take them at once. */
  async close(): Promise<void> {
    clearInterval(this.renewTimer);
    clearInterval(this.takeTimer);
    await this.taking;
    await Promise.allSettled(this.writes.values());
    this.lifetime.abort();
    const signal = AbortSignal.timeout(5000);
    await Promise.allSettled(
      [...this.held.values()].map((lease) => this.table.release(lease, this.options.owner, signal)),
    );
    this.held.clear();
    this.writes.clear();
  }

  private async syncShards(signal: AbortSignal): Promise<void> {
    const shards = await listShards(this.kinesis, this.options.stream, signal);
    const known = new Set(shards.map((s) => s.id));
    const existing = new Set((await this.table.scan(signal)).map((l) => l.leaseKey));
    for (const shard of shards) {
      if (existing.has(shard.id)) continue;
      const parents = shard.parents.filter((p) => known.has(p));
      const { checkpoint, sub } = this.startOf(shard.id, parents.length > 0, shard.closed);
      await this.table.create(
        {
          leaseKey: shard.id,
          leaseOwner: undefined,
          leaseCounter: 0,
          checkpoint,
          checkpointSubSequenceNumber: sub,
          ownerSwitchesSinceCheckpoint: 0,
          parentShardIds: shard.parents,
        },
        signal,
      );
    }
  }

  /**
   * A new lease's checkpoint. A start at given offsets is "everything before
   * this offset is done": its sequence number with the sub-record before
   * (-1 for a whole record); shards without a given offset start at their beginning.
   */
  private startOf(shard: string, hasParents: boolean, closed: boolean): { checkpoint: string; sub: number } {
    const start = this.options.start;
    if (typeof start === "object" && "offsets" in start) {
      const offset = start.offsets[shard];
      if (offset === undefined || hasParents) return { checkpoint: "TRIM_HORIZON", sub: 0 };
      const { sequence, sub } = parseOffset(offset);
      return { checkpoint: sequence, sub: sub - 1 };
    }
    return { checkpoint: this.initialCheckpoint(hasParents, closed), sub: 0 };
  }

  /** Children of known shards start at their beginning; other shards where the group starts. */
  private initialCheckpoint(hasParents: boolean, closed: boolean): StartSentinel | typeof SHARD_END {
    const start = this.options.start;
    if (hasParents || start === "earliest" || typeof start !== "object") {
      if (hasParents || start !== "latest") return "TRIM_HORIZON";
      // Nothing new arrives in a closed shard: reading it from LATEST would wait for ever.
      return closed ? SHARD_END : "LATEST";
    }
    return "timestamp" in start ? "AT_TIMESTAMP" : "TRIM_HORIZON";
  }

  private async takeNow(signal: AbortSignal): Promise<void> {
    const leases = await this.table.scan(signal);
    const now = Date.now();
    const expired = expiredLeases(leases, this.seen, now, this.options.failoverMs);
    const mine = new Set([...this.held.keys(), ...this.pending.keys()]);
    const wanted = leasesToTake(leases, expired, this.options.owner, mine);
    for (const lease of wanted) {
      try {
        const owner = lease.leaseOwner;
        if (owner !== undefined && owner !== this.options.owner && !expired.has(lease.leaseKey)) {
          // A live member holds it: claim it, and read it once that member has handed it over.
          await this.table.claim(lease, this.options.owner, signal);
          this.pending.set(lease.leaseKey, Date.now());
          continue;
        }
        const taken = await this.table.take(lease, this.options.owner, signal);
        this.held.set(lease.leaseKey, taken);
        this.options.onTaken(taken);
      } catch (err) {
        // Someone else moved it first; the next cycle sees the new state.
        if (!isConditionFailure(err)) throw err;
      }
    }
  }

  private async renewAll(): Promise<void> {
    const signal = this.lifetime.signal;
    await this.checkPending(signal).catch((err: unknown) => {
      if (!signal.aborted) this.options.onError(err);
    });
    await Promise.all(
      [...this.held.keys()].map(async (shard) => {
        try {
          await this.write(shard, (lease) => this.table.renew(lease, this.options.owner, signal));
        } catch (err) {
          if (!signal.aborted) this.options.onError(err);
        }
      }),
    );
  }

  /** A write on a held lease failed its condition: the lease was claimed (hand it over) or taken (lost). */
  private async conditionFailed(shard: string): Promise<void> {
    const lease = await this.table.read(shard, this.lifetime.signal).catch(() => undefined);
    if (lease?.leaseOwner === this.options.owner) {
      // Still ours: only the counter moved (a write of ours raced); carry on with the stored one.
      if (this.held.has(shard)) this.held.set(shard, lease);
      return;
    }
    if (lease?.checkpointOwner !== this.options.owner || !this.held.delete(shard)) {
      this.lose(shard);
      return;
    }
    this.handingOff.add(shard);
    void this.options
      .onHandoff(shard)
      .then(() => this.table.endHandoff(shard, this.options.owner, this.lifetime.signal))
      .catch((err: unknown) => {
        if (!isConditionFailure(err) && !this.lifetime.signal.aborted) this.options.onError(err);
      })
      .finally(() => this.handingOff.delete(shard));
  }

  /** Adopts claimed leases once their holder handed them over, or after the handoff timeout. */
  private async checkPending(signal: AbortSignal): Promise<void> {
    for (const [shard, since] of this.pending) {
      const lease = await this.table.read(shard, signal);
      if (lease === undefined || lease.leaseOwner !== this.options.owner) {
        this.pending.delete(shard);
      } else if (lease.checkpointOwner === undefined) {
        this.pending.delete(shard);
        this.held.set(shard, lease);
        this.options.onTaken(lease);
      } else if (Date.now() - since > this.handoffTimeoutMs()) {
        // The holder did not finish in time (it may be gone): end the handoff for it.
        await this.table.endHandoff(shard, lease.checkpointOwner, signal).catch((err: unknown) => {
          if (!isConditionFailure(err)) throw err;
        });
      }
    }
  }

  private handoffTimeoutMs(): number {
    return this.options.failoverMs * 3;
  }

  private lose(shard: string): void {
    if (!this.held.delete(shard)) return;
    this.options.onLost(shard);
  }
}
