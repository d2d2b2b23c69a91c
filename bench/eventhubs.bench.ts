/**
 * Event Hubs through the adapter against the raw @azure/event-hubs 6 clients
 * doing the same work, on the project's Event Hubs double with checkpoints on
 * Azurite (both started through the test harness), interleaved:
 *
 * - publish: sends of 1000 records (100-byte values, 32 partition keys, a
 *   message id and the event-time property on each) — `EventHubsStream.send`
 *   against `createBatch({ partitionKey })` / `tryAdd` / `sendBatch` per key,
 *   16 keys in flight on both sides;
 * - consume + decode: a fresh consumer group reads every event of a hub from
 *   the earliest through the SDK's load-balancing processor over a Blob
 *   checkpoint store — `openConsumer` / `receive` against `subscribe` with a
 *   callback that reads each event's body and properties.
 *
 * The double is one Node process speaking AMQP over loopback: it, not the
 * service, bounds both sides. CPU is this process's (the clients'), per record.
 * `npm run bench -- eventhubs [records] [runs]` (defaults 20000 and 5).
 */
import { randomUUID } from "node:crypto";
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from "@azure/event-hubs";
import type { EventData } from "@azure/event-hubs";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { ContainerClient } from "@azure/storage-blob";
import type { OutgoingRecord } from "@switchyard/core/driver";
import { EventHubsStream, parseEventHubsUrl } from "@switchyard/adapter-azure";
import { startServices, stopServices } from "../test/harness/runner.js";
import { AZURITE_CONNECTION_ENV, azurite } from "../test/services/azurite.js";
import {
  EVENTHUBS_CONNECTION_ENV,
  EVENTHUBS_CONTROL_ENV,
  createHub,
  eventhubs,
} from "../test/services/eventhubs.js";
import { interleaved, median, type BenchResult } from "./report.js";

const BATCH = 1000;
const KEYS = 32;
const IN_FLIGHT = 16;
const PARTITIONS = 4;
const CONTAINER = "bench";
const signal = new AbortController().signal;
let hubs = 0;

/** Where the benchmark runs: the double's connection string and control API, Azurite's connection string. */
interface Servers {
  eventHubs: string;
  control: string;
  storage: string;
}

/** A rate and the CPU this process spent per record. */
interface Measured {
  rate: number;
  cpuUsPerRecord: number;
}

async function measure(records: number, work: () => Promise<void>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: records / seconds, cpuUsPerRecord: (used.user + used.system) / records };
}

async function freshHub(servers: Servers, side: string): Promise<string> {
  const hub = `bench-${side}-${process.pid}-${hubs++}`;
  await createHub(servers.control, hub, PARTITIONS);
  return hub;
}

function open(servers: Servers, hub: string): Promise<EventHubsStream> {
  const url = new URL(
    `eventhubs://bench.servicebus.windows.net/${hub}?checkpointContainer=${CONTAINER}&updateIntervalMs=1000`,
  );
  const options = parseEventHubsUrl(url, {
    connectionString: servers.eventHubs,
    checkpointConnectionString: servers.storage,
  });
  return EventHubsStream.open(options);
}

async function publishViaAdapter(servers: Servers, records: OutgoingRecord[]): Promise<Measured> {
  const stream = await open(servers, await freshHub(servers, "adapter"));
  try {
    return await measure(records.length, async () => {
      for (let from = 0; from < records.length; from += BATCH) {
        await stream.send(records.slice(from, from + BATCH), signal);
      }
    });
  } finally {
    await stream.close();
  }
}

/** What a hand-written publisher does: one batch per partition key, 16 keys in flight. */
async function sendRaw(producer: EventHubProducerClient, records: OutgoingRecord[]): Promise<void> {
  const byKey = new Map<string, EventData[]>();
  for (const r of records) {
    const event: EventData = {
      body: r.value,
      messageId: randomUUID(),
      properties: { ...r.headers, "switchyard-time": r.timestamp },
    };
    const list = byKey.get(r.key!);
    if (list === undefined) byKey.set(r.key!, [event]);
    else list.push(event);
  }
  const groups = [...byKey];
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const [partitionKey, events] = groups[next++]!;
      let batch = await producer.createBatch({ partitionKey });
      for (const event of events) {
        if (batch.tryAdd(event)) continue;
        await producer.sendBatch(batch);
        batch = await producer.createBatch({ partitionKey });
        batch.tryAdd(event);
      }
      if (batch.count > 0) await producer.sendBatch(batch);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, groups.length) }, worker));
}

async function publishViaClient(servers: Servers, records: OutgoingRecord[]): Promise<Measured> {
  const producer = new EventHubProducerClient(servers.eventHubs, await freshHub(servers, "client"));
  try {
    await producer.getEventHubProperties();
    return await measure(records.length, async () => {
      for (let from = 0; from < records.length; from += BATCH) {
        await sendRaw(producer, records.slice(from, from + BATCH));
      }
    });
  } finally {
    await producer.close();
  }
}

