import { open, stat } from "node:fs/promises";
import { SwitchyardError } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import type { StreamCapabilities } from "../driver/capabilities.js";
import type { OutgoingRecord, SendResult } from "../driver/record.js";
import type { ConsumerDriver, ConsumerOptions, StreamDriver } from "../driver/stream.js";
import { FileConsumer, fileGroup } from "./file-consumer.js";
import { lineOf } from "./file-lines.js";
import { fsErrorCode } from "./fs-errors.js";

const NEWLINE = 0x0a;

/** What every `file:` stream supports: one partition of lines, replayable. */
export const FILE_STREAM_CAPABILITIES: StreamCapabilities = {
  ordering: "partition",
  replay: true,
  startFromTimestamp: false,
  groups: true,
  headers: true,
  settlement: "offset",
  maxRecordBytes: 1024 * 1024,
  maxBatchRecords: 10_000,
};

/**
 * The stream driver for `file:<path>`: a newline-delimited file read as a stream
 * of one partition, `"0"`, one record per non-blank line. It is how the `local`
 * profile is fed without code — write the file by hand, or `switchyard produce`
 * to it from another process — and consumers follow the file as it grows, like
 * `tail -f`. A record's id is the byte offset where its line starts. A line is
 * the record's value as written, or, for a record with a key, headers or bytes
 * that cannot stand on a line, an envelope that keeps them (see `lineOf`).
 * Consumer groups and their committed positions live in this process
 * ([decision 2121](../../../../docs/decisions/2121-file-streams.md)).
 */
export class FileStreamDriver implements StreamDriver {
  readonly capabilities = FILE_STREAM_CAPABILITIES;
  /** The absolute path of the file. */
  readonly path: string;
  private readonly consumers = new Set<FileConsumer>();
  private sending: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(path: string) {
    this.path = path;
  }

  /** Appends one line per record; a file whose last line lacks its newline gets one first. */
  async send(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    signal.throwIfAborted();
    if (this.closed) throw new SwitchyardError("FailedPrecondition", `file stream ${this.path} is closed`);
    const { maxRecordBytes } = this.capabilities;
    records.forEach((record, i) => {
      const size = record.value.byteLength + (record.key?.length ?? 0);
      if (size > maxRecordBytes) {
        throw new SwitchyardError(
          "InvalidArgument",
          `file stream ${this.path}: record ${i} has ${size} bytes; the limit is ${maxRecordBytes}`,
        );
      }
    });
    // Appends of one driver run one after another, so the ids they report are the offsets written.
    const done = this.sending.then(() => this.append(records));
    this.sending = done.catch(() => undefined);
    return done;
  }

  private async append(records: OutgoingRecord[]): Promise<SendResult[]> {
    const handle = await open(this.path, "a+");
    try {
      const { size } = await handle.stat();
      let at = size;
      const parts: Uint8Array[] = [];
      if (size > 0) {
        const last = new Uint8Array(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== NEWLINE) {
          parts.push(Uint8Array.of(NEWLINE));
          at += 1;
        }
      }
      const results: SendResult[] = [];
      for (const record of records) {
        results.push({ id: String(at), partition: "0" });
        const line = lineOf(record);
        parts.push(line, Uint8Array.of(NEWLINE));
        at += line.byteLength + 1;
      }
      await handle.appendFile(Buffer.concat(parts));
      return results;
    } finally {
      await handle.close();
    }
  }

  async openConsumer(options: ConsumerOptions): Promise<ConsumerDriver> {
    if (this.closed) throw new SwitchyardError("FailedPrecondition", `file stream ${this.path} is closed`);
    if (typeof options.start === "object" && "timestamp" in options.start) {
      throw new SwitchyardError(
        "Unimplemented",
        `file stream ${this.path}: lines carry no time, so a consumer cannot start from a timestamp — start from "earliest", "latest" or an offset`,
      );
    }
    const consumer = new FileConsumer(this.path, fileGroup(this.path, options.group), options, () =>
      this.consumers.delete(consumer),
    );
    await consumer.start();
    this.consumers.add(consumer);
    return consumer;
  }

  /** Checks that the file's directory exists; a missing file is an empty stream. */
  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const found = await stat(this.path).catch((err: unknown) => {
      if ((err as { code?: unknown }).code === "ENOENT") return undefined;
      throw err;
    });
    if (found?.isDirectory() === true) {
      throw new SwitchyardError("InvalidArgument", `file stream ${this.path} is a directory, not a file`);
    }
  }

  errorCode(err: unknown): ErrorCode {
    return fsErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    void type;
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sending;
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
  }
}

/** Opens the `file:` stream driver on an absolute path. */
export function fileStream(path: string): FileStreamDriver {
  return new FileStreamDriver(path);
}
