import assert from "node:assert/strict";
import type { StateStore } from "@switchyard/core";
import { rejectsWith } from "./assertions.js";
import type { Check } from "./check.js";
import { bytesOf, pause } from "./fixtures.js";
import type { StateStoreHarness } from "./harness.js";
import type { StateContext } from "./state-context.js";
import { bytes } from "./state-context.js";

/** The checks on the claimed features: compare-and-set, time to live and increment. */
export function stateFeatureChecks(harness: StateStoreHarness): Check<StateContext>[] {
  const { cas, ttl, increment } = harness.capabilities;
  const ttlMs = harness.ttlMs ?? 300;
  const unclaimed = (what: string, claimed: boolean) =>
    claimed ? undefined : `the harness does not claim ${what}`;
  return [
    {
      name: "compare-and-set: writes at the current version, refuses a stale one",
      skip: unclaimed("cas", cas),
      run: async ({ store, key }) => {
        const v1 = await store.put(key("c"), bytes(1));
        const v2 = await store.put(key("c"), bytes(2), { ifVersion: v1 });
        await rejectsWith(store.put(key("c"), bytes(3), { ifVersion: v1 }), ["FailedPrecondition"]);
        const [stale] = await store.putMany([{ key: key("c"), value: bytes(4), ifVersion: v1 }]);
        assert.deepEqual(stale, { ok: false, code: "FailedPrecondition" });
        assert.deepEqual(bytesOf(await store.get(key("c"))), [2]);
        assert.equal((await store.getEntry(key("c")))?.version, v2);
        await rejectsWith(store.put(key("gone"), bytes(1), { ifVersion: v2 }), ["FailedPrecondition"]);
      },
    },
    {
      name: "compare-and-set: of racing writers at one version exactly one wins; null creates only when absent",
      skip: unclaimed("cas", cas),
      run: async ({ store, key }) => {
        const v1 = await store.put(key("race"), bytes(0));
        const outcomes = await Promise.allSettled(
          [1, 2, 3, 4].map((i) => store.put(key("race"), bytes(i), { ifVersion: v1 })),
        );
        assert.equal(
          outcomes.filter((o) => o.status === "fulfilled").length,
          1,
          "exactly one racing write wins",
        );
        await store.put(key("n"), bytes(1), { ifVersion: null });
        await rejectsWith(store.put(key("n"), bytes(2), { ifVersion: null }), ["FailedPrecondition"]);
        assert.deepEqual(bytesOf(await store.get(key("n"))), [1]);
      },
    },
    {
      name: "entries expire after their time to live, on every read path; a plain overwrite keeps the entry",
      skip: unclaimed("ttl", ttl),
      run: async ({ store, key }) => {
        await store.put(key("t"), bytes(1), { ttlMs });
        await store.put(key("o"), bytes(1), { ttlMs });
        await store.put(key("o"), bytes(2));
        await store.put(key("keep"), bytes(3));
        assert.deepEqual(bytesOf(await store.get(key("t"))), [1]);
        await expireWithin(store, key("t"), ttlMs);
        assert.equal(await store.getEntry(key("t")), undefined, "getEntry returns an expired entry");
        assert.deepEqual((await store.getMany([key("t"), key("keep")])).map(bytesOf), [undefined, [3]]);
        assert.deepEqual(
          bytesOf(await store.get(key("o"))),
          [2],
          "an overwrite without ttlMs must not expire",
        );
      },
    },
    {
      name: "increments counters atomically, from zero",
      skip: unclaimed("increment", increment),
      run: async ({ store, key }) => {
        assert.equal(await store.increment(key("i"), 2), 2);
        await Promise.all(Array.from({ length: 10 }, () => store.increment(key("i"), 1)));
        assert.equal(await store.increment(key("i"), -2), 10);
        assert.deepEqual(
          await store.incrementMany([
            { key: key("j"), by: 5 },
            { key: key("i"), by: 1 },
          ]),
          [5, 11],
        );
      },
    },
    {
      name: "counters with a time to live expire",
      skip: unclaimed("increment and ttl", increment && ttl),
      run: async ({ store, key }) => {
        await store.increment(key("it"), 1, { ttlMs });
        assert.equal(await store.increment(key("it"), 1, { ttlMs }), 2);
        await expireWithin(store, key("it"), ttlMs);
        assert.equal(await store.increment(key("it"), 1), 1);
      },
    },
  ];
}

/** Waits until the entry reads as missing, allowing the backend up to `ttlMs` plus slack past the expiry. */
async function expireWithin(store: StateStore<Uint8Array>, key: string, ttlMs: number): Promise<void> {
  await pause(ttlMs);
  const slack = Math.max(ttlMs, 1000);
  const deadline = Date.now() + slack;
  while ((await store.get(key)) !== undefined) {
    if (Date.now() > deadline) assert.fail(`the entry was still there ${slack} ms after its TTL ran out`);
    await pause(25);
  }
}
