import { afterEach, describe, expect, it } from "vitest";
import { json } from "../codec/json.js";
import type { ConsumerDriver, ErrorCode, StreamDriver } from "../driver/index.js";
import { resetMemoryStreams } from "../embedded/memory-log.js";
import { memoryStream } from "../embedded/memory-stream.js";
import { SwitchyardError } from "../errors.js";
import { Stream } from "./stream.js";

afterEach(() => resetMemoryStreams());

/**
 * A memory stream whose consumers fail their first `failures` receives with
 * `code`, as a consumer of a broker that went away and came back would.
 */
function flakyStream(failures: number, code: ErrorCode): StreamDriver {
  const inner = memoryStream(`flaky-${Math.random()}`, { partitions: 2 });
  let failed = 0;
  const wrap = (consumer: ConsumerDriver): ConsumerDriver => {
    const receive = consumer.receive.bind(consumer);
    consumer.receive = async (max, signal) => {
      if (failed < failures) {
        failed++;
        throw new SwitchyardError(code, `server away (${failed})`);
      }
      return receive(max, signal);
    };
    return consumer;
  };
  return {
    capabilities: inner.capabilities,
    send: (records, signal) => inner.send(records, signal),
    openConsumer: async (options) => wrap(await inner.openConsumer(options)),
    errorCode: (err) => inner.errorCode(err),
    as: (type) => inner.as(type),
    close: () => inner.close(),
  };
}

describe("Subscription.receive when the driver fails", () => {
  it("retries a transient failure with backoff and delivers once the server answers again", async () => {
    const stream = new Stream<number>(flakyStream(3, "Unavailable"), { name: "s", codec: json() });
    await stream.publish([{ key: "a", value: 1 }]);
    const retries: [ErrorCode, number][] = [];
    const subscription = await stream.subscribe({
      group: "g",
      onReceiveRetry: (error, attempt) => retries.push([error.code, attempt]),
    });
    const batch = await subscription.receive(AbortSignal.timeout(5000));
    expect(batch?.records.map((r) => r.value)).toEqual([1]);
    expect(retries).toEqual([
      ["Unavailable", 1],
      ["Unavailable", 2],
      ["Unavailable", 3],
    ]);
    await subscription.close();
  });

  it("throws a failure that retrying cannot mend", async () => {
    const stream = new Stream<number>(flakyStream(1, "PermissionDenied"), { name: "s", codec: json() });
    const subscription = await stream.subscribe({ group: "g" });
    await expect(subscription.receive(AbortSignal.timeout(5000))).rejects.toMatchObject({
      code: "PermissionDenied",
    });
    await subscription.close();
  });

  it("stops retrying when the signal aborts", async () => {
    const stream = new Stream<number>(flakyStream(Infinity, "Unavailable"), { name: "s", codec: json() });
    const subscription = await stream.subscribe({ group: "g" });
    const began = Date.now();
    expect(await subscription.receive(AbortSignal.timeout(300))).toBeUndefined();
    expect(Date.now() - began).toBeLessThan(3000);
    await subscription.close();
  });
});

describe("Subscription prefetch bounded in bytes", () => {
  it("waits once the unacknowledged bytes reach maxUnackedBytes and resumes on ack", async () => {
    const stream = new Stream<string>(memoryStream(`bytes-${Math.random()}`, { partitions: 1 }), {
      name: "s",
      codec: json(),
    });
    const big = "x".repeat(10_000);
    await stream.publish(Array.from({ length: 20 }, () => ({ key: "k", value: big })));
    const subscription = await stream.subscribe({ group: "g", maxUnackedBytes: 30_000 });
    const held = [];
    for (;;) {
      const batch = await subscription.receive(AbortSignal.timeout(300));
      if (batch === undefined) break;
      held.push(...batch.records);
    }
    // Batches are sized from the records seen: the bound is reached, not overrun by a whole driver batch.
    expect(held.length).toBeGreaterThanOrEqual(3);
    expect(held.length).toBeLessThanOrEqual(4);
    expect(subscription.inFlightBytes).toBeGreaterThanOrEqual(30_000);
    subscription.ack(held);
    expect(subscription.inFlightBytes).toBe(0);
    const next = await subscription.receive(AbortSignal.timeout(1000));
    expect(next?.records.length).toBeGreaterThan(0);
    await subscription.close();
  });
});

