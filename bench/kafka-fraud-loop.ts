/**
 * The hand-written fraud loop on raw clients (bench/pipeline-kafka.bench.ts's
 * baseline): a @platformatic/kafka consumer stream batched by hand, the same
 * Avro codec, the same per-card state on Redis through ioredis with the same
 * commands as the Redis state store (one `MGET`, pipelined `SET … PX`, values
 * laid out `<version>\n<value>` as decision 0601 says, the value in the
 * example's binary `cardStateCodec`), one onnxruntime-node
 * call per batch, alerts and dead letters produced with acks=all, offsets
 * committed every second — no runtime around it.
 */
import { Consumer, Producer, ProduceAcks } from "@platformatic/kafka";
import type { Message, MessageToProduce } from "@platformatic/kafka";
import { avro, json } from "@switchyard/core";
import { Redis } from "ioredis";
import ort from "onnxruntime-node";
import { cardStateCodec } from "../examples/fraud-detection/src/card-state-codec.js";
import type { CardStateAccess } from "../examples/fraud-detection/src/enrich.js";
import { cardFeatures } from "../examples/fraud-detection/src/enrich.js";
import { FEATURE_COUNT } from "../examples/fraud-detection/src/features.js";
import type { Transaction } from "../examples/fraud-detection/src/schema.js";
import { transactionSchema } from "../examples/fraud-detection/src/schema.js";
import type { ScoredTransaction } from "../examples/fraud-detection/src/scoring.js";
import { isAlert, scorePoint, scoredTransaction } from "../examples/fraud-detection/src/scoring.js";

const BATCH = 1024;
const MAX_BUFFERED = 8 * BATCH;

/** End-to-end latencies the loop saw, from each record's timestamp to its batch's writes being acknowledged. */
export class LoopLatency {
  private readonly samples: number[] = [];

  /** Adds one record's latency, ms. */
  record(ms: number): void {
    this.samples.push(ms);
  }

  /** The median, ms. */
  p50(): number {
    return this.quantile(0.5);
  }

  /** The 99th percentile, ms. */
  p99(): number {
    return this.quantile(0.99);
  }

  private quantile(q: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }
}

/** What {@link runKafkaFraudLoop} works on. */
export interface KafkaFraudLoopOptions {
  brokers: string;
  redisUrl: string;
  topic: string;
  /** Topic for alerts; dead letters go to the same broker's `<alerts>` topic too (one produce per batch each). */
  alerts: string;
  group: string;
  keyPrefix: string;
  /** Records to process before returning. */
  count: number;
  session: ort.InferenceSession;
  latency: LoopLatency;
}

/** Runs the loop until `count` records are done; returns its wall time. */
export async function runKafkaFraudLoop(
  o: KafkaFraudLoopOptions,
): Promise<{ elapsedMs: number; alerts: number }> {
  const redis = new Redis(o.redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  const producer = new Producer({ clientId: "loop", bootstrapBrokers: [o.brokers], idempotent: true });
  const consumer = new Consumer({
    clientId: "loop",
    groupId: o.group,
    bootstrapBrokers: [o.brokers],
    autocommit: false,
  });
  const codec = avro<Transaction>(transactionSchema);
  const alertCodec = json<ScoredTransaction>();
  const state = redisCardState(redis, o.keyPrefix);
  const input = o.session.inputNames[0]!;
  const output = o.session.outputNames[0]!;
  const started = performance.now();
  const stream = await consumer.consume({ topics: [o.topic], mode: "earliest" });
  const buffer: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  let wake: (() => void) | undefined;
  stream.on("data", (m: Message<Buffer, Buffer, Buffer, Buffer>) => {
    buffer.push(m);
    if (buffer.length >= MAX_BUFFERED) stream.pause();
    wake?.();
  });
  let seen = 0;
  let alerts = 0;
  let lastCommit = performance.now();
  const committed = new Map<number, bigint>();
  try {
    while (seen < o.count) {
      if (buffer.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const batch = buffer.splice(0, BATCH);
      if (stream.isPaused() && buffer.length < MAX_BUFFERED / 2) stream.resume();
      const txs: Transaction[] = [];
      const dead: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
      for (const m of batch) {
        try {
          txs.push(codec.decode(m.value));
        } catch {
          dead.push(m);
        }
      }
      const featured = await cardFeatures(txs, state);
      const matrix = new Float32Array(txs.length * FEATURE_COUNT);
      for (let i = 0; i < featured.length; i++) matrix.set(featured[i]!.features, i * FEATURE_COUNT);
      const tensor = new ort.Tensor("float32", matrix, [txs.length, FEATURE_COUNT]);
      const scores = (await o.session.run({ [input]: tensor }))[output]!.data as Float32Array;
      const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
      for (let i = 0; i < txs.length; i++) {
        const scored = scoredTransaction(txs[i]!, scores[i]!, "model");
        scorePoint(scored);
        if (isAlert(scored)) {
          messages.push({
            topic: o.alerts,
            key: Buffer.from(String(scored.card)),
            value: Buffer.from(alertCodec.encode(scored)),
          });
        }
      }
      for (const m of dead) messages.push({ topic: o.alerts, value: m.value });
      if (messages.length > 0) await producer.send({ messages, acks: ProduceAcks.ALL });
      alerts += messages.length - dead.length;
      const now = Date.now();
      for (const m of batch) {
        o.latency.record(now - Number(m.timestamp));
        committed.set(m.partition, m.offset + 1n);
      }
      seen += batch.length;
      if (performance.now() - lastCommit >= 1000) {
        await commit(consumer, o.topic, committed);
        lastCommit = performance.now();
      }
    }
    await commit(consumer, o.topic, committed);
    return { elapsedMs: performance.now() - started, alerts };
  } finally {
    await stream.close();
    await consumer.close();
    await producer.close();
    redis.disconnect();
  }
}

async function commit(consumer: Consumer, topic: string, offsets: Map<number, bigint>): Promise<void> {
  if (offsets.size === 0) return;
  await consumer.commit({
    offsets: [...offsets].map(([partition, offset]) => ({ topic, partition, offset, leaderEpoch: -1 })),
  });
}

/** Card state on Redis with the Redis state store's commands and layout (decision 0601). */
function redisCardState(redis: Redis, prefix: string): CardStateAccess {
  let version = 0;
  const nonce = Math.random().toString(36).slice(2, 8);
  return {
    async getMany(keys) {
      const values = await redis.mgetBuffer(...keys.map((k) => prefix + k));
      return values.map((v) => {
        if (v === null) return undefined;
        const newline = v.indexOf(10);
        return cardStateCodec.decode(v.subarray(newline + 1));
      });
    },
    async putMany(entries) {
      await Promise.all(
        entries.map((e) =>
          redis.set(
            prefix + e.key,
            Buffer.concat([
              Buffer.from(`${nonce}.${(++version).toString(36)}\n`),
              cardStateCodec.encode(e.value),
            ]),
            "PX",
            e.ttlMs,
          ),
        ),
      );
    },
  };
}
