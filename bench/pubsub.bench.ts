/**
 * Pub/Sub through the adapter against the raw @google-cloud/pubsub client it
 * wraps, on one Pub/Sub emulator started through the test harness, in
 * rotation (adapter, client, adapter, …) after a warm-up of each.
 * `npm run bench -- pubsub [records] [runs]` (defaults 20000 and 5).
 *
 * Each run, both sides: a fresh topic and subscription (no message ordering:
 * the emulator's ordered delivery, not the client, would bound it — see
 * docs/adapters/gcp.md), N JSON records of about 100 bytes published in sends
 * of 1000 with the same batching settings (100 messages or 10 ms), read back
 * (the subscription pulling from before the first send), decoded and acked
 * while the sends go on, with flow control of 1000 messages. The figure is
 * records/s from the first send to the last record consumed; `extra` has the
 * sends' part and the rest (the consume left after the last send), and
 * CPU µs per record of this process on each side. A third side, in `extra`,
 * is the client again, sending the two attributes the adapter adds to every
 * message (the codec's content type and the event time): the difference
 * between it and the adapter is the adapter's own work.
 */
import { randomUUID } from "node:crypto";
import { PubSub } from "@google-cloud/pubsub";
import type { Message } from "@google-cloud/pubsub";
import { Stream, json } from "@switchyard/core";
import { PubSubStream } from "@switchyard/adapter-gcp";
import { TIME_ATTRIBUTE } from "../packages/adapter-gcp/src/pubsub/transform.js";
import { startServices, stopServices } from "../test/harness/runner.js";
import { PUBSUB_HOST_ENV, pubsub } from "../test/services/pubsub.js";
import { median, type BenchResult } from "./report.js";

const PROJECT = "bench";
const BATCH = 1000;
interface Item {
  id: number;
  card: string;
  amount: number;
  note: string;
}
/** The codec the adapter side publishes with; the raw side sends its content type as the adapter does. */
const CODEC = json<Item>();
const item = (id: number): Item => ({ id, card: `card-${id % 400}`, amount: id * 1.5, note: "x".repeat(40) });

/** One side's run: seconds to publish, seconds to consume, CPU µs per record. */
interface Run {
  publish: number;
  consume: number;
  cpuUs: number;
}

async function measure(n: number, work: () => Promise<{ published: number }>): Promise<Run> {
  const cpu = process.cpuUsage();
  const began = performance.now();
  const { published } = await work();
  const ended = performance.now();
  const used = process.cpuUsage(cpu);
  return {
    publish: (published - began) / 1000,
    consume: (ended - published) / 1000,
    cpuUs: (used.user + used.system) / n,
  };
}

/**
 * Publishes and consumes `n` records through `PubSubStream` and core's
 * `Stream`, on the same long-lived client the raw side uses, so neither side
 * pays for a new client's connection in its run.
 */
function viaAdapter(client: PubSub, n: number): Promise<Run> {
  const topic = `bench-ours-${randomUUID()}`;
  const url = `pubsub://${PROJECT}/${topic}?create=true&ordering=none&maxOutstanding=1000`;
  const stream = new Stream<Item>(new PubSubStream(new URL(url), { client }), {
    name: "bench",
    codec: CODEC,
  });
  return measure(n, async () => {
    const sub = await stream.subscribe({ group: `${topic}-sub` });
    // Received, decoded and acked while the sends go on, as the client's listener does.
    let seen = 0;
    const consumed = (async () => {
      while (seen < n) {
        const batch = await sub.receive(AbortSignal.timeout(30_000));
        if (batch === undefined) throw new Error(`adapter: ${seen} of ${n} records arrived`);
        for (const r of batch.records) if (r.value.id >= 0) seen++;
        sub.ack(batch.records);
      }
    })();
    consumed.catch(() => undefined); // awaited below; a failure while sending is not unhandled
    for (let first = 0; first < n; first += BATCH) {
      const records = [];
      for (let id = first; id < Math.min(n, first + BATCH); id++) records.push({ key: "", value: item(id) });
      await stream.publish(records);
    }
    const published = performance.now();
    await consumed;
    await sub.close();
    await stream.close();
    return { published };
  });
}

/**
 * The same with the raw client: a `message` listener that parses and acks,
 * attached before `publishMessage` as the adapter's subscription is, so both
 * sides pull while they publish.
 */
