import type { RecordsBatch } from "@platformatic/kafka";
import type { IncomingRecord } from "@switchyard/core/driver";
import { describe, expect, it } from "vitest";
import { appendRecords, murmur2, partitionForKey, recordBytes, toMessage } from "./transform.js";

describe("kafka record translation", () => {
  it("hashes keys exactly as Kafka's Java client does", () => {
    // Values printed by org.apache.kafka.common.utils.Utils.murmur2 (kafka-clients 4.4.0).
    expect(murmur2(Buffer.from(""))).toBe(275646681);
    expect(murmur2(Buffer.from("abc"))).toBe(479470107);
    expect(murmur2(Buffer.from("key-42"))).toBe(-187086521);
    expect(murmur2(Buffer.from("ünïcødé-键"))).toBe(-656110884);
    expect(murmur2(Buffer.from("a-little-bit-longer-string"))).toBe(-1486304829);
    expect(partitionForKey("a", 12)).toBe(4);
    expect(partitionForKey("foobar", 12)).toBe(6);
  });

  it("counts key, value and header bytes towards the record size", () => {
    const record = { key: "ké", value: new Uint8Array(10), headers: { a: "bc" }, timestamp: 1 };
    expect(recordBytes(record)).toBe(3 + 10 + 1 + 2);
  });

  it("builds produce messages without copying the value", () => {
    const bytes = new Uint8Array([9, 1, 2, 3]).subarray(1);
    const message = toMessage({ key: "k", value: bytes, headers: { h: "v" }, timestamp: 1234.9 }, "t", 2);
    expect(message.partition).toBe(2);
    expect(message.timestamp).toBe(1234n);
    expect(message.key?.toString()).toBe("k");
    expect([...(message.value as Buffer)]).toEqual([1, 2, 3]);
    expect((message.value as Buffer).buffer).toBe(bytes.buffer);
    const headers = message.headers as Map<Buffer, Buffer>;
    expect([...headers].map(([k, v]) => [k.toString(), v.toString()])).toEqual([["h", "v"]]);
  });

  it("reads fetched batches from the position on, skipping transaction markers", () => {
    const record = (offsetDelta: number, key: string | null) => ({
      length: 0,
      attributes: 0,
      timestampDelta: BigInt(offsetDelta),
      offsetDelta,
      key: key === null ? null : Buffer.from(key),
      value: Buffer.from([offsetDelta]),
      headers: [[Buffer.from("h"), Buffer.from("x")]] as [Buffer, Buffer][],
    });
    const batch = (firstOffset: number, attributes: number, deltas: number[]): RecordsBatch =>
      ({
        firstOffset: BigInt(firstOffset),
        attributes,
        lastOffsetDelta: deltas.at(-1)!,
        firstTimestamp: 1000n,
        maxTimestamp: 2000n,
        records: deltas.map((d) => record(d, d === 0 ? null : `k${d}`)),
      }) as unknown as RecordsBatch;
    const out: IncomingRecord[] = [];
    const next = appendRecords([batch(10, 0, [0, 1, 2]), batch(13, 0x20, [0])], 3, 11, out);
    expect(next).toBe(14);
    expect(out.map((r) => r.position.offset)).toEqual(["11", "12"]);
    // Offsets repeat across partitions; ids do not.
    expect(out.map((r) => r.id)).toEqual(["3:11", "3:12"]);
    expect(out[0]).toMatchObject({
      key: "k1",
      headers: { h: "x" },
      timestamp: 1001,
      position: { partition: "3", offset: "11" },
    });
    const appended: IncomingRecord[] = [];
    appendRecords([batch(20, 0x08, [0])], 0, 20, appended);
    expect(appended[0]).toMatchObject({ key: undefined, timestamp: 2000 });
  });
});
