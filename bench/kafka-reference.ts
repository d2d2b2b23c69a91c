/**
 * Shared pieces of the Kafka benchmarks: a local broker from the test harness,
 * topic set-up, and Kafka's own load tools (the JVM client) as the ceiling.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Admin } from "@platformatic/kafka";
import { KAFKA_CLASSPATH, kafka } from "../test/services/kafka.js";

const run = promisify(execFile);

/** A broker started for one benchmark. */
export interface BenchBroker {
  brokers: string;
  stop(): Promise<void>;
}

/** Installs (if needed) and starts the harness's local broker. */
export async function startBroker(): Promise<BenchBroker> {
  const missing = await kafka.install();
  if (missing) throw new Error(`kafka benchmark needs the local broker: ${missing.reason}`);
  const service = await kafka.startLocal();
  return { brokers: service.env.SWITCHYARD_KAFKA_BROKERS!, stop: () => service.stop() };
}

/**
 * Creates a topic with `partitions` partitions and waits until each has a leader,
 * so no client under test meets a leaderless partition (and its retry delay).
 */
export async function createTopic(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: "bench", bootstrapBrokers: [brokers] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    for (let i = 0; i < 100; i++) {
      const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
      const leaders = metadata.topics.get(topic)?.partitions.map((p) => p.leader) ?? [];
      if (leaders.length === partitions && leaders.every((l) => l >= 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`topic ${topic} has no leaders after 5 s`);
  } finally {
    await admin.close();
  }
}

/** Kafka's ProducerPerformance (idempotent, acks=all): records per second. */
export async function producerPerformance(
  brokers: string,
  topic: string,
  records: number,
  recordSize: number,
): Promise<number> {
  const { stdout } = await run(
    "java",
    ["-Xmx512m", "-cp", KAFKA_CLASSPATH, "org.apache.kafka.tools.ProducerPerformance"].concat(
      ["--topic", topic, "--num-records", String(records), "--record-size", String(recordSize)],
      ["--throughput", "-1", "--command-property", `bootstrap.servers=${brokers}`],
      ["acks=all", "enable.idempotence=true"],
    ),
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const line = stdout.trim().split("\n").at(-1) ?? "";
  const rate = /records sent, ([\d.]+) records\/sec/.exec(line)?.[1];
  if (rate === undefined) throw new Error(`unexpected ProducerPerformance output: ${line}`);
  return Number(rate);
}

/** Kafka's ConsumerPerformance (a fresh group from the start): records per second. */
export async function consumerPerformance(brokers: string, topic: string, records: number): Promise<number> {
  const { stdout } = await run(
    "java",
    ["-Xmx512m", "-cp", KAFKA_CLASSPATH, "org.apache.kafka.tools.ConsumerPerformance"].concat(
      ["--bootstrap-server", brokers, "--topic", topic, "--num-records", String(records)],
      ["--group", `perf-${Date.now()}-${Math.random().toString(36).slice(2)}`],
    ),
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const fields = stdout.trim().split("\n").at(-1)?.split(",") ?? [];
  // start, end, MB, MB/s, records, records/s, ...
  const rate = Number(fields[5]);
  if (!Number.isFinite(rate)) throw new Error(`unexpected ConsumerPerformance output: ${stdout}`);
  return rate;
}
