import assert from "node:assert/strict";
import { TimeSeriesSink } from "@switchyard/core";
import type { Point, TimeSeriesDriver } from "@switchyard/core/driver";
import { openMissing, rejectsWith } from "./assertions.js";
import type { Check, Suite } from "./check.js";
import { commonChecks } from "./driver-checks.js";
import type { TimeSeriesHarness } from "./harness.js";
import { registerSuite } from "./register.js";
import type { TimeSeriesContext } from "./time-series-context.js";
import { openTimeSeriesContext } from "./time-series-context.js";

const byTime = (list: Point[]) => [...list].sort((a, b) => a.time - b.time);

/**
 * The time-series conformance suite of an adapter, as plain checks: `query`
 * claimed both ways; writes at, above and below `maxBatch`, read back exactly
 * within [from, to); NotFound; error classification; `as()`; `probe()`; `close()`.
 */
export function timeSeriesSuite(
  harness: TimeSeriesHarness,
): Suite<TimeSeriesContext & { dispose(): Promise<void> }> {
  const noQuery = harness.query ? undefined : "the harness does not claim query()";
  const checks: Check<TimeSeriesContext>[] = [
    {
      name: "declares a usable maxBatch, and query() exactly when the harness claims it",
      run: async ({ driver }) => {
        assert.ok(Number.isInteger(driver.capabilities.maxBatch) && driver.capabilities.maxBatch >= 1);
        assert.equal(
          typeof driver.query === "function",
          harness.query,
          "query() presence differs from the claim",
        );
      },
    },
    {
      name: "reads written points back exactly, within [from, to)",
      skip: noQuery,
      run: async ({ sink, points, readBack, base }) => {
        const written = points(5);
        await sink.write(written);
        assert.deepEqual(byTime(await readBack(base + 1000, base + 4000, 3)), written.slice(1, 4));
      },
    },
    {
      name: "writes every point of a write split into several batches",
      run: async ({ sink, points, readBack, base }) => {
        const n = sink.maxBatch * 2 + 1;
        await sink.write(points(n));
        await sink.flush();
        if (harness.query) assert.deepEqual(byTime(await readBack(base, base + n * 1000, n)), points(n));
      },
    },
    {
      name: "the driver takes a batch of exactly maxBatch points, and an empty one",
      run: async ({ driver, points, readBack, base }) => {
        const n = Math.min(driver.capabilities.maxBatch, 10_000);
        await driver.write([], AbortSignal.timeout(10_000));
        await driver.write(points(n), AbortSignal.timeout(20_000));
        if (harness.query) assert.equal((await readBack(base, base + n * 1000, n)).length, n);
      },
    },
    {
      name: "reports a missing resource as NotFound (first write and probe)",
      skip:
        harness.createMissing === undefined
          ? "the backend creates its resource on first use (no createMissing)"
          : undefined,
      run: async ({ points, track }) => {
        const driver = await openMissing(() => harness.createMissing!());
        if (driver === undefined) return;
        const missing = track(new TimeSeriesSink(driver, { name: "missing", retry: { maxAttempts: 1 } }));
        await rejectsWith(missing.write(points(1)), ["NotFound"]);
        if (harness.probe)
          await rejectsWith(driver.probe!(AbortSignal.timeout(10_000)), ["NotFound"], (e) =>
            driver.errorCode(e),
          );
      },
    },
    ...commonChecks<TimeSeriesContext, TimeSeriesDriver>({
      client: harness.client,
      probe: harness.probe,
      driver: async ({ driver }) => driver,
      callAfterClose: (driver) =>
        driver.write(
          [{ measurement: "m", tags: {}, fields: { v: 1 }, time: Date.now() }],
          AbortSignal.timeout(10_000),
        ),
    }),
  ];
  return {
    title: `time-series conformance: ${harness.name}`,
    timeoutMs: harness.timeoutMs ?? 20_000,
    checks,
    open: () => openTimeSeriesContext(harness),
    dispose: (context) => context.dispose(),
  };
}

/** Registers the time-series conformance suite of an adapter as vitest tests (see {@link timeSeriesSuite}). */
export function runTimeSeriesConformance(harness: TimeSeriesHarness): void {
  registerSuite(timeSeriesSuite(harness));
}