function viaClient(client: PubSub, n: number, attributes = false): Promise<Run> {
  const name = `bench-raw-${randomUUID()}`;
  return measure(n, async () => {
    const [topic] = await client.createTopic(name);
    await topic.createSubscription(`${name}-sub`);
    const subscription = client.subscription(`${name}-sub`, {
      flowControl: { maxMessages: 1000, allowExcessMessages: false },
    });
    let seen = 0;
    const consumed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client: ${seen} of ${n} records arrived`)), 60_000);
      subscription.on("message", (message: Message) => {
        if ((JSON.parse(message.data.toString("utf8")) as Item).id >= 0) seen++;
        if (attributes && Number.isNaN(Number(message.attributes[TIME_ATTRIBUTE]))) {
          reject(new Error(`client: a message arrived without ${TIME_ATTRIBUTE}`));
        }
        message.ack();
        if (seen === n) {
          clearTimeout(timer);
          resolve();
        }
      });
      subscription.on("error", reject);
    });
    const publisher = client.topic(name, { batching: { maxMessages: 100, maxMilliseconds: 10 } });
    for (let first = 0; first < n; first += BATCH) {
      const sends = [];
      for (let id = first; id < Math.min(n, first + BATCH); id++) {
        const data = Buffer.from(JSON.stringify(item(id)));
        sends.push(
          publisher.publishMessage(
            attributes
              ? // What the adapter sends besides the data: the codec's content type and the event time.
                {
                  data,
                  attributes: { "content-type": CODEC.contentType, [TIME_ATTRIBUTE]: String(Date.now()) },
                }
              : { data },
          ),
        );
      }
      await Promise.all(sends);
    }
    const published = performance.now();
    await consumed;
    await subscription.close();
    return { published };
  });
}

export default async function bench(args: string[]): Promise<BenchResult> {
  const n = Number(args[0] ?? 20_000);
  const runs = Number(args[1] ?? 5);
  const run = await startServices([pubsub], { backend: "local" });
  const host = run.started[0]?.env[PUBSUB_HOST_ENV];
  if (host === undefined) throw new Error(`pubsub unavailable: ${run.missing[0]?.reason ?? "unknown"}`);
  Object.assign(process.env, run.started[0]!.env);
  const client = new PubSub({ projectId: PROJECT });
  const ours: Run[] = [];
  const raw: Run[] = [];
  const rawWithAttributes: Run[] = [];
  try {
    await viaAdapter(client, n);
    await viaClient(client, n);
    for (let i = 0; i < runs; i++) {
      ours.push(await viaAdapter(client, n));
      raw.push(await viaClient(client, n));
      rawWithAttributes.push(await viaClient(client, n, true));
      const rate = (r: Run) => Math.round(n / (r.publish + r.consume));
      console.error(
        `run ${i + 1}/${runs}: adapter ${rate(ours[i]!)} records/s, client ${rate(raw[i]!)} records/s`,
      );
    }
  } finally {
    await client.close();
    await stopServices(run);
  }
  const total = (rs: Run[]) => median(rs.map((r) => n / (r.publish + r.consume)));
  const part = (rs: Run[], key: "publish" | "consume") => Math.round(median(rs.map((r) => n / r[key])));
  const oursTotal = total(ours);
  const rawTotal = total(raw);
  return {
    bench: "pubsub",
    unit: "records/s",
    ours: Math.round(oursTotal),
    baseline: Math.round(rawTotal),
    ratio: Math.round((oursTotal / rawTotal) * 1000) / 1000,
    runs,
    baselineName: "@google-cloud/pubsub 5 publishMessage + message listener",
    extra: {
      "adapter publish records/s": part(ours, "publish"),
      "client publish records/s": part(raw, "publish"),
      "adapter consume+decode records/s": part(ours, "consume"),
      "client consume+decode records/s": part(raw, "consume"),
      "adapter CPU µs/record": Math.round(median(ours.map((r) => r.cpuUs))),
      "client CPU µs/record": Math.round(median(raw.map((r) => r.cpuUs))),
      "client with the adapter's attributes records/s": Math.round(total(rawWithAttributes)),
      "client with the adapter's attributes CPU µs/record": Math.round(
        median(rawWithAttributes.map((r) => r.cpuUs)),
      ),
    },
  };
}
