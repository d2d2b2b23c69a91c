import { describe, expect, it } from "vitest";
import type {
  StateCapabilities,
  StateEntry,
  StateIncrement,
  StateStoreDriver,
  StateWrite,
  StateWriteResult,
} from "../driver/index.js";
import { SwitchyardError } from "../errors.js";
import { StateStore } from "./state-store.js";

/** A small in-file driver: a map with versions, optional TTL and increment, and scripted failures. */
class MapStateDriver implements StateStoreDriver {
  readonly capabilities: StateCapabilities;
  readonly entries = new Map<string, { value: Uint8Array; version: number; expiresAt?: number }>();
  readonly calls: { op: string; keys: string[] }[] = [];
  failures: unknown[] = [];
  closed = 0;
  #version = 0;

  constructor(capabilities: Partial<StateCapabilities> = {}) {
    this.capabilities = { cas: true, ttl: true, increment: true, maxBatch: 100, ...capabilities };
    if (!this.capabilities.increment) delete this.increment;
  }

  async get(keys: string[], _signal?: AbortSignal): Promise<(StateEntry | undefined)[]> {
    this.#record("get", keys);
    return keys.map((key) => {
      const entry = this.#live(key);
      return entry && { key, value: entry.value, version: String(entry.version) };
    });
  }

  async put(writes: StateWrite[]): Promise<StateWriteResult[]> {
    this.#record(
      "put",
      writes.map((w) => w.key),
    );
    return writes.map((w) => {
      const current = this.#live(w.key);
      if (
        w.ifVersion !== undefined &&
        (w.ifVersion === null ? current : String(current?.version) !== w.ifVersion)
      ) {
        return { ok: false, code: "FailedPrecondition" } as const;
      }
      const version = ++this.#version;
      this.entries.set(w.key, {
        value: w.value,
        version,
        ...(w.ttlMs === undefined ? {} : { expiresAt: Date.now() + w.ttlMs }),
      });
      return { ok: true, version: String(version) } as const;
    });
  }

  async delete(keys: string[]): Promise<void> {
    this.#record("delete", keys);
    for (const key of keys) this.entries.delete(key);
  }

  increment?: (increments: StateIncrement[]) => Promise<number[]> = async (increments) => {
    this.#record(
      "increment",
      increments.map((i) => i.key),
    );
    return increments.map(({ key, by }) => {
      const next = Number(new TextDecoder().decode(this.#live(key)?.value ?? new Uint8Array())) + by;
      this.entries.set(key, { value: new TextEncoder().encode(String(next)), version: ++this.#version });
      return next;
    });
  };

  errorCode(err: unknown) {
    return (err as { kind?: string }).kind === "throttle" ? "ResourceExhausted" : "InvalidArgument";
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.entries instanceof type ? this.entries : undefined;
  }

  async close(): Promise<void> {
    this.closed++;
  }

  #record(op: string, keys: string[]): void {
    this.calls.push({ op, keys });
    if (this.failures.length > 0) throw this.failures.shift();
  }

  #live(key: string) {
    const entry = this.entries.get(key);
    return entry?.expiresAt !== undefined && entry.expiresAt <= Date.now() ? undefined : entry;
  }
}

const fast = { initialDelayMs: 1, maxDelayMs: 2 };

async function rejection(promise: Promise<unknown>): Promise<SwitchyardError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SwitchyardError);
  return err as SwitchyardError;
}

