import type { ErrorCode } from "../errors.js";
import type { TimeSeriesCapabilities } from "./capabilities.js";

/** One time-series point. */
export interface Point {
  /** The measurement (metric / table) name. */
  measurement: string;
  /** Indexed dimensions. */
  tags: Record<string, string>;
  /** Values. */
  fields: Record<string, number | string | boolean>;
  /** Time in milliseconds since the epoch. */
  time: number;
}

/** The contract a time-series adapter implements. Batches only; no retries. */
export interface TimeSeriesDriver {
  /** What this sink supports. */
  readonly capabilities: TimeSeriesCapabilities;
  /** Writes a batch of at most `capabilities.maxBatch` points; resolves once durable at the backend. */
  write(points: Point[], signal: AbortSignal): Promise<void>;
  /** Reads back points of a measurement in [from, to) — used by conformance and tooling, optional. */
  query?(measurement: string, from: number, to: number, signal: AbortSignal): Promise<Point[]>;
  /** Classifies a provider error into a portable code. Must not throw. */
  errorCode(err: unknown): ErrorCode;
  /** Returns the provider client if it is an instance of `type`. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined;
  /** Checks the sink is reachable, within the signal's deadline. */
  probe?(signal: AbortSignal): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
