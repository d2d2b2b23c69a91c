import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KPL_MAGIC, deaggregate } from "./kpl.js";

/** Protobuf encoding written out from the wire-format spec, independently of the reader under test. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, bytes: Uint8Array | number[]) => [
  ...tag(field, 2),
  ...varint(bytes.length),
  ...bytes,
];
const text = (s: string) => [...Buffer.from(s, "utf8")];

/** An AggregatedRecord as the KPL writes it: magic, protobuf, MD5 of the protobuf. */
function aggregate(
  keys: string[],
  records: { key: number; data: string; hash?: number }[],
  hashKeys: string[] = [],
) {
  const body: number[] = [];
  for (const k of keys) body.push(...bytesField(1, text(k)));
  for (const h of hashKeys) body.push(...bytesField(2, text(h)));
  for (const r of records) {
    const inner = [...tag(1, 0), ...varint(r.key)];
    if (r.hash !== undefined) inner.push(...tag(2, 0), ...varint(r.hash));
    inner.push(...bytesField(3, text(r.data)));
    // A tag (field 4) the reader must skip over.
    inner.push(...bytesField(4, bytesField(1, text("t"))));
    body.push(...bytesField(3, inner));
  }
  const message = Buffer.from(body);
  return Buffer.concat([Buffer.from(KPL_MAGIC), message, createHash("md5").update(message).digest()]);
}

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
