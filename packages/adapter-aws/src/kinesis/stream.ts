/**
 * A Kinesis data stream as a Switchyard stream driver: PutRecords to publish,
 * shard leases in DynamoDB to share the shards among a group's consumers.
 */
import { DescribeStreamSummaryCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type {
  ConsumerDriver,
  ConsumerOptions,
  ErrorCode,
  OutgoingRecord,
  SendResult,
  StreamCapabilities,
  StreamDriver,
} from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { awsErrorCode } from "../errors.js";
import { KinesisConsumer } from "./consumer.js";
import { createStreamIfMissing } from "./create.js";
import { LeaseTable } from "./lease-table.js";
import { defaultLeaseTable } from "./options.js";
import type { KinesisSettings } from "./options.js";
import type { PreparedRecord } from "./put-records.js";
import { MAX_PUT_RECORDS, planCalls, prepare, putRecords } from "./put-records.js";

/** Room left in a 1 MiB record for the envelope of a record with a few headers. */
const ENVELOPE_ALLOWANCE = 1024;

/** Options of {@link KinesisStream}. */
export interface KinesisStreamOptions {
  /** A Kinesis client to use instead of building one (the caller closes it). */
  client?: KinesisClient;
  /** A DynamoDB client for the lease table (the caller closes it). */
  leaseClient?: DynamoDBClient;
  /** Where background lease errors go. Default: ignored (the next lease cycle tries again). */
  onError?: (err: unknown) => void;
}

/** A record on its way: its entry and size, its place in the send, its partition key. */
interface Pending extends PreparedRecord {
  index: number;
  key: string;
}

/** The Kinesis stream driver. */
export class KinesisStream implements StreamDriver {
  readonly capabilities: StreamCapabilities;
  private readonly kinesis: KinesisClient;
  private readonly dynamodb: DynamoDBClient;
  private readonly ownsClients: boolean[];
  /** Records a PutRecords call accepted, kept so that core's retry of the batch sends only the rest. */
  private readonly accepted = new WeakMap<OutgoingRecord, SendResult>();
  private readonly consumers = new Set<KinesisConsumer>();
  /** Settles once the send made last has ended: sends go out one at a time, in the order they were made. */
  private lastSend: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The stream's existence, checked (and with `create=true` made) once. */
  private ready: Promise<void> | undefined;

  constructor(
    private readonly settings: KinesisSettings,
    private readonly options: KinesisStreamOptions = {},
  ) {
    this.kinesis = options.client ?? new KinesisClient(settings.kinesis);
    this.dynamodb = options.leaseClient ?? new DynamoDBClient(settings.dynamodb);
    this.ownsClients = [options.client === undefined, options.leaseClient === undefined];
    this.capabilities = {
      ordering: "partition",
      replay: true,
      startFromTimestamp: true,
      groups: true,
      headers: settings.envelope,
      settlement: "offset",
      maxRecordBytes: 1024 * 1024 - (settings.envelope ? ENVELOPE_ALLOWANCE : 0),
      maxBatchRecords: MAX_PUT_RECORDS,
    };
  }

  /**
   * Publishes in PutRecords calls within the limits. When a call rejects some
   * records, or fails outright after earlier calls of the send went through,
   * the send fails (core retries the batch) and remembers what was accepted, so
   * the retry sends only the rest — and, to keep each key in order, the records
   * of their keys that came after the refused ones. A send that
   * all goes through remembers nothing: most do, and a WeakMap entry per record
   * costs more than the rest of the driver's work on it.
   *
   * Sends go out one at a time, each after the one made before it ended. Core
   * issues a partition's writes in order and lets them overlap, but Kinesis
   * applies two PutRecords calls in flight in whatever order they arrive: a
   * later record of a key could be written first, or alone if the process dies
   * before the earlier call lands, and per-key order would break (decision 2327).
   */
  send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    const sent = this.lastSend.then(() => this.sendNow(records, signal));
    this.lastSend = sent.catch(() => undefined);
    return sent;
  }

  private async sendNow(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    this.checkOpen();
    if (this.settings.createShards !== undefined) await this.ensure(signal);
    const stream = this.settings.stream;
    const results = new Array<SendResult | undefined>(records.length);
    const todo: Pending[] = [];
    for (let index = 0; index < records.length; index++) {
      const record = records[index]!;
      const earlier = this.accepted.get(record);
      if (earlier !== undefined) {
        results[index] = earlier;
        continue;
      }
      const { entry, bytes } = prepare(
        stream,
        record,
        !this.settings.envelope,
        this.capabilities.maxRecordBytes,
      );
      todo.push({ entry, bytes, index, key: entry.PartitionKey! });
    }
    const failedKeys = new Set<string>();
    let firstFailure: { code: string; message: string } | undefined;
    let rejected = 0;
    let sent = false;
    try {
      for (const call of planCalls(todo)) {
        const sendable = failedKeys.size === 0 ? call : call.filter((p) => !failedKeys.has(p.key));
        if (sendable.length === 0) continue;
        const outcomes = await putRecords(
          this.kinesis,
          stream,
          sendable.map((p) => p.entry),
          signal,
        );
        for (let i = 0; i < sendable.length; i++) {
          const p = sendable[i]!;
          const outcome = outcomes[i]!;
          if (outcome.ok && !failedKeys.has(p.key)) {
            results[p.index] = outcome.result;
            continue;
          }
          rejected++;
          failedKeys.add(p.key);
          if (!outcome.ok) firstFailure ??= outcome;
        }
      }
      if (firstFailure !== undefined) {
        throw new SwitchyardError(
          firstFailure.code === "ProvisionedThroughputExceededException"
            ? "ResourceExhausted"
            : "Unavailable",
          `kinesis stream "${stream}": ${rejected} of ${todo.length} records not accepted (${firstFailure.code}: ${firstFailure.message})`,
        );
      }
      sent = true;
      return results as SendResult[];
    } finally {
      // Refused records, or a call that failed outright after others went through: core retries the send.
      if (!sent) {
        for (let index = 0; index < records.length; index++) {
          const result = results[index];
          if (result !== undefined) this.accepted.set(records[index]!, result);
        }
      }
    }
  }

  async openConsumer(options: ConsumerOptions): Promise<ConsumerDriver> {
    this.checkOpen();
    const signal = AbortSignal.timeout(60_000);
    await this.ensure(signal);
    const table = new LeaseTable(
      this.dynamodb,
      this.settings.leaseTable ?? defaultLeaseTable(options.group, this.settings.stream),
    );
    const consumer = await KinesisConsumer.open(
      this.kinesis,
      table,
      {
        stream: this.settings.stream,
        failoverMs: this.settings.failoverMs,
        envelope: this.settings.envelope,
        maxRecords: this.settings.maxRecords,
        onError: this.options.onError ?? (() => undefined),
      },
      options,
      signal,
    );
    this.consumers.add(consumer);
    return consumer;
  }

  errorCode(err: unknown): ErrorCode {
    return awsErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    if (this.kinesis instanceof type) return this.kinesis;
    if (this.dynamodb instanceof type) return this.dynamodb;
    return undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    this.checkOpen();
    await this.ensure(signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
    this.consumers.clear();
    if (this.ownsClients[0] === true) this.kinesis.destroy();
    if (this.ownsClients[1] === true) this.dynamodb.destroy();
    this.ownsClients.fill(false);
  }

  private checkOpen(): void {
    if (this.closed) {
      throw new SwitchyardError("FailedPrecondition", `kinesis stream "${this.settings.stream}" is closed`);
    }
  }

  /** Checks the stream exists once (creating it with `create=true`); a failed check is tried again next time. */
  private ensure(signal: AbortSignal): Promise<void> {
    this.ready ??= this.describe(signal).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** Checks the stream exists; a missing one is created with `create=true`, else NotFound naming it. */
  private async describe(signal: AbortSignal): Promise<void> {
    try {
      await this.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: this.settings.stream }), {
        abortSignal: signal,
      });
    } catch (err) {
      if (awsErrorCode(err) !== "NotFound") throw err;
      const shards = this.settings.createShards;
      if (shards !== undefined)
        return createStreamIfMissing(this.kinesis, this.settings.stream, shards, signal);
      throw new SwitchyardError(
        "NotFound",
        `kinesis stream "${this.settings.stream}" does not exist — create it (aws kinesis create-stream), add create=true to the URL, or fix the URL`,
        { cause: err },
      );
    }
  }
}
