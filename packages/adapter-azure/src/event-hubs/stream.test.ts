import { EventHubConsumerClient } from "@azure/event-hubs";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { ContainerClient } from "@azure/storage-blob";
import type { ConsumerDriver, IncomingRecord, OutgoingRecord, StreamDriver } from "@switchyard/core/driver";
import { afterEach, expect, it } from "vitest";
import { describeService, serviceEnv } from "../../../../test/harness/suite.js";
import { createHub } from "../../../../test/services/eventhubs.js";
import { azure } from "../register.js";

const signal = new AbortController().signal;
const storage = serviceEnv("azurite")?.SWITCHYARD_AZURITE_CONNECTION_STRING ?? "";
const opened: { close(): Promise<void> }[] = [];
let hubs = 0;

afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

function numbered(n: number, key: (i: number) => string | undefined): OutgoingRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    key: key(i),
    value: Buffer.from(String(i)),
    headers: {},
    timestamp: Date.now(),
  }));
}

async function take(c: ConsumerDriver, count: number, timeoutMs = 15_000): Promise<IncomingRecord[]> {
  const out: IncomingRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) {
    out.push(...(await c.receive(count - out.length, AbortSignal.timeout(1000))));
  }
  return out;
}

describeService("eventhubs", "event hubs streams (double)", (env) => {
  const connectionString = env.SWITCHYARD_EVENTHUBS_CONNECTION_STRING!;
  const control = env.SWITCHYARD_EVENTHUBS_CONTROL_URL!;
  const adapter = azure({
    eventHubs: { connectionString, checkpointConnectionString: storage, maxRetries: 1, retryDelayMs: 200 },
  });

  async function freshHub(partitions: number): Promise<string> {
    const hub = `stream-${process.pid}-${++hubs}`;
    await createHub(control, hub, partitions);
    return hub;
  }

  async function open(
    hub: string,
    params = "loadBalancing=greedy&updateIntervalMs=500",
    container = "streams",
  ): Promise<StreamDriver> {
    const url = new URL(
      `eventhubs://double.servicebus.windows.net/${hub}?checkpointContainer=${container}&${params}`,
    );
    const driver = (await adapter.schemes[0]!.create(url, { name: "test", baseDir: "." })) as StreamDriver;
    opened.push(driver);
    return driver;
  }

  describeService("azurite", "with blob checkpoints", () => {
    it("takes over from an EventProcessorClient's checkpoint, and writes the SDKs' blob layout", async () => {
      const hub = await freshHub(1);
      const stream = await open(hub);
      await stream.send(
        numbered(10, () => "k"),
        signal,
      );
      // Another application, on the SDK's own processor, read up to record 4 and checkpointed it.
      const container = new ContainerClient(storage, "streams");
      await container.createIfNotExists();
      const sdk = new EventHubConsumerClient(
        "$Default",
        connectionString,
        hub,
        new BlobCheckpointStore(container),
      );
      await new Promise<void>((resolve) => {
        const sub = sdk.subscribe(
          {
            processEvents: async (events, ctx) => {
              const fifth = events.find((e) => String(e.body) === "4");
              if (fifth === undefined) return;
              await ctx.updateCheckpoint(fifth);
              resolve();
            },
            processError: async () => undefined,
          },
          { startPosition: { sequenceNumber: 0, isInclusive: true }, skipParsingBodyAsJson: true },
        );
        opened.push(sub);
      });
      await opened.pop()!.close();
      await sdk.close();

      const consumer = await stream.openConsumer({ group: "$Default", start: "earliest", consumerName: "c" });
      opened.push(consumer);
      const got = await take(consumer, 5);
      expect(got.map((r) => Buffer.from(r.value).toString())).toEqual(["5", "6", "7", "8", "9"]);

      await consumer.commit([got[2]!.position]);
      const blob = `${sdk.fullyQualifiedNamespace}/${hub}/$default/checkpoint/0`.toLowerCase();
      const { metadata } = await container.getBlobClient(blob).getProperties();
      expect(metadata).toMatchObject({ sequencenumber: "7" });
      expect(metadata!.offset).toBe(got[2]!.position.offset.split(":")[1]);
    });

    it("reports lag as the events past the group's checkpoint on each owned partition", async () => {
      const hub = await freshHub(2);
      const stream = await open(hub);
      await stream.send(
        numbered(10, () => "one-key"),
        signal,
      );
      const consumer = await stream.openConsumer({ group: "lag", start: "earliest", consumerName: "c" });
      opened.push(consumer);
      const got = await take(consumer, 10);
      const partition = got[0]!.position.partition;
      const other = partition === "0" ? "1" : "0";
      // Nothing checkpointed yet: every event counts; the empty partition has none.
      expect(await consumer.lag!()).toEqual({ [partition]: 10, [other]: 0 });
      await consumer.commit([got[5]!.position]);
      expect(await consumer.lag!()).toEqual({ [partition]: 4, [other]: 0 });
      await consumer.commit([got[9]!.position]);
      expect(await consumer.lag!()).toEqual({ [partition]: 0, [other]: 0 });
    });

    it("balances the partitions of a hub between two instances of a group", async () => {
      const hub = await freshHub(4);
      const stream = await open(hub);
      await stream.send(
        numbered(200, (i) => `key-${i}`),
        signal,
      );
      const a = await stream.openConsumer({ group: "balance", start: "earliest", consumerName: "a" });
      opened.push(a);
      const b = await stream.openConsumer({ group: "balance", start: "earliest", consumerName: "b" });
      opened.push(b);
      // Both read until every record arrived somewhere; partitions move while they settle.
      const fromA: IncomingRecord[] = [];
      const fromB: IncomingRecord[] = [];
      const values = new Set<string>();
      const deadline = Date.now() + 15_000;
      while (values.size < 200 && Date.now() < deadline) {
        const [gotA, gotB] = await Promise.all([a, b].map((c) => c.receive(200, AbortSignal.timeout(500))));
        fromA.push(...gotA!);
        fromB.push(...gotB!);
        for (const r of [...gotA!, ...gotB!]) values.add(Buffer.from(r.value).toString());
      }
      const partitionsOf = (records: IncomingRecord[]) => new Set(records.map((r) => r.position.partition));
      expect(values.size).toBe(200);
      expect(partitionsOf(fromA).size).toBeGreaterThan(0);
      expect(partitionsOf(fromB).size).toBeGreaterThan(0);
    });

    it("fails receive with NotFound, naming the container, once the checkpoint container is gone", async () => {
      const hub = await freshHub(1);
      const container = `gone-${process.pid}`;
      const stream = await open(hub, "loadBalancing=greedy&updateIntervalMs=500", container);
      const consumer = await stream.openConsumer({ group: "gone", start: "earliest", consumerName: "g" });
      opened.push(consumer);
      // An operator deletes the container: no partition can be claimed or checkpointed any more.
      await new ContainerClient(storage, container).delete();
      const deadline = Date.now() + 15_000;
      let failure: unknown;
      while (failure === undefined && Date.now() < deadline) {
        failure = await consumer.receive(10, AbortSignal.timeout(500)).then(
          () => undefined,
          (err: unknown) => err,
        );
      }
      expect(failure).toMatchObject({ code: "NotFound", message: expect.stringContaining(`"${container}"`) });
    });

    it("keeps the records of a key on one partition", async () => {
      const hub = await freshHub(4);
      const stream = await open(hub);
      await stream.send(
        numbered(40, (i) => `card-${i % 4}`),
        signal,
      );
      const consumer = await stream.openConsumer({ group: "keys", start: "earliest", consumerName: "c" });
      opened.push(consumer);
      const got = await take(consumer, 40);
      for (let k = 0; k < 4; k++) {
        const ofKey = got.filter((r) => r.key === `card-${k}`);
        expect(ofKey).toHaveLength(10);
        expect(new Set(ofKey.map((r) => r.position.partition)).size).toBe(1);
      }
    });
  });

  describeService("azurite", "when the AMQP connections drop", () => {
    it("reconnects, sends again and keeps consuming where it was", async () => {
      const hub = await freshHub(2);
      const stream = await open(hub);
      await stream.send(
        numbered(10, (i) => `k${i % 3}`),
        signal,
      );
      const consumer = await stream.openConsumer({ group: "drop", start: "earliest", consumerName: "c" });
      opened.push(consumer);
      const before = await take(consumer, 10);
      await fetch(`${control}/connections/drop`, { method: "POST" });
      const more = numbered(10, (i) => `k${i % 3}`).map((r, i) => ({
        ...r,
        value: Buffer.from(String(10 + i)),
      }));
      await stream.send(more, signal);
      const after = await take(consumer, 10, 20_000);
      const values = [...before, ...after].map((r) => Number(Buffer.from(r.value).toString()));
      expect(new Set(values)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i)));
    });
  });

  it("fails at startup with NotFound for a hub that does not exist", async () => {
    await expect(open("no-such-hub")).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringMatching(/no-such-hub does not exist/),
    });
  });
});
