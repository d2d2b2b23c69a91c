/**
 * The Event Hubs double driven by the real @azure/event-hubs client, in
 * process: what the adapter relies on it to do as the service would.
 */
import { EventHubConsumerClient, EventHubProducerClient } from "@azure/event-hubs";
import type { EventPosition, ReceivedEventData } from "@azure/event-hubs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventHubsDouble, MAX_MESSAGE_BYTES } from "./server.js";

const retryOptions = { maxRetries: 0, retryDelayInMs: 100, timeoutInMs: 5000 };
let double: EventHubsDouble;
let producer: EventHubProducerClient;

beforeAll(async () => {
  double = await EventHubsDouble.start();
  double.namespace.create("orders", 2);
  producer = new EventHubProducerClient(double.connectionString(), "orders", { retryOptions });
});

afterAll(async () => {
  await producer.close();
  await double.stop();
});

/** Reads partition `id` from `position` until `count` events arrived (or 5 s passed). */
async function read(id: string, position: EventPosition, count: number, ownerLevel?: number) {
  const consumer = new EventHubConsumerClient("$Default", double.connectionString(), "orders", {
    retryOptions,
  });
  const events: ReceivedEventData[] = [];
  let failure: Error | undefined;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    const sub = consumer.subscribe(
      id,
      {
        processEvents: async (batch) => {
          events.push(...batch);
          if (events.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
        processError: async (err) => {
          failure = err;
        },
      },
      {
        startPosition: position,
        maxWaitTimeInSeconds: 1,
        ...(ownerLevel === undefined ? {} : { ownerLevel }),
      },
    );
    void sub;
  });
  await consumer.close();
  return { events, failure };
}

describe("Event Hubs double", () => {
  it("answers hub and partition properties, and advertises the max message size", async () => {
    const hub = await producer.getEventHubProperties();
    expect(hub.partitionIds).toEqual(["0", "1"]);
    const batch = await producer.createBatch();
    expect(batch.maxSizeInBytes).toBe(MAX_MESSAGE_BYTES);
    const empty = await producer.getPartitionProperties("1");
    expect(empty.isEmpty).toBe(true);
  });

  it("keeps a partition key's events on one partition, numbered and annotated", async () => {
    const batch = await producer.createBatch({ partitionKey: "card-7" });
    for (let i = 0; i < 5; i++) batch.tryAdd({ body: Buffer.from(`e${i}`), properties: { n: i } });
    await producer.sendBatch(batch);
    const props = await Promise.all(["0", "1"].map((id) => producer.getPartitionProperties(id)));
    const target = props.find((p) => !p.isEmpty)!;
    expect(target.lastEnqueuedSequenceNumber).toBe(4);
    const { events } = await read(target.partitionId, { sequenceNumber: 0, isInclusive: true }, 5);
    expect(events.map((e) => e.sequenceNumber)).toEqual([0, 1, 2, 3, 4]);
    expect(events.every((e) => e.partitionKey === "card-7")).toBe(true);
    expect(events.map((e) => e.properties?.n)).toEqual([0, 1, 2, 3, 4]);
    // Offsets grow and are text, as the service's are.
    expect(new Set(events.map((e) => e.offset)).size).toBe(5);
  });

  it("starts receivers at a sequence number, after an offset and after an enqueued time", async () => {
    await producer.sendBatch([{ body: "a" }, { body: "b" }, { body: "c" }], { partitionId: "0" });
    const count = (await producer.getPartitionProperties("0")).lastEnqueuedSequenceNumber + 1;
    const all = (await read("0", { sequenceNumber: 0, isInclusive: true }, count)).events;
    const last = all.length - 1;
    const bySequence = await read("0", { sequenceNumber: last - 1, isInclusive: false }, 1);
    expect(bySequence.events.map((e) => e.sequenceNumber)).toEqual([last]);
    const byOffset = await read("0", { offset: all[last - 1]!.offset }, 1);
    expect(byOffset.events.map((e) => e.sequenceNumber)).toEqual([last]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await producer.sendBatch([{ body: "d" }], { partitionId: "0" });
    const byTime = await read("0", { enqueuedOn: before }, 1);
    expect(byTime.events.map((e) => e.body)).toEqual(["d"]);
  });

  it("lets a receiver with a higher owner level take the partition from an older one", async () => {
    const consumer = new EventHubConsumerClient("$Default", double.connectionString(), "orders", {
      retryOptions,
    });
    const errors: string[] = [];
    const sub = consumer.subscribe(
      "1",
      {
        processEvents: async () => undefined,
        processError: async (err) => void errors.push(String((err as { code?: string }).code)),
      },
      { ownerLevel: 1, maxWaitTimeInSeconds: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const newer = await read("1", { sequenceNumber: 0, isInclusive: true }, 1, 2);
    expect(newer.failure).toBeUndefined();
    expect(errors).toContain("ReceiverDisconnectedError");
    await sub.close();
    await consumer.close();
  });

  it("answers a hub that does not exist with the service's not-found error", async () => {
    const missing = new EventHubProducerClient(double.connectionString(), "nope", { retryOptions });
    await expect(missing.getEventHubProperties()).rejects.toMatchObject({
      code: "MessagingEntityNotFoundError",
    });
    await missing.close();
  });
});
