/**
 * The producer after a send the broker wrote only in part: Kafka refuses one
 * partition's share of a produce request and writes the others', but the client
 * counts the whole request as failed. The next sends must still be written —
 * neither refused as out of order for ever nor dropped as duplicates.
 */
import { Admin } from "@platformatic/kafka";
import type { OutgoingRecord, StreamDriver } from "@switchyard/core/driver";
import { afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { kafka } from "../register.js";
import { partitionForKey } from "./transform.js";

const signal = new AbortController().signal;
/** The topic's `max.message.bytes`: far below the stream's maxRecordBytes, so only the broker refuses. */
const TOPIC_MAX_BYTES = 4096;
const opened: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

/** A key of each of a two-partition topic's partitions. */
function keyOf(partition: number): string {
  for (let i = 0; ; i++) if (partitionForKey(`k${i}`, 2) === partition) return `k${i}`;
}

function records(key: string, values: string[]): OutgoingRecord[] {
  return values.map((v) => ({ key, value: new TextEncoder().encode(v), headers: {}, timestamp: Date.now() }));
}

describeService("kafka", "a kafka producer after a send written in part", (env) => {
  const brokers = env.SWITCHYARD_KAFKA_BROKERS!;

  it("writes every later send, and names the broker's refusal", { timeout: 60_000 }, async () => {
    const topic = `partial-${process.pid}-${Date.now()}`;
    const admin = new Admin({ clientId: "switchyard-test", bootstrapBrokers: [brokers] });
    try {
      await admin.createTopics({
        topics: [topic],
        partitions: 2,
        replicas: 1,
        configs: [{ name: "max.message.bytes", value: String(TOPIC_MAX_BYTES) }],
      });
    } finally {
      await admin.close();
    }
    const stream = (await kafka().schemes[0]!.create(new URL(`kafka://${brokers}/${topic}`), {
      name: "test",
      baseDir: ".",
    })) as StreamDriver;
    opened.push(stream);
    const [small, large] = [keyOf(0), keyOf(1)];

    const tooLarge = records(large, ["x".repeat(TOPIC_MAX_BYTES * 2)]);
    const partly = stream.send([...records(small, ["a0", "a1", "a2"]), ...tooLarge], signal);
    const refusal = await partly.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(stream.errorCode(refusal)).toBe("InvalidArgument");
    expect((refusal as Error).message).toContain(
      `MESSAGE_TOO_LARGE (Kafka error 10) on ${topic} partition 1`,
    );

    // As long as the batch the broker wrote (the case it takes for a resend), then of another length.
    const sameLength = await stream.send(records(small, ["b0", "b1", "b2"]), signal);
    const otherLength = await stream.send(records(small, ["c0", "c1"]), signal);
    expect([...sameLength, ...otherLength].map((r) => r.partition)).toEqual(Array(5).fill("0"));

    const reader = await stream.openConsumer({
      group: `${topic}-audit`,
      start: "earliest",
      consumerName: "audit",
    });
    opened.push(reader);
    const read = new Map<string, string>();
    const deadline = Date.now() + 15_000;
    while (read.size < 7 && Date.now() < deadline) {
      for (const r of await reader.receive(10, AbortSignal.timeout(1000))) {
        read.set(new TextDecoder().decode(r.value), r.id);
      }
    }
    // Every acknowledged record is in the log, at the offset it was acknowledged with.
    const acknowledged = [...sameLength, ...otherLength].map((r) => r.id);
    expect(["b0", "b1", "b2", "c0", "c1"].map((v) => read.get(v))).toEqual(acknowledged);
  });
});
