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
import type { Redis } from "ioredis";
import { clientFor, closeClient, connectionOptions, checkTls } from "../connection.js";
import type { ClientHandle } from "../connection.js";
import { redisErrorCode } from "../errors.js";
import { RedisStreamConsumer } from "./consumer.js";
import { streamSettings } from "./settings.js";
import type { StreamSettings } from "./settings.js";
import { entryFields, groupStartId, partitionOfKey, recordBytes, recordId } from "./transform.js";

/** Options of {@link RedisStream}. */
export interface RedisStreamOptions {
  /** An ioredis client to use instead of one built from the URL; never closed by the stream. */
  client?: unknown;
  /** Folder relative `ca=`, `cert=` and `key=` paths resolve against. Default: the working directory. */
  baseDir?: string;
}

/** Most records per send: one pipelined burst of XADDs. */
const MAX_BATCH_RECORDS = 1000;

/**
 * A stream on Redis Streams. One partition is one stream key (`partitions=N`
 * spreads records over `<name>:0…N-1` by a hash of their key); records are
 * XADDs (trimmed with `MAXLEN ~` when `maxLen` is set) sent pipelined; consumer
 * groups are Redis consumer groups, created at the requested start with
 * MKSTREAM. Ids are `<append ms>-<seq>`, so starting from a timestamp is exact
 * to the millisecond of appending.
 */
export class RedisStream implements StreamDriver {
  readonly capabilities: StreamCapabilities;
  /** The stream's settings, from its URL. */
  readonly settings: StreamSettings;
  readonly #handle: ClientHandle;
  readonly #consumers = new Set<RedisStreamConsumer>();
  readonly #url: URL;
  readonly #baseDir: string | undefined;
  #roundRobin = 0;
  #closed: Promise<void> | undefined;

  /** Opens the stream `redis-stream://[user:pass@]host:port/<name>` (`rediss-stream://` for TLS). */
  constructor(url: URL, options: RedisStreamOptions = {}) {
    this.settings = streamSettings(url);
    const resource = `stream "${this.settings.name}"`;
    this.#url = url;
    this.#baseDir = options.baseDir;
    this.#handle = clientFor(
      connectionOptions(url, this.settings.db, options.baseDir),
      options.client,
      resource,
    );
    this.capabilities = {
      ordering: "partition",
      replay: true,
      startFromTimestamp: true,
      groups: true,
      headers: true,
      settlement: "ack",
      maxRecordBytes: this.settings.maxRecordBytes,
      maxBatchRecords: MAX_BATCH_RECORDS,
    };
  }

  /** The ioredis client this stream uses. */
  get client(): Redis {
    return this.#handle.client;
  }

  async send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    signal.throwIfAborted();
    this.#assertOpen();
    this.#checkSendable(records);
    const { keys, maxLen } = this.settings;
    const trim = maxLen === undefined ? [] : ["MAXLEN", "~", String(maxLen)];
    return Promise.all(
      records.map(async (record) => {
        const partition = this.#partitionOf(record);
        const id = await this.client.xadd(keys[partition]!, ...trim, "*", ...entryFields(record));
        return { id: id === null ? "" : recordId(String(partition), id), partition: String(partition) };
      }),
    );
  }

  async openConsumer(options: ConsumerOptions): Promise<ConsumerDriver> {
    this.#assertOpen();
    const { keys } = this.settings;
    await Promise.all(
      keys.map(async (key, i) => {
        const start = groupStartId(options.start, String(i));
        try {
          await this.client.xgroup("CREATE", key, options.group, start, "MKSTREAM");
        } catch (err) {
          // An existing group keeps its own position: the start applies to new groups only.
          if (redisErrorCode(err) !== "AlreadyExists") throw err;
        }
      }),
    );
    const blocking = this.client.duplicate();
    // A duplicate has none of the original's listeners: without one, ioredis logs every failed
    // reconnect while the server is away. Failures reach the consumer through its rejected reads.
    blocking.on("error", () => undefined);
    const consumer: RedisStreamConsumer = new RedisStreamConsumer({
      client: this.client,
      blocking,
      settings: this.settings,
      group: options.group,
      consumer: this.settings.consumerName ?? options.consumerName,
      onClose: () => this.#consumers.delete(consumer),
    });
    this.#consumers.add(consumer);
    return consumer;
  }

  errorCode(err: unknown): ErrorCode {
    return redisErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.client instanceof type ? this.client : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#assertOpen();
    await checkTls(this.#handle, this.#url, this.#baseDir);
    for (const key of this.settings.keys) {
      const type = await this.client.type(key);
      if (type !== "stream" && type !== "none") {
        throw new SwitchyardError(
          "FailedPrecondition",
          `stream "${this.settings.name}": Redis key "${key}" holds a ${type}, not a stream — pick another name`,
        );
      }
    }
  }

  /** A call after close is the caller's mistake: FailedPrecondition, never retried (not ioredis's "Connection is closed"). */
  #assertOpen(): void {
    if (this.#closed !== undefined) throw new SwitchyardError("FailedPrecondition", "the stream is closed");
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.all([...this.#consumers].map((consumer) => consumer.close()));
      await closeClient(this.#handle);
    })();
    return this.#closed;
  }

  #checkSendable(records: readonly OutgoingRecord[]): void {
    const { maxRecordBytes, maxBatchRecords } = this.capabilities;
    if (records.length > maxBatchRecords) {
      throw new SwitchyardError(
        "InvalidArgument",
        `stream "${this.settings.name}": ${records.length} records in one send; at most ${maxBatchRecords}`,
      );
    }
    records.forEach((record, i) => {
      const size = recordBytes(record);
      if (size > maxRecordBytes) {
        throw new SwitchyardError(
          "InvalidArgument",
          `stream "${this.settings.name}": record ${i} is ${size} bytes, over maxRecordBytes=${maxRecordBytes}; ` +
            `send smaller records or raise maxRecordBytes in the URL`,
        );
      }
    });
  }

  #partitionOf(record: OutgoingRecord): number {
    const count = this.settings.keys.length;
    if (count === 1) return 0;
    if (record.key !== undefined) return partitionOfKey(record.key, count);
    this.#roundRobin = (this.#roundRobin + 1) % count;
    return this.#roundRobin;
  }
}
