import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../errors.js";
import type { Point, TimeSeriesDriver } from "../driver/index.js";
import { SwitchyardError } from "../errors.js";
import { TimeSeriesSink } from "./time-series-sink.js";

/** An in-file time-series driver: keeps written batches, with scripted failures and a gate to hold writes. */
class ListSeries implements TimeSeriesDriver {
  readonly capabilities: { maxBatch: number };
  readonly batches: Point[][] = [];
  failures: ErrorCode[] = [];
  attempts = 0;
  closed = false;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  constructor(maxBatch = 100) {
    this.capabilities = { maxBatch };
  }

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  async write(points: Point[]): Promise<void> {
    this.attempts++;
    await this.#gate;
    const failure = this.failures.shift();
    if (failure !== undefined) throw Object.assign(new Error(`scripted ${failure}`), { failure });
    this.batches.push(points);
  }

  errorCode(err: unknown): ErrorCode {
    return (err as { failure?: ErrorCode }).failure ?? "Unknown";
  }

  as<T>(): T | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const point = (i: number): Point => ({
  measurement: "scores",
  tags: { m: "a" },
  fields: { score: i },
  time: 1000 + i,
});
const points = (n: number, from = 0) => Array.from({ length: n }, (_, i) => point(from + i));
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

async function rejection(promise: Promise<unknown>): Promise<SwitchyardError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SwitchyardError);
  return err as SwitchyardError;
}

describe("TimeSeriesSink", () => {
  it("writes a partial batch after flushIntervalMs and resolves once it is durable", async () => {
    const driver = new ListSeries();
    const sink = new TimeSeriesSink(driver, { name: "scores", flushIntervalMs: 10 });
    await sink.write(points(3));
    expect(driver.batches).toEqual([points(3)]);
  });

  it("writes full batches at once, split at maxBatch, without waiting for the interval", async () => {
    const driver = new ListSeries(4);
    const sink = new TimeSeriesSink(driver, { name: "scores", flushIntervalMs: 60_000 });
    await sink.write(points(8));
    expect(driver.batches.map((b) => b.length)).toEqual([4, 4]);
    await sink.close();
  });

  it("does not resolve a write before the driver acknowledged its points", async () => {
    const driver = new ListSeries(2);
    driver.hold();
    const sink = new TimeSeriesSink(driver, { name: "scores" });
    let done = false;
    const written = sink.write(points(2)).then(() => (done = true));
    await tick();
    expect(driver.attempts).toBe(1);
    expect(done).toBe(false);
    driver.release();
    await written;
    expect(done).toBe(true);
  });

  it("retries transient errors, and rejects only the writes of a batch that failed for good", async () => {
    const driver = new ListSeries(2);
    const sink = new TimeSeriesSink(driver, { name: "scores", retry: { initialDelayMs: 1, maxDelayMs: 2 } });
    driver.failures = ["Unavailable", "ResourceExhausted"];
    await sink.write(points(2));
    expect(driver.attempts).toBe(3);

    driver.failures = ["PermissionDenied"];
    const err = await rejection(sink.write(points(2, 10)));
    expect(err.code).toBe("PermissionDenied");
    expect(err.message).toContain('time-series sink "scores"');
    await sink.write(points(2, 20));
    expect(driver.batches).toEqual([points(2), points(2, 20)]);
  });

  it("flush() writes what is buffered now and resolves when it is durable", async () => {
    const driver = new ListSeries();
    const sink = new TimeSeriesSink(driver, { name: "scores", flushIntervalMs: 60_000 });
    const written = sink.write(points(3));
    await sink.flush();
    expect(driver.batches).toEqual([points(3)]);
    await written;
    driver.failures = ["InvalidArgument"];
    const failing = sink.write(points(1));
    expect((await rejection(sink.flush())).code).toBe("InvalidArgument");
    expect((await rejection(failing)).code).toBe("InvalidArgument");
  });

  it("makes writers wait when the buffer is full, and lets them in as batches go out", async () => {
    const driver = new ListSeries(2);
    driver.hold();
    const sink = new TimeSeriesSink(driver, { name: "scores", maxBufferedPoints: 4 });
    const writes = [0, 1, 2, 3, 4].map((i) => sink.write(points(2, i * 2)));
    await tick();
    // One batch is in flight; four points wait in the buffer; the last writer waits for room.
    expect(sink.buffered).toBe(4);
    driver.release();
    await Promise.all(writes);
    expect(driver.batches.flat()).toEqual(points(10));
  });

  it("keeps one abort listener on a signal however many writers wait for room", async () => {
    // Node warns of a possible leak past 10 listeners on one signal; a run's signal sees every write.
    const driver = new ListSeries(2);
    driver.hold();
    const sink = new TimeSeriesSink(driver, { name: "scores", maxBufferedPoints: 4 });
    const signal = new AbortController().signal;
    const writes = Array.from({ length: 20 }, (_, i) => sink.write(points(2, i * 2), { signal }));
    await tick();
    expect(getEventListeners(signal, "abort").length).toBeLessThanOrEqual(1);
    driver.release();
    await Promise.all(writes);
    expect(driver.batches.flat()).toEqual(points(40));
  });

  it("refuses malformed points with InvalidArgument and buffers none of the write", async () => {
    const sink = new TimeSeriesSink(new ListSeries(), { name: "scores" });
    const bad = { ...point(1), fields: { score: Number.NaN } };
    const err = await rejection(sink.write([point(0), bad]));
    expect(err.code).toBe("InvalidArgument");
    expect(err.message).toContain("point 1");
    expect(sink.buffered).toBe(0);
    expect((await rejection(sink.write([{ ...point(0), measurement: "" }]))).code).toBe("InvalidArgument");
  });

  it("close() flushes, closes the driver and refuses later writes", async () => {
    const driver = new ListSeries();
    const sink = new TimeSeriesSink(driver, { name: "scores", flushIntervalMs: 60_000 });
    const written = sink.write(points(2));
    await sink.close();
    await written;
    expect(driver.batches).toEqual([points(2)]);
    expect(driver.closed).toBe(true);
    expect((await rejection(sink.write(points(1)))).code).toBe("FailedPrecondition");
  });
});
