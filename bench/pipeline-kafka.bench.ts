/**
 * The fraud case end to end on real engines: the fraud pipeline on Kafka
 * topics with Redis state and the in-process `onnx:` model, against a
 * hand-written consumer loop on raw @platformatic/kafka + ioredis +
 * onnxruntime-node doing the same work (same codec, same Redis commands, same
 * model call, same produce of alerts), interleaved on one broker and one
 * redis-server started through the test harness.
 *
 *   npm run bench -- pipeline-kafka [--events 100000] [--runs 5] [--paced 5000,10000]
 *
 * Throughput: one topic of 6 partitions is filled once; each run reads it all
 * with a fresh consumer group and fresh state (its own Redis key prefix), timed
 * from start until every record is done (the pipeline: acknowledged by every
 * sink; the loop: its alerts acknowledged by Kafka). Latency: for each rate in
 * `--paced`, records are published at that rate into a fresh topic while the
 * side runs, and p50/p99 are taken from each record's timestamp to the
 * acknowledgement of its batch's writes (the runtime's own end-to-end figure;
 * the loop measures the same span).
 */
import { parseArgs } from "node:util";
import { Producer, ProduceAcks } from "@platformatic/kafka";
import type { MessageToProduce } from "@platformatic/kafka";
import { ResourceResolver, SchemeRegistry, avro, embedded, run } from "@switchyard/core";
import ort from "onnxruntime-node";
import { kafka as kafkaAdapter } from "@switchyard/adapter-kafka";
import { redis as redisAdapter } from "@switchyard/adapter-redis";
import { startServices, stopServices } from "../test/harness/runner.js";
import { REDIS_URL_ENV, redis } from "../test/services/redis.js";
import { GroundTruth, transactionFeed } from "../examples/fraud-detection/src/feed.js";
import { MODEL_PATH } from "../examples/fraud-detection/src/model-card.js";
import { fraudPipeline } from "../examples/fraud-detection/src/pipeline.js";
import { transactionSchema } from "../examples/fraud-detection/src/schema.js";
import type { Transaction } from "../examples/fraud-detection/src/schema.js";
import { createTopic, startBroker } from "./kafka-reference.js";
import { LoopLatency, runKafkaFraudLoop } from "./kafka-fraud-loop.js";
import { interleaved, median } from "./report.js";
import type { BenchResult } from "./report.js";

const PARTITIONS = 6;

