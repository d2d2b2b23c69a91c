import { randomUUID } from "node:crypto";
import type { ConsumerDriver, IncomingRecord, OutgoingRecord } from "@switchyard/core/driver";
import { Redis } from "ioredis";
import { afterAll, afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { RedisStream } from "./stream.js";

const signal = new AbortController().signal;
const record = (value: string): OutgoingRecord => ({
  key: undefined,
  value: new TextEncoder().encode(value),
  headers: {},
  timestamp: Date.now(),
});
const values = (records: IncomingRecord[]) => records.map((r) => new TextDecoder().decode(r.value));

async function receiveAtLeast(consumer: ConsumerDriver, count: number, timeoutMs = 5000) {
  const got: IncomingRecord[] = [];
  const deadline = AbortSignal.timeout(timeoutMs);
  while (got.length < count && !deadline.aborted)
    got.push(...(await consumer.receive(count - got.length, deadline)));
  return got;
}

describeService("redis", "RedisStreamConsumer", (env) => {
  const streams: RedisStream[] = [];
  const admin = new Redis(env.SWITCHYARD_REDIS_URL!, { lazyConnect: true });
  const base = env.SWITCHYARD_REDIS_URL!.replace(/^redis:/, "redis-stream:");
  let name = "";

  /** A new driver on this test's stream, as a restarted process would open it. */
  function open(query = "claimIdleMs=200&blockMs=200") {
    const stream = new RedisStream(new URL(`${base}/${name}?${query}`));
    streams.push(stream);
    return stream;
  }
  const join = (stream: RedisStream, consumerName: string) =>
    stream.openConsumer({ group: "g", start: "earliest", consumerName });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await admin.del(name);
    name = `s-${randomUUID()}`;
  });
  name = `s-${randomUUID()}`;
  afterAll(() => admin.disconnect());

  it("does not deliver acknowledged records again after a restart", async () => {
    const first = open();
    await first.send([record("a"), record("b")], signal);
    const consumer = await join(first, "c");
    const got = await receiveAtLeast(consumer, 2);
    await consumer.commit(got.map((r) => r.position));
    await first.close();
    const again = await join(open(), "c");
    expect(await again.receive(10, AbortSignal.timeout(500))).toEqual([]);
  });

  it("after a restart under the same name, reads its unacknowledged records first", async () => {
    const first = open();
    await first.send([record("a"), record("b"), record("c")], signal);
    const consumer = await join(first, "c");
    const got = await receiveAtLeast(consumer, 3);
    await consumer.commit([got[0]!.position]);
    await first.close();
    const restarted = open("claimIdleMs=60000");
    await restarted.send([record("d")], signal);
    const again = await join(restarted, "c");
    expect(values(await receiveAtLeast(again, 2))).toEqual(["b", "c"]);
    expect(values(await receiveAtLeast(again, 1))).toEqual(["d"]);
  });

  it("takes over the unacknowledged records of a consumer that died, once idle for claimIdleMs", async () => {
    const stream = open();
    await stream.send([record("a"), record("b")], signal);
    const dead = await join(stream, "dead");
    expect(await receiveAtLeast(dead, 2)).toHaveLength(2);
    await dead.close();
    const heir = await join(open(), "heir");
    const took = await receiveAtLeast(heir, 2, 3000);
    expect(values(took)).toEqual(["a", "b"]);
    await heir.commit(took.map((r) => r.position));
    const pending = (await admin.xpending(name, "g")) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
  });

  it("redelivers nacked records promptly", async () => {
    const stream = open("claimIdleMs=60000&blockMs=200");
    await stream.send([record("a")], signal);
    const consumer = await join(stream, "c");
    const [first] = await receiveAtLeast(consumer, 1);
    await consumer.nack!([first!.position]);
    const again = await receiveAtLeast(consumer, 1, 3000);
    expect(values(again)).toEqual(["a"]);
    expect(again[0]!.id).toBe(first!.id);
  });

  it("returns at once when closed during a blocking read", async () => {
    const stream = open("blockMs=10000");
    const consumer = await join(stream, "c");
    const began = Date.now();
    const reading = consumer.receive(10, signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await consumer.close();
    expect(await reading).toEqual([]);
    expect(Date.now() - began).toBeLessThan(5000);
  });

  it("returns [] on abort and hands records of the interrupted read to the next receive", async () => {
    const stream = open("blockMs=1000&claimIdleMs=60000");
    const consumer = await join(stream, "c");
    const controller = new AbortController();
    const reading = consumer.receive(10, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    expect(await reading).toEqual([]);
    await stream.send([record("late")], signal);
    expect(values(await receiveAtLeast(consumer, 1))).toEqual(["late"]);
  });

  it("never returns more than asked, keeping the rest for the next receive", async () => {
    const stream = open("partitions=4");
    await stream.send(
      Array.from({ length: 8 }, (_, i) => ({ ...record(String(i)), key: `k${i}` })),
      signal,
    );
    const consumer = await join(stream, "c");
    const got: IncomingRecord[] = [];
    while (got.length < 8) {
      const batch = await consumer.receive(2, AbortSignal.timeout(3000));
      expect(batch.length).toBeLessThanOrEqual(2);
      if (batch.length === 0) break;
      got.push(...batch);
    }
    expect(got).toHaveLength(8);
    await admin.del(...stream.settings.keys);
  });

  it("reports how many records the group has not read yet", async () => {
    const stream = open();
    await stream.send([record("a"), record("b"), record("c")], signal);
    const consumer = await join(stream, "c");
    await receiveAtLeast(consumer, 1);
    expect(await consumer.lag!()).toEqual({ "0": 2 });
    await receiveAtLeast(consumer, 2);
    expect(await consumer.lag!()).toEqual({ "0": 0 });
  });
});
