import type { Point, TimeSeriesCapabilities, TimeSeriesDriver } from "../driver/index.js";
import { type ErrorCode, SwitchyardError } from "../errors.js";
import { type RetryPolicy, retryPolicy } from "../retry.js";
import { callDriver } from "./driver-call.js";
import { pointProblem } from "./point-check.js";
import { canceled, lifetimeController, onAbort } from "./signals.js";

/** Options for a {@link TimeSeriesSink}. */
export interface TimeSeriesSinkOptions {
  /** The sink's name in the profile; every error names it. */
  name: string;
  /** Most points per driver write; at most the driver's `maxBatch`. Default: the driver's `maxBatch`. */
  maxBatch?: number;
  /** How long points wait for a full batch before they are written anyway, in ms. Default 100. */
  flushIntervalMs?: number;
  /** Points buffered before `write` waits for room (back-pressure). Default 4 × maxBatch. */
  maxBufferedPoints?: number;
  /** How transient driver errors are retried. Default {@link DEFAULT_RETRY}. */
  retry?: Partial<RetryPolicy>;
}

/** What `write` accepts besides the points. */
export interface WriteOptions {
  /** Stops waiting for buffer room (the write then rejects with Canceled); buffered points are still written. */
  signal?: AbortSignal;
}

/** One `write` call: settled once all its points are durable, or as soon as one of its batches fails. */
interface Ticket {
  remaining: number;
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

interface Buffered {
  point: Point;
  ticket: Ticket;
}

/**
 * A time-series sink: the portable type users call, over any
 * {@link TimeSeriesDriver}. `write` buffers points and resolves once the
 * driver write that carried them succeeded; batches go out when full or after
 * `flushIntervalMs`; transient failures are retried with backoff and a
 * permanent failure rejects the writes it carried. The buffer is bounded:
 * beyond `maxBufferedPoints`, `write` waits for room.
 */
export class TimeSeriesSink {
  /** The sink's name in the profile. */
  readonly name: string;
  /** Most points per driver write. */
  readonly maxBatch: number;
  readonly #driver: TimeSeriesDriver;
  readonly #intervalMs: number;
  readonly #maxBuffered: number;
  readonly #policy: RetryPolicy;
  readonly #lifetime = lifetimeController();
  readonly #pending = new Set<Ticket>();
  #buffer: Buffered[] = [];
  #room: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #flushAll = false;
  #closed = false;

  constructor(driver: TimeSeriesDriver, options: TimeSeriesSinkOptions) {
    this.name = options.name;
    this.#driver = driver;
    const driverMax = driver.capabilities.maxBatch;
    this.maxBatch = options.maxBatch ?? driverMax;
    if (!(Number.isInteger(this.maxBatch) && this.maxBatch >= 1 && this.maxBatch <= driverMax)) {
      throw this.#error(
        "InvalidArgument",
        `maxBatch ${this.maxBatch} is out of range: pass 1 to ${driverMax}`,
      );
    }
    this.#intervalMs = options.flushIntervalMs ?? 100;
    this.#maxBuffered = options.maxBufferedPoints ?? 4 * this.maxBatch;
    this.#policy = retryPolicy(options.retry);
  }

  /** What the driver behind this sink supports. */
  get capabilities(): TimeSeriesCapabilities {
    return this.#driver.capabilities;
  }

