/**
 * Which Node Kafka client the adapter should build on: produce and consume
 * throughput of @platformatic/kafka, kafkajs and (when it is installed)
 * @confluentinc/kafka-javascript against one local broker, in rotation.
 *
 * `npm run bench -- kafka-clients [records] [runs]`. Produce: idempotent, acks=all,
 * one send of 2000 records at a time, 100-byte values, 1000 keys over 4 partitions.
 * One at a time because both pure-JS clients take idempotent sequence numbers per
 * request without ordering concurrent sends: two sends in flight fail with
 * OUT_OF_ORDER_SEQUENCE_NUMBER (seen with @platformatic/kafka 1.35 and kafkajs 2.2.4).
 * Consume: a fresh group reads the topic from the start; timed from subscribing
 * to the last record, so one group join (a few ms with no rebalance delay) counts.
 */
import { createRequire } from "node:module";
import { Consumer, Producer, ProduceAcks } from "@platformatic/kafka";
import { Kafka, Partitioners, logLevel } from "kafkajs";
import { createTopic, startBroker } from "./kafka-reference.js";
import { median, type BenchResult } from "./report.js";

interface Client {
  name: string;
  produce(topic: string, values: Buffer[], keys: string[]): Promise<void>;
  consume(topic: string, expected: number): Promise<number>;
  close(): Promise<void>;
}

const BATCH = 2000;
let groups = 0;

async function inBatches(count: number, send: (from: number, to: number) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < count; from += BATCH) await send(from, Math.min(count, from + BATCH));
}

function platformatic(brokers: string): Client {
  const producer = new Producer({ clientId: "bench", bootstrapBrokers: [brokers], idempotent: true });
  return {
    name: "@platformatic/kafka",
    produce: (topic, values, keys) =>
      inBatches(values.length, (from, to) => {
        const messages = [];
        for (let i = from; i < to; i++)
          messages.push({ topic, key: Buffer.from(keys[i]!), value: values[i]! });
        return producer.send({ messages, acks: ProduceAcks.ALL });
      }),
    async consume(topic, expected) {
      const first = performance.now();
      const consumer = new Consumer({
        clientId: "bench",
        groupId: `bench-${process.pid}-${groups++}`,
        bootstrapBrokers: [brokers],
        autocommit: false,
        maxWaitTime: 200,
      });
      const stream = await consumer.consume({ topics: [topic], mode: "earliest" });
      let seen = 0;
      await new Promise<void>((resolve) => {
        stream.on("data", () => {
          if (++seen === expected) resolve();
        });
      });
      const elapsed = performance.now() - first;
      await stream.close();
      await consumer.close();
      return elapsed;
    },
    close: () => producer.close(),
  };
}

function kafkajs(brokers: string): Client {
  const client = new Kafka({ clientId: "bench", brokers: [brokers], logLevel: logLevel.NOTHING });
  const producer = client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const connected = producer.connect();
  return {
    name: "kafkajs",
    async produce(topic, values, keys) {
      await connected;
      await inBatches(values.length, (from, to) => {
        const messages = [];
        for (let i = from; i < to; i++) messages.push({ key: keys[i]!, value: values[i]! });
        return producer.send({ topic, messages, acks: -1 });
      });
    },
    async consume(topic, expected) {
      const first = performance.now();
      const consumer = client.consumer({ groupId: `bench-${process.pid}-${groups++}`, maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let seen = 0;
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= expected) done();
        },
      });
      await finished;
      const elapsed = performance.now() - first;
      await consumer.disconnect();
      return elapsed;
    },
    close: () => producer.disconnect(),
  };
}

