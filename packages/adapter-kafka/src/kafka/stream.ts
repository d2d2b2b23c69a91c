import { Producer } from "@platformatic/kafka";
import type {
  ConsumerDriver,
  ConsumerOptions,
  ErrorCode,
  OutgoingRecord,
  SendResult,
  StreamCapabilities,
  StreamDriver,
} from "@switchyard/core/driver";
import { OpenConsumers, SwitchyardError, raceAbort } from "@switchyard/core/driver";
import {
  baseOptions,
  createdPartitionCount,
  ensureTopic,
  partitionCount,
  startupFailure,
  withDeadline,
} from "./client.js";
import { KafkaConsumer } from "./consumer.js";
import { kafkaErrorCode } from "./errors.js";
import type { KafkaStreamOptions } from "./options.js";
import { ProduceQueue } from "./produce-queue.js";
import { recordBytes } from "./transform.js";

/** How a Kafka stream is built besides its options. */
export interface KafkaStreamSetup {
  /**
   * A @platformatic/kafka Producer to send with instead of building one. It must
   * keep the default Buffer serialisers. Consumers are still built from the options.
   */
  client?: Producer;
}

/**
 * A Kafka topic as a Switchyard stream: keyed records go to the partition Kafka's
 * default partitioner picks, sends share produce requests, consumers join groups.
 */
export class KafkaStream implements StreamDriver {
  readonly capabilities: StreamCapabilities;
  private readonly producer: Producer;
  private readonly ownsProducer: boolean;
  private readonly queue: ProduceQueue;
  private readonly consumers = new OpenConsumers<KafkaConsumer>();
  private closed = false;

  /**
   * Builds the stream and checks, within `connectTimeoutMs`, that a broker answers
   * and the topic exists (creating it first when `create` is set).
   */
  static async open(options: KafkaStreamOptions, setup: KafkaStreamSetup = {}): Promise<KafkaStream> {
    const stream = new KafkaStream(options, setup);
    try {
      const created =
        options.create &&
        (await withDeadline(ensureTopic(options), options.connectTimeoutMs, "create topic", options));
      await withDeadline(
        created ? createdPartitionCount(stream.producer, options) : partitionCount(stream.producer, options),
        options.connectTimeoutMs,
        "metadata",
        options,
      );
    } catch (err) {
      await stream.close();
      throw await startupFailure(err, options);
    }
    return stream;
  }

  /** Use {@link KafkaStream.open}, which also checks the broker and topic. */
  constructor(
    private readonly options: KafkaStreamOptions,
    setup: KafkaStreamSetup = {},
  ) {
    this.ownsProducer = setup.client === undefined;
    this.producer =
      setup.client ??
      new Producer({
        ...baseOptions(options),
        idempotent: options.idempotent,
        acks: options.acks,
        compression: options.compression,
        autocreateTopics: false,
      });
    this.queue = new ProduceQueue(this.producer, options);
    this.capabilities = {
      ordering: "partition",
      replay: true,
      startFromTimestamp: true,
      groups: true,
      headers: true,
      settlement: "offset",
      maxRecordBytes: options.maxRecordBytes,
      maxBatchRecords: options.maxBatchRecords,
    };
  }

  async send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    if (this.closed)
      throw new SwitchyardError(
        "FailedPrecondition",
        `kafka topic "${this.options.topic}": stream is closed`,
      );
    if (records.length > this.options.maxBatchRecords) {
      throw new SwitchyardError(
        "InvalidArgument",
        `kafka send of ${records.length} records exceeds maxBatchRecords ${this.options.maxBatchRecords}`,
      );
    }
    for (let i = 0; i < records.length; i++) {
      const size = recordBytes(records[i]!);
      if (size > this.options.maxRecordBytes) {
        throw new SwitchyardError(
          "InvalidArgument",
          `kafka topic "${this.options.topic}": record ${i} is ${size} bytes, over maxRecordBytes ${this.options.maxRecordBytes} — make it smaller, or raise the topic's max.message.bytes and ?maxRecordBytes= together`,
        );
      }
    }
    if (records.length === 0) return [];
    return this.queue.add(records, signal);
  }

  async openConsumer(options: ConsumerOptions): Promise<ConsumerDriver> {
    if (this.closed)
      throw new SwitchyardError(
        "FailedPrecondition",
        `kafka topic "${this.options.topic}": stream is closed`,
      );
    let consumer: KafkaConsumer;
    try {
      consumer = await KafkaConsumer.open(this.options, options);
    } catch (err) {
      throw await startupFailure(err, this.options);
    }
    return this.consumers.add(consumer);
  }

  errorCode(err: unknown): ErrorCode {
    return kafkaErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.producer instanceof type ? this.producer : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    const { connectTimeoutMs } = this.options;
    const work = withDeadline(
      partitionCount(this.producer, this.options),
      connectTimeoutMs,
      "probe",
      this.options,
    );
    try {
      // The metadata request takes no signal: the probe gives up waiting for it instead.
      await raceAbort(work, signal, "kafka probe");
    } catch (err) {
      // A refused certificate is a setting to fix, not an outage: say which.
      const explained =
        this.options.tls && !signal.aborted ? await startupFailure(err, this.options) : undefined;
      throw explained?.code === "Unauthenticated" ? explained : err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.consumers.closeAll();
    await this.queue.drain();
    if (this.ownsProducer) await this.producer.close().catch(() => undefined);
  }
}
