import type { Codec } from "../codec/codec.js";
import { json } from "../codec/json.js";
import type {
  Headers,
  OutgoingRecord,
  SendResult,
  StartPosition,
  StreamCapabilities,
  StreamDriver,
} from "../driver/index.js";
import { SwitchyardError, wrapError } from "../errors.js";
import { retryPolicy, withRetry } from "../retry.js";
import type { RetryPolicy } from "../retry.js";
import { Subscription } from "./subscription.js";
import type { SubscriptionOptions } from "./subscription.js";

/** A value to publish, with its optional key, headers and event time. */
export interface Publishable<T> {
  /** The value; encoded with the stream's codec. */
  value: T;
  /** Partition / ordering key. */
  key?: string | undefined;
  /** Headers to carry. */
  headers?: Headers | undefined;
  /** Event time in ms. Default: now. */
  timestamp?: number | undefined;
}

/** Options of a Stream. */
export interface StreamOptions<T> {
  /** The stream's name in the profile (for errors and metrics). */
  name: string;
  /** Encodes and decodes values. Default `json()`. */
  codec?: Codec<T>;
  /** Retry policy for sends. */
  retry?: Partial<RetryPolicy>;
}

/** Options of `Stream.subscribe`. */
export interface SubscribeOptions extends Partial<SubscriptionOptions> {
  /** Consumer group; members share the partitions. */
  group: string;
  /** Where a new group starts. Default `earliest`. */
  start?: StartPosition;
  /** This member's name, unique in the group. Default: host, pid and a random suffix. */
  consumerName?: string;
}

/** What a pipeline or user needs of a stream, checked at startup. */
export interface StreamNeeds {
  /** Order per partition or key. */
  ordering?: boolean;
  /** Consumer groups. */
  groups?: boolean;
  /** Replay from an earlier position. */
  replay?: boolean;
  /** Start from a timestamp. */
  startFromTimestamp?: boolean;
  /** Headers round-trip. */
  headers?: boolean;
}

/**
 * A portable stream: publish values, subscribe in consumer groups. Encoding,
 * size checks, batch splitting, retries and error wrapping live here; the
 * driver only moves bytes.
 */
export class Stream<T> {
  /** The stream's name in the profile. */
  readonly name: string;
  /** The codec values go through. */
  readonly codec: Codec<T>;
  private readonly policy: RetryPolicy;

  /** Wraps a driver. */
  constructor(
    private readonly driver: StreamDriver,
    options: StreamOptions<T>,
  ) {
    this.name = options.name;
    this.codec = options.codec ?? json<T>();
    this.policy = retryPolicy(options.retry);
  }

  /** What the underlying stream supports. */
  get capabilities(): StreamCapabilities {
    return this.driver.capabilities;
  }

  /** Encodes and publishes values; resolves with one result per value once the stream acknowledged all of them. */
  async publish(records: readonly Publishable<T>[], signal?: AbortSignal): Promise<SendResult[]> {
    await this.codec.prepare?.([]);
    const now = Date.now();
    const contentType = this.codec.contentType;
    const out: OutgoingRecord[] = new Array<OutgoingRecord>(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      out[i] = {
        key: r.key,
        value: this.codec.encode(r.value),
        headers: r.headers === undefined ? { "content-type": contentType } : r.headers,
        timestamp: r.timestamp ?? now,
      };
    }
    return this.publishRaw(out, signal);
  }

  /** Publishes records whose bytes are already encoded (e.g. dead letters with their original bytes). */
  async publishRaw(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<SendResult[]> {
    const { maxRecordBytes, maxBatchRecords } = this.driver.capabilities;
    for (const r of records) {
      const size = r.value.byteLength + (r.key?.length ?? 0);
      if (size > maxRecordBytes) {
        throw new SwitchyardError(
          "InvalidArgument",
          `stream "${this.name}": record of ${size} bytes exceeds the limit of ${maxRecordBytes} bytes — make it smaller or raise maxRecordBytes where the stream allows`,
        );
      }
    }
    const abort = signal ?? new AbortController().signal;
    const results: SendResult[] = [];
    for (let start = 0; start < records.length; start += maxBatchRecords) {
      const chunk =
        records.length <= maxBatchRecords ? records : records.slice(start, start + maxBatchRecords);
      const sent = await withRetry(
        () => this.driver.send(chunk as OutgoingRecord[], abort),
        this.policy,
        (err) => wrapError(err, (e) => this.driver.errorCode(e), `stream "${this.name}": send`),
        abort,
      );
      if (sent.length !== chunk.length) {
        throw new SwitchyardError(
          "Internal",
          `stream "${this.name}": driver acknowledged ${sent.length} of ${chunk.length} records`,
        );
      }
      for (const s of sent) results.push(s);
    }
    return results;
  }

  /** Joins a consumer group and returns the subscription. */
  async subscribe(options: SubscribeOptions): Promise<Subscription<T>> {
    const maxBatch = options.maxBatch ?? 1024;
    let consumer;
    try {
      consumer = await this.driver.openConsumer({
        group: options.group,
        start: options.start ?? "earliest",
        consumerName: options.consumerName ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      });
    } catch (err) {
      throw this.wrap(err, "subscribe");
    }
    return new Subscription<T>(
      consumer,
      this.driver.capabilities,
      this.codec,
      {
        maxBatch,
        maxUnacked: options.maxUnacked ?? maxBatch * 8,
        maxUnackedBytes: options.maxUnackedBytes ?? 32 * 1024 * 1024,
        commitIntervalMs: options.commitIntervalMs ?? 1000,
        revokeTimeoutMs: options.revokeTimeoutMs ?? 10_000,
        ...(options.onReceiveRetry === undefined ? {} : { onReceiveRetry: options.onReceiveRetry }),
      },
      (err, context) => this.wrap(err, context),
    );
  }

  /** Throws FailedPrecondition naming the fix when the stream lacks something the caller needs. */
  require(needs: StreamNeeds, adapter = "this adapter"): void {
    const c = this.driver.capabilities;
    const missing: string[] = [];
    if (needs.ordering === true && c.ordering === "none") missing.push("ordering");
    if (needs.groups === true && !c.groups) missing.push("consumer groups");
    if (needs.replay === true && !c.replay) missing.push("replay");
    if (needs.startFromTimestamp === true && !c.startFromTimestamp) missing.push("start from a timestamp");
    if (needs.headers === true && !c.headers) missing.push("headers");
    if (missing.length > 0) {
      throw new SwitchyardError(
        "FailedPrecondition",
        `stream "${this.name}" on ${adapter} lacks ${missing.join(", ")} — choose a stream adapter that supports it or drop the requirement`,
      );
    }
  }

  /** Returns the provider client if it is an instance of `type`. */
  as<C>(type: abstract new (...args: never[]) => C): C | undefined {
    return this.driver.as(type);
  }

  /** Closes the driver. */
  close(): Promise<void> {
    return this.driver.close();
  }

  private wrap(err: unknown, op: string): SwitchyardError {
    return wrapError(err, (e) => this.driver.errorCode(e), `stream "${this.name}": ${op}`);
  }
}
