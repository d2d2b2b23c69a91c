import { afterEach, describe, expect, it } from "vitest";
import type { IncomingRecord, OutgoingRecord } from "../driver/record.js";
import type { AssignmentChange, ConsumerDriver, ConsumerOptions } from "../driver/stream.js";
import { resetMemoryStreams } from "./memory-log.js";
import { memoryStream } from "./memory-stream.js";
import { partitionForKey } from "./murmur2.js";

const signal = new AbortController().signal;
const text = new TextEncoder();
const untext = new TextDecoder();

function record(value: string, key?: string, timestamp = 1_000): OutgoingRecord {
  return { key, value: text.encode(value), headers: {}, timestamp };
}

function values(records: IncomingRecord[]): string[] {
  return records.map((r) => untext.decode(r.value));
}

function consumerOptions(group: string, consumerName = "c1", start: ConsumerOptions["start"] = "earliest") {
  return { group, consumerName, start };
}

/** Receives until `count` records arrived (the test timeout guards against waiting forever). */
async function receiveAll(consumer: ConsumerDriver, count: number, max = 1000): Promise<IncomingRecord[]> {
  const out: IncomingRecord[] = [];
  while (out.length < count) out.push(...(await consumer.receive(max, signal)));
  return out;
}

afterEach(() => resetMemoryStreams());