describe("Subscription commits", () => {
  /** A memory stream whose consumers fail their first commit, as a broker that is away would. */
  function stream(committed: string[][]): Stream<number> {
    const inner = memoryStream(`commits-${Math.random()}`, { partitions: 1 });
    let failures = 1;
    const driver: StreamDriver = {
      capabilities: inner.capabilities,
      send: (records, signal) => inner.send(records, signal),
      openConsumer: async (options) => {
        const consumer = await inner.openConsumer(options);
        const commit = consumer.commit.bind(consumer);
        consumer.commit = async (positions) => {
          if (failures-- > 0) throw new SwitchyardError("Unavailable", "coordinator away");
          committed.push(positions.map((p) => p.offset));
          return commit(positions);
        };
        return consumer;
      },
      errorCode: (err) => inner.errorCode(err),
      as: (type) => inner.as(type),
      close: () => inner.close(),
    };
    return new Stream<number>(driver, { name: "s", codec: json() });
  }

  it("offers a position again after its commit failed", async () => {
    const committed: string[][] = [];
    const s = stream(committed);
    await s.publish([1, 2, 3].map((value) => ({ key: "k", value })));
    const subscription = await s.subscribe({ group: "g", commitIntervalMs: 60_000 });
    const got = [];
    while (got.length < 3) got.push(...(await subscription.receive(AbortSignal.timeout(1000)))!.records);
    // Every record is done: the ack commits at once, and that commit fails.
    subscription.ack(got);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(committed).toEqual([]);
    await subscription.commit();
    expect(committed).toEqual([["2"]]);
    await subscription.close();
  });

  it("commits at once when every record received is done", async () => {
    const committed: string[][] = [];
    const s = stream(committed);
    await s.publish([1, 2].map((value) => ({ key: "k", value })));
    const subscription = await s.subscribe({ group: "g", commitIntervalMs: 1000 });
    const got = [];
    while (got.length < 2) got.push(...(await subscription.receive(AbortSignal.timeout(1000)))!.records);
    subscription.ack(got);
    // The first prompt commit meets the failing coordinator; the next caught-up moment commits.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await s.publish([{ key: "k", value: 3 }]);
    const more = (await subscription.receive(AbortSignal.timeout(1000)))!.records;
    subscription.ack(more);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(committed).toEqual([["2"]]);
    await subscription.close();
  });
});

describe("Subscription on an ack-settled stream", () => {
  it("hands acks to the driver as records are done, not on the commit interval", async () => {
    const inner = memoryStream(`acks-${Math.random()}`, { partitions: 1 });
    const acked: string[][] = [];
    // A queue with per-message acks (as Pub/Sub and Redis Streams are): acks counted, none applied.
    const driver: StreamDriver = {
      capabilities: { ...inner.capabilities, settlement: "ack" },
      send: (records, signal) => inner.send(records, signal),
      openConsumer: async (options) => {
        const consumer = await inner.openConsumer(options);
        consumer.commit = async (positions) => {
          acked.push(positions.map((p) => p.offset));
          await new Promise((resolve) => setTimeout(resolve, 20));
        };
        return consumer;
      },
      errorCode: (err) => inner.errorCode(err),
      as: (type) => inner.as(type),
      close: () => inner.close(),
    };
    const s = new Stream<number>(driver, { name: "s", codec: json() });
    await s.publish([1, 2, 3, 4].map((value) => ({ key: "k", value })));
    const subscription = await s.subscribe({ group: "g", commitIntervalMs: 60_000 });
    const got = [];
    while (got.length < 4) got.push(...(await subscription.receive(AbortSignal.timeout(1000)))!.records);
    // Out of order, and while an earlier ack is still with the driver: each ack goes out, none waits for the others.
    subscription.ack([got[3]!]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    subscription.ack([got[0]!]);
    subscription.ack([got[1]!]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(acked).toEqual([["3"], ["0", "1"]]);
    await subscription.close();
  });
});

describe("Subscription.receive when the driver answers [] at once", () => {
  it("lets timers run, so a deadline still ends the wait", async () => {
    const inner = memoryStream(`empty-${Math.random()}`, { partitions: 1 });
    // A consumer closed under its reader answers [] at once, every time.
    const stream: StreamDriver = {
      capabilities: inner.capabilities,
      send: (records, signal) => inner.send(records, signal),
      openConsumer: async (options) => {
        const consumer = await inner.openConsumer(options);
        consumer.receive = () => Promise.resolve([]);
        return consumer;
      },
      errorCode: (err) => inner.errorCode(err),
      as: (type) => inner.as(type),
      close: () => inner.close(),
    };
    const subscription = await new Stream<number>(stream, { name: "s", codec: json() }).subscribe({
      group: "g",
    });
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 50);
    const started = Date.now();
    await expect(subscription.receive(stop.signal)).resolves.toBeUndefined();
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(5000);
    await subscription.close();
  });
});
