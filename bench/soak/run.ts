/**
 * `npm run soak -- --minutes 30 [--rate 1000] [--warmup-minutes 5] [--heap-bound 10]`
 * (`--replot docs/soak/<name>.json` only redraws a plot):
 * the fraud example's scorer on Kafka + Redis for a long while at a fixed rate,
 * sampled every 10 s; prints the verdict and writes the samples and a plot to
 * docs/soak/. Not run in CI. docs/reliability.md ("Soak") says what it shows.
 *
 * The broker and redis-server are started through the test harness; the
 * scorer runs as a `switchyard run` child (decision 2295), fed by this process
 * with the example's seeded generator through the example's own config.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ResourceResolver, Stream, avro, raw } from "@switchyard/core";
import { freePort } from "../../test/harness/ports.js";
import { startServices, stopServices } from "../../test/harness/runner.js";
import { kafka } from "../../test/services/kafka.js";
import { REDIS_URL_ENV, redis } from "../../test/services/redis.js";
import { GroundTruth, transactionFeed } from "../../examples/fraud-detection/src/feed.js";
import { produce } from "../../examples/fraud-detection/src/produce.js";
import { transactionSchema } from "../../examples/fraud-detection/src/schema.js";
import type { Transaction } from "../../examples/fraud-detection/src/schema.js";
import { replotSoakReport, writeSoakReport } from "./report.js";
import type { ProcessSample } from "./sampler.js";
import { EXAMPLE_DIR, scrape, startScorer } from "./scorer-process.js";
import type { PipelinePoint } from "./scorer-process.js";
import { judgeSoak } from "./verdict.js";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    rate: { type: "string", default: "1000" },
    "warmup-minutes": { type: "string" },
    "heap-bound": { type: "string", default: "10" },
    "interval-seconds": { type: "string", default: "10" },
    seed: { type: "string", default: "3" },
    out: { type: "string", default: "docs/soak" },
    replot: { type: "string" },
  },
});
if (values.replot !== undefined) {
  console.error(`wrote ${await replotSoakReport(values.replot)}`);
  process.exit(0);
}
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const intervalMs = Number(values["interval-seconds"]) * 1000;
// Five minutes of warm-up, or a quarter of a shorter run.
const warmupMinutes = Number(values["warmup-minutes"] ?? Math.min(5, minutes / 4));
const bounds = { warmupMs: warmupMinutes * 60_000, heapMbPer10Min: Number(values["heap-bound"]) };

const definitions = [kafka, redis];
let services = await startServices(definitions, { backend: "local" });
if (services.missing.length > 0) {
  // On a loaded machine a server can miss its readiness bound once; those get one more try.
  const names = new Set(services.missing.map((m) => m.name));
  const again = await startServices(
    definitions.filter((d) => names.has(d.name)),
    { backend: "local" },
  );
  services = { started: [...services.started, ...again.started], missing: again.missing };
}
const work = mkdtempSync(join(tmpdir(), "switchyard-soak-"));
const runName = `soak-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "")}`;
let exitCode = 1;
try {
  if (services.missing.length > 0) {
    throw new Error(`cannot soak: ${services.missing.map((m) => `${m.name} — ${m.reason}`).join("; ")}`);
  }
  const env: Record<string, string> = {};
  for (const service of services.started) Object.assign(env, service.env);
  const vars = {
    KAFKA_BROKERS: env.SWITCHYARD_KAFKA_BROKERS!,
    REDIS_HOST: new URL(env[REDIS_URL_ENV]!).host,
    FRAUD_RUN: runName,
  };
  const samplesFile = join(work, "samples.ndjson");
  const metricsPort = await freePort();
  console.error(`soak ${runName}: ${minutes} min at ${rate}/s, samples every ${intervalMs / 1000} s`);
  const scorer = await startScorer({
    env: vars,
    samplesFile,
    intervalMs,
    metricsPort,
    logFile: join(work, "scorer.log"),
  });
  const { default: config } = await import("../../examples/fraud-detection/switchyard.config.js");
  const resolver = new ResourceResolver(config, "kafka", {
    baseDir: EXAMPLE_DIR,
    env: { ...process.env, ...vars },
    source: "switchyard.config.ts",
  });
  const pipeline: PipelinePoint[] = [];
  const stop = new AbortController();
  const started = Date.now();
  const ticker = setInterval(() => {
    if (!scorer.running()) stop.abort(); // a dead scorer ends the soak, which then fails below
    scrape(metricsPort)
      .then((point) => {
        pipeline.push(point);
        const elapsed = (point.t - started) / 60_000;
        console.error(
          `${elapsed.toFixed(1)}/${minutes} min  ${point.processed.toLocaleString("en-US")} done  lag ${point.lag}  dead letters ${point.deadLetters}`,
        );
      })
      .catch((err: unknown) => console.error(`metrics: ${String(err)}`));
  }, intervalMs);
  try {
    const transactions = new Stream(await resolver.open("stream", "transactions"), {
      name: "transactions",
      codec: raw(),
    });
    // The feed is generated as it is published; the ground truth lives in this process, not the scorer.
    const feed = transactionFeed(
      Math.ceil(rate * minutes * 60),
      avro<Transaction>(transactionSchema),
      new GroundTruth(),
      {
        seed: Number(values.seed),
      },
    );
    const producing = produce(transactions, feed, { rate, signal: stop.signal });
    const timer = setTimeout(() => stop.abort(), minutes * 60_000);
    const produced = await producing;
    clearTimeout(timer);
    // Let the scorer work off what was published last before it is stopped.
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, 10_000)));
    clearInterval(ticker);
    if (!scorer.running()) throw new Error(`the scorer exited during the soak:\n${scorer.logTail(30)}`);
    await scorer.stop(60_000);
    const samples = readFileSync(samplesFile, "utf8")
      .trim()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as ProcessSample);
    const verdict = judgeSoak(samples, bounds);
    mkdirSync(values.out, { recursive: true });
    const written = await writeSoakReport(values.out, `soak-${minutes}min`, {
      command: `npm run soak -- ${process.argv.slice(2).join(" ")}`.trim(),
      date: new Date(started).toISOString(),
      minutes,
      rate,
      produced,
      bounds,
      verdict,
      samples,
      pipeline,
    });
    console.error(`${produced.toLocaleString("en-US")} published; wrote ${written.join(", ")}`);
    for (const line of verdict.lines) console.log(line);
    console.log(verdict.pass ? "soak: PASS" : "soak: FAIL");
    console.log(JSON.stringify({ soak: verdict.pass ? "pass" : "fail", minutes, rate, ...verdict.figures }));
    exitCode = verdict.pass ? 0 : 1;
  } finally {
    clearInterval(ticker);
    stop.abort();
    await scorer.stop(5000);
    await resolver.close();
  }
} finally {
  await stopServices(services);
  rmSync(join(EXAMPLE_DIR, ".cache", `${runName}.scores.ndjson`), { force: true });
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
