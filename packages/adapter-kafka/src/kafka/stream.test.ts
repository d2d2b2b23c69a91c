import { Producer } from "@platformatic/kafka";
import type {
  ConsumerDriver,
  ConsumerOptions,
  IncomingRecord,
  OutgoingRecord,
  StreamDriver,
} from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { freePort } from "../../../../test/harness/ports.js";
import { kafka } from "../register.js";
import { partitionForKey } from "./transform.js";

const signal = new AbortController().signal;
let topics = 0;
const opened: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function open(url: string): Promise<StreamDriver> {
  const driver = await kafka().schemes[0]!.create(new URL(url), { name: "test", baseDir: "." });
  opened.push(driver);
  return driver as StreamDriver;
}

async function consumer(
  stream: StreamDriver,
  options: Partial<ConsumerOptions> = {},
): Promise<ConsumerDriver> {
  const c = await stream.openConsumer({
    group: `g-${Date.now()}-${topics}`,
    start: "earliest",
    consumerName: "c",
    ...options,
  });
  opened.push(c);
  return c;
}

async function take(c: ConsumerDriver, count: number, timeoutMs = 15_000): Promise<IncomingRecord[]> {
  const out: IncomingRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) {
    out.push(...(await c.receive(count - out.length, AbortSignal.timeout(1000))));
  }
  return out;
}

function record(key: string | undefined, value: Uint8Array, timestamp = Date.now()): OutgoingRecord {
  return { key, value, headers: {}, timestamp };
}

