import type { Topic } from "@google-cloud/pubsub";
import { PubSub } from "@google-cloud/pubsub";
import { SwitchyardError } from "@switchyard/core/driver";
import type {
  ConsumerDriver,
  ConsumerOptions,
  ErrorCode,
  OutgoingRecord,
  SendResult,
  StreamCapabilities,
  StreamDriver,
} from "@switchyard/core/driver";
import { gcpErrorCode } from "../errors.js";
import { PubSubConsumer } from "./consumer.js";
import { pubSubSettings } from "./settings.js";
import type { PubSubSettings } from "./settings.js";
import { openSubscription } from "./subscription-setup.js";
import { messageOf, recordBytes } from "./transform.js";

/** Options of {@link PubSubStream}. */
export interface PubSubStreamOptions {
  /** A `PubSub` client to use instead of one built for the URL's project; never closed by the stream. */
  client?: unknown;
}

/** Most messages in one send: Pub/Sub's limit per publish request. */
const MAX_BATCH_RECORDS = 1000;

/**
 * A stream on a Google Cloud Pub/Sub topic. Records are published through the
 * client's batching publisher, the record key as ordering key (unless
 * `ordering=none`); a failed key is resumed before the error is reported, so
 * core's retry can publish it again. A consumer group is a subscription —
 * `?subscription=` or the group's name — read by streaming pull with flow
 * control; records are acked one by one when core has them done (`ack`
 * settlement). Several instances on one subscription share its messages by
 * Pub/Sub's own delivery. The emulator is used when `PUBSUB_EMULATOR_HOST` is set.
 */
export class PubSubStream implements StreamDriver {
  readonly capabilities: StreamCapabilities;
  /** The stream's settings, from its URL. */
  readonly settings: PubSubSettings;
  readonly #client: PubSub;
  readonly #ownsClient: boolean;
  readonly #topic: Topic;
  readonly #consumers = new Set<PubSubConsumer>();
  #topicReady: Promise<void> | undefined;
  #closed: Promise<void> | undefined;

  /** Opens the stream `pubsub://project/topic?…`; no call is made until it is used. */
  constructor(url: URL, options: PubSubStreamOptions = {}) {
    this.settings = pubSubSettings(url);
    const { client } = options;
    if (client !== undefined && !(client instanceof PubSub)) {
      throw new SwitchyardError(
        "InvalidArgument",
        `${this.settings.where}: the injected client must be a PubSub from @google-cloud/pubsub`,
      );
    }
    this.#client = client ?? new PubSub({ projectId: this.settings.project });
    this.#ownsClient = client === undefined;
    this.#topic = this.#client.topic(this.settings.topic, {
      messageOrdering: this.settings.ordering === "key",
      batching: {
        maxMessages: this.settings.batchMaxMessages,
        maxMilliseconds: this.settings.batchMaxMs,
      },
    });
    this.capabilities = {
      ordering: this.settings.ordering,
      // No offsets to start from; a time is a seek (see subscription-setup.ts).
      replay: false,
      startFromTimestamp: true,
      groups: true,
      headers: true,
      settlement: "ack",
      maxRecordBytes: this.settings.maxRecordBytes,
      maxBatchRecords: MAX_BATCH_RECORDS,
    };
  }

  /** The Pub/Sub client this stream uses. */
  get client(): PubSub {
    return this.#client;
  }

  async send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    signal.throwIfAborted();
    this.#checkOpen();
    this.#checkSendable(records);
    await this.#ensureTopic();
    const orderingKeys = this.settings.ordering === "key";
    const published = records.map((record) => this.#topic.publishMessage(messageOf(record, orderingKeys)));
    const outcomes = await Promise.allSettled(published);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed !== undefined) {
      // The client refuses further messages of a key whose publish failed until it is resumed.
      if (orderingKeys) {
        for (const record of records) if (record.key) this.#topic.resumePublishing(record.key);
      }
      throw failed.reason;
    }
    return outcomes.map((o) => ({ id: (o as PromiseFulfilledResult<string>).value }));
  }

  async openConsumer(options: ConsumerOptions): Promise<ConsumerDriver> {
    this.#checkOpen();
    await this.#ensureTopic();
    const { subscription, notBefore, exactlyOnce } = await openSubscription(
      this.#client,
      this.settings,
      options.group,
      options.start,
    );
    const consumer: PubSubConsumer = new PubSubConsumer({
      subscription,
      lanes: this.settings.lanes,
      notBefore,
      exactlyOnce,
      onClose: () => this.#consumers.delete(consumer),
    });
    this.#consumers.add(consumer);
    return consumer;
  }

  errorCode(err: unknown): ErrorCode {
    return gcpErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    if (this.#client instanceof type) return this.#client;
    if (this.#topic instanceof type) return this.#topic;
    return undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#checkOpen();
    await this.#ensureTopic();
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.allSettled([...this.#consumers].map((consumer) => consumer.close()));
      await this.#topic.flush().catch(() => undefined);
      if (this.#ownsClient) await this.#client.close();
    })();
    return this.#closed;
  }

  /** Checks once that the topic exists, creating it when `create=true`; a failed check is tried again next time. */
  #ensureTopic(): Promise<void> {
    this.#topicReady ??= this.#checkTopic().catch((err: unknown) => {
      this.#topicReady = undefined;
      throw err;
    });
    return this.#topicReady;
  }

  async #checkTopic(): Promise<void> {
    const { create, retentionSeconds, topic, project, where } = this.settings;
    if (create) {
      try {
        await this.#client.createTopic({
          name: topic,
          ...(retentionSeconds > 0 ? { messageRetentionDuration: { seconds: retentionSeconds } } : {}),
        });
      } catch (err) {
        if (gcpErrorCode(err) !== "AlreadyExists") throw err;
      }
      return;
    }
    const [exists] = await this.#topic.exists();
    if (!exists) {
      throw new SwitchyardError(
        "NotFound",
        `${where}: topic "${topic}" does not exist in project ${project} — create it ` +
          `(gcloud pubsub topics create ${topic}) or add create=true to the URL`,
      );
    }
  }

  #checkOpen(): void {
    if (this.#closed !== undefined) {
      throw new SwitchyardError("FailedPrecondition", `${this.settings.where}: the stream is closed`);
    }
  }

  #checkSendable(records: readonly OutgoingRecord[]): void {
    const { maxRecordBytes, maxBatchRecords } = this.capabilities;
    if (records.length > maxBatchRecords) {
      throw new SwitchyardError(
        "InvalidArgument",
        `${this.settings.where}: ${records.length} records in one send; at most ${maxBatchRecords}`,
      );
    }
    for (let i = 0; i < records.length; i++) {
      const size = recordBytes(records[i]!);
      if (size > maxRecordBytes) {
        throw new SwitchyardError(
          "InvalidArgument",
          `${this.settings.where}: record ${i} is ${size} bytes, over maxRecordBytes=${maxRecordBytes}; ` +
            "send smaller records (Pub/Sub takes at most 10 MB a message)",
        );
      }
    }
  }
}
