import assert from "node:assert/strict";
import type { Check } from "./check.js";
import { bytesOf } from "./fixtures.js";
import type { StateContext } from "./state-context.js";
import { bytes } from "./state-context.js";

/** Largest batch the suite sends to a driver in one call: a limit beyond it is taken on trust. */
const BATCH_CAP = 10_000;

/** The checks on reading, writing and deleting values, one at a time and in batches. */
export function stateDataChecks(): Check<StateContext>[] {
  return [
    {
      name: "round-trips binary values byte for byte",
      run: async ({ store, key }) => {
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        const notUtf8 = bytes(0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80);
        await store.putMany([
          { key: key("all"), value: all },
          { key: key("odd ✓ ключ"), value: notUtf8 },
        ]);
        assert.deepEqual(bytesOf(await store.get(key("all"))), bytesOf(all));
        assert.deepEqual(bytesOf(await store.get(key("odd ✓ ключ"))), bytesOf(notUtf8));
      },
    },
    {
      name: "reads a missing key as undefined",
      run: async ({ store, key }) => {
        assert.equal(await store.get(key("missing")), undefined);
        assert.equal(await store.getEntry(key("missing")), undefined);
      },
    },
    {
      name: "overwrites values and changes the version on every write",
      run: async ({ store, key }) => {
        const v1 = await store.put(key("a"), bytes(1));
        const v2 = await store.put(key("a"), bytes(1));
        assert.notEqual(v2, v1, "rewriting the same value must still change the version");
        const entry = await store.getEntry(key("a"));
        assert.equal(entry?.version, v2);
        assert.deepEqual(bytesOf(entry?.value), [1]);
      },
    },
    {
      name: "deletes keys, and a missing key is not an error",
      run: async ({ store, key }) => {
        await store.putMany([
          { key: key("a"), value: bytes(1) },
          { key: key("b"), value: bytes(2) },
        ]);
        await store.delete([key("a"), key("missing")]);
        assert.deepEqual((await store.getMany([key("a"), key("b")])).map(bytesOf), [undefined, [2]]);
      },
    },
    {
      name: "the driver takes a batch of exactly maxBatch keys, answering in order",
      run: async ({ driver, key }) => {
        const n = Math.min(driver.capabilities.maxBatch, BATCH_CAP);
        const keys = Array.from({ length: n }, (_, i) => key(`full-${i}`));
        const signal = AbortSignal.timeout(20_000);
        const results = await driver.put(
          keys.map((k, i) => ({ key: k, value: bytes(i % 256, 9) })),
          signal,
        );
        assert.equal(results.length, n, "one result per write");
        assert.ok(
          results.every((r) => r.ok),
          "every write of the batch succeeds",
        );
        const read = await driver.get(keys, signal);
        assert.deepEqual(
          read.map((e) => bytesOf(e?.value)),
          keys.map((_, i) => [i % 256, 9]),
        );
        await driver.delete(keys, signal);
        assert.deepEqual(
          await driver.get(keys.slice(0, 3), signal),
          keys.slice(0, 3).map(() => undefined),
        );
      },
    },
    {
      name: "keeps the order of batches above maxBatch, which core splits",
      run: async ({ driver, store, key }) => {
        const n = Math.min(driver.capabilities.maxBatch * 2 + 1, 201);
        const keys = Array.from({ length: n }, (_, i) => key(`batch-${i}`));
        const results = await store.putMany(keys.map((k, i) => ({ key: k, value: bytes(i % 256, 7) })));
        assert.ok(results.every((r) => r.ok));
        const read = await store.getMany([key("absent"), ...keys]);
        assert.deepEqual(read.map(bytesOf), [undefined, ...keys.map((_, i) => [i % 256, 7])]);
      },
    },
    {
      name: "the driver answers empty batches with empty results",
      run: async ({ driver }) => {
        const signal = AbortSignal.timeout(10_000);
        assert.deepEqual(await driver.get([], signal), []);
        assert.deepEqual(await driver.put([], signal), []);
        await driver.delete([], signal);
        if (driver.increment !== undefined) assert.deepEqual(await driver.increment([], signal), []);
      },
    },
  ];
}
