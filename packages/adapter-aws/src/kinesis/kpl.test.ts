import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KPL_MAGIC, deaggregate } from "./kpl.js";
import { aggregate } from "./test-kpl.js";

describe("KPL de-aggregation", () => {
  it("returns the user records of an aggregate in order, with their partition keys", () => {
    const bytes = aggregate(
      ["card-1", "card-2"],
      [
        { key: 0, data: "first" },
        { key: 1, data: "second", hash: 0 },
        { key: 0, data: "x".repeat(300) },
      ],
      ["170141183460469231731687303715884105728"],
    );
    const records = deaggregate(bytes)!;
    expect(records.map((r) => [r.partitionKey, Buffer.from(r.data).toString()])).toEqual([
      ["card-1", "first"],
      ["card-2", "second"],
      ["card-1", "x".repeat(300)],
    ]);
    expect(records[1]!.explicitHashKey).toBe("170141183460469231731687303715884105728");
    expect(records[0]!.explicitHashKey).toBeUndefined();
  });

  it("passes through records without the magic, with a wrong digest or a malformed body", () => {
    expect(deaggregate(Buffer.from("plain json {}"))).toBeUndefined();
    const good = aggregate(["k"], [{ key: 0, data: "v" }]);
    const badDigest = Buffer.from(good);
    badDigest[badDigest.length - 1]! ^= 0xff;
    expect(deaggregate(badDigest)).toBeUndefined();
    const truncated = Buffer.concat([Buffer.from(KPL_MAGIC), Buffer.from([0x1a, 0x40, 1, 2])]);
    const withDigest = Buffer.concat([truncated, createHash("md5").update(truncated.subarray(4)).digest()]);
    expect(deaggregate(withDigest)).toBeUndefined();
  });

  it("refuses a record whose partition key index points past the key table", () => {
    expect(deaggregate(aggregate(["only"], [{ key: 3, data: "v" }]))).toBeUndefined();
  });
});