describeService("kafka", "kafka streams against a real broker", (env) => {
  const brokers = env.SWITCHYARD_KAFKA_BROKERS!;
  const url = (partitions: number, extra = "") =>
    `kafka://${brokers}/t${process.pid}-${++topics}?create=true&partitions=${partitions}&sessionTimeoutMs=6000${extra}`;

  it("round-trips binary values, keys, headers and timestamps", async () => {
    const stream = await open(url(3));
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    const sent = await stream.send(
      [
        {
          key: "ключ",
          value: binary,
          headers: { traceparent: "00-abc-01", "x-n": "1" },
          timestamp: 1_700_000_000_123,
        },
        { key: undefined, value: new Uint8Array(0), headers: {}, timestamp: 1_700_000_000_124 },
      ],
      signal,
    );
    expect(sent[0]!.partition).toBe(String(partitionForKey("ключ", 3)));
    const got = await take(await consumer(stream), 2);
    const keyed = got.find((r) => r.key === "ключ")!;
    expect([...keyed.value]).toEqual([...binary]);
    expect(keyed.headers).toEqual({ traceparent: "00-abc-01", "x-n": "1" });
    expect(keyed.timestamp).toBe(1_700_000_000_123);
    expect(keyed).toMatchObject({
      id: sent[0]!.id,
      position: { partition: sent[0]!.partition, offset: sent[0]!.id.slice(`${sent[0]!.partition}:`.length) },
    });
    expect(got.find((r) => r.key === undefined)!.value.byteLength).toBe(0);
  });

  it("keeps the order of each key within its partition, also across concurrent sends", async () => {
    const stream = await open(url(4));
    const batches = Array.from({ length: 5 }, (_, b) =>
      Array.from({ length: 60 }, (_, i) => record(`k${i % 7}`, Buffer.from(String(b * 60 + i)))),
    );
    await Promise.all(batches.map((batch) => stream.send(batch, signal)));
    const got = await take(await consumer(stream), 300);
    expect(got).toHaveLength(300);
    const lastByKey = new Map<string, number>();
    for (const r of got) {
      expect(r.position.partition).toBe(String(partitionForKey(r.key!, 4)));
      const n = Number(Buffer.from(r.value).toString());
      expect(n).toBeGreaterThan(lastByKey.get(r.key!) ?? -1);
      lastByKey.set(r.key!, n);
    }
  });

  it("shares partitions between two members of a group and revokes before handing over", async () => {
    const stream = await open(url(4));
    await stream.send(
      Array.from({ length: 40 }, (_, i) => record(`k${i}`, Buffer.from([i]))),
      signal,
    );
    const group = `shared-${topics}`;
    const first = await consumer(stream, { group, consumerName: "a" });
    const revokedFromFirst: string[] = [];
    first.onAssignment!(async ({ revoked }) => {
      revokedFromFirst.push(...revoked);
    });
    const second = await consumer(stream, { group, consumerName: "b" });
    // The second member's join completes only after the first one rejoined.
    expect(revokedFromFirst.sort()).toEqual(["0", "1", "2", "3"]);
    const a: IncomingRecord[] = [];
    const b: IncomingRecord[] = [];
    for (let i = 0; i < 30 && a.length + b.length < 40; i++) {
      a.push(...(await first.receive(40, AbortSignal.timeout(200))));
      b.push(...(await second.receive(40, AbortSignal.timeout(200))));
    }
    const partitionsOf = (rs: IncomingRecord[]) => new Set(rs.map((r) => r.position.partition));
    expect(a.length + b.length).toBe(40);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    for (const p of partitionsOf(a)) expect(partitionsOf(b).has(p)).toBe(false);
  });

  it("resumes after the last committed position when a member comes back", async () => {
    const stream = await open(url(1));
    await stream.send(
      Array.from({ length: 20 }, (_, i) => record("k", Buffer.from([i]))),
      signal,
    );
    const group = `resume-${topics}`;
    const before = await consumer(stream, { group });
    const firstTen = await take(before, 10);
    await before.commit([firstTen[9]!.position]);
    await before.close();
    const after = await consumer(stream, { group });
    const rest = await take(after, 10);
    expect(rest.map((r) => r.value[0])).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it("starts a new group at a timestamp, or at the end", async () => {
    const stream = await open(url(1));
    // Brokers refuse times more than an hour ahead (log.message.timestamp.after.max.ms).
    const t0 = Date.now() - 60_000;
    await stream.send(
      Array.from({ length: 10 }, (_, i) => record("k", Buffer.from([i]), t0 + i * 1000)),
      signal,
    );
    const fromTime = await take(await consumer(stream, { start: { timestamp: t0 + 6500 } }), 3);
    expect(fromTime.map((r) => r.value[0])).toEqual([7, 8, 9]);
    const latest = await consumer(stream, { start: "latest", group: `latest-${topics}` });
    expect(await latest.receive(10, AbortSignal.timeout(1500))).toEqual([]);
    await stream.send([record("k", Buffer.from([42]))], signal);
    expect((await take(latest, 1)).map((r) => r.value[0])).toEqual([42]);
  });

  it.each(["gzip", "snappy", "lz4"])("round-trips %s-compressed batches", async (compression) => {
    const stream = await open(url(1, `&compression=${compression}`));
    const values = Array.from({ length: 50 }, (_, i) => Buffer.alloc(500, i));
    await stream.send(
      values.map((v) => record("k", v)),
      signal,
    );
    const got = await take(await consumer(stream), 50);
    expect(got.map((r) => Buffer.from(r.value))).toEqual(values);
  });

  it("refuses a record over maxRecordBytes before sending anything", async () => {
    const stream = await open(url(1, "&maxRecordBytes=1000"));
    const attempt = stream.send([record("k", new Uint8Array(10)), record("k", new Uint8Array(1001))], signal);
    await expect(attempt).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(attempt).rejects.toThrow(/record 1 is 1002 bytes, over maxRecordBytes 1000/);
    expect(await take(await consumer(stream), 1, 1500)).toEqual([]);
  });

  it("reports a missing topic as NotFound, and probes and exposes its client", async () => {
    const missing = open(`kafka://${brokers}/never-created-${process.pid}`);
    await expect(missing).rejects.toMatchObject({ code: "NotFound" });
    await expect(missing).rejects.toThrow(/create=true/);
    const stream = await open(url(1));
    await stream.probe!(AbortSignal.timeout(5000));
    expect(stream.as(Producer)).toBeInstanceOf(Producer);
    expect(stream.as(Map)).toBeUndefined();
  });

  it("fails Unavailable within connectTimeoutMs when no broker listens", async () => {
    const port = await freePort();
    const started = Date.now();
    const attempt = open(`kafka://127.0.0.1:${port}/t?connectTimeoutMs=1000`);
    await expect(attempt).rejects.toBeInstanceOf(SwitchyardError);
    await expect(attempt).rejects.toMatchObject({ code: "Unavailable" });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