export default async function pipelineKafka(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: "string", default: "100000" },
      runs: { type: "string", default: "5" },
      paced: { type: "string", default: "5000,10000" },
    },
  });
  const events = Number(values.events);
  const runs = Math.max(3, Number(values.runs));
  const rates = values.paced === "" ? [] : values.paced.split(",").map(Number);
  const broker = await startBroker();
  const services = await startServices([redis], { backend: "local" });
  const redisUrl = services.started[0]?.env[REDIS_URL_ENV];
  if (redisUrl === undefined)
    throw new Error(`redis unavailable: ${services.missing[0]?.reason ?? "unknown"}`);
  const redisHost = new URL(redisUrl).host;
  const session = await ort.InferenceSession.create(MODEL_PATH);
  const truth = new GroundTruth();
  const feed = [...transactionFeed(events, avro<Transaction>(transactionSchema), truth, { seed: 7 })];
  let id = 0;
  const name = () => `bench-${process.pid}-${++id}`;
  try {
    const source = name();
    await createTopic(broker.brokers, source, PARTITIONS);
    await createTopic(broker.brokers, `${source}.alerts`, PARTITIONS);
    await publish(broker.brokers, source, feed, 0);
    console.error(`${events.toLocaleString("en-US")} events (${truth.corrupt} corrupt) on ${source}`);

    const sides = {
      pipeline: async (topic: string, count: number): Promise<Side> => {
        const runName = name();
        const resolver = new ResourceResolver(
          pipelineConfig(broker.brokers, redisHost, topic, runName),
          "bench",
          { registry: new SchemeRegistry([kafkaAdapter(), redisAdapter()], { builtIns: [embedded()] }) },
        );
        const started = performance.now();
        const running = run(fraudPipeline({ group: runName }), { resolver, stats: "off" });
        while (running.stats().processed < count) {
          await Promise.race([new Promise((resolve) => setTimeout(resolve, 5)), running.done]);
        }
        const elapsedMs = performance.now() - started;
        const stats = running.stats();
        await running.stop();
        await resolver.close();
        return { rate: (count * 1000) / elapsedMs, p50Ms: stats.p50Ms, p99Ms: stats.p99Ms };
      },
      loop: async (topic: string, count: number): Promise<Side> => {
        const latency = new LoopLatency();
        const result = await runKafkaFraudLoop({
          brokers: broker.brokers,
          redisUrl,
          topic,
          alerts: `${source}.alerts`,
          group: name(),
          keyPrefix: `${name()}:`,
          count,
          session,
          latency,
        });
        return { rate: (count * 1000) / result.elapsedMs, p50Ms: latency.p50(), p99Ms: latency.p99() };
      },
    };

    const result = await interleaved(
      "pipeline-kafka",
      "events/s",
      "hand-written loop on raw @platformatic/kafka + ioredis + onnxruntime-node",
      runs,
      async () => (await sides.pipeline(source, events)).rate,
      async () => (await sides.loop(source, events)).rate,
    );

    const extra: Record<string, number> = {};
    for (const rate of rates) {
      for (const side of ["pipeline", "loop"] as const) {
        const p50: number[] = [];
        const p99: number[] = [];
        for (let i = 0; i < 3; i++) {
          const topic = name();
          await createTopic(broker.brokers, topic, PARTITIONS);
          const count = Math.min(events, rate * 6);
          const publishing = (async () => {
            await new Promise((resolve) => setTimeout(resolve, 2000)); // let the consumer join first
            await publish(broker.brokers, topic, feed.slice(0, count), rate);
          })();
          const measured = await sides[side](topic, count);
          await publishing;
          p50.push(measured.p50Ms);
          p99.push(measured.p99Ms);
        }
        extra[`${side}P50Ms@${rate}`] = round(median(p50));
        extra[`${side}P99Ms@${rate}`] = round(median(p99));
        console.error(
          `${side} at ${rate}/s: p50 ${extra[`${side}P50Ms@${rate}`]} ms, p99 ${extra[`${side}P99Ms@${rate}`]} ms`,
        );
      }
    }
    return { ...result, extra };
  } finally {
    await session.release();
    await stopServices(services);
    await broker.stop();
  }
}

/** What one side's run measured. */
interface Side {
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Publishes the feed to `topic`, stamped at publication, in batches of 500;
 * `rate` > 0 paces it to that many records per second.
 */
async function publish(
  brokers: string,
  topic: string,
  feed: readonly { key: string | undefined; value: Uint8Array }[],
  rate: number,
): Promise<void> {
  const producer = new Producer({ clientId: "bench-feed", bootstrapBrokers: [brokers], idempotent: true });
  const began = performance.now();
  try {
    for (let from = 0; from < feed.length; from += 500) {
      if (rate > 0) {
        const due = began + (from * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const timestamp = BigInt(Date.now());
      const messages = feed
        .slice(from, from + 500)
        .map((r, i): MessageToProduce<Buffer, Buffer, Buffer, Buffer> =>
          r.key === undefined
            ? // Corrupt records have no key: spread them over the partitions.
              { topic, value: Buffer.from(r.value), timestamp, partition: (from + i) % PARTITIONS }
            : { topic, key: Buffer.from(r.key), value: Buffer.from(r.value), timestamp },
        );
      await producer.send({ messages, acks: ProduceAcks.ALL });
    }
  } finally {
    await producer.close();
  }
}

function pipelineConfig(brokers: string, redisHost: string, topic: string, runName: string) {
  return {
    profiles: {
      bench: {
        streams: {
          transactions: `kafka://${brokers}/${topic}`,
          alerts: `kafka://${brokers}/${topic}.alerts?partitions=${PARTITIONS}&create=true`,
          "dead-letters": `kafka://${brokers}/${topic}.dead-letters?partitions=1&create=true`,
        },
        state: { features: `redis://${redisHost}/0?keyPrefix=${runName}:` },
        models: { fraud: `onnx:${MODEL_PATH}` },
        timeseries: { fraud_scores: `memory://${runName}-scores` },
      },
    },
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
