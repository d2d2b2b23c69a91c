import { mkdir, open, readFile } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import type { WriteStream } from "node:fs";
import { SwitchyardError } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import type { TimeSeriesCapabilities } from "../driver/capabilities.js";
import type { Point, TimeSeriesDriver } from "../driver/timeseries.js";
import { fsErrorCode } from "./fs-errors.js";
import { EMBEDDED_TIMESERIES_MAX_BATCH, checkPoints, inRange } from "./points.js";

/**
 * The time-series driver for `file:<path>`: appends one JSON object per point
 * (`{"measurement","tags","fields","time"}`) and a newline to the file, one
 * write per batch. `write` resolves once the operating system has the bytes
 * (not fsync'd). `query` reads the file back.
 */
export class FileTimeSeries implements TimeSeriesDriver {
  readonly capabilities: TimeSeriesCapabilities = { maxBatch: EMBEDDED_TIMESERIES_MAX_BATCH };
  /** The absolute path of the file. */
  readonly path: string;
  private readonly out: WriteStream;
  private lastWrite: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.out = handle.createWriteStream({ encoding: "utf8" });
    // Write errors reach the caller through each write's callback; this keeps them from crashing the process.
    this.out.on("error", () => undefined);
  }

  async write(points: Point[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.closing !== undefined)
      throw new SwitchyardError("FailedPrecondition", `file sink ${this.path} is closed`);
    checkPoints(points, `file sink ${this.path}`);
    if (points.length === 0) return;
    let chunk = "";
    for (const p of points) {
      chunk +=
        JSON.stringify({ measurement: p.measurement, tags: p.tags, fields: p.fields, time: p.time }) + "\n";
    }
    const written = new Promise<void>((resolve, reject) => {
      this.out.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
    this.lastWrite = written.catch(() => undefined);
    await written;
  }

  /**
   * Reads back the points of `measurement` in [from, to) after the writes issued
   * so far. An unfinished last line (a write cut short by a crash) is ignored; a
   * broken line anywhere else is an error naming its line number.
   */
  async query(measurement: string, from: number, to: number, signal: AbortSignal): Promise<Point[]> {
    await this.lastWrite;
    const text = await readFile(this.path, { encoding: "utf8", signal });
    const lines = text.split("\n");
    lines.pop(); // "" after the final newline, or an unfinished line
    const points: Point[] = [];
    lines.forEach((line, i) => {
      let point: Point;
      try {
        point = JSON.parse(line) as Point;
      } catch (err) {
        throw new SwitchyardError("Internal", `file sink ${this.path}: line ${i + 1} is not a JSON point`, {
          cause: err,
        });
      }
      if (inRange(point, measurement, from, to)) points.push(point);
    });
    return points;
  }

  errorCode(err: unknown): ErrorCode {
    return fsErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.out instanceof type ? this.out : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.closing !== undefined || this.out.destroyed) {
      throw new SwitchyardError("Unavailable", `file sink ${this.path} is closed`);
    }
  }

  /** Flushes pending lines and closes the file. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    return this.closing;
  }
}

/**
 * Opens (creating it and its directory if needed) the NDJSON file at an
 * absolute `path` for appending. Fails at once, naming the path, when the file
 * cannot be opened.
 */
export async function fileTimeSeries(path: string): Promise<FileTimeSeries> {
  try {
    await mkdir(dirname(path), { recursive: true });
    return new FileTimeSeries(path, await open(path, "a"));
  } catch (err) {
    throw new SwitchyardError(fsErrorCode(err), `cannot open time-series file ${path}: ${String(err)}`, {
      cause: err,
    });
  }
}
