import { randomUUID } from "node:crypto";
import type { ConsumerDriver, IncomingRecord, OutgoingRecord } from "@switchyard/core/driver";
import { Redis } from "ioredis";
import { afterAll, afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { RedisStream } from "./stream.js";

const signal = new AbortController().signal;
const record = (value: string, key?: string, headers: Record<string, string> = {}): OutgoingRecord => ({
  key,
  value: new TextEncoder().encode(value),
  headers,
  timestamp: Date.now(),
});
const valueOf = (r: IncomingRecord) => new TextDecoder().decode(r.value);

/** Receives until `count` records arrived or `timeoutMs` passed. */
async function receiveAtLeast(consumer: ConsumerDriver, count: number, timeoutMs = 5000) {
  const got: IncomingRecord[] = [];
  const deadline = AbortSignal.timeout(timeoutMs);
  while (got.length < count && !deadline.aborted)
    got.push(...(await consumer.receive(count - got.length, deadline)));
  return got;
}

describeService("redis", "RedisStream", (env) => {
  const streams: RedisStream[] = [];
  const admin = new Redis(env.SWITCHYARD_REDIS_URL!, { lazyConnect: true });
  const base = env.SWITCHYARD_REDIS_URL!.replace(/^redis:/, "redis-stream:");

  function open(query = "", name = `s-${randomUUID()}`) {
    const stream = new RedisStream(new URL(`${base}/${name}?${query}`));
    streams.push(stream);
    return stream;
  }

  afterEach(async () => {
    const keys = streams.flatMap((s) => s.settings.keys);
    await Promise.all(streams.splice(0).map((s) => s.close()));
    if (keys.length > 0) await admin.del(...keys);
  });
  afterAll(() => admin.disconnect());

  it("round-trips binary values, keys, headers and event times, in order", async () => {
    const stream = open();
    const binary = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const sent = await stream.send(
      [
        {
          key: "card-1",
          value: binary,
          headers: { traceparent: "00-abc-01", "x-ü": "ß" },
          timestamp: 1_700_000_000_123,
        },
        record("second"),
      ],
      signal,
    );
    expect(sent.map((s) => s.partition)).toEqual(["0", "0"]);
    const consumer = await stream.openConsumer({ group: "g", start: "earliest", consumerName: "c" });
    const [first, second] = await receiveAtLeast(consumer, 2);
    expect(Buffer.from(first!.value).equals(Buffer.from(binary))).toBe(true);
    expect(first).toMatchObject({ key: "card-1", timestamp: 1_700_000_000_123, id: sent[0]!.id });
    expect(first!.headers).toEqual({ traceparent: "00-abc-01", "x-ü": "ß" });
    expect(first!.id).toBe(`0:${first!.position.offset}`);
    expect(second).toMatchObject({ key: undefined, headers: {}, id: sent[1]!.id });
  });

  it("shares the records of a group between its consumers, each record to one of them", async () => {
    const stream = open();
    await stream.send(
      Array.from({ length: 40 }, (_, i) => record(String(i))),
      signal,
    );
    const a = await stream.openConsumer({ group: "g", start: "earliest", consumerName: "a" });
    const b = await stream.openConsumer({ group: "g", start: "earliest", consumerName: "b" });
    const fromA = await a.receive(15, signal);
    const fromB = await receiveAtLeast(b, 25);
    const all = [...fromA, ...fromB].map(valueOf).map(Number);
    expect(fromA).toHaveLength(15);
    expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it("gives every group the whole stream", async () => {
    const stream = open();
    await stream.send([record("a"), record("b")], signal);
    const one = await stream.openConsumer({ group: "one", start: "earliest", consumerName: "c" });
    const two = await stream.openConsumer({ group: "two", start: "earliest", consumerName: "c" });
    expect((await receiveAtLeast(one, 2)).map(valueOf)).toEqual(["a", "b"]);
    expect((await receiveAtLeast(two, 2)).map(valueOf)).toEqual(["a", "b"]);
  });

  it("starts a new group at the latest record, a timestamp or a given id", async () => {
    const stream = open();
    const [early] = await stream.send([record("early")], signal);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const cut = Date.now();
    const [late] = await stream.send([record("late")], signal);
    const latest = await stream.openConsumer({ group: "latest", start: "latest", consumerName: "c" });
    await stream.send([record("newest")], signal);
    expect((await receiveAtLeast(latest, 1)).map(valueOf)).toEqual(["newest"]);
    const fromTime = await stream.openConsumer({
      group: "time",
      start: { timestamp: cut },
      consumerName: "c",
    });
    expect((await receiveAtLeast(fromTime, 2)).map(valueOf)).toEqual(["late", "newest"]);
    const fromId = await stream.openConsumer({
      group: "id",
      start: { offsets: { "0": late!.id.slice("0:".length) } },
      consumerName: "c",
    });
    expect((await receiveAtLeast(fromId, 2)).map(valueOf)).toEqual(["late", "newest"]);
    expect(early!.id < late!.id).toBe(true);
  });

  it("spreads keys over partitions and keeps each key's order", async () => {
    const stream = open("partitions=3");
    const keys = ["k0", "k1", "k2", "k3", "k4"];
    const sent = await stream.send(
      Array.from({ length: 60 }, (_, i) => record(String(i), keys[i % 5])),
      signal,
    );
    expect(new Set(sent.map((s) => s.partition)).size).toBeGreaterThan(1);
    const consumer = await stream.openConsumer({ group: "g", start: "earliest", consumerName: "c" });
    const got = await receiveAtLeast(consumer, 60);
    expect(got).toHaveLength(60);
    for (const key of keys) {
      const ofKey = got.filter((r) => r.key === key).map((r) => Number(valueOf(r)));
      expect(ofKey).toEqual([...ofKey].sort((x, y) => x - y));
      expect(new Set(got.filter((r) => r.key === key).map((r) => r.position.partition)).size).toBe(1);
    }
  });

  it("refuses an oversized record with InvalidArgument before sending anything", async () => {
    const stream = open("maxRecordBytes=100");
    const failure = await stream
      .send([record("fits"), record("x".repeat(101))], signal)
      .catch((err: unknown) => err);
    expect(stream.errorCode(failure)).toBe("InvalidArgument");
    expect(String(failure)).toMatch(/maxRecordBytes/);
    expect(await admin.xlen(stream.settings.keys[0]!)).toBe(0);
  });

  it("trims the stream to about maxLen records", async () => {
    const stream = open("maxLen=10");
    for (let i = 0; i < 5; i++)
      await stream.send(
        Array.from({ length: 200 }, () => record("x")),
        signal,
      );
    expect(await admin.xlen(stream.settings.keys[0]!)).toBeLessThan(1000);
  });

  it("classifies a deleted stream's group as NotFound and a key of another type as FailedPrecondition", async () => {
    const stream = open();
    const key = stream.settings.keys[0]!;
    await admin.set(key, "not a stream");
    await expect(stream.probe(signal)).rejects.toMatchObject({ code: "FailedPrecondition" });
    await admin.del(key);
    const consumer = await stream.openConsumer({ group: "g", start: "earliest", consumerName: "c" });
    await admin.del(key);
    const missing = await consumer.receive(10, signal).catch((err: unknown) => err);
    expect(stream.errorCode(missing)).toBe("NotFound");
  });

  it("uses an injected client, exposes it through as(), and leaves it open", async () => {
    const client = new Redis(env.SWITCHYARD_REDIS_URL!);
    const stream = new RedisStream(new URL(`${base}/inj-${randomUUID()}`), { client });
    await stream.send([record("x")], signal);
    expect(stream.as(Redis)).toBe(client);
    expect(stream.as(Map)).toBeUndefined();
    await client.del(stream.settings.keys[0]!);
    await stream.close();
    expect(await client.ping()).toBe("PONG");
    client.disconnect();
  });
});
