import { CloseReason } from "@azure/event-hubs";
import type {
  CheckpointStore,
  EventHubConsumerClient,
  PartitionContext,
  ReceivedEventData,
  Subscription,
} from "@azure/event-hubs";
import type {
  AssignmentChange,
  ConsumerDriver,
  ConsumerOptions,
  IncomingRecord,
  Position,
} from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { azureErrorCode, startupError, startupTimeout } from "../errors.js";
import { blobStore, checkpointContainer, consumerFor, hostOf } from "./clients.js";
import type { EventHubsStreamOptions } from "./options.js";
import { RecordBuffer } from "./record-buffer.js";
import { eventPositionFor } from "./start.js";
import { parsePosition, toRecord } from "./transform.js";

type Listener = (change: AssignmentChange) => Promise<void>;

/** Errors the SDK keeps reporting without recovering from them: surfaced through `receive`. */
const FATAL = new Set(["NotFound", "Unauthenticated", "PermissionDenied", "InvalidArgument"]);
/**
 * What the checkpoint store's errors say when its container was deleted: it
 * wraps Blob Storage's error in a plain Error, so only the text tells.
 */
const CONTAINER_GONE = /ContainerNotFound|container does not exist/i;

/**
 * One instance of a consumer group on one hub: the SDK's load-balancing event
 * processor over a Blob checkpoint store, its push callback adapted to
 * `receive(max)` through a bounded {@link RecordBuffer}. Checkpoints are
 * written only where core says everything up to a record is done.
 */
export class EventHubsConsumer implements ConsumerDriver {
  private readonly buffer: RecordBuffer;
  private readonly owned = new Set<string>();
  private readonly revoking = new Set<string>();
  private subscription: Subscription | undefined;
  private listener: Listener | undefined;
  private closed = false;
  private claimed: () => void = () => undefined;
  /**
   * Settles once this instance reads a partition (the SDK hands over its
   * first batch, empty after `maxWaitMs`, only once the receiver link is
   * attached), or after two load-balancing cycles (an instance beyond the
   * partition count owns none).
   */
  private readonly firstClaim: Promise<void>;

  /**
   * Checks the hub exists, starts the processor and waits for its first
   * claims: partitions taken from other instances then move before any
   * record is read, not after (which would mean reading them twice).
   * Further claims happen in the background, each load-balancing cycle.
   */
  static async open(options: EventHubsStreamOptions, group: ConsumerOptions): Promise<EventHubsConsumer> {
    const consumerGroup = options.consumerGroup ?? group.group;
    const resolved = { ...options, consumerGroup };
    // One deadline for the checkpoint store and the hub, so a subscribe that cannot start ends in `timeoutMs`.
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const store = blobStore(await checkpointContainer(resolved, deadline));
    const client = consumerFor(resolved, store, group.consumerName);
    try {
      const partitionIds = await client.getPartitionIds({ abortSignal: deadline });
      const consumer = new EventHubsConsumer(resolved, consumerGroup, client, store);
      consumer.start(eventPositionFor(group.start, partitionIds));
      await consumer.firstClaim;
      return consumer;
    } catch (err) {
      await client.close().catch(() => undefined);
      const where = `eventhubs://${options.namespace}/${options.hub}`;
      if (deadline.aborted) throw startupTimeout(where, hostOf(options), options.timeoutMs, err);
      throw startupError(err, where, hostOf(options));
    }
  }

  private constructor(
    private readonly options: EventHubsStreamOptions,
    private readonly consumerGroup: string,
    private readonly client: EventHubConsumerClient,
    private readonly store: CheckpointStore,
  ) {
    this.buffer = new RecordBuffer(options.receiveBatch);
    this.firstClaim = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2 * options.updateIntervalMs + options.maxWaitMs);
      this.claimed = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private start(startPosition: ReturnType<typeof eventPositionFor>): void {
    this.subscription = this.client.subscribe(
      {
        processInitialize: async (ctx) => this.assigned(ctx),
        processEvents: async (events, ctx) => this.handOver(events, ctx),
        processError: async (err) => this.failed(err),
        processClose: async (reason, ctx) => this.released(reason, ctx),
      },
      {
        startPosition,
        maxBatchSize: this.options.receiveBatch,
        maxWaitTimeInSeconds: Math.max(1, Math.ceil(this.options.maxWaitMs / 1000)),
        skipParsingBodyAsJson: true,
      },
    );
  }

