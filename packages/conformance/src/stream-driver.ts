import assert from "node:assert/strict";
import type { StreamDriver } from "@switchyard/core/driver";
import { openMissing, rejectsWith } from "./assertions.js";
import type { Check } from "./check.js";
import { commonChecks } from "./driver-checks.js";
import type { StreamContext } from "./stream-context.js";
import type { StreamHarness } from "./stream-harness.js";
import { publishNumbered, receiveAtLeast, uniqueName } from "./stream-helpers.js";

/** The checks on the stream driver itself: NotFound, lag(), errorCode, as(), probe() and close(). */
export function streamDriverChecks(harness: StreamHarness): Check<StreamContext>[] {
  const { claims } = harness;
  return [
    {
      name: "reports a stream that does not exist as NotFound (openConsumer and probe)",
      skip:
        harness.createMissing === undefined
          ? "the backend creates streams on first use (no createMissing)"
          : undefined,
      run: async (context) => {
        const opened = await openMissing(() => harness.createMissing!());
        if (opened === undefined) return;
        const driver = context.track(opened);
        const classify = (e: unknown) => driver.errorCode(e);
        await rejectsWith(
          driver.openConsumer({ group: uniqueName("g"), start: "earliest", consumerName: "c1" }),
          ["NotFound"],
          classify,
          context.wait,
        );
        if (claims.probe)
          await rejectsWith(driver.probe!(AbortSignal.timeout(context.wait)), ["NotFound"], classify);
      },
    },
    {
      name: "lag() reports whole, non-negative counts, reaching 0 once everything is committed",
      skip: claims.lag ? undefined : "the harness does not claim lag()",
      run: async (context) => {
        const { stream } = await context.fresh(2);
        await publishNumbered(stream, 6, (i) => `k${i}`);
        const sub = await context.subscribe(stream, { group: uniqueName("g") });
        const seen = await receiveAtLeast(sub, 6, context.wait);
        assert.equal(seen.length, 6, "not every record arrived");
        sub.ack(seen.map((s) => s.settle));
        await sub.commit();
        const deadline = Date.now() + context.wait;
        let lag: Record<string, number>;
        for (;;) {
          lag = await sub.lag();
          for (const [partition, n] of Object.entries(lag))
            assert.ok(Number.isInteger(n) && n >= 0, `lag of partition ${partition} is ${n}`);
          if (Object.values(lag).every((n) => n === 0) || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.deepEqual(
          Object.values(lag).filter((n) => n !== 0),
          [],
          `lag stayed ${JSON.stringify(lag)}`,
        );
      },
    },
    ...commonChecks<StreamContext, StreamDriver>({
      client: harness.client,
      probe: claims.probe,
      driver: async (context) => (await context.fresh()).driver,
      callAfterClose: (driver) =>
        driver.send(
          [{ key: "k", value: Uint8Array.of(1), headers: {}, timestamp: Date.now() }],
          AbortSignal.timeout(10_000),
        ),
    }),
  ];
}
