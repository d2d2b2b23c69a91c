import { TimeSeriesSink } from "@switchyard/core";
import type { Point, TimeSeriesDriver } from "@switchyard/core/driver";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Unrelated, expectClassifiesGarbage, expectCode } from "./expect-code.js";
import { pause, uniqueName } from "./fixtures.js";
import type { TimeSeriesHarness } from "./harness.js";

/**
 * Registers the time-series conformance tests for an adapter: writes are
 * acknowledged, also beyond `maxBatch`; written points read back exactly
 * through `query` (checked both ways against the harness); NotFound for a
 * missing resource; error classification; the `as()` escape hatch.
 */
export function runTimeSeriesConformance(harness: TimeSeriesHarness): void {
  const visibleWithinMs = harness.visibleWithinMs ?? 5000;

  describe(`time-series conformance: ${harness.name}`, { timeout: harness.timeoutMs ?? 20_000 }, () => {
    let driver: TimeSeriesDriver;
    let sink: TimeSeriesSink;
    let measurement: string;
    // Whole seconds in the recent past, so backends with retention windows or coarse clocks accept them.
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;

    beforeEach(async () => {
      driver = await harness.create();
      // A small batch size, so that the suite's writes are split whatever the driver's limit.
      const maxBatch = Math.min(driver.capabilities.maxBatch, 100);
      sink = new TimeSeriesSink(driver, { name: "conformance", flushIntervalMs: 10, maxBatch });
      measurement = uniqueName("conformance").replace(/-/g, "_");
    });

    afterEach(async () => {
      await sink.close();
      await harness.cleanup?.();
    });

    const points = (n: number): Point[] =>
      Array.from({ length: n }, (_, i) => ({
        measurement,
        tags: { host: `h${i % 3}`, region: "eu-west" },
        fields: { value: i + 0.5, count: i, label: `p${i}`, ok: i % 2 === 0 },
        time: base + i * 1000,
      }));

    /** Queries until `count` points are visible or the visibility window passed. */
    const readBack = async (from: number, to: number, count: number): Promise<Point[]> => {
      const deadline = Date.now() + visibleWithinMs;
      for (;;) {
        const found = await driver.query!(measurement, from, to, AbortSignal.timeout(visibleWithinMs));
        if (found.length >= count || Date.now() > deadline) return found;
        await pause(100);
      }
    };
    const byTime = (list: Point[]) => [...list].sort((a, b) => a.time - b.time);

    it("declares a usable maxBatch, and query exactly when the harness says so", () => {
      expect(driver.capabilities.maxBatch).toBeGreaterThanOrEqual(1);
      expect(typeof driver.query === "function").toBe(harness.query);
    });

    it("acknowledges a write", async () => {
      await sink.write(points(3));
      await sink.flush();
    });

    it("acknowledges a write split into several batches", async () => {
      const n = sink.maxBatch * 2 + 1;
      await sink.write(points(n));
      if (harness.query) expect(await readBack(base, base + n * 1000, n)).toHaveLength(n);
    });

    it.skipIf(!harness.query)("reads written points back exactly, within [from, to)", async () => {
      const written = points(5);
      await sink.write(written);
      const found = await readBack(base + 1000, base + 4000, 3);
      expect(byTime(found)).toEqual(written.slice(1, 4));
    });

    // Skipped for backends that create the resource on first use: they have no missing resource to report.
    it.skipIf(harness.createMissing === undefined)("reports a missing resource as NotFound", async () => {
      let missing: TimeSeriesSink | undefined;
      const firstWrite = async () => {
        missing = new TimeSeriesSink(await harness.createMissing!(), {
          name: "missing",
          retry: { maxAttempts: 1 },
        });
        return missing.write(points(1));
      };
      try {
        await expectCode(firstWrite(), "NotFound");
      } finally {
        await missing?.close().catch(() => undefined);
      }
    });

    it("classifies any error into a portable code without throwing", () => {
      expectClassifiesGarbage((err) => driver.errorCode(err));
    });

    it("as() returns undefined for an unrelated class", () => {
      expect(sink.as(Unrelated)).toBeUndefined();
    });
  });
}
