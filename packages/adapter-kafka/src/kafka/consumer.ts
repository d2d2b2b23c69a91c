import { Consumer, kGetApi } from "@platformatic/kafka";
import type {
  AssignmentChange,
  ConsumerDriver,
  ConsumerOptions,
  IncomingRecord,
  Position,
} from "@switchyard/core/driver";
import { baseOptions, joinGroup, partitionCount, withDeadline } from "./client.js";
import type { KafkaStreamOptions } from "./options.js";
import { logBounds, startOffsets } from "./start.js";
import { fetchOnce } from "./fetch.js";

type Listener = (change: AssignmentChange) => Promise<void>;
type ApiCallback = (err: Error | null, api?: (...args: unknown[]) => void) => void;

const MIN_FETCH_BYTES = 64 * 1024;
const MAX_FETCH_BYTES = 8 * 1024 * 1024;

/**
 * One member of a Kafka consumer group on one topic. The group protocol (join,
 * sync, heartbeats) is the client's; fetching is this class's own, one request
 * per `receive` at most, sized to what core asked for, so back-pressure reaches
 * the broker. Rebalances are eager: before the client rejoins, the assignment
 * listener hears every owned partition revoked and is awaited, so core can
 * drain and commit while this member still holds them.
 */
export class KafkaConsumer implements ConsumerDriver {
  private readonly consumer: Consumer;
  private listener: Listener | undefined;
  private owned: number[] = [];
  private readonly revoking = new Set<string>();
  private readonly positions = new Map<number, number>();
  /** Per owned partition, where the group resumes after a restart: its last commit, else where this member started. */
  private readonly resumeAt = new Map<number, number>();
  private buffer: IncomingRecord[] = [];
  private epoch = 0;
  private fetching: Promise<void> | undefined;
  private wake: () => void = () => undefined;
  private failure: Error | undefined;
  private closed = false;
  private wanted = 1024;
  private recordBytes = 256;
  private rotation = 0;

  /** Joins the group and returns the consumer once it has its first assignment. */
  static async open(options: KafkaStreamOptions, group: ConsumerOptions): Promise<KafkaConsumer> {
    const driver = new KafkaConsumer(options, group);
    try {
      await withDeadline(
        partitionCount(driver.consumer, options),
        options.connectTimeoutMs,
        "metadata",
        options,
      );
      await joinGroup(driver.consumer, options);
      driver.onJoin();
    } catch (err) {
      await driver.consumer.close().catch(() => undefined);
      throw err;
    }
    return driver;
  }

  private constructor(
    private readonly options: KafkaStreamOptions,
    private readonly group: ConsumerOptions,
  ) {
    const session = options.sessionTimeoutMs;
    this.consumer = new Consumer({
      ...baseOptions(options, `${options.clientId}-${group.consumerName}`.replace(/[^a-zA-Z0-9._-]/g, "-")),
      groupId: group.group,
      autocommit: false,
      sessionTimeout: session,
      rebalanceTimeout: session * 2,
      heartbeatInterval: Math.min(3000, Math.floor(session / 3)),
      ...(options.groupInstanceId === undefined ? {} : { groupInstanceId: options.groupInstanceId }),
    });
    this.consumer.topics.trackAll(options.topic);
    this.consumer.on("consumer:group:join", () => this.onJoin());
    this.consumer.on("error", (err: Error) => {
      this.failure = err;
      this.wake();
    });
    this.holdJoinsForRevoke();
  }

  /**
   * Routes the client's JoinGroup through `revokeAll` first. The client rejoins on
   * its own when the coordinator starts a rebalance; Kafka's Java consumer runs
   * onPartitionsRevoked at the same point, and the coordinator waits for it.
   */
  private holdJoinsForRevoke(): void {
    const target = this.consumer as unknown as Record<symbol, (name: string, cb: ApiCallback) => void>;
    const getApi = target[kGetApi]!.bind(this.consumer);
    target[kGetApi] = (name, callback) =>
      getApi(name, (err, api) => {
        if (err !== null || name !== "JoinGroup" || api === undefined) return callback(err, api);
        const join = (...args: unknown[]) => void this.revokeAll().finally(() => api(...args));
        callback(null, Object.assign(join, api));
      });
  }

  private async revokeAll(): Promise<void> {
    if (this.owned.length === 0) return;
    const revoked = this.owned.map(String);
    this.owned = [];
    this.changeAssignment();
    for (const p of revoked) this.revoking.add(p);
    try {
      const listening = this.listener?.({ assigned: [], revoked });
      if (listening !== undefined) {
        await withDeadline(listening, this.options.sessionTimeoutMs / 2, "revoke", this.options);
      }
    } catch {
      // A listener that fails or overruns must not cost the membership: give the partitions up anyway.
    } finally {
      this.revoking.clear();
    }
  }

  private onJoin(): void {
    if (this.closed) return;
    const mine: number[] = [];
    for (const a of this.consumer.assignments ?? [])
      if (a.topic === this.options.topic) mine.push(...a.partitions);
    mine.sort((a, b) => a - b);
    const assigned = mine.filter((p) => !this.owned.includes(p)).map(String);
    const revoked = this.owned.filter((p) => !mine.includes(p)).map(String);
    if (assigned.length === 0 && revoked.length === 0) return;
    this.owned = mine;
    this.changeAssignment();
    void this.listener?.({ assigned, revoked }).catch(() => undefined);
  }

