/** A Timestream table as a Switchyard time-series sink, written with WriteRecords. */
import {
  DescribeTableCommand,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from "@aws-sdk/client-timestream-write";
import type { ErrorCode, Point, TimeSeriesCapabilities, TimeSeriesDriver } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { awsErrorCode } from "../errors.js";
import type { TimestreamSettings } from "./options.js";
import { createTimestreamTableIfMissing } from "./create.js";
import { rejectionMessage, toRecord } from "./transform.js";

/** Most records in one WriteRecords call. */
export const MAX_WRITE_RECORDS = 100;

/** Options of {@link TimestreamSink}. */
export interface TimestreamSinkOptions {
  /** A Timestream write client to use instead of building one (the caller closes it). */
  client?: TimestreamWriteClient;
}

/** The Timestream time-series driver. Reading back needs Timestream's query API, which it does not use. */
export class TimestreamSink implements TimeSeriesDriver {
  /** Up to 100 points per call (WriteRecords' limit). */
  readonly capabilities: TimeSeriesCapabilities = { maxBatch: MAX_WRITE_RECORDS };
  private readonly client: TimestreamWriteClient;
  private readonly ownsClient: boolean;
  private readonly target: string;
  private closed = false;
  /** With `create=true`: the database and table, made once. */
  private created: Promise<void> | undefined;

  constructor(
    private readonly settings: TimestreamSettings,
    options: TimestreamSinkOptions = {},
  ) {
    this.client = options.client ?? new TimestreamWriteClient(settings.client);
    this.ownsClient = options.client === undefined;
    this.target = `${settings.database}/${settings.table}`;
  }

  /** Writes points in one WriteRecords call; rejected records fail the call with Timestream's reasons. */
  async write(points: Point[], signal: AbortSignal): Promise<void> {
    if (this.closed)
      throw new SwitchyardError("FailedPrecondition", `timestream ${this.target}: the sink is closed`);
    if (points.length === 0) return;
    const records = points.map(toRecord);
    await this.ensure(signal);
    try {
      await this.client.send(
        new WriteRecordsCommand({
          DatabaseName: this.settings.database,
          TableName: this.settings.table,
          CommonAttributes: { TimeUnit: "MILLISECONDS" },
          Records: records,
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      const rejected = (err as { RejectedRecords?: { RecordIndex?: number; Reason?: string }[] })
        .RejectedRecords;
      if (rejected !== undefined) {
        throw new SwitchyardError("InvalidArgument", rejectionMessage(this.target, rejected, points.length), {
          cause: err,
        });
      }
      throw this.missing(err);
    }
  }

  errorCode(err: unknown): ErrorCode {
    return awsErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.client instanceof type ? this.client : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.ensure(signal);
    try {
      await this.client.send(
        new DescribeTableCommand({ DatabaseName: this.settings.database, TableName: this.settings.table }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw this.missing(err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) this.client.destroy();
  }

  /** With `create=true`, creates the database and table once; a failure is tried again next time. */
  private ensure(signal: AbortSignal): Promise<void> {
    if (!this.settings.create) return Promise.resolve();
    const { database, table } = this.settings;
    this.created ??= createTimestreamTableIfMissing(this.client, database, table, signal).catch(
      (err: unknown) => {
        this.created = undefined;
        throw err;
      },
    );
    return this.created;
  }

  private missing(err: unknown): unknown {
    if (awsErrorCode(err) !== "NotFound") return err;
    return new SwitchyardError(
      "NotFound",
      `timestream table ${this.target} does not exist — create the database and table or fix the URL`,
      { cause: err },
    );
  }
}
