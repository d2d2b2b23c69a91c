import assert from "node:assert/strict";
import type { Check } from "./check.js";
import type { StreamContext } from "./stream-context.js";
import type { StreamClaims } from "./stream-harness.js";
import {
  numberOf,
  publishNumbered,
  range,
  receiveAtLeast,
  sortedNumbers,
  uniqueName,
} from "./stream-helpers.js";

/** The checks on commit, close and nack: what is redelivered after a restart, and what is not. */
export function streamSettlementChecks(claims: StreamClaims): Check<StreamContext>[] {
  const { settlement } = claims.capabilities;
  return [
    {
      name: `close() with unsettled records (${settlement} settlement): the next consumer of the group gets them`,
      run: async (context) => {
        const { stream, reopen } = await context.fresh();
        await publishNumbered(stream, 10);
        const group = uniqueName("g");
        const sub = await context.subscribe(stream, { group, consumerName: "c1" });
        const seen = await receiveAtLeast(sub, 10, context.wait);
        assert.equal(seen.length, 10, "not every record arrived");
        sub.ack(seen.filter((s) => numberOf(s) !== 4).map((s) => s.settle));
        await sub.close();
        // Another member, not a restart of c1: what c1 held must not stay with its name.
        const again = await context.subscribe((await reopen()).stream, { group, consumerName: "c2" });
        const redelivered = (await receiveAtLeast(again, 1, context.redeliveryMs + context.wait)).map(
          numberOf,
        );
        assert.ok(redelivered.includes(4), `record 4 was not redelivered within ${context.redeliveryMs} ms`);
      },
    },
    {
      name: "commits only contiguous work and resumes at the first unacknowledged record",
      run: async (context) => {
        const { stream, reopen } = await context.fresh();
        await publishNumbered(stream, 10);
        const group = uniqueName("g");
        const sub = await context.subscribe(stream, { group, consumerName: "c1" });
        const seen = await receiveAtLeast(sub, 10, context.wait);
        assert.equal(seen.length, 10, "not every record arrived");
        // Later records finish first; 3 and 4 never finish.
        sub.ack(seen.filter((s) => numberOf(s) >= 5).map((s) => s.settle));
        sub.ack(seen.filter((s) => numberOf(s) < 3).map((s) => s.settle));
        await sub.commit();
        await sub.close();
        const again = await context.subscribe((await reopen()).stream, { group, consumerName: "c1" });
        const redelivered = (await receiveAtLeast(again, 2, context.redeliveryMs + context.wait)).map(
          numberOf,
        );
        assert.equal(
          redelivered[0],
          3,
          `resumed at ${redelivered[0]}, not at the first unacknowledged record`,
        );
        assert.ok(redelivered.includes(4), "record 4 was not redelivered");
        assert.ok(!redelivered.includes(0), "record 0 was acknowledged but redelivered");
      },
    },
    {
      name: "resumes after a restart with every unacknowledged record and no committed one",
      run: async (context) => {
        const { stream, reopen } = await context.fresh();
        await publishNumbered(stream, 20);
        const group = uniqueName("g");
        const sub = await context.subscribe(stream, { group, consumerName: "c1" });
        const seen = await receiveAtLeast(sub, 20, context.wait);
        assert.equal(seen.length, 20, "not every record arrived");
        sub.ack(seen.filter((s) => numberOf(s) < 12).map((s) => s.settle));
        await sub.close();
        const again = await context.subscribe((await reopen()).stream, { group, consumerName: "c1" });
        const rest = await receiveAtLeast(again, 8, context.redeliveryMs + context.wait);
        assert.deepEqual(sortedNumbers(rest), range(12, 20));
      },
    },
    {
      name: "nack() leads to redelivery",
      skip: claims.nack ? undefined : "the harness does not claim nack()",
      run: async (context) => {
        const { stream } = await context.fresh();
        await publishNumbered(stream, 5);
        const sub = await context.subscribe(stream, { group: uniqueName("g") });
        const seen = await receiveAtLeast(sub, 5, context.wait);
        assert.equal(seen.length, 5, "not every record arrived");
        sub.ack(seen.filter((s) => numberOf(s) !== 2).map((s) => s.settle));
        await sub.nack(seen.filter((s) => numberOf(s) === 2).map((s) => s.settle));
        const again = await receiveAtLeast(sub, 1, context.redeliveryMs + context.wait);
        assert.ok(
          again.map(numberOf).includes(2),
          `record 2 was not redelivered within ${context.redeliveryMs} ms`,
        );
      },
    },
  ];
}