  /**
   * Forgets positions of partitions no longer owned and drops the buffer, moving
   * kept partitions back to their first unreturned record; fetches in flight are
   * dropped on arrival.
   */
  private changeAssignment(): void {
    this.epoch++;
    for (const r of this.buffer) {
      const p = Number(r.position.partition);
      const offset = Number(r.position.offset);
      if (offset < (this.positions.get(p) ?? -1)) this.positions.set(p, offset);
    }
    this.buffer = [];
    for (const p of [...this.positions.keys()]) if (!this.owned.includes(p)) this.positions.delete(p);
    for (const p of [...this.resumeAt.keys()]) if (!this.owned.includes(p)) this.resumeAt.delete(p);
    this.wake();
  }

  /** The partitions this member owns now, as ids. */
  get assignment(): string[] {
    return this.owned.map(String);
  }

  async receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    this.wanted = max;
    for (;;) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        throw failure;
      }
      if (this.buffer.length > 0) {
        return this.buffer.length <= max ? this.buffer.splice(0) : this.buffer.splice(0, max);
      }
      if (this.closed || signal.aborted) return [];
      if (this.owned.length > 0) this.fetching ??= this.fetch().finally(() => (this.fetching = undefined));
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.wake = done;
        signal.addEventListener("abort", done, { once: true });
        this.fetching?.then(done, (err: unknown) => {
          this.failure = err instanceof Error ? err : new Error(String(err));
          done();
        });
      });
    }
  }

  /** One fetch round for the owned partitions; its records join the buffer if the assignment still holds. */
  private async fetch(): Promise<void> {
    const epoch = this.epoch;
    const topic = this.options.topic;
    const missing = this.owned.filter((p) => !this.positions.has(p));
    if (missing.length > 0) {
      const found = await startOffsets(this.consumer, topic, missing, this.group.start);
      if (epoch !== this.epoch) return;
      for (const [p, offset] of found) {
        this.positions.set(p, offset);
        if (!this.resumeAt.has(p)) this.resumeAt.set(p, offset);
      }
    }
    // Rotate which partition the broker fills first, so none starves.
    const owned = this.owned;
    const first = this.rotation++ % owned.length;
    const order = owned.slice(first).concat(owned.slice(0, first));
    const positions = order.map((p): [number, number] => [p, this.positions.get(p)!]);
    const bytes = Math.min(MAX_FETCH_BYTES, Math.max(MIN_FETCH_BYTES, this.wanted * this.recordBytes));
    const fetched = await fetchOnce(this.consumer, topic, positions, bytes);
    if (epoch !== this.epoch) return;
    if (fetched === undefined) {
      // Out of the log: move to the nearest end, as Kafka's auto.offset.reset does.
      const bounds = await logBounds(this.consumer, topic, owned);
      if (epoch !== this.epoch) return;
      for (const [p, [low, high]] of bounds) {
        const at = this.positions.get(p);
        if (at !== undefined) this.positions.set(p, Math.min(Math.max(at, low), high));
      }
      return;
    }
    for (const [p, next] of fetched.next) this.positions.set(p, next);
    for (const r of fetched.records) this.buffer.push(r);
    if (fetched.records.length > 0)
      this.recordBytes = Math.max(16, Math.ceil(fetched.bytes / fetched.records.length));
  }

  async commit(positions: Position[]): Promise<void> {
    const offsets = [];
    for (const { partition, offset } of positions) {
      const p = Number(partition);
      // Positions of partitions given up are dropped: the coordinator would refuse them, and
      // the new owner resumes from the last commit made during the revoke.
      if (!this.owned.includes(p) && !this.revoking.has(partition)) continue;
      offsets.push({ topic: this.options.topic, partition: p, offset: BigInt(offset) + 1n, leaderEpoch: -1 });
    }
    if (offsets.length === 0) return;
    await this.consumer.commit({ offsets });
    for (const { partition, offset } of offsets)
      if (this.owned.includes(partition)) this.resumeAt.set(partition, Number(offset));
  }

  onAssignment(listener: Listener): void {
    this.listener = listener;
  }

  /**
   * Records between the group's position and the head, as Kafka's own tools count
   * lag: fetched, in-flight and done-but-uncommitted records are all still behind,
   * so records stuck on a step, or left by a run that stopped, count from the start.
   */
  async lag(): Promise<Record<string, number>> {
    const topic = this.options.topic;
    const owned = this.owned;
    if (owned.length === 0) return {};
    const epoch = this.epoch;
    const unknown = owned.filter((p) => !this.resumeAt.has(p));
    if (unknown.length > 0) {
      const found = await startOffsets(this.consumer, topic, unknown, this.group.start);
      if (epoch === this.epoch)
        for (const [p, offset] of found) if (!this.resumeAt.has(p)) this.resumeAt.set(p, offset);
    }
    const ends = await this.consumer.listOffsets({ topics: [topic], partitions: { [topic]: owned } });
    const lag: Record<string, number> = {};
    for (const p of owned) {
      const end = ends.get(topic)?.[p];
      const at = this.resumeAt.get(p);
      if (end !== undefined && at !== undefined) lag[String(p)] = Math.max(0, Number(end) - at);
    }
    return lag;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.owned = [];
    this.changeAssignment();
    await this.fetching?.catch(() => undefined);
    await this.consumer.close();
  }

  /** The underlying client, for `as()`. */
  get client(): Consumer {
    return this.consumer;
  }
}
