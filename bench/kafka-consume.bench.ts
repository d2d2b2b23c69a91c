/**
 * Consuming through the Kafka adapter (fetch and decode into Switchyard records)
 * vs the raw @platformatic/kafka consumer stream, on one local broker; Kafka's
 * own ConsumerPerformance (JVM client) is the ceiling.
 * `npm run bench -- kafka-consume [records] [runs]`.
 *
 * One topic of 4 partitions holds the records (100-byte values, a header each);
 * every run is a fresh group reading them all from the start, timed from
 * joining to the last record, and touches each value so nothing stays lazy.
 */
import { Consumer, Producer, ProduceAcks } from "@platformatic/kafka";
import { KafkaStream, parseKafkaUrl } from "@switchyard/adapter-kafka";
import { consumerPerformance, createTopic, startBroker } from "./kafka-reference.js";
import { interleaved, median, type BenchResult } from "./report.js";

let groups = 0;
const group = () => `consume-${process.pid}-${groups++}`;

async function fill(brokers: string, topic: string, count: number): Promise<void> {
  await createTopic(brokers, topic, 4);
  const producer = new Producer({ clientId: "bench", bootstrapBrokers: [brokers], idempotent: true });
  const header = new Map([
    [Buffer.from("traceparent"), Buffer.from("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")],
  ]);
  for (let from = 0; from < count; from += 2000) {
    const messages = [];
    for (let i = from; i < Math.min(count, from + 2000); i++) {
      messages.push({
        topic,
        key: Buffer.from(`key-${i % 1000}`),
        value: Buffer.alloc(100, i % 256),
        headers: header,
      });
    }
    await producer.send({ messages, acks: ProduceAcks.ALL });
  }
  await producer.close();
}

async function viaAdapter(stream: KafkaStream, count: number): Promise<number> {
  const started = performance.now();
  const consumer = await stream.openConsumer({ group: group(), start: "earliest", consumerName: "bench" });
  const signal = new AbortController().signal;
  let seen = 0;
  let bytes = 0;
  while (seen < count) {
    const records = await consumer.receive(1024, signal);
    for (const r of records) bytes += r.value.byteLength + r.headers.traceparent!.length;
    seen += records.length;
  }
  const rate = count / ((performance.now() - started) / 1000);
  await consumer.close();
  if (bytes === 0) throw new Error("no bytes read");
  return rate;
}

async function viaClient(brokers: string, topic: string, count: number): Promise<number> {
  const started = performance.now();
  const consumer = new Consumer({
    clientId: "bench",
    groupId: group(),
    bootstrapBrokers: [brokers],
    autocommit: false,
  });
  const messages = await consumer.consume({ topics: [topic], mode: "earliest" });
  let seen = 0;
  let bytes = 0;
  await new Promise<void>((resolve) => {
    messages.on("data", (m: { value: Buffer; headers: Map<Buffer, Buffer> }) => {
      for (const [, v] of m.headers) bytes += v.toString().length;
      bytes += m.value.byteLength;
      if (++seen === count) resolve();
    });
  });
  const rate = count / ((performance.now() - started) / 1000);
  await messages.close();
  await consumer.close();
  if (bytes === 0) throw new Error("no bytes read");
  return rate;
}

/** Runs the comparison. */
export default async function run(args: string[]): Promise<BenchResult> {
  const count = Number(args[0] ?? 200_000);
  const runs = Number(args[1] ?? 5);
  const broker = await startBroker();
  try {
    const { brokers } = broker;
    const topic = `consume-${process.pid}`;
    await fill(brokers, topic, count);
    const stream = await KafkaStream.open(parseKafkaUrl(new URL(`kafka://${brokers}/${topic}`)));
    const result = await interleaved(
      "kafka-consume",
      "records/s",
      "@platformatic/kafka 1.35 Consumer.consume stream",
      runs,
      () => viaAdapter(stream, count),
      () => viaClient(brokers, topic, count),
    );
    await stream.close();
    const ceiling: number[] = [];
    for (let i = 0; i < 3; i++) ceiling.push(await consumerPerformance(brokers, topic, count));
    const jvm = median(ceiling);
    result.extra = {
      "ConsumerPerformance (JVM)": Math.round(jvm),
      "ours / ConsumerPerformance": Math.round((result.ours / jvm) * 1000) / 1000,
    };
    return result;
  } finally {
    await broker.stop();
  }
}
