import { randomUUID } from "node:crypto";
import type { EventDataBatch, EventHubProducerClient } from "@azure/event-hubs";
import type {
  ConsumerDriver,
  ConsumerOptions,
  ErrorCode,
  OutgoingRecord,
  SendResult,
  StreamCapabilities,
  StreamDriver,
} from "@switchyard/core/driver";
import { OpenConsumers, SwitchyardError } from "@switchyard/core/driver";
import { inBatch } from "../batch-signal.js";
import { azureErrorCode, startupError } from "../errors.js";
import { hostOf, producerFor } from "./clients.js";
import { EventHubsConsumer } from "./consumer.js";
import type { EventHubsStreamOptions } from "./options.js";
import { recordBytes, toEvent } from "./transform.js";

/** Room left in a batch for the SDK's per-event framing beyond {@link recordBytes}. */
const FRAMING_BYTES = 1024;
/** Batches of different partition keys in flight at once for one `send`. */
const SEND_CONCURRENCY = 16;

/** How an Event Hubs stream is built besides its options. */
export interface EventHubsStreamSetup {
  /** An EventHubProducerClient to send with instead of building one. Consumers are still built from the options. */
  client?: EventHubProducerClient;
}

/**
 * An event hub as a Switchyard stream. Records with a key go in batches by
 * partition key (the service keeps a key on one partition); keyless records go
 * in shared batches the service spreads. Batches are sized by the sender
 * link's max message size. Consumers balance partitions through a Blob
 * checkpoint store.
 */
export class EventHubsStream implements StreamDriver {
  readonly capabilities: StreamCapabilities;
  private readonly producer: EventHubProducerClient;
  private readonly ownsProducer: boolean;
  private readonly consumers = new OpenConsumers<EventHubsConsumer>();
  private closed = false;

  /**
   * Builds the stream and checks that the hub answers, and learns the sender
   * link's max message size (which bounds a record), within `timeoutMs`.
   */
  static async open(
    options: EventHubsStreamOptions,
    setup: EventHubsStreamSetup = {},
  ): Promise<EventHubsStream> {
    const producer = setup.client ?? producerFor(options);
    try {
      const batch = await producer.createBatch({ abortSignal: AbortSignal.timeout(options.timeoutMs) });
      return new EventHubsStream(options, producer, setup.client === undefined, batch.maxSizeInBytes);
    } catch (err) {
      if (setup.client === undefined) await producer.close().catch(() => undefined);
      throw startupError(err, `eventhubs://${options.namespace}/${options.hub}`, hostOf(options));
    }
  }

  private constructor(
    private readonly options: EventHubsStreamOptions,
    producer: EventHubProducerClient,
    ownsProducer: boolean,
    maxMessageBytes: number,
  ) {
    this.producer = producer;
    this.ownsProducer = ownsProducer;
    this.capabilities = {
      ordering: "partition",
      replay: true,
      startFromTimestamp: true,
      groups: true,
      headers: true,
      settlement: "offset",
      maxRecordBytes: maxMessageBytes - FRAMING_BYTES,
      maxBatchRecords: options.maxBatchRecords,
    };
  }

  private get where(): string {
    return `eventhubs://${this.options.namespace}/${this.options.hub}`;
  }

  async send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    if (this.closed) throw new SwitchyardError("FailedPrecondition", `${this.where}: stream is closed`);
    for (let i = 0; i < records.length; i++) {
      const size = recordBytes(records[i]!);
      if (size > this.capabilities.maxRecordBytes) {
        throw new SwitchyardError(
          "InvalidArgument",
          `${this.where}: record ${i} takes ${size} bytes, over the hub's limit of ${this.capabilities.maxRecordBytes} — make it smaller (the tier sets the limit: 256 KiB Basic, 1 MiB Standard and above)`,
        );
      }
    }
    // Records of one key, in order; keyless records together.
    const byKey = new Map<string | undefined, number[]>();
    records.forEach((r, i) => {
      const list = byKey.get(r.key);
      if (list === undefined) byKey.set(r.key, [i]);
      else list.push(i);
    });
    const results: SendResult[] = records.map(() => ({ id: randomUUID() }));
    const groups = [...byKey];
    let next = 0;
    const worker = async (signal: AbortSignal) => {
      while (next < groups.length) {
        const [key, indexes] = groups[next++]!;
        await this.sendKey(key, indexes, records, results, signal);
      }
    };
    const workers = Math.min(SEND_CONCURRENCY, groups.length);
    await inBatch(signal, workers, (shared) =>
      Promise.all(Array.from({ length: workers }, () => worker(shared))),
    );
    return results;
  }

  /** Sends one key's records in as few batches as fit, in order. */
  private async sendKey(
    key: string | undefined,
    indexes: number[],
    records: OutgoingRecord[],
    results: SendResult[],
    signal: AbortSignal,
  ): Promise<void> {
    const options = key === undefined ? { abortSignal: signal } : { partitionKey: key, abortSignal: signal };
    let batch: EventDataBatch = await this.producer.createBatch(options);
    for (const i of indexes) {
      const event = toEvent(records[i]!, results[i]!.id);
      if (batch.tryAdd(event)) continue;
      await this.producer.sendBatch(batch, { abortSignal: signal });
      batch = await this.producer.createBatch(options);
      if (!batch.tryAdd(event)) {
        throw new SwitchyardError(
          "InvalidArgument",
          `${this.where}: record ${i} does not fit in an empty batch`,
        );
      }
    }
    if (batch.count > 0) await this.producer.sendBatch(batch, { abortSignal: signal });
  }

  async openConsumer(options: ConsumerOptions): Promise<ConsumerDriver> {
    if (this.closed) throw new SwitchyardError("FailedPrecondition", `${this.where}: stream is closed`);
    return this.consumers.add(await EventHubsConsumer.open(this.options, options));
  }

  errorCode(err: unknown): ErrorCode {
    return azureErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.producer instanceof type ? this.producer : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.producer.getEventHubProperties({ abortSignal: signal });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.consumers.closeAll();
    if (this.ownsProducer) await this.producer.close().catch(() => undefined);
  }
}
