/**
 * Producing through the Kafka adapter vs the raw @platformatic/kafka producer it
 * wraps, on one local broker; Kafka's own ProducerPerformance (JVM client) is the
 * ceiling. `npm run bench -- kafka-produce [records] [runs]`.
 *
 * Both sides: idempotent, acks=all, one send of 1000 records at a time, 100-byte
 * values, 1000 keys over 4 partitions, a fresh topic per run. `extra` also has the
 * adapter with 4 sends in flight, which it merges into shared produce requests.
 */
import { Producer, ProduceAcks } from "@platformatic/kafka";
import type { OutgoingRecord } from "@switchyard/core/driver";
import { KafkaStream, parseKafkaUrl } from "@switchyard/adapter-kafka";
import { createTopic, producerPerformance, startBroker } from "./kafka-reference.js";
import { interleaved, median, type BenchResult } from "./report.js";

const BATCH = 1000;
const PARTITIONS = 4;
const signal = new AbortController().signal;
let topics = 0;

async function freshTopic(brokers: string, side: string): Promise<string> {
  const topic = `produce-${side}-${process.pid}-${topics++}`;
  await createTopic(brokers, topic, PARTITIONS);
  return topic;
}

async function viaAdapter(brokers: string, records: OutgoingRecord[], inFlight: number): Promise<number> {
  const topic = await freshTopic(brokers, "adapter");
  const stream = await KafkaStream.open(parseKafkaUrl(new URL(`kafka://${brokers}/${topic}`)));
  const started = performance.now();
  const sending = new Set<Promise<unknown>>();
  for (let from = 0; from < records.length; from += BATCH) {
    const p = stream.send(records.slice(from, from + BATCH), signal).finally(() => sending.delete(p));
    sending.add(p);
    if (sending.size >= inFlight) await Promise.race(sending);
  }
  await Promise.all(sending);
  const rate = records.length / ((performance.now() - started) / 1000);
  await stream.close();
  return rate;
}

async function viaClient(brokers: string, records: OutgoingRecord[]): Promise<number> {
  const topic = await freshTopic(brokers, "client");
  // The adapter's connection settings, so the comparison is of the send path alone.
  const producer = new Producer({
    clientId: "bench",
    bootstrapBrokers: [brokers],
    idempotent: true,
    timeout: 30_000,
    retries: 2,
    retryDelay: 250,
  });
  await producer.metadata({ topics: [topic] });
  const started = performance.now();
  for (let from = 0; from < records.length; from += BATCH) {
    const messages = [];
    for (let i = from; i < Math.min(records.length, from + BATCH); i++) {
      const r = records[i]!;
      messages.push({
        topic,
        key: Buffer.from(r.key!),
        value: r.value as Buffer,
        timestamp: BigInt(r.timestamp),
      });
    }
    await producer.send({ messages, acks: ProduceAcks.ALL });
  }
  const rate = records.length / ((performance.now() - started) / 1000);
  await producer.close();
  return rate;
}

/** Runs the comparison. */
export default async function run(args: string[]): Promise<BenchResult> {
  const count = Number(args[0] ?? 200_000);
  const runs = Number(args[1] ?? 5);
  const broker = await startBroker();
  try {
    const { brokers } = broker;
    const now = Date.now();
    const records: OutgoingRecord[] = Array.from({ length: count }, (_, i) => ({
      key: `key-${i % 1000}`,
      value: Buffer.alloc(100, i % 256),
      headers: {},
      timestamp: now,
    }));
    const result = await interleaved(
      "kafka-produce",
      "records/s",
      "@platformatic/kafka 1.35 Producer.send",
      runs,
      () => viaAdapter(brokers, records, 1),
      () => viaClient(brokers, records),
    );
    const concurrent: number[] = [];
    const ceiling: number[] = [];
    for (let i = 0; i < 3; i++) {
      concurrent.push(await viaAdapter(brokers, records, 4));
      ceiling.push(await producerPerformance(brokers, await freshTopic(brokers, "jvm"), count, 100));
      console.error(
        `reference ${i + 1}/3: adapter ×4 in flight ${Math.round(concurrent[i]!)}, ProducerPerformance ${Math.round(ceiling[i]!)}`,
      );
    }
    const jvm = median(ceiling);
    result.extra = {
      "adapter, 4 sends in flight": Math.round(median(concurrent)),
      "ProducerPerformance (JVM)": Math.round(jvm),
      "ours / ProducerPerformance": Math.round((result.ours / jvm) * 1000) / 1000,
    };
    return result;
  } finally {
    await broker.stop();
  }
}