  /**
   * Ends the reads with errors the SDK would report every cycle without
   * recovering. A deleted checkpoint container is one: without it no
   * partition can be claimed, and the instance would sit idle with no error.
   */
  private failed(err: Error): void {
    if (FATAL.has(azureErrorCode(err))) this.buffer.fail(err);
    else if (CONTAINER_GONE.test(String(err))) {
      const where = `eventhubs://${this.options.namespace}/${this.options.hub}`;
      const message =
        `${where}: the checkpoint container "${this.options.checkpoints.container}" is gone from the storage ` +
        `account, so no partition can be claimed or checkpointed; create it again (opening the stream does) ` +
        `and restart — the group then starts from its start position, as its checkpoints went with the container`;
      this.buffer.fail(new SwitchyardError("NotFound", message, { cause: err }));
    }
  }

  private async assigned(ctx: PartitionContext): Promise<void> {
    this.owned.add(ctx.partitionId);
    await this.listener?.({ assigned: [ctx.partitionId], revoked: [] });
  }

  private async handOver(events: ReceivedEventData[], ctx: PartitionContext): Promise<void> {
    this.claimed();
    if (events.length === 0 || this.closed) return;
    const records: IncomingRecord[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) records[i] = toRecord(events[i]!, ctx.partitionId);
    await this.buffer.push(records);
  }

  private async released(reason: CloseReason, ctx: PartitionContext): Promise<void> {
    const partition = ctx.partitionId;
    this.owned.delete(partition);
    this.buffer.dropPartition(partition);
    if (reason !== CloseReason.OwnershipLost || this.listener === undefined) return;
    // Core drains and commits what it holds of the partition before it is given up.
    this.revoking.add(partition);
    try {
      await this.listener({ assigned: [], revoked: [partition] });
    } finally {
      this.revoking.delete(partition);
    }
  }

  /**
   * Waits for records as the driver contract says. Once closed (also by its
   * stream's `close`, under a subscription still reading) it throws, as the
   * embedded consumer does: an empty answer at once would have the reader
   * ask again in a loop of promises that never yields to timers or I/O.
   */
  async receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    if (this.closed) {
      throw new SwitchyardError(
        "FailedPrecondition",
        `eventhubs://${this.options.namespace}/${this.options.hub}: consumer of group "${this.consumerGroup}" is closed`,
      );
    }
    return this.buffer.take(max, signal);
  }

  /**
   * Writes each partition's checkpoint at the given record (the SDK resumes
   * after it), in the Azure SDKs' blob layout. Partitions this instance no
   * longer owns are skipped, so a late commit cannot move a new owner back.
   */
  async commit(positions: Position[]): Promise<void> {
    const writes = [];
    for (const { partition, offset } of positions) {
      if (!this.owned.has(partition) && !this.revoking.has(partition)) continue;
      const at = parsePosition(offset);
      writes.push(
        this.store.updateCheckpoint({
          fullyQualifiedNamespace: this.client.fullyQualifiedNamespace,
          eventHubName: this.client.eventHubName,
          consumerGroup: this.consumerGroup,
          partitionId: partition,
          sequenceNumber: at.sequenceNumber,
          offset: at.offset,
        }),
      );
    }
    await Promise.all(writes);
  }

  /**
   * Events behind the group's checkpoint on each partition this instance
   * owns: the partition's last enqueued sequence number less the
   * checkpoint's. Without a checkpoint every event still held counts.
   */
  async lag(): Promise<Record<string, number>> {
    const owned = [...this.owned];
    if (owned.length === 0) return {};
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const [checkpoints, partitions] = await Promise.all([
      this.store.listCheckpoints(
        this.client.fullyQualifiedNamespace,
        this.client.eventHubName,
        this.consumerGroup,
      ),
      Promise.all(owned.map((id) => this.client.getPartitionProperties(id, { abortSignal: signal }))),
    ]);
    const done = new Map(checkpoints.map((c) => [c.partitionId, c.sequenceNumber]));
    const lag: Record<string, number> = {};
    for (const p of partitions) {
      const at = done.get(p.partitionId) ?? p.beginningSequenceNumber - 1;
      lag[p.partitionId] = p.isEmpty ? 0 : Math.max(0, p.lastEnqueuedSequenceNumber - at);
    }
    return lag;
  }

  onAssignment(listener: Listener): void {
    this.listener = listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer.close();
    // Closing the subscription gives up this instance's ownerships, so others claim them at once.
    await this.subscription?.close().catch(() => undefined);
    await this.client.close().catch(() => undefined);
  }
}
