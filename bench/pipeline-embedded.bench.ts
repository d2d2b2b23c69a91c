/**
 * The fraud pipeline on the embedded default against the hand-written loop
 * doing the same work (bench/fraud-loop.ts), interleaved in one process.
 *
 *   npm run bench -- pipeline-embedded [--events 200000] [--runs 5] [--throw-rate 0] [--only pipeline|loop|map]
 *
 * Both sides get the same pre-encoded seeded events (about 0.1% corrupt). The
 * pipeline's side publishes them to a fresh `memory://` stream (untimed), then
 * is timed from `run()` until every record is done, so opening resources and
 * loading the model count against it. The loop's baseline calls the same
 * `memory://` state driver directly; a loop on plain Maps is reported in
 * `extra.mapLoop` as the ceiling without a state store. `--throw-rate r` puts a
 * step in front of the pipeline that throws on that share of its attempts (the
 * records are retried, in key order), to measure what retries cost. `--only`
 * runs one side alone (`map`: the loop on plain Maps), to profile it with
 * `node --cpu-prof`.
 */
import { parseArgs } from "node:util";
import {
  Pipeline,
  ResourceResolver,
  SchemeRegistry,
  Stream,
  avro,
  embedded,
  raw,
  resetMemoryStateStores,
  resetMemoryStreams,
  resetMemoryTimeSeries,
  run,
} from "@switchyard/core";
import type { OutgoingRecord } from "@switchyard/core/driver";
import { GroundTruth, transactionFeed } from "../examples/fraud-detection/src/feed.js";
import { MODEL_PATH } from "../examples/fraud-detection/src/model-card.js";
import { fraudPipeline } from "../examples/fraud-detection/src/pipeline.js";
import { transactionSchema } from "../examples/fraud-detection/src/schema.js";
import type { Transaction } from "../examples/fraud-detection/src/schema.js";
import { openFraudModel, runFraudLoop } from "./fraud-loop.js";
import type { BenchResult } from "./report.js";
import { alone, interleaved, median } from "./report.js";

export default async function pipelineEmbedded(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: "string", default: "200000" },
      runs: { type: "string", default: "5" },
      "throw-rate": { type: "string", default: "0" },
      only: { type: "string" },
    },
  });
  const events = Number(values.events);
  const runs = Math.max(5, Number(values.runs));
  const throwRate = Number(values["throw-rate"]);
  const truth = new GroundTruth();
  const records = [...transactionFeed(events, avro<Transaction>(transactionSchema), truth, { seed: 7 })];
  const payloads = records.map((r) => r.value);
  const session = await openFraudModel();
  console.error(
    `${events.toLocaleString("en-US")} events (${truth.corrupt} corrupt), ${runs} interleaved runs`,
  );

  let pass = 0;
  const pipelineRate = async (): Promise<number> => {
    const id = ++pass;
    const resolver = new ResourceResolver(benchConfig(id), "bench", {
      registry: new SchemeRegistry([], { builtIns: [embedded()] }),
    });
    const source = new Stream(await resolver.open("stream", "transactions"), {
      name: "transactions",
      codec: raw(),
    });
    const now = Date.now();
    for (let i = 0; i < records.length; i += 5_000) {
      const chunk = records
        .slice(i, i + 5_000)
        .map((r): OutgoingRecord => ({ key: r.key, value: r.value, headers: {}, timestamp: now }));
      await source.publishRaw(chunk);
    }
    const started = performance.now();
    const fraud = fraudPipeline({ group: `bench-${id}` });
    const running = run(throwRate > 0 ? withFlakyStep(fraud, throwRate) : fraud, { resolver });
    while (running.stats().processed < events) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 2)), running.done]);
    }
    const elapsed = performance.now() - started;
    const summary = await running.stop();
    await resolver.close();
    if (summary.deadLetters !== truth.corrupt) {
      throw new Error(`pipeline dead-lettered ${summary.deadLetters} records; ${truth.corrupt} were corrupt`);
    }
    cleanUp();
    return (events * 1000) / elapsed;
  };
  const loopRate = async (state: "driver" | "map"): Promise<number> => {
    const result = await runFraudLoop(payloads, session, { state });
    if (result.deadLetters !== truth.corrupt)
      throw new Error(`loop set aside ${result.deadLetters} dead letters`);
    cleanUp();
    return (events * 1000) / result.elapsedMs;
  };

  if (values.only !== undefined) {
    const side = values.only === "loop" || values.only === "map" ? values.only : "pipeline";
    const measure = side === "pipeline" ? pipelineRate : () => loopRate(side === "map" ? "map" : "driver");
    const result = await alone("pipeline-embedded", "events/s", side, runs, measure);
    await session.release();
    return result;
  }
  const result = await interleaved(
    "pipeline-embedded",
    "events/s",
    "hand-written batched loop, same work (bench/fraud-loop.ts)",
    runs,
    pipelineRate,
    () => loopRate("driver"),
  );
  const mapRuns: number[] = [];
  for (let i = 0; i < 3; i++) mapRuns.push(await loopRate("map"));
  await session.release();
  return { ...result, extra: { mapLoop: Math.round(median(mapRuns)) } };
}

/** The pipeline with a first step that throws on `rate` of its attempts. */
function withFlakyStep<T>(p: Pipeline<T>, rate: number): Pipeline<T> {
  const flaky: Pipeline<unknown>["steps"][number] = {
    kind: "map",
    fn: (value) => {
      if (Math.random() < rate) throw new Error("injected failure");
      return value;
    },
  };
  return new Pipeline<T>(p.name, p.source, [flaky, ...p.steps], p.options);
}

function benchConfig(id: number) {
  return {
    profiles: {
      bench: {
        streams: {
          transactions: `memory://bench-transactions-${id}?partitions=4`,
          alerts: `memory://bench-alerts-${id}`,
          "dead-letters": `memory://bench-dead-letters-${id}`,
        },
        state: { features: `memory://bench-features-${id}` },
        models: { fraud: `onnx:${MODEL_PATH}` },
        timeseries: { fraud_scores: `memory://bench-scores-${id}` },
      },
    },
  };
}

/** Drops the finished run's in-process streams, state and points, so runs do not accumulate memory. */
function cleanUp(): void {
  resetMemoryStreams();
  resetMemoryStateStores();
  resetMemoryTimeSeries();
  globalThis.gc?.();
}
