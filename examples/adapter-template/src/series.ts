import type { ErrorCode } from "@switchyard/core";
import type { Point, TimeSeriesDriver } from "@switchyard/core/driver";
import type { ToyBackend } from "./backend.js";
import { ToyError } from "./backend.js";
import { toyErrorCode } from "./errors.js";

/**
 * The time-series driver for `toy://<series>`. `write` resolves once every
 * point is stored (an empty batch is a no-op); `query` reads points back
 * exactly, within [from, to) — the kit uses it to prove no point is lost.
 */
export class ToySeries implements TimeSeriesDriver {
  readonly capabilities = { maxBatch: 1000 };
  #closed = false;

  constructor(
    private readonly backend: ToyBackend,
    private readonly name: string,
    private readonly points: Point[] | undefined,
  ) {}

  async write(points: Point[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#open().push(...points.map((p) => ({ ...p, tags: { ...p.tags }, fields: { ...p.fields } })));
  }

  async query(measurement: string, from: number, to: number, signal: AbortSignal): Promise<Point[]> {
    signal.throwIfAborted();
    return this.#open().filter((p) => p.measurement === measurement && p.time >= from && p.time < to);
  }

  errorCode(err: unknown): ErrorCode {
    return toyErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.backend instanceof type ? this.backend : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): Point[] {
    if (this.#closed) throw new ToyError("closed", `toy series "${this.name}" is closed`);
    if (this.points === undefined)
      throw new ToyError("not-found", `toy series "${this.name}" does not exist`);
    return this.points;
  }
}
