import { TimeSeriesSink } from "@switchyard/core";
import type { Point, TimeSeriesDriver } from "@switchyard/core/driver";
import { pause, uniqueName } from "./fixtures.js";
import type { TimeSeriesHarness } from "./harness.js";

/** What a time-series check gets: a fresh driver, a sink over it, points of a fresh measurement. */
export interface TimeSeriesContext {
  driver: TimeSeriesDriver;
  /** A sink with a small batch size, so that the suite's writes are split whatever the driver's limit. */
  sink: TimeSeriesSink;
  /** Whole seconds in the recent past, so that backends with retention windows or coarse clocks accept them. */
  base: number;
  /** `n` points of the check's measurement, one second apart from `base`. */
  points: (n: number) => Point[];
  /** Queries [from, to) until `count` points are visible or the visibility window passed. */
  readBack: (from: number, to: number, count: number) => Promise<Point[]>;
  /** Remembers a sink the check opened itself, to close it after the check. */
  track: (sink: TimeSeriesSink) => TimeSeriesSink;
}

/** The context for one time-series check, with what releases it. */
export async function openTimeSeriesContext(
  harness: TimeSeriesHarness,
): Promise<TimeSeriesContext & { dispose(): Promise<void> }> {
  const visibleWithinMs = harness.visibleWithinMs ?? 5000;
  const driver = await harness.create();
  const sink = new TimeSeriesSink(driver, {
    name: "conformance",
    flushIntervalMs: 10,
    maxBatch: Math.min(driver.capabilities.maxBatch, 100),
  });
  const measurement = uniqueName("conformance").replace(/-/g, "_");
  const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const others: TimeSeriesSink[] = [];
  return {
    driver,
    sink,
    base,
    points: (n) =>
      Array.from({ length: n }, (_, i) => ({
        measurement,
        tags: { host: `h${i % 3}`, region: "eu-west" },
        fields: { value: i + 0.5, count: i, label: `p${i}`, ok: i % 2 === 0 },
        time: base + i * 1000,
      })),
    async readBack(from, to, count) {
      const deadline = Date.now() + visibleWithinMs;
      for (;;) {
        const found = await driver.query!(measurement, from, to, AbortSignal.timeout(visibleWithinMs));
        if (found.length >= count || Date.now() > deadline) return found;
        await pause(100);
      }
    },
    track: (s) => {
      others.push(s);
      return s;
    },
    async dispose() {
      await Promise.allSettled([sink.close(), ...others.map((s) => s.close())]);
      await harness.cleanup?.();
    },
  };
}