/** The librdkafka client through its KafkaJS-shaped API, loaded only if installed (needs native deps). */
function confluent(brokers: string): Client | undefined {
  let mod: any;
  try {
    const from = process.env.CKJS_DIR ?? process.cwd();
    mod = createRequire(`${from}/package.json`)("@confluentinc/kafka-javascript");
  } catch {
    return undefined;
  }
  const client = new mod.KafkaJS.Kafka({
    kafkaJS: { clientId: "bench", brokers: [brokers], logLevel: mod.KafkaJS.logLevel.NOTHING },
  });
  const producer = client.producer({ kafkaJS: { idempotent: true, acks: -1 }, "linger.ms": 5 });
  const connected = producer.connect();
  return {
    name: "@confluentinc/kafka-javascript",
    async produce(topic, values, keys) {
      await connected;
      await inBatches(values.length, (from, to) => {
        const messages = [];
        for (let i = from; i < to; i++) messages.push({ key: keys[i]!, value: values[i]! });
        return producer.send({ topic, messages });
      });
    },
    async consume(topic, expected) {
      const first = performance.now();
      const consumer = client.consumer({
        kafkaJS: { groupId: `bench-${process.pid}-${groups++}`, fromBeginning: true, autoCommit: false },
      });
      await consumer.connect();
      await consumer.subscribe({ topic });
      let seen = 0;
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      await consumer.run({
        eachBatch: async ({ batch }: { batch: { messages: unknown[] } }) => {
          seen += batch.messages.length;
          if (seen >= expected) done();
        },
      });
      await finished;
      const elapsed = performance.now() - first;
      await consumer.disconnect();
      return elapsed;
    },
    close: () => producer.disconnect(),
  };
}

/** Runs the comparison; `ours` is @platformatic/kafka's produce rate, `baseline` kafkajs's. */
export default async function run(args: string[]): Promise<BenchResult> {
  const count = Number(args[0] ?? 100_000);
  const runs = Number(args[1] ?? 5);
  const broker = await startBroker();
  try {
    const { brokers } = broker;
    const clients = [platformatic(brokers), kafkajs(brokers), confluent(brokers)].filter(
      (c): c is Client => c !== undefined,
    );
    const keys = Array.from({ length: count }, (_, i) => `key-${i % 1000}`);
    const values = Array.from({ length: count }, () => Buffer.alloc(100, 120));
    const produced = new Map<string, number[]>(clients.map((c) => [c.name, []]));
    const consumed = new Map<string, number[]>(clients.map((c) => [c.name, []]));
    for (let run = 0; run <= runs; run++) {
      for (const client of clients) {
        const topic = `clients-${run}-${client.name.replace(/[^a-z]/g, "")}`;
        await createTopic(brokers, topic, 4);
        let start = performance.now();
        let produceRate: number;
        let consumeRate: number;
        try {
          await client.produce(topic, values, keys);
          produceRate = count / ((performance.now() - start) / 1000);
          start = performance.now();
          consumeRate = count / ((await client.consume(topic, count)) / 1000);
        } catch (err) {
          // One client's failed run is reported and left out, not the whole comparison.
          console.error(
            `run ${run}: ${client.name} failed: ${err instanceof Error ? err.message : String(err)}`,
          );
          continue;
        }
        // run 0 warms up the JIT and the broker
        if (run > 0) {
          produced.get(client.name)!.push(produceRate);
          consumed.get(client.name)!.push(consumeRate);
        }
        console.error(
          `run ${run}${run === 0 ? " (warm-up)" : ""}: ${client.name} produce ${Math.round(produceRate)}/s, consume ${Math.round(consumeRate)}/s`,
        );
      }
    }
    for (const client of clients) await client.close();
    const extra: Record<string, number> = {};
    for (const client of clients) {
      extra[`${client.name} produce`] = Math.round(median(produced.get(client.name)!));
      extra[`${client.name} consume`] = Math.round(median(consumed.get(client.name)!));
    }
    const ours = extra["@platformatic/kafka produce"]!;
    const baseline = extra["kafkajs produce"]!;
    return {
      bench: "kafka-clients",
      unit: "records/s",
      ours,
      baseline,
      ratio: Math.round((ours / baseline) * 1000) / 1000,
      runs,
      baselineName: "kafkajs 2.2.4 (produce)",
      extra,
    };
  } finally {
    await broker.stop();
  }
}
