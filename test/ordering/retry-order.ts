/**
 * Per-key order under step retries, checked from outside: numbered records on
 * many keys go through a step that throws on a share of its attempts, and the
 * output stream is read back. Every record must come out once, and each key's
 * records in the order they went in.
 */
import { Stream, json, pipeline, run } from "@switchyard/core";
import type { ResourceSource } from "@switchyard/core";
import { readStream } from "../e2e/read-stream.js";

/** One record of the scenario: its key and its place in that key's sequence. */
export interface Numbered {
  key: string;
  seq: number;
}

/** Options of {@link checkOrderUnderRetries}. */
export interface OrderScenario {
  /** Records in all. */
  records: number;
  /** Distinct keys; record i has key `k<i % keys>`. */
  keys: number;
  /** Share of step attempts that throw. */
  throwRate: number;
  /** Consumer group names are made from this; must be new for each run. */
  group: string;
  /** How long the run may take, ms. Default 120000. */
  timeoutMs?: number;
}

/** What came out. */
export interface OrderReport {
  written: number;
  lost: number;
  duplicates: number;
  /** Records that came out after a later record of their key. */
  outOfOrder: number;
  deadLetters: number;
  /** Step attempts that threw. */
  thrown: number;
}

/** A small seeded generator (mulberry32), so a failing run can be told apart from bad luck. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Publishes the records to the profile's `in` stream, runs `in → flaky map → out`
 * until every record is done, and reads `out` back. Enough attempts are allowed
 * that no record is dead-lettered (0.15^30 per record).
 */
export async function checkOrderUnderRetries(
  resolver: ResourceSource,
  scenario: OrderScenario,
): Promise<OrderReport> {
  const source = new Stream<Numbered>(await resolver.open("stream", "in"), { name: "in", codec: json() });
  const next = new Map<string, number>();
  for (let first = 0; first < scenario.records; first += 1000) {
    const chunk: { key: string; value: Numbered }[] = [];
    for (let i = first; i < Math.min(first + 1000, scenario.records); i++) {
      const key = `k${i % scenario.keys}`;
      const seq = next.get(key) ?? 0;
      next.set(key, seq + 1);
      chunk.push({ key, value: { key, seq } });
    }
    await source.publish(chunk);
  }

  const random = seeded(11);
  let thrown = 0;
  const flaky = pipeline("ordered-retries")
    .from<Numbered>("in", { group: `${scenario.group}-run` })
    .map((rec) => {
      if (random() < scenario.throwRate) {
        thrown++;
        throw new Error(`flaky step on ${rec.key}#${rec.seq}`);
      }
      return rec;
    })
    .to("out")
    .configure({ batchSize: 256, retry: { maxAttempts: 30, initialDelayMs: 1, maxDelayMs: 20 } });
  const running = run(flaky, { resolver, warn: () => undefined });
  await running.ready;
  const deadline = Date.now() + (scenario.timeoutMs ?? 120_000);
  while (running.stats().processed < scenario.records) {
    if (Date.now() > deadline)
      throw new Error(`only ${running.stats().processed} of ${scenario.records} records done in time`);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), running.done]);
  }
  const summary = await running.stop();

  const out = new Stream<Numbered>(await resolver.open("stream", "out"), { name: "out", codec: json() });
  const { values } = await readStream(out, { group: `${scenario.group}-audit`, atLeast: scenario.records });
  const last = new Map<string, number>();
  const seen = new Set<string>();
  let duplicates = 0;
  let outOfOrder = 0;
  for (const v of values) {
    const id = `${v.key}#${v.seq}`;
    if (seen.has(id)) duplicates++;
    seen.add(id);
    if ((last.get(v.key) ?? -1) > v.seq) outOfOrder++;
    last.set(v.key, Math.max(last.get(v.key) ?? -1, v.seq));
  }
  return {
    written: values.length,
    lost: scenario.records - seen.size,
    duplicates,
    outOfOrder,
    deadLetters: summary.deadLetters,
    thrown,
  };
}