async function consumeViaAdapter(servers: Servers, hub: string, count: number): Promise<Measured> {
  const stream = await open(servers, hub);
  try {
    return await measure(count, async () => {
      const consumer = await stream.openConsumer({
        group: `adapter-${randomUUID()}`,
        start: "earliest",
        consumerName: "bench",
      });
      let got = 0;
      let bytes = 0;
      while (got < count) {
        for (const record of await consumer.receive(1000, AbortSignal.timeout(5000))) {
          bytes += record.value.byteLength + Object.keys(record.headers).length;
          got++;
        }
      }
      if (bytes === 0) throw new Error("nothing read");
      await consumer.close();
    });
  } finally {
    await stream.close();
  }
}

async function consumeViaClient(servers: Servers, hub: string, count: number): Promise<Measured> {
  const store = new BlobCheckpointStore(new ContainerClient(servers.storage, CONTAINER));
  const client = new EventHubConsumerClient(`client-${randomUUID()}`, servers.eventHubs, hub, store, {
    loadBalancingOptions: { strategy: "greedy", updateIntervalInMs: 1000 },
  });
  try {
    return await measure(count, async () => {
      let got = 0;
      let bytes = 0;
      await new Promise<void>((resolve) => {
        const subscription = client.subscribe(
          {
            processEvents: async (events) => {
              for (const event of events) {
                const body = event.body as Uint8Array;
                bytes += body.byteLength + Object.keys(event.properties ?? {}).length;
                if (event.messageId === undefined) throw new Error("no message id");
                got++;
              }
              if (got >= count) void subscription.close().then(resolve);
            },
            processError: async () => undefined,
          },
          {
            startPosition: earliestEventPosition,
            maxBatchSize: 100,
            maxWaitTimeInSeconds: 1,
            skipParsingBodyAsJson: true,
          },
        );
      });
      if (bytes === 0) throw new Error("nothing read");
    });
  } finally {
    await client.close();
  }
}

/** Runs both comparisons. */
export default async function run(args: string[]): Promise<BenchResult> {
  const count = Number(args[0] ?? 20_000);
  const runs = Number(args[1] ?? 5);
  const started = await startServices([eventhubs, azurite], { backend: "local" });
  try {
    const env = Object.assign({}, ...started.started.map((s) => s.env)) as Record<string, string>;
    const servers: Servers = {
      eventHubs: env[EVENTHUBS_CONNECTION_ENV]!,
      control: env[EVENTHUBS_CONTROL_ENV]!,
      storage: env[AZURITE_CONNECTION_ENV]!,
    };
    if (Object.values(servers).some((v) => v === undefined)) {
      throw new Error(`servers unavailable: ${started.missing.map((m) => m.reason).join("; ")}`);
    }
    await new ContainerClient(servers.storage, CONTAINER).createIfNotExists();
    const now = Date.now();
    const records: OutgoingRecord[] = Array.from({ length: count }, (_, i) => ({
      key: `key-${i % KEYS}`,
      value: Buffer.alloc(100, i % 256),
      headers: {},
      timestamp: now,
    }));
    const cpu = {
      publishOurs: [] as number[],
      publishRaw: [] as number[],
      consumeOurs: [] as number[],
      consumeRaw: [] as number[],
    };
    const keep = (into: number[]) => (m: Measured) => {
      into.push(m.cpuUsPerRecord);
      return m.rate;
    };
    const publish = await interleaved(
      "eventhubs",
      "records/s",
      "@azure/event-hubs 6 createBatch/tryAdd/sendBatch per partition key",
      runs,
      () => publishViaAdapter(servers, records).then(keep(cpu.publishOurs)),
      () => publishViaClient(servers, records).then(keep(cpu.publishRaw)),
    );
    const filled = await freshHub(servers, "consume");
    const producer = new EventHubProducerClient(servers.eventHubs, filled);
    for (let from = 0; from < count; from += BATCH)
      await sendRaw(producer, records.slice(from, from + BATCH));
    await producer.close();
    const consume = await interleaved(
      "eventhubs-consume",
      "records/s",
      "@azure/event-hubs 6 EventHubConsumerClient.subscribe",
      runs,
      () => consumeViaAdapter(servers, filled, count).then(keep(cpu.consumeOurs)),
      () => consumeViaClient(servers, filled, count).then(keep(cpu.consumeRaw)),
    );
    const ratio = (a: number[], b: number[]) => Math.round((median(a) / median(b)) * 1000) / 1000;
    publish.extra = {
      "publish CPU µs/record, adapter": Math.round(median(cpu.publishOurs)),
      "publish CPU µs/record, raw": Math.round(median(cpu.publishRaw)),
      "publish CPU ratio": ratio(cpu.publishOurs, cpu.publishRaw),
      "consume+decode records/s, adapter": consume.ours,
      "consume+decode records/s, raw": consume.baseline,
      "consume+decode ratio": consume.ratio,
      "consume CPU µs/record, adapter": Math.round(median(cpu.consumeOurs)),
      "consume CPU µs/record, raw": Math.round(median(cpu.consumeRaw)),
      "consume CPU ratio": ratio(cpu.consumeOurs, cpu.consumeRaw),
    };
    return publish;
  } finally {
    await stopServices(started);
  }
}
