import assert from "node:assert/strict";
import type { Subscription } from "@switchyard/core";
import type { Check } from "./check.js";
import type { StreamContext } from "./stream-context.js";
import type { StreamClaims } from "./stream-harness.js";
import type { Seen } from "./stream-helpers.js";
import {
  pause,
  publishNumbered,
  range,
  receiveAtLeast,
  sortedNumbers,
  uniqueName,
} from "./stream-helpers.js";

/** Receives and acknowledges into `into` until `stop` aborts. */
async function drain(sub: Subscription<Uint8Array>, into: Seen[], stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    const got = await receiveAtLeast(sub, 1, 250);
    sub.ack(got.map((s) => s.settle));
    into.push(...got);
  }
}

/** The check that consumers of one group share the work. */
export function streamGroupChecks(claims: StreamClaims): Check<StreamContext>[] {
  return [
    {
      name: "two consumers in one group split the partitions and together see every record once",
      skip: claims.capabilities.groups ? undefined : "the harness does not claim groups",
      run: async (context) => {
        const { stream, reopen } = await context.fresh(4);
        const group = uniqueName("g");
        const a = await context.subscribe(stream, { group, consumerName: "a" });
        const b = await context.subscribe((await reopen()).stream, { group, consumerName: "b" });
        const stop = new AbortController();
        const seenA: Seen[] = [];
        const seenB: Seen[] = [];
        const loops = Promise.all([drain(a, seenA, stop.signal), drain(b, seenB, stop.signal)]);
        // Publish in rounds until both have work (the second join may take a rebalance), then let them drain.
        let published = 0;
        const deadline = Date.now() + context.wait;
        try {
          while ((seenA.length === 0 || seenB.length === 0) && Date.now() < deadline) {
            await publishNumbered(stream, 16, (i) => `key-${i % 16}`, published);
            published += 16;
            await pause(300);
          }
          while (seenA.length + seenB.length < published && Date.now() < deadline + context.wait)
            await pause(100);
        } finally {
          stop.abort();
          await loops;
        }
        assert.ok(
          seenA.length > 0 && seenB.length > 0,
          `one consumer got nothing (${seenA.length} / ${seenB.length})`,
        );
        assert.deepEqual(sortedNumbers([...seenA, ...seenB]), range(0, published), "every record, once");
      },
    },
  ];
}
