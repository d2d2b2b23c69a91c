import { randomUUID } from "node:crypto";
import { PubSub } from "@google-cloud/pubsub";
import { Stream, raw } from "@switchyard/core";
import { deadlineSignal } from "@switchyard/core/driver";
import type { StreamDriver } from "@switchyard/core/driver";
import { afterAll, afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { PubSubStream } from "./stream.js";

const PROJECT = "switchyard-test";
const encoder = new TextEncoder();
const text = (value: Uint8Array) => new TextDecoder().decode(value);

describeService("pubsub", "Pub/Sub stream on the emulator", (env) => {
  Object.assign(process.env, env);
  const admin = new PubSub({ projectId: PROJECT });
  const opened: StreamDriver[] = [];
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((d) => d.close()));
  });
  afterAll(() => admin.close());

  function open(path: string): Stream<Uint8Array> {
    const driver = new PubSubStream(new URL(`pubsub://${PROJECT}/${path}`));
    opened.push(driver);
    return new Stream(driver, { name: "test", codec: raw() });
  }
  const name = (prefix: string) => `${prefix}-${randomUUID()}`;

  it("refuses a subscription without message ordering at startup, and with ordering=none core refuses the pipeline", async () => {
    const topic = name("t");
    const [created] = await admin.createTopic(topic);
    await created.createSubscription("unordered-sub");
    const ordered = open(`${topic}?subscription=unordered-sub`);
    await expect(ordered.subscribe({ group: "g" })).rejects.toMatchObject({
      code: "FailedPrecondition",
      message: expect.stringMatching(/--enable-message-ordering/) as unknown,
    });
    const unordered = open(`${topic}?subscription=unordered-sub&ordering=none`);
    expect(() => unordered.require({ ordering: true })).toThrow(/lacks ordering/);
    const sub = await unordered.subscribe({ group: "g" });
    await sub.close();
  });

  it("names the fix for a missing topic or subscription, at startup", async () => {
    const missing = open(name("missing"));
    await expect(missing.subscribe({ group: "g" })).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringMatching(/gcloud pubsub topics create .* or add create=true/) as unknown,
    });
    const topic = name("t");
    await admin.createTopic(topic);
    await expect(open(topic).subscribe({ group: "no-such-sub" })).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringMatching(/subscription "no-such-sub" does not exist/) as unknown,
    });
  });

  it("resumes publishing a key after a failed publish of it", async () => {
    const topic = name("t");
    const stream = open(topic);
    await expect(stream.publish([{ key: "k", value: encoder.encode("lost") }])).rejects.toMatchObject({
      code: "NotFound",
    });
    await admin.createTopic(topic);
    const [ids] = [await stream.publish([{ key: "k", value: encoder.encode("kept") }])];
    expect(ids).toHaveLength(1);
  });

  it("redelivers a nacked record at once, long before the ack deadline", async () => {
    const topic = name("t");
    const stream = open(`${topic}?create=true&ackDeadlineSeconds=60`);
    const sub = await stream.subscribe({ group: name("g") });
    await stream.publish([{ key: "k", value: encoder.encode("again") }]);
    const signal = AbortSignal.timeout(15_000);
    const first = await sub.receive(signal);
    expect(first?.records.map((r) => text(r.value))).toEqual(["again"]);
    const startedAt = Date.now();
    await sub.nack(first!.records);
    const second = await sub.receive(signal);
    expect(second?.records.map((r) => text(r.value))).toEqual(["again"]);
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    sub.ack(second!.records);
    await sub.close();
  });

  it("gives two consumers of one group every record of their subscription once between them", async () => {
    const topic = name("t");
    const group = name("g");
    const a = open(`${topic}?create=true`);
    const b = open(`${topic}?create=true`);
    const subA = await a.subscribe({ group, maxBatch: 10, maxUnacked: 10 });
    const subB = await b.subscribe({ group, maxBatch: 10, maxUnacked: 10 });
    await a.publish(
      Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 8}`, value: encoder.encode(String(i)) })),
    );
    const seen = new Map<string, string>();
    let deliveries = 0;
    const signal = AbortSignal.timeout(20_000);
    const drain = async (sub: typeof subA, who: string) => {
      while (seen.size < 40 && !signal.aborted) {
        // Not AbortSignal.any([signal, AbortSignal.timeout(1000)]): on Node 20 a garbage collection
        // can take the timeout signal, and the receive of a consumer that gets nothing never ends.
        const wait = deadlineSignal(signal, 1000);
        const batch = await sub.receive(wait.signal).finally(() => wait.dispose());
        if (batch === undefined) continue;
        for (const r of batch.records) {
          deliveries++;
          seen.set(text(r.value), who);
        }
        // Slow consumers: neither can take the whole backlog before the other asks for some.
        await new Promise((resolve) => setTimeout(resolve, 300));
        sub.ack(batch.records);
      }
    };
    await Promise.all([drain(subA, "a"), drain(subB, "b")]);
    // Pub/Sub decides which open stream gets a message: the split between the two is its own.
    expect(seen.size).toBe(40);
    expect(deliveries).toBe(40);
    await Promise.all([subA.close(), subB.close()]);
  });

  it(
    "keeps extending the ack deadline of a record held longer than it (a long batch)",
    { timeout: 40_000 },
    async () => {
      const topic = name("t");
      const group = name("g");
      const holder = open(`${topic}?create=true&ackDeadlineSeconds=10`);
      const other = open(`${topic}?create=true&ackDeadlineSeconds=10`);
      const held = await holder.subscribe({ group });
      await holder.publish([{ key: "k", value: encoder.encode("slow") }]);
      const first = await held.receive(AbortSignal.timeout(15_000));
      expect(first?.records).toHaveLength(1);
      // Past the 10 s deadline: without extension the record would go to the other consumer.
      const watcher = await other.subscribe({ group });
      const stolen = await watcher.receive(AbortSignal.timeout(14_000));
      expect(stolen).toBeUndefined();
      held.ack(first!.records);
      await Promise.all([held.close(), watcher.close()]);
    },
  );

  it("delivers each key's records in publish order on an ordered subscription, acked as they come", async () => {
    const stream = open(`${name("t")}?create=true`);
    const sub = await stream.subscribe({ group: name("g") });
    await stream.publish(
      Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 5}`, value: encoder.encode(String(i)) })),
    );
    const byKey = new Map<string, number[]>();
    let count = 0;
    const signal = AbortSignal.timeout(20_000);
    while (count < 200 && !signal.aborted) {
      const batch = await sub.receive(signal);
      if (batch === undefined) break;
      for (const r of batch.records) byKey.set(r.key!, [...(byKey.get(r.key!) ?? []), Number(text(r.value))]);
      count += batch.records.length;
      sub.ack(batch.records);
    }
    expect(count).toBe(200);
    for (const [key, numbers] of byKey) expect(numbers, key).toEqual([...numbers].sort((a, b) => a - b));
    await sub.close();
  });
});