  /** Points buffered and not yet handed to the driver. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /**
   * Buffers points and resolves once they are durable (every batch that carried
   * them was written). Malformed points are refused with InvalidArgument before
   * anything is buffered. Waits while the buffer is full.
   */
  async write(points: readonly Point[], options: WriteOptions = {}): Promise<void> {
    this.#ensureOpen();
    points.forEach((point, i) => {
      const problem = pointProblem(point);
      if (problem !== undefined) throw this.#error("InvalidArgument", `point ${i} ${problem}`);
    });
    if (points.length === 0) return;
    while (this.#buffer.length >= this.#maxBuffered) {
      await this.#waitForRoom(options.signal);
      this.#ensureOpen();
    }
    const ticket = this.#ticket(points.length);
    for (const point of points) this.#buffer.push({ point, ticket });
    if (this.#buffer.length >= this.maxBatch) this.#kick();
    else this.#arm();
    return ticket.promise;
  }

  /** Writes everything buffered now; resolves when it is durable, rejects if any of it failed. */
  async flush(): Promise<void> {
    const waiting = [...this.#pending].map((ticket) => ticket.promise);
    if (waiting.length === 0) return;
    this.#flushAll = true;
    this.#kick();
    await Promise.all(waiting);
  }

  /** Returns the driver's provider client if it is an instance of `type`; `undefined` otherwise. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.#driver.as(type);
  }

  /** Flushes, then releases the driver; later writes are refused. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of this.#room.splice(0)) wake();
    try {
      await this.flush();
    } finally {
      clearTimeout(this.#timer);
      this.#lifetime.abort();
      await this.#driver.close();
    }
  }

  /** Starts the write loop unless it runs; when it ends, starts again or arms the timer for what arrived meanwhile. */
  #kick(): void {
    if (this.#running !== undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = this.#drain();
    this.#running = run;
    void run.then(() => {
      this.#running = undefined;
      if (this.#buffer.length >= this.maxBatch || (this.#flushAll && this.#buffer.length > 0)) this.#kick();
      else if (this.#buffer.length > 0) this.#arm();
    });
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length >= this.maxBatch || (this.#flushAll && this.#buffer.length > 0)) {
      const batch = this.#buffer.splice(0, this.maxBatch);
      this.#wakeRoom();
      await this.#writeBatch(batch);
    }
    this.#flushAll = false;
  }

  async #writeBatch(batch: Buffered[]): Promise<void> {
    try {
      const points = batch.map((b) => b.point);
      await callDriver(`time-series sink "${this.name}": write`, (s) => this.#driver.write(points, s), {
        policy: this.#policy,
        classify: (err) => this.#driver.errorCode(err),
        lifetime: this.#lifetime.signal,
      });
      for (const { ticket } of batch) if (--ticket.remaining === 0) ticket.resolve();
    } catch (err) {
      // A write is all or nothing for its caller: its other points are dropped from the buffer, and it rejects.
      const failed = new Set(batch.map((b) => b.ticket));
      for (const ticket of failed) ticket.reject(err);
      this.#buffer = this.#buffer.filter((b) => !failed.has(b.ticket));
      this.#wakeRoom();
    }
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#running !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushAll = true;
      this.#kick();
    }, this.#intervalMs);
  }

  #ticket(count: number): Ticket {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const ticket: Ticket = {
      remaining: count,
      promise,
      resolve: () => (this.#pending.delete(ticket), resolve()),
      reject: (err) => (this.#pending.delete(ticket), reject(err)),
    };
    this.#pending.add(ticket);
    return ticket;
  }

  #waitForRoom(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(canceled(`time-series sink "${this.name}": write`));
    return new Promise<void>((resolve, reject) => {
      // One listener per signal however many writes wait (a run's signal sees them all).
      const cancel =
        signal === undefined
          ? undefined
          : onAbort(signal, () => {
              this.#room = this.#room.filter((w) => w !== wake);
              reject(canceled(`time-series sink "${this.name}": write`));
            });
      const wake = () => {
        cancel?.();
        resolve();
      };
      this.#room.push(wake);
    });
  }

  #wakeRoom(): void {
    if (this.#buffer.length < this.#maxBuffered) for (const wake of this.#room.splice(0)) wake();
  }

  #ensureOpen(): void {
    if (this.#closed) throw this.#error("FailedPrecondition", "the sink is closed");
  }

  #error(code: ErrorCode, detail: string): SwitchyardError {
    return new SwitchyardError(code, `time-series sink "${this.name}": ${detail}`);
  }
}
