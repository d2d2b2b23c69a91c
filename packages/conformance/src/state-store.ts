import { StateStore, raw } from "@switchyard/core";
import type { StateStoreDriver } from "@switchyard/core/driver";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Unrelated, expectClassifiesGarbage, expectCode } from "./expect-code.js";
import { bytesOf, pause, uniqueName } from "./fixtures.js";
import type { StateStoreHarness } from "./harness.js";

/**
 * Registers the state-store conformance tests for an adapter: binary values
 * round-trip; missing keys read as undefined; versions and compare-and-set;
 * TTL and increment (each checked both ways against the declared
 * capabilities); batches keep their order across `maxBatch`; NotFound for a
 * missing resource; error classification; the `as()` escape hatch.
 */
export function runStateStoreConformance(harness: StateStoreHarness): void {
  const { cas, ttl, increment } = harness.capabilities;
  const ttlMs = harness.ttlMs ?? 300;

  describe(`state store conformance: ${harness.name}`, { timeout: harness.timeoutMs ?? 20_000 }, () => {
    let driver: StateStoreDriver;
    let store: StateStore<Uint8Array>;
    let key: (name: string) => string;

    beforeEach(async () => {
      driver = await harness.create();
      store = new StateStore(driver, { name: "conformance", codec: raw(), adapter: harness.name });
      const prefix = uniqueName("k");
      key = (name) => `${prefix}-${name}`;
    });

    afterEach(async () => {
      await store.close();
      await harness.cleanup?.();
    });

    const bytes = (...values: number[]) => Uint8Array.from(values);

    it("declares exactly the capabilities the adapter claims", () => {
      const c = driver.capabilities;
      expect({ cas: c.cas, ttl: c.ttl, increment: c.increment }).toEqual(harness.capabilities);
      expect(c.maxBatch).toBeGreaterThanOrEqual(1);
      expect(typeof driver.increment === "function").toBe(c.increment);
    });

    it("round-trips binary values byte for byte", async () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      const notUtf8 = bytes(0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80);
      await store.putMany([
        { key: key("all"), value: all },
        { key: key("odd"), value: notUtf8 },
      ]);
      expect(bytesOf(await store.get(key("all")))).toEqual(bytesOf(all));
      expect(bytesOf(await store.get(key("odd")))).toEqual(bytesOf(notUtf8));
    });

    it("reads a missing key as undefined", async () => {
      expect(await store.get(key("missing"))).toBeUndefined();
      expect(await store.getEntry(key("missing"))).toBeUndefined();
    });

    it("overwrites values and changes the version on every write", async () => {
      const v1 = await store.put(key("a"), bytes(1));
      const v2 = await store.put(key("a"), bytes(2));
      expect(v2).not.toBe(v1);
      const entry = await store.getEntry(key("a"));
      expect(entry?.version).toBe(v2);
      expect(bytesOf(entry?.value)).toEqual([2]);
    });

    it("deletes keys, and a missing key is not an error", async () => {
      await store.putMany([
        { key: key("a"), value: bytes(1) },
        { key: key("b"), value: bytes(2) },
      ]);
      await store.delete([key("a"), key("missing")]);
      expect((await store.getMany([key("a"), key("b")])).map(bytesOf)).toEqual([undefined, [2]]);
    });

    it("keeps the order of batch operations, split at maxBatch when it is below 100", async () => {
      const n = Math.min(driver.capabilities.maxBatch * 2 + 1, 201);
      const keys = Array.from({ length: n }, (_, i) => key(`batch-${i}`));
      const results = await store.putMany(keys.map((k, i) => ({ key: k, value: bytes(i % 256, 7) })));
      expect(results.every((r) => r.ok)).toBe(true);
      const read = await store.getMany([key("absent"), ...keys]);
      expect(read.map(bytesOf)).toEqual([undefined, ...keys.map((_, i) => [i % 256, 7])]);
    });

    it.skipIf(!cas)("compare-and-set: writes at the current version, refuses a stale one", async () => {
      const v1 = await store.put(key("c"), bytes(1));
      const v2 = await store.put(key("c"), bytes(2), { ifVersion: v1 });
      await expectCode(store.put(key("c"), bytes(3), { ifVersion: v1 }), "FailedPrecondition");
      const [stale] = await store.putMany([{ key: key("c"), value: bytes(4), ifVersion: v1 }]);
      expect(stale).toEqual({ ok: false, code: "FailedPrecondition" });
      expect(bytesOf(await store.get(key("c")))).toEqual([2]);
      expect((await store.getEntry(key("c")))?.version).toBe(v2);
    });

    it.skipIf(!cas)("compare-and-set: ifVersion null creates only when absent", async () => {
      await store.put(key("n"), bytes(1), { ifVersion: null });
      await expectCode(store.put(key("n"), bytes(2), { ifVersion: null }), "FailedPrecondition");
      expect(bytesOf(await store.get(key("n")))).toEqual([1]);
    });

    it.skipIf(cas)("compare-and-set is refused when not declared", async () => {
      expect(() => store.require({ cas: true })).toThrow(/compare-and-set/);
      await expectCode(
        store.put(key("c"), bytes(1), { ifVersion: null }),
        "Unimplemented",
        "FailedPrecondition",
      );
    });

    it.skipIf(!ttl)("entries expire after their time to live", async () => {
      await store.put(key("t"), bytes(1), { ttlMs });
      await store.put(key("keep"), bytes(2));
      expect(bytesOf(await store.get(key("t")))).toEqual([1]);
      await expireWithin(() => store.get(key("t")), ttlMs);
      expect(bytesOf(await store.get(key("keep")))).toEqual([2]);
    });

    it.skipIf(ttl)("time to live is refused when not declared", async () => {
      expect(() => store.require({ ttl: true })).toThrow(/time to live/);
      await expectCode(store.put(key("t"), bytes(1), { ttlMs }), "Unimplemented", "FailedPrecondition");
    });

    it.skipIf(!increment)("increments counters atomically, from zero", async () => {
      expect(await store.increment(key("i"), 2)).toBe(2);
      await Promise.all(Array.from({ length: 10 }, () => store.increment(key("i"), 1)));
      expect(await store.increment(key("i"), -2)).toBe(10);
      expect(
        await store.incrementMany([
          { key: key("j"), by: 5 },
          { key: key("i"), by: 1 },
        ]),
      ).toEqual([5, 11]);
    });

    it.skipIf(!increment || !ttl)("counters with a time to live expire", async () => {
      await store.increment(key("it"), 1, { ttlMs });
      expect(await store.increment(key("it"), 1, { ttlMs })).toBe(2);
      await expireWithin(() => store.get(key("it")), ttlMs);
      expect(await store.increment(key("it"), 1)).toBe(1);
    });

    it.skipIf(increment)("increment is refused when not declared", async () => {
      expect(() => store.require({ increment: true })).toThrow(/increment/);
      await expectCode(store.increment(key("i"), 1), "Unimplemented", "FailedPrecondition");
    });

    // Skipped for backends that create the resource on first use: they have no missing resource to report.
    it.skipIf(harness.createMissing === undefined)("reports a missing resource as NotFound", async () => {
      let missing: StateStore | undefined;
      const firstRead = async () => {
        missing = new StateStore(await harness.createMissing!(), {
          name: "missing",
          retry: { maxAttempts: 1 },
        });
        return missing.get("k");
      };
      try {
        await expectCode(firstRead(), "NotFound");
      } finally {
        await missing?.close();
      }
    });

    it("classifies any error into a portable code without throwing", () => {
      expectClassifiesGarbage((err) => driver.errorCode(err));
    });

    it("as() returns undefined for an unrelated class", () => {
      expect(store.as(Unrelated)).toBeUndefined();
    });
  });
}

/** Waits until `read` returns undefined, allowing the backend up to `ttlMs` plus slack past the expiry. */
async function expireWithin(read: () => Promise<unknown>, ttlMs: number): Promise<void> {
  await pause(ttlMs);
  const slack = Math.max(ttlMs, 1000);
  const deadline = Date.now() + slack;
  while ((await read()) !== undefined) {
    if (Date.now() > deadline) throw new Error(`the entry was still there ${slack} ms after its TTL ran out`);
    await pause(25);
  }
}
