import { afterEach, describe, expect, it } from "vitest";
import { memoryStateStore, resetMemoryStateStores } from "./memory-state.js";

const signal = new AbortController().signal;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);

/** A clock tests move by hand. */
function manualClock(start = 1_000_000) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

afterEach(() => resetMemoryStateStores());

describe("memory:// state store", () => {
  it("writes, reads and deletes batches, with a new version on every write", async () => {
    const store = memoryStateStore("features");
    const [a1, b1] = await store.put(
      [
        { key: "a", value: bytes("1") },
        { key: "b", value: bytes("2") },
      ],
      signal,
    );
    const [a2] = await store.put([{ key: "a", value: bytes("3") }], signal);
    expect(a1).toMatchObject({ ok: true });
    const versions = [a1, b1, a2].map((r) => (r?.ok ? r.version : undefined));
    expect(new Set(versions).size).toBe(3);

    const [a, b, missing] = await store.get(["a", "b", "nope"], signal);
    expect(text(a?.value)).toBe("3");
    expect(a?.version).toBe(versions[2]);
    expect(text(b?.value)).toBe("2");
    expect(missing).toBeUndefined();

    await store.delete(["a", "nope"], signal);
    expect(await store.get(["a", "b"], signal)).toEqual([undefined, expect.objectContaining({ key: "b" })]);
  });

  it("shares entries between drivers of the same name only", async () => {
    await memoryStateStore("one").put([{ key: "k", value: bytes("v") }], signal);
    expect(text((await memoryStateStore("one").get(["k"], signal))[0]?.value)).toBe("v");
    expect(await memoryStateStore("two").get(["k"], signal)).toEqual([undefined]);
    expect(await memoryStateStore("").get(["k"], signal)).toEqual([undefined]);
  });

  it("keeps what was written even if the caller reuses its buffer", async () => {
    const store = memoryStateStore("copy");
    const buffer = bytes("abc");
    await store.put([{ key: "k", value: buffer }], signal);
    buffer[0] = 0x78;
    expect(text((await store.get(["k"], signal))[0]?.value)).toBe("abc");
  });

  it("keeps what was written when the caller's value is a Buffer from Node's pool", async () => {
    const store = memoryStateStore("copy-buffer");
    // Avro and other codecs hand out Buffers, whose slice() is a view of the same memory.
    const buffer = Buffer.from("abc");
    await store.put([{ key: "k", value: buffer }], signal);
    buffer.write("xyz");
    expect(text((await store.get(["k"], signal))[0]?.value)).toBe("abc");
  });

  it("writes with ifVersion only over that version, and with null only when absent", async () => {
    const store = memoryStateStore("cas");
    const [created] = await store.put([{ key: "k", value: bytes("v1"), ifVersion: null }], signal);
    expect(created).toMatchObject({ ok: true });
    const version = created!.ok ? created!.version : "";

    expect(await store.put([{ key: "k", value: bytes("x"), ifVersion: null }], signal)).toEqual([
      { ok: false, code: "FailedPrecondition" },
    ]);
    const [updated] = await store.put([{ key: "k", value: bytes("v2"), ifVersion: version }], signal);
    expect(updated).toMatchObject({ ok: true });
    // The version the first writer saw is now stale.
    expect(await store.put([{ key: "k", value: bytes("v3"), ifVersion: version }], signal)).toEqual([
      { ok: false, code: "FailedPrecondition" },
    ]);
    expect(await store.put([{ key: "gone", value: bytes("v"), ifVersion: "1" }], signal)).toEqual([
      { ok: false, code: "FailedPrecondition" },
    ]);
    expect(text((await store.get(["k"], signal))[0]?.value)).toBe("v2");
  });

  it("expires entries after their TTL by the injected clock", async () => {
    const clock = manualClock();
    const store = memoryStateStore("ttl", { now: clock.now });
    await store.put(
      [
        { key: "short", value: bytes("s"), ttlMs: 1000 },
        { key: "forever", value: bytes("f") },
      ],
      signal,
    );
    clock.time += 999;
    expect((await store.get(["short"], signal))[0]).toBeDefined();
    clock.time += 1;
    expect(await store.get(["short", "forever"], signal)).toEqual([
      undefined,
      expect.objectContaining({ key: "forever" }),
    ]);
    // An expired entry counts as absent for compare-and-set.
    await store.put([{ key: "again", value: bytes("a"), ttlMs: 10 }], signal);
    clock.time += 10;
    expect(await store.put([{ key: "again", value: bytes("b"), ifVersion: null }], signal)).toEqual([
      expect.objectContaining({ ok: true }),
    ]);
  });

  it("rewrites without ttlMs clear an earlier TTL", async () => {
    const clock = manualClock();
    const store = memoryStateStore("ttl-clear", { now: clock.now });
    await store.put([{ key: "k", value: bytes("1"), ttlMs: 5 }], signal);
    await store.put([{ key: "k", value: bytes("2") }], signal);
    clock.time += 100;
    expect(text((await store.get(["k"], signal))[0]?.value)).toBe("2");
  });

  it("refuses a TTL that is not a positive number of milliseconds", async () => {
    const store = memoryStateStore("bad-ttl");
    await expect(store.put([{ key: "k", value: bytes("v"), ttlMs: 0 }], signal)).rejects.toMatchObject({
      code: "InvalidArgument",
    });
    expect(await store.get(["k"], signal)).toEqual([undefined]);
  });

  it("increments counters stored as readable decimal text", async () => {
    const store = memoryStateStore("counters");
    expect(
      await store.increment(
        [
          { key: "tx:card-1", by: 1 },
          { key: "tx:card-1", by: 5 },
          { key: "tx:card-2", by: -2 },
        ],
        signal,
      ),
    ).toEqual([1, 6, -2]);
    const [card1] = await store.get(["tx:card-1"], signal);
    expect(text(card1?.value)).toBe("6");
    expect(await store.increment([{ key: "tx:card-1", by: 4 }], signal)).toEqual([10]);
    const [after] = await store.get(["tx:card-1"], signal);
    expect(after?.version).not.toBe(card1?.version);
  });

  it("sets the TTL of a counter on increment and keeps it on later increments without one", async () => {
    const clock = manualClock();
    const store = memoryStateStore("window", { now: clock.now });
    await store.increment([{ key: "c", by: 1, ttlMs: 1000 }], signal);
    clock.time += 600;
    expect(await store.increment([{ key: "c", by: 1 }], signal)).toEqual([2]);
    clock.time += 400;
    expect(await store.get(["c"], signal)).toEqual([undefined]);
    expect(await store.increment([{ key: "c", by: 1, ttlMs: 1000 }], signal)).toEqual([1]);
    clock.time += 900;
    expect(await store.increment([{ key: "c", by: 1, ttlMs: 1000 }], signal)).toEqual([2]);
    clock.time += 900;
    expect(text((await store.get(["c"], signal))[0]?.value)).toBe("2");
  });

  it("refuses to increment a value that is not a number, changing nothing in the batch", async () => {
    const store = memoryStateStore("not-a-number");
    await store.put([{ key: "name", value: bytes("alice") }], signal);
    await expect(
      store.increment(
        [
          { key: "n", by: 1 },
          { key: "name", by: 1 },
        ],
        signal,
      ),
    ).rejects.toMatchObject({ code: "FailedPrecondition" });
    expect(await store.get(["n"], signal)).toEqual([undefined]);
  });

  it("sweeps expired entries a slice per write so unread keys do not pile up", async () => {
    const clock = manualClock();
    const store = memoryStateStore("sweep", { now: clock.now });
    await store.put(
      Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: bytes("v"), ttlMs: 10 })),
      signal,
    );
    clock.time += 5_000;
    // Each write examines a bounded slice of the table; a few writes cover all of it.
    for (let i = 0; i < 3; i++) await store.put([{ key: `other${i}`, value: bytes("v") }], signal);
    // A fresh driver on the same store sees only the live entry, whatever its own clock says.
    const frozen = memoryStateStore("sweep", { now: () => 0 });
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    expect((await frozen.get(keys, signal)).every((e) => e === undefined)).toBe(true);
  });

  it("refuses batches over its declared maxBatch", async () => {
    const store = memoryStateStore("limits");
    const keys = Array.from({ length: store.capabilities.maxBatch + 1 }, (_, i) => `k${i}`);
    await expect(store.get(keys, signal)).rejects.toMatchObject({ code: "InvalidArgument" });
  });
});