describe("StateStore", () => {
  it("round-trips JSON values and reports missing keys as undefined", async () => {
    const store = new StateStore<{ n: number }>(new MapStateDriver(), { name: "features" });
    await store.put("a", { n: 1 });
    expect(await store.get("a")).toEqual({ n: 1 });
    expect(await store.get("missing")).toBeUndefined();
    expect(await store.getMany(["missing", "a", "a"])).toEqual([undefined, { n: 1 }, { n: 1 }]);
  });

  it("refuses a stale version with FailedPrecondition and accepts the current one", async () => {
    const store = new StateStore<string>(new MapStateDriver(), { name: "features" });
    const v1 = await store.put("k", "one");
    const v2 = await store.put("k", "two", { ifVersion: v1 });
    expect((await store.getEntry("k"))?.version).toBe(v2);
    const err = await rejection(store.put("k", "three", { ifVersion: v1 }));
    expect(err.code).toBe("FailedPrecondition");
    expect(err.message).toContain('"features"');
    expect((await rejection(store.put("k", "four", { ifVersion: null }))).code).toBe("FailedPrecondition");
    expect(await store.get("k")).toBe("two");
  });

  it("splits batches at the driver's maxBatch and keeps results in order", async () => {
    const driver = new MapStateDriver({ maxBatch: 2 });
    const store = new StateStore<number>(driver, { name: "s" });
    const keys = ["a", "b", "c", "d", "e"];
    const results = await store.putMany(keys.map((key, i) => ({ key, value: i })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await store.getMany(keys)).toEqual([0, 1, 2, 3, 4]);
    expect(driver.calls.filter((c) => c.op === "get").map((c) => c.keys.length)).toEqual([2, 2, 1]);
  });

  it("applies repeated keys of one putMany in list order, never twice in one driver call", async () => {
    const driver = new MapStateDriver();
    const store = new StateStore<number>(driver, { name: "s" });
    const [first] = await store.putMany([{ key: "k", value: 1 }]);
    const results = await store.putMany([
      { key: "k", value: 2, ifVersion: first?.ok ? first.version : "" },
      { key: "x", value: 9 },
      { key: "k", value: 3 },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(await store.get("k")).toBe(3);
    for (const call of driver.calls) expect(new Set(call.keys).size).toBe(call.keys.length);
  });

  it("increments counters, with a TTL", async () => {
    const store = new StateStore(new MapStateDriver(), { name: "counters" });
    expect(await store.increment("c", 2)).toBe(2);
    expect(await store.increment("c", 3, { ttlMs: 60_000 })).toBe(5);
    expect(
      await store.incrementMany([
        { key: "c", by: 1 },
        { key: "d", by: -1 },
        { key: "c", by: 1 },
      ]),
    ).toEqual([6, -1, 7]);
  });

  it("deletes one key or several", async () => {
    const store = new StateStore<number>(new MapStateDriver(), { name: "s" });
    await store.putMany([
      { key: "a", value: 1 },
      { key: "b", value: 2 },
      { key: "c", value: 3 },
    ]);
    await store.delete("a");
    await store.delete(["b", "missing"]);
    expect(await store.getMany(["a", "b", "c"])).toEqual([undefined, undefined, 3]);
  });

  it("require() names the store, the adapter and the fix when a capability is missing", () => {
    const store = new StateStore(new MapStateDriver({ ttl: false, increment: false }), {
      name: "sessions",
      adapter: "example://",
    });
    store.require({ cas: true });
    let err: unknown;
    try {
      store.require({ cas: true, ttl: true, increment: true });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "FailedPrecondition" });
    const message = (err as Error).message;
    expect(message).toContain('"sessions"');
    expect(message).toContain("example://");
    expect(message).toContain("time to live");
    expect(message).toContain("increment");
    expect(message).not.toContain("compare-and-set");
  });

  it("refuses unsupported operations with Unimplemented instead of ignoring them", async () => {
    const driver = new MapStateDriver({ ttl: false, cas: false, increment: false });
    const store = new StateStore(driver, { name: "plain" });
    expect((await rejection(store.put("k", 1, { ttlMs: 1000 }))).code).toBe("Unimplemented");
    expect((await rejection(store.put("k", 1, { ifVersion: null }))).code).toBe("Unimplemented");
    expect((await rejection(store.increment("k", 1))).code).toBe("Unimplemented");
    expect(driver.calls).toEqual([]);
  });

  it("rejects bad input with InvalidArgument before calling the driver", async () => {
    const driver = new MapStateDriver();
    const store = new StateStore(driver, { name: "s" });
    expect((await rejection(store.put("", 1))).code).toBe("InvalidArgument");
    expect((await rejection(store.put("k", undefined))).code).toBe("InvalidArgument");
    expect((await rejection(store.put("k", 1, { ttlMs: -5 }))).code).toBe("InvalidArgument");
    expect((await rejection(store.increment("k", Number.NaN))).code).toBe("InvalidArgument");
    expect(driver.calls).toEqual([]);
  });

  it("retries retryable driver errors and wraps the last one once with the driver's code", async () => {
    const driver = new MapStateDriver();
    const store = new StateStore<number>(driver, { name: "s", retry: { ...fast, maxAttempts: 3 } });
    driver.failures = [{ kind: "throttle" }, { kind: "throttle" }];
    await store.put("k", 1);
    expect(driver.calls.filter((c) => c.op === "put")).toHaveLength(3);

    const cause = Object.assign(new Error("slow down"), { kind: "throttle" });
    driver.failures = [cause, cause, cause];
    const err = await rejection(store.get("k"));
    expect(err.code).toBe("ResourceExhausted");
    expect(err.cause).toBe(cause);
    expect(err.message).toContain('state store "s"');

    driver.failures = [new Error("bad")];
    const before = driver.calls.length;
    expect((await rejection(store.get("k"))).code).toBe("InvalidArgument");
    expect(driver.calls.length - before).toBe(1);
  });

  it("reports a value it cannot decode with InvalidArgument naming the key", async () => {
    const driver = new MapStateDriver();
    await driver.put([{ key: "k", value: new Uint8Array([0xff, 0x00]) }]);
    const err = await rejection(new StateStore(driver, { name: "s" }).get("k"));
    expect(err.code).toBe("InvalidArgument");
    expect(err.message).toContain('"k"');
  });

  it("cancels with Canceled, never wrapped as a driver error", async () => {
    const driver = new MapStateDriver();
    driver.get = (_keys: string[], signal: AbortSignal) =>
      new Promise<StateEntry[]>((_resolve, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason as Error)),
      );
    const store = new StateStore(driver, { name: "s" });
    const controller = new AbortController();
    const pending = store.get("k", { signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).code).toBe("Canceled");
  });

  it("keeps sixteen calls in flight without Node's possible-leak warning", async () => {
    const driver = new MapStateDriver();
    const inner = driver.get.bind(driver);
    // As the AWS SDK does: one abort listener on the given signal per request, removed when it ends.
    driver.get = async (keys: string[], signal: AbortSignal) => {
      const listener = () => undefined;
      signal.addEventListener("abort", listener);
      await new Promise((resolve) => setTimeout(resolve, 5));
      signal.removeEventListener("abort", listener);
      return inner(keys, signal);
    };
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const store = new StateStore(driver, { name: "s" });
      await Promise.all(Array.from({ length: 16 }, (_, i) => store.get(`k${i}`)));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  });

  it("exposes the provider client through as() and closes the driver once", async () => {
    const driver = new MapStateDriver();
    const store = new StateStore(driver, { name: "s" });
    expect(store.as(Map)).toBe(driver.entries);
    expect(store.as(Set)).toBeUndefined();
    await store.close();
    await store.close();
    expect(driver.closed).toBe(1);
    expect((await rejection(store.get("k"))).code).toBe("FailedPrecondition");
  });
});