describe("memory:// stream", () => {
  it("refuses a stream without a name", () => {
    expect(() => memoryStream("")).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });

  it("delivers what a separately opened producer sent, with key, headers, time and position", async () => {
    const producer = memoryStream("tx", { partitions: 2 });
    const sent = await producer.send(
      [
        {
          key: "card-1",
          value: new Uint8Array([0, 255, 7]),
          headers: { traceparent: "00-ab" },
          timestamp: 42,
        },
      ],
      signal,
    );
    const consumer = await memoryStream("tx").openConsumer(consumerOptions("g"));
    const [got] = await consumer.receive(10, signal);
    expect(got).toEqual({
      key: "card-1",
      value: new Uint8Array([0, 255, 7]),
      headers: { traceparent: "00-ab" },
      timestamp: 42,
      id: sent[0]!.id,
      position: { partition: sent[0]!.partition, offset: "0" },
    });
    expect(sent[0]!.partition).toBe(String(partitionForKey("card-1", 2)));
  });

  it("keeps the payload it was sent even if the sender reuses its buffer", async () => {
    const stream = memoryStream("reuse");
    const buffer = text.encode("first");
    await stream.send([{ key: undefined, value: buffer, headers: {}, timestamp: 0 }], signal);
    buffer.set(text.encode("XXXXX"));
    const consumer = await stream.openConsumer(consumerOptions("g"));
    expect(values(await consumer.receive(10, signal))).toEqual(["first"]);
  });

  it("routes a key to one partition and keeps its order; spreads records without a key", async () => {
    const stream = memoryStream("keys", { partitions: 4 });
    const keyed = await stream.send(
      Array.from({ length: 50 }, (_, i) => record(String(i), "card-7")),
      signal,
    );
    expect(new Set(keyed.map((r) => r.partition)).size).toBe(1);
    const unkeyed = await stream.send(
      Array.from({ length: 8 }, (_, i) => record(`u${i}`)),
      signal,
    );
    expect(unkeyed.map((r) => r.partition)).toEqual(["0", "1", "2", "3", "0", "1", "2", "3"]);

    const consumer = await stream.openConsumer(consumerOptions("g"));
    const got = await receiveAll(consumer, 58);
    const card = got.filter((r) => r.key === "card-7");
    expect(values(card)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(card.map((r) => Number(r.position.offset))).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("never returns more than max records", async () => {
    const stream = memoryStream("max", { partitions: 3 });
    await stream.send(
      Array.from({ length: 30 }, (_, i) => record(String(i))),
      signal,
    );
    const consumer = await stream.openConsumer(consumerOptions("g"));
    const sizes: number[] = [];
    for (let n = 0; n < 30;) {
      const batch = await consumer.receive(7, signal);
      sizes.push(batch.length);
      n += batch.length;
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
  });

  it("waits for records instead of returning empty, and stops waiting on abort", async () => {
    const stream = memoryStream("wait");
    const consumer = await stream.openConsumer(consumerOptions("g"));
    const pending = consumer.receive(10, signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await stream.send([record("late")], signal);
    expect(values(await pending)).toEqual(["late"]);

    const abort = new AbortController();
    const waiting = consumer.receive(10, abort.signal);
    abort.abort();
    expect(await waiting).toEqual([]);
  });

  it("refuses records over 1 MiB and batches over 10000 records", async () => {
    const stream = memoryStream("limits");
    const big = { key: "k", value: new Uint8Array(1024 * 1024), headers: {}, timestamp: 0 };
    await expect(stream.send([big], signal)).rejects.toMatchObject({ code: "InvalidArgument" });
    const many = Array.from({ length: 10_001 }, () => record("x"));
    await expect(stream.send(many, signal)).rejects.toMatchObject({ code: "InvalidArgument" });
  });

  it("refuses to reopen a stream with another partition count", () => {
    memoryStream("layout", { partitions: 2 });
    expect(() => memoryStream("layout", { partitions: 3 })).toThrow(
      expect.objectContaining({ code: "FailedPrecondition" }),
    );
    expect(memoryStream("layout").capabilities.ordering).toBe("partition");
  });
});

describe("memory:// consumer groups", () => {
  it("splits partitions between the members of a group; another group reads everything", async () => {
    const stream = memoryStream("shared", { partitions: 4 });
    const a = await stream.openConsumer(consumerOptions("g", "a"));
    const b = await stream.openConsumer(consumerOptions("g", "b"));
    const other = await stream.openConsumer(consumerOptions("other", "x"));
    await stream.send(
      Array.from({ length: 40 }, (_, i) => record(String(i))),
      signal,
    );
    const gotA = await receiveAll(a, 20);
    const gotB = await receiveAll(b, 20);
    const partitionsA = new Set(gotA.map((r) => r.position.partition));
    const partitionsB = new Set(gotB.map((r) => r.position.partition));
    expect(partitionsA.size).toBe(2);
    expect(partitionsB.size).toBe(2);
    expect([...partitionsA].filter((p) => partitionsB.has(p))).toEqual([]);
    expect(new Set([...values(gotA), ...values(gotB)]).size).toBe(40);
    expect(await receiveAll(other, 40)).toHaveLength(40);
  });

  it("waits for the revocation listener before handing partitions to a new member", async () => {
    const stream = memoryStream("rebalance", { partitions: 2 });
    const events: string[] = [];
    const a = await stream.openConsumer(consumerOptions("g", "a"));
    let finishRevoke = () => {};
    a.onAssignment!(async (change: AssignmentChange) => {
      events.push(`a ${JSON.stringify(change)}`);
      if (change.revoked.length > 0) {
        await new Promise<void>((resolve) => (finishRevoke = resolve));
        events.push("a drained");
      }
    });
    await stream.send([record("p0"), record("p1")], signal);
    const inFlight = await receiveAll(a, 2);

    let joined = false;
    const opening = stream.openConsumer(consumerOptions("g", "b")).then((b) => {
      joined = true;
      return b;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(joined).toBe(false);
    // While draining, the revoked partition can still be committed.
    await a.commit(inFlight.map((r) => r.position));
    finishRevoke();
    const b = await opening;
    const bEvents: AssignmentChange[] = [];
    b.onAssignment!(async (change) => void bEvents.push(change));
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(events).toEqual([
      'a {"assigned":["0","1"],"revoked":[]}',
      'a {"assigned":[],"revoked":["1"]}',
      "a drained",
    ]);
    expect(bEvents).toEqual([{ assigned: ["1"], revoked: [] }]);
    await expect(a.commit([{ partition: "1", offset: "0" }])).rejects.toMatchObject({
      code: "FailedPrecondition",
    });

    // b resumes partition 1 after a's committed record; a closing hands partition 0 to b.
    await stream.send([record("p0 again"), record("p1 again")], signal);
    expect(values(await b.receive(10, signal))).toEqual(["p1 again"]);
    await a.close();
    expect(bEvents.at(-1)).toEqual({ assigned: ["0"], revoked: [] });
    expect(values(await b.receive(10, signal))).toEqual(["p0 again"]);
  });

  it("surfaces a failing assignment listener from the next receive", async () => {
    const stream = memoryStream("listener-error", { partitions: 2 });
    const a = await stream.openConsumer(consumerOptions("g", "a"));
    a.onAssignment!(async (change) => {
      if (change.revoked.length > 0) throw new Error("drain failed");
    });
    await stream.openConsumer(consumerOptions("g", "b"));
    await expect(a.receive(10, signal)).rejects.toThrow("drain failed");
  });

  it("resumes a group after the last committed position", async () => {
    const stream = memoryStream("resume");
    await stream.send(
      ["a", "b", "c", "d", "e"].map((v) => record(v)),
      signal,
    );
    const first = await stream.openConsumer(consumerOptions("g"));
    const got = await receiveAll(first, 5);
    await first.commit([got[2]!.position]);
    expect(await first.lag!()).toEqual({ "0": 2 });
    await first.close();

    const again = await stream.openConsumer(consumerOptions("g", "c1", "latest"));
    expect(values(await again.receive(10, signal))).toEqual(["d", "e"]);
  });

  it("fences a consumer replaced by a new one with the same name", async () => {
    const stream = memoryStream("fence");
    const old = await stream.openConsumer(consumerOptions("g", "worker-1"));
    await stream.openConsumer(consumerOptions("g", "worker-1"));
    await expect(old.receive(10, signal)).rejects.toMatchObject({ code: "FailedPrecondition" });
  });
});

describe("memory:// replay and retention", () => {
  it("starts a new group at the latest offset, a given offset or a timestamp", async () => {
    const stream = memoryStream("replay", { partitions: 2 });
    await stream.send(
      [10, 20, 30, 40].map((t) => record(`t${t}`, "k", t)),
      signal,
    );
    const partition = String(partitionForKey("k", 2));
    const latest = await stream.openConsumer(consumerOptions("latest", "c", "latest"));
    const byOffset = await stream.openConsumer(consumerOptions("o", "c", { offsets: { [partition]: "2" } }));
    const byTime = await stream.openConsumer(consumerOptions("t", "c", { timestamp: 20 }));
    expect(values(await receiveAll(byOffset, 2))).toEqual(["t30", "t40"]);
    expect(values(await receiveAll(byTime, 3))).toEqual(["t20", "t30", "t40"]);
    await stream.send([record("t50", "k", 50)], signal);
    expect(values(await latest.receive(10, signal))).toEqual(["t50"]);
  });

  it("refuses offsets for partitions the stream does not have", async () => {
    const stream = memoryStream("bad-offsets", { partitions: 2 });
    await expect(
      stream.openConsumer(consumerOptions("g", "c", { offsets: { "5": "0" } })),
    ).rejects.toMatchObject({ code: "InvalidArgument" });
  });

  it("keeps the newest records per partition; a consumer behind skips to the earliest kept", async () => {
    const stream = memoryStream("retention", { retention: 3 });
    const slow = await stream.openConsumer(consumerOptions("slow"));
    await stream.send([record("a"), record("b")], signal);
    expect(values(await slow.receive(1, signal))).toEqual(["a"]);
    await stream.send(
      ["c", "d", "e", "f"].map((v) => record(v)),
      signal,
    );
    expect(values(await slow.receive(10, signal))).toEqual(["d", "e", "f"]);

    const replay = await stream.openConsumer(consumerOptions("replay"));
    const kept = await replay.receive(10, signal);
    expect(values(kept)).toEqual(["d", "e", "f"]);
    expect(kept.map((r) => r.position.offset)).toEqual(["3", "4", "5"]);
  });
});
