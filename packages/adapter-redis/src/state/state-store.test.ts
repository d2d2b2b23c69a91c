import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { RedisStateStore } from "./state-store.js";

const signal = new AbortController().signal;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeService("redis", "RedisStateStore", (env) => {
  const stores: RedisStateStore[] = [];
  const admin = new Redis(env.SWITCHYARD_REDIS_URL!, { lazyConnect: true });

  /** A store with a key prefix of its own, so tests never see each other's keys. */
  function open(query = "") {
    const prefix = `t-${randomUUID()}:`;
    const url = new URL(`${env.SWITCHYARD_REDIS_URL}/0?keyPrefix=${prefix}${query}`);
    const store = new RedisStateStore(url);
    stores.push(store);
    return { store, prefix };
  }

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(() => admin.disconnect());

  it("reads back what it wrote, byte for byte, in the order of the keys asked", async () => {
    const { store } = open();
    const binary = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) % 256);
    const written = await store.put(
      [
        { key: "a", value: binary },
        { key: "b", value: bytes("\nstarts with a newline") },
        { key: "c", value: new Uint8Array(0) },
      ],
      signal,
    );
    expect(written.every((w) => w.ok)).toBe(true);
    const [a, missing, b, c] = await store.get(["a", "missing", "b", "c"], signal);
    expect(Buffer.from(a!.value).equals(Buffer.from(binary))).toBe(true);
    expect(missing).toBeUndefined();
    expect(text(b?.value)).toBe("\nstarts with a newline");
    expect(c?.value.byteLength).toBe(0);
    expect(new Set([a!.version, b!.version, c!.version]).size).toBe(3);
  });

  it("compares and sets on versions, and refuses stale or absent ones as a result", async () => {
    const { store } = open();
    const [created] = await store.put([{ key: "k", value: bytes("1"), ifVersion: null }], signal);
    expect(created?.ok).toBe(true);
    const [again] = await store.put([{ key: "k", value: bytes("x"), ifVersion: null }], signal);
    expect(again).toEqual({ ok: false, code: "FailedPrecondition" });
    const version = created?.ok ? created.version : "";
    const [next] = await store.put([{ key: "k", value: bytes("2"), ifVersion: version }], signal);
    expect(next?.ok).toBe(true);
    const [stale] = await store.put([{ key: "k", value: bytes("3"), ifVersion: version }], signal);
    expect(stale).toEqual({ ok: false, code: "FailedPrecondition" });
    const [absent] = await store.put([{ key: "nope", value: bytes("3"), ifVersion: version }], signal);
    expect(absent?.ok).toBe(false);
    expect(text((await store.get(["k"], signal))[0]?.value)).toBe("2");
  });

  it("never reuses a version after a key is deleted and written again", async () => {
    const { store } = open();
    const [first] = await store.put([{ key: "k", value: bytes("a") }], signal);
    await store.delete(["k", "never-there"], signal);
    expect(await store.get(["k"], signal)).toEqual([undefined]);
    await store.put([{ key: "k", value: bytes("b") }], signal);
    const [old] = await store.put(
      [{ key: "k", value: bytes("c"), ifVersion: first?.ok ? first.version : "" }],
      signal,
    );
    expect(old?.ok).toBe(false);
  });

  it("expires entries after their TTL, and a write without TTL makes an entry permanent", async () => {
    const { store, prefix } = open();
    await store.put([{ key: "short", value: bytes("x"), ttlMs: 150 }], signal);
    await store.put([{ key: "kept", value: bytes("x"), ttlMs: 150 }], signal);
    await store.put([{ key: "kept", value: bytes("y") }], signal);
    expect((await store.get(["short"], signal))[0]).toBeDefined();
    await sleep(300);
    const [short, kept] = await store.get(["short", "kept"], signal);
    expect(short).toBeUndefined();
    expect(text(kept?.value)).toBe("y");
    expect(await admin.pttl(`${prefix}kept`)).toBe(-1);
  });

  it("keeps the TTL given to a compare-and-set", async () => {
    const { store, prefix } = open();
    const [created] = await store.put([{ key: "k", value: bytes("a") }], signal);
    const version = created?.ok ? created.version : "";
    await store.put([{ key: "k", value: bytes("b"), ifVersion: version, ttlMs: 60_000 }], signal);
    const ttl = await admin.pttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(50_000);
  });

  it("increments counters atomically, with a TTL that later increments keep", async () => {
    const { store, prefix } = open();
    const racing = await Promise.all(
      Array.from({ length: 50 }, () => store.increment([{ key: "n", by: 1 }], signal)),
    );
    expect(racing.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(
      await store.increment(
        [
          { key: "f", by: 0.5, ttlMs: 60_000 },
          { key: "n", by: -10 },
        ],
        signal,
      ),
    ).toEqual([0.5, 40]);
    expect(await store.increment([{ key: "f", by: 0.25 }], signal)).toEqual([0.75]);
    expect(await admin.pttl(`${prefix}f`)).toBeGreaterThan(50_000);
    const [counter] = await store.get(["n"], signal);
    expect(text(counter?.value)).toBe("40");
  });

  it("expires a counter whose TTL ran out, so it counts from zero again", async () => {
    const { store } = open();
    await store.increment([{ key: "n", by: 5, ttlMs: 100 }], signal);
    await sleep(250);
    expect(await store.increment([{ key: "n", by: 1 }], signal)).toEqual([1]);
  });

  it("refuses to increment a value that is not a number, as FailedPrecondition, and applies none of the batch", async () => {
    const { store } = open();
    await store.put([{ key: "word", value: bytes("hello") }], signal);
    const failure = await store
      .increment(
        [
          { key: "n", by: 1 },
          { key: "word", by: 1 },
        ],
        signal,
      )
      .catch((err: unknown) => err);
    expect(store.errorCode(failure)).toBe("FailedPrecondition");
    expect(await store.get(["n"], signal)).toEqual([undefined]);
  });

  it("adds twice for a key given twice in one increment batch", async () => {
    const { store } = open();
    expect(
      await store.increment(
        [
          { key: "n", by: 2 },
          { key: "n", by: 3 },
        ],
        signal,
      ),
    ).toEqual([2, 5]);
  });

  it("runs its scripts again after the server forgot them (NOSCRIPT)", async () => {
    const { store } = open();
    const [created] = await store.put([{ key: "k", value: bytes("a") }], signal);
    await admin.script("FLUSH");
    const [next] = await store.put(
      [{ key: "k", value: bytes("b"), ifVersion: created?.ok ? created.version : "" }],
      signal,
    );
    expect(next?.ok).toBe(true);
    await admin.script("FLUSH");
    expect(await store.increment([{ key: "c", by: 2 }], signal)).toEqual([2]);
  });

  it("reads values written by other tools, with version 0, and can replace them by compare-and-set", async () => {
    const { store, prefix } = open();
    await admin.set(`${prefix}plain`, "41");
    const [plain] = await store.get(["plain"], signal);
    expect(plain?.version).toBe("0");
    expect(text(plain?.value)).toBe("41");
    expect(await store.increment([{ key: "plain", by: 1 }], signal)).toEqual([42]);
  });

  it("classifies a key of the wrong type as FailedPrecondition", async () => {
    const { store, prefix } = open();
    await admin.rpush(`${prefix}list`, "x");
    const failure = await store
      .put([{ key: "list", value: bytes("a"), ifVersion: "0" }], signal)
      .catch((e: unknown) => e);
    expect(store.errorCode(failure)).toBe("FailedPrecondition");
  });

  it("uses an injected client and leaves it open on close", async () => {
    const client = new Redis(env.SWITCHYARD_REDIS_URL!);
    const store = new RedisStateStore(new URL(`${env.SWITCHYARD_REDIS_URL}?keyPrefix=inj-${randomUUID()}:`), {
      client,
    });
    await store.put([{ key: "k", value: bytes("v") }], signal);
    expect(store.as(Redis)).toBe(client);
    await store.close();
    expect(await client.ping()).toBe("PONG");
    client.disconnect();
  });

  it("is Unavailable when nothing listens at the address", async () => {
    const store = new RedisStateStore(new URL("redis://127.0.0.1:1/0?connectTimeoutMs=500"));
    stores.push(store);
    const failure = await store.get(["k"], signal).catch((err: unknown) => err);
    expect(store.errorCode(failure)).toBe("Unavailable");
  });

  it("refuses a bad database number and a bad TTL with InvalidArgument", async () => {
    expect(() => new RedisStateStore(new URL(`${env.SWITCHYARD_REDIS_URL}/zero`))).toThrow(/database number/);
    const { store } = open();
    await expect(store.put([{ key: "k", value: bytes("v"), ttlMs: -5 }], signal)).rejects.toMatchObject({
      code: "InvalidArgument",
    });
  });
});
