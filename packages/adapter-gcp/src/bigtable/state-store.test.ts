import { randomUUID } from "node:crypto";
import { Bigtable } from "@google-cloud/bigtable";
import { StateStore, raw } from "@switchyard/core";
import { afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { BigtableStateStore } from "./state-store.js";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);

describeService("bigtable", "Bigtable state store on the emulator", (env) => {
  Object.assign(process.env, env);
  const stores: StateStore<Uint8Array>[] = [];
  afterEach(async () => {
    await Promise.allSettled(stores.splice(0).map((s) => s.close()));
  });

  function open(table: string, query = "create=true"): StateStore<Uint8Array> {
    const driver = new BigtableStateStore(new URL(`bigtable://switchyard-test/tests/${table}?${query}`));
    const store = new StateStore(driver, { name: "test", codec: raw() });
    stores.push(store);
    return store;
  }
  const table = () => `t-${randomUUID().slice(0, 8)}`;

  it("names the fix for a missing table", async () => {
    await expect(open(table(), "").get("k")).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringMatching(/cbt createtable .* or add create=true/) as unknown,
    });
  });

  it("compare-and-sets against a counter's version", async () => {
    const store = open(table());
    await store.increment("n", 5);
    const entry = await store.getEntry("n");
    expect(decode(entry?.value)).toBe("5");
    await store.increment("n", 1);
    await expect(store.put("n", encode("stale"), { ifVersion: entry!.version })).rejects.toMatchObject({
      code: "FailedPrecondition",
    });
    const current = await store.getEntry("n");
    await store.put("n", encode("replaced"), { ifVersion: current!.version });
    expect(decode(await store.get("n"))).toBe("replaced");
  });

  it("counts on from a decimal value written by put, and refuses to count a non-number", async () => {
    const store = open(table());
    await store.put("n", encode("41"));
    expect(await store.increment("n", 1)).toBe(42);
    expect(decode(await store.get("n"))).toBe("42");
    await store.put("word", encode("forty"));
    await expect(store.increment("word", 1)).rejects.toMatchObject({ code: "FailedPrecondition" });
    await expect(store.increment("n", 0.5)).rejects.toMatchObject({ code: "InvalidArgument" });
  });

  it("reads its own family's cells of rows that also hold another family's", async () => {
    const name = table();
    const store = open(name);
    await store.put("v", encode("mine"));
    await store.increment("n", 2);
    const bigtable = store.as(Bigtable)!;
    const shared = bigtable.instance("tests").table(name);
    await shared.createFamily("other");
    // Another application's cells on the same rows, in columns named like the store's.
    const foreign = { other: { v: "theirs", ver: "x", exp: Buffer.alloc(8, 1), c: Buffer.alloc(8, 9) } };
    await shared.insert([
      { key: "v", data: foreign },
      { key: "n", data: foreign },
    ]);
    expect(decode(await store.get("v"))).toBe("mine");
    expect(decode(await store.get("n"))).toBe("2");
    expect(await store.increment("n", 1)).toBe(3);
  });

  it("keeps stores with different key prefixes apart in one table", async () => {
    const name = table();
    const a = open(name, "create=true&keyPrefix=a%23");
    const b = open(name, "create=true&keyPrefix=b%23");
    await a.put("k", encode("from a"));
    await b.put("k", encode("from b"));
    expect([decode(await a.get("k")), decode(await b.get("k"))]).toEqual(["from a", "from b"]);
  });
});
