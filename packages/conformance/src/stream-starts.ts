import assert from "node:assert/strict";
import type { Check } from "./check.js";
import type { StreamContext } from "./stream-context.js";
import type { StreamHarness } from "./stream-harness.js";
import { numberOf, pause, publishNumbered, range, receiveAtLeast, uniqueName } from "./stream-helpers.js";

/** The checks on where a new group starts: `{ offsets }` and `{ timestamp }`. */
export function streamStartChecks(harness: StreamHarness): Check<StreamContext>[] {
  const { replay, startFromTimestamp } = harness.claims.capabilities;
  const clock = harness.timestampClock ?? "event";
  return [
    {
      name: "a new group starts at the { offsets } given",
      skip: replay ? undefined : "the harness does not claim replay",
      run: async (context) => {
        const { stream } = await context.fresh();
        await publishNumbered(stream, 10);
        const first = await context.subscribe(stream, { group: uniqueName("g") });
        const all = await receiveAtLeast(first, 10, context.wait);
        assert.equal(all.length, 10, "not every record arrived");
        const sixth = all.find((s) => numberOf(s) === 6)!.position;
        const sub = await context.subscribe(stream, {
          group: uniqueName("g"),
          start: { offsets: { [sixth.partition]: sixth.offset } },
        });
        const seen = (await receiveAtLeast(sub, 4, context.wait)).map(numberOf);
        assert.deepEqual(seen, range(6, 10), "did not start at the record whose offset was given");
      },
    },
    {
      name: `a new group starts at the first record at or after a { timestamp } (${clock} time)`,
      skip: startFromTimestamp ? undefined : "the harness does not claim startFromTimestamp",
      run: async (context) => {
        const { stream } = await context.fresh();
        // Event and arrival time agree here; a coarse broker clock gets a whole second either side.
        const gap = clock === "arrival" ? 1_100 : 50;
        await publishNumbered(stream, 3);
        await pause(gap);
        const base = Date.now();
        await pause(gap);
        await publishNumbered(stream, 2, () => "k", 3);
        const sub = await context.subscribe(stream, { group: uniqueName("g"), start: { timestamp: base } });
        const seen = (await receiveAtLeast(sub, 2, context.wait)).map(numberOf);
        assert.deepEqual(seen, [3, 4]);
      },
    },
  ];
}
