/**
 * The runtime's own ceiling: a pipeline of trivial steps against a
 * hand-written batched loop doing the same work over the same bytes,
 * interleaved in one process.
 *
 *   npm run bench -- pipeline-passthrough [--events 1000000] [--runs 5] [--only pipeline|loop]
 *
 * Both sides read a pre-filled 4-partition `memory://` stream of Avro records
 * through a consumer, decode each, map it, drop about a tenth, encode the rest
 * as Avro to a `memory://` sink stream, write one `memory://` time-series point
 * per record and commit. The pipeline's side is timed from `run()` until every
 * record is done; the loop's side from opening its consumer until it has
 * committed everything. Run it under `node` on the built packages as well as
 * under `tsx` (docs/benchmarks.md). `--only` runs one side alone, to profile it
 * (`node --cpu-prof`); its result line then has no ratio.
 */
import { parseArgs } from "node:util";
import {
  ResourceResolver,
  SchemeRegistry,
  Stream,
  avro,
  embedded,
  pipeline,
  raw,
  resetMemoryStreams,
  resetMemoryTimeSeries,
  run,
} from "@switchyard/core";
import type { IncomingRecord, OutgoingRecord, Point } from "@switchyard/core/driver";
import type { BenchResult } from "./report.js";
import { alone, interleaved } from "./report.js";

/** A reading as the source holds it. */
interface Reading {
  id: number;
  device: string;
  value: number;
  ok: boolean;
}

/** The reading after the map step. */
interface Scaled extends Reading {
  scaled: number;
}

const readingSchema = {
  type: "record",
  name: "Reading",
  fields: [
    { name: "id", type: "long" },
    { name: "device", type: "string" },
    { name: "value", type: "double" },
    { name: "ok", type: "boolean" },
  ],
} as const;
const scaledSchema = {
  type: "record",
  name: "Scaled",
  fields: [...readingSchema.fields, { name: "scaled", type: "double" }],
} as const;

const BATCH = 1024;
// Fields written out: `{ ...r, scaled }` takes a slow path on Node 20 (decision 2325) that
// would bound both sides at a few hundred thousand records/s.
const scale = (r: Reading): Scaled => ({
  id: r.id,
  device: r.device,
  value: r.value,
  ok: r.ok,
  scaled: r.value * 1.5,
});
const keep = (r: Scaled): boolean => r.id % 10 !== 0;
const point = (r: Scaled) => ({ fields: { scaled: r.scaled }, tags: { device: r.device } });

export default async function pipelinePassthrough(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: "string", default: "1000000" },
      runs: { type: "string", default: "5" },
      only: { type: "string" },
    },
  });
  const events = Number(values.events);
  const runs = Math.max(5, Number(values.runs));
  const inCodec = avro<Reading>(readingSchema);
  const now = Date.now();
  const records: OutgoingRecord[] = [];
  for (let i = 0; i < events; i++) {
    const device = `device-${i % 500}`;
    const value = inCodec.encode({ id: i, device, value: (i % 997) / 7, ok: i % 3 === 0 });
    records.push({ key: device, value, headers: {}, timestamp: now });
  }
  const kept = records.filter((_, i) => i % 10 !== 0).length;
  console.error(`${events.toLocaleString("en-US")} records, ${runs} interleaved runs`);

  let pass = 0;
  /** A fresh source stream holding every record, and a resolver for the rest. */
  const prepare = async (): Promise<ResourceResolver> => {
    const id = ++pass;
    const resolver = new ResourceResolver(benchConfig(id), "bench", {
      registry: new SchemeRegistry([], { builtIns: [embedded()] }),
    });
    const source = new Stream(await resolver.open("stream", "readings"), { name: "readings", codec: raw() });
    for (let i = 0; i < records.length; i += 10_000) await source.publishRaw(records.slice(i, i + 10_000));
    return resolver;
  };

  const pipelineRate = async (): Promise<number> => {
    const resolver = await prepare();
    const definition = pipeline("passthrough")
      .from<Reading>("readings", { codec: inCodec, group: "bench" })
      .map(scale)
      .filter(keep)
      .to("out", { codec: avro<Scaled>(scaledSchema) })
      .record("points", point);
    const started = performance.now();
    const running = run(definition, { resolver });
    while (running.stats().processed < events) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 1)), running.done]);
    }
    const elapsed = performance.now() - started;
    await running.stop();
    await resolver.close();
    cleanUp();
    return (events * 1000) / elapsed;
  };

  const loopRate = async (): Promise<number> => {
    const resolver = await prepare();
    const signal = new AbortController().signal;
    const outCodec = avro<Scaled>(scaledSchema);
    const sink = await resolver.open("stream", "out");
    const points = await resolver.open("timeseries", "points");
    const started = performance.now();
    const consumer = await (
      await resolver.open("stream", "readings")
    ).openConsumer({ group: "bench", start: "earliest", consumerName: "loop" });
    let seen = 0;
    let written = 0;
    while (seen < events) {
      const batch: IncomingRecord[] = await consumer.receive(BATCH, signal);
      const out: OutgoingRecord[] = [];
      const batchPoints: Point[] = [];
      for (const rec of batch) {
        const scaled = scale(inCodec.decode(rec.value));
        if (!keep(scaled)) continue;
        out.push({ key: rec.key, value: outCodec.encode(scaled), headers: {}, timestamp: rec.timestamp });
        const p = point(scaled);
        batchPoints.push({ measurement: "points", tags: p.tags, fields: p.fields, time: rec.timestamp });
      }
      await Promise.all([sink.send(out, signal), points.write(batchPoints, signal)]);
      const last = new Map<string, IncomingRecord["position"]>();
      for (const rec of batch) last.set(rec.position.partition, rec.position);
      await consumer.commit([...last.values()]);
      seen += batch.length;
      written += out.length;
    }
    const elapsed = performance.now() - started;
    await consumer.close();
    await resolver.close();
    cleanUp();
    if (written !== kept) throw new Error(`loop wrote ${written} records; expected ${kept}`);
    return (events * 1000) / elapsed;
  };

  if (values.only !== undefined) {
    const side = values.only === "loop" ? "loop" : "pipeline";
    return alone("pipeline-passthrough", "events/s", side, runs, side === "loop" ? loopRate : pipelineRate);
  }
  return interleaved(
    "pipeline-passthrough",
    "events/s",
    "hand-written batched loop over the same consumer, codecs and sinks",
    runs,
    pipelineRate,
    loopRate,
  );
}

function benchConfig(id: number) {
  return {
    profiles: {
      bench: {
        streams: {
          readings: `memory://passthrough-in-${id}?partitions=4`,
          out: `memory://passthrough-out-${id}`,
          "dead-letters": `memory://passthrough-dead-letters-${id}`,
        },
        timeseries: { points: `memory://passthrough-points-${id}` },
      },
    },
  };
}

/** Drops the finished run's in-process streams and points, so runs do not accumulate memory. */
function cleanUp(): void {
  resetMemoryStreams();
  resetMemoryTimeSeries();
  globalThis.gc?.();
}
