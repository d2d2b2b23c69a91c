/**
 * The Event Hubs double with a data file: started again on the same file, it
 * serves the same hubs and events (numbers, offsets, times, bodies, keys).
 */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventHubConsumerClient, EventHubProducerClient } from "@azure/event-hubs";
import type { ReceivedEventData } from "@azure/event-hubs";
import { afterAll, expect, it } from "vitest";
import { EventHubsDouble } from "./server.js";

const retryOptions = { maxRetries: 0, retryDelayInMs: 100, timeoutInMs: 5000 };
const dir = mkdtempSync(join(tmpdir(), "eventhubs-double-"));
const file = join(dir, "hubs.ndjson");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every event of a partition, read from the start. */
async function readAll(double: EventHubsDouble, partition: string): Promise<ReceivedEventData[]> {
  const consumer = new EventHubConsumerClient("$Default", double.connectionString(), "logged", {
    retryOptions,
  });
  const count = (await consumer.getPartitionProperties(partition)).lastEnqueuedSequenceNumber + 1;
  const events: ReceivedEventData[] = [];
  if (count === 0) {
    await consumer.close();
    return events;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    consumer.subscribe(
      partition,
      {
        processEvents: async (batch) => {
          events.push(...batch);
          if (events.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
        processError: async () => undefined,
      },
      { startPosition: { sequenceNumber: 0, isInclusive: true }, maxWaitTimeInSeconds: 1 },
    );
  });
  await consumer.close();
  return events;
}

it("serves the same hubs and events after a restart on its data file", async () => {
  const first = await EventHubsDouble.start(0, file);
  first.namespace.create("logged", 2);
  first.namespace.create("dropped", 1);
  first.namespace.delete("dropped");
  const producer = new EventHubProducerClient(first.connectionString(), "logged", { retryOptions });
  const batch = await producer.createBatch({ partitionKey: "card-1" });
  for (let i = 0; i < 4; i++) batch.tryAdd({ body: Buffer.from(`e${i}`), properties: { n: i } });
  await producer.sendBatch(batch);
  await producer.sendBatch([{ body: "p0" }], { partitionId: "0" });
  await producer.close();
  const before = [...(await readAll(first, "0")), ...(await readAll(first, "1"))];
  await first.stop();
  // A line cut off mid-write by a kill is skipped: its delivery was never accepted.
  appendFileSync(file, '{"op":"events","hub":"logged","part');

  const again = await EventHubsDouble.start(0, file);
  try {
    expect(again.namespace.names()).toEqual(["logged"]);
    const after = [...(await readAll(again, "0")), ...(await readAll(again, "1"))];
    const view = (e: ReceivedEventData) => ({
      sequenceNumber: e.sequenceNumber,
      offset: e.offset,
      enqueuedTimeUtc: e.enqueuedTimeUtc,
      partitionKey: e.partitionKey,
      body: String(e.body),
      properties: e.properties,
    });
    expect(before).toHaveLength(5);
    expect(after.map(view)).toEqual(before.map(view));
  } finally {
    await again.stop();
  }
});
