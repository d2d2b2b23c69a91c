import { SwitchyardError, codeOf } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import type { TimeSeriesCapabilities } from "../driver/capabilities.js";
import type { Point, TimeSeriesDriver } from "../driver/timeseries.js";
import { EMBEDDED_TIMESERIES_MAX_BATCH, checkPoints, inRange } from "./points.js";

/** Every `memory://` time series of this process, by name. */
const series = new Map<string, Point[]>();

/**
 * The time-series driver for `memory://name`: points kept in an array inside
 * this process, shared by every driver opened on the same name. The point
 * objects are kept as written, so callers must not change them afterwards.
 */
export class MemoryTimeSeries implements TimeSeriesDriver {
  readonly capabilities: TimeSeriesCapabilities = { maxBatch: EMBEDDED_TIMESERIES_MAX_BATCH };
  private readonly name: string;
  private readonly points: Point[];
  private closed = false;

  constructor(name: string, points: Point[]) {
    this.name = name;
    this.points = points;
  }

  async write(points: Point[], signal: AbortSignal): Promise<void> {
    this.check(signal);
    checkPoints(points, `memory time series "${this.name}"`);
    for (const point of points) this.points.push(point);
  }

  async query(measurement: string, from: number, to: number, signal: AbortSignal): Promise<Point[]> {
    this.check(signal);
    return this.points.filter((point) => inRange(point, measurement, from, to));
  }

  errorCode(err: unknown): ErrorCode {
    return codeOf(err);
  }

  as<T>(_type: abstract new (...args: never[]) => T): T | undefined {
    return undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    this.check(signal);
  }

  /** Detaches this driver; the points stay for other drivers of the same name. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private check(signal: AbortSignal): void {
    signal.throwIfAborted();
    if (this.closed)
      throw new SwitchyardError("FailedPrecondition", `memory time series "${this.name}" is closed`);
  }
}

/** Opens the driver for the `memory://` time series called `name` (`""` for `memory://`). */
export function memoryTimeSeries(name: string): MemoryTimeSeries {
  let points = series.get(name);
  if (points === undefined) {
    points = [];
    series.set(name, points);
  }
  return new MemoryTimeSeries(name, points);
}

/** Forgets every `memory://` time series of this process. For tests; open drivers keep their old points. */
export function resetMemoryTimeSeries(): void {
  series.clear();
}
