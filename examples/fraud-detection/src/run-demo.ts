import { ResourceResolver, Stream, SwitchyardError, avro, json, raw, run } from "@switchyard/core";
import type { Environment, PipelineRun, RunOptions } from "@switchyard/core";
import { fileURLToPath } from "node:url";
import { AlertAudit } from "./alert-audit.js";
import type { DemoOptions } from "./demo-options.js";
import { GroundTruth, transactionFeed } from "./feed.js";
import type { GeneratorOptions } from "./generator.js";
import { fraudPipeline } from "./pipeline.js";
import { produce } from "./produce.js";
import { cleanRuns, planRun } from "./run-data/plan.js";
import type { RunPlan } from "./run-data/plan.js";
import { demoRunName, runEnvironment } from "./run-name.js";
import { transactionSchema } from "./schema.js";
import type { Transaction } from "./schema.js";
import type { ScoredTransaction } from "./scoring.js";
import type { DemoSummary } from "./summary.js";

const EXAMPLE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** The pipeline's source stream and the scorers' consumer group. */
const SOURCE = { stream: "transactions", group: "fraud-scorer" };

/** How {@link runDemo} runs, beyond what the command line sets. */
export interface DemoSettings {
  /** The pipeline's live stats line. Default `"auto"` (on a terminal only). */
  stats?: RunOptions["stats"];
  /** Variables the config's `${...}` read. Default `process.env`; the run's name is added to them. */
  env?: Environment;
  /** Generator settings beyond the seed (cards, corrupt share ...). */
  generator?: Omit<GeneratorOptions, "seed">;
  /** Called with the run's plan (where it writes, what it found there) before anything is written. */
  onPlan?: (plan: RunPlan) => void;
}

/** What a demo run produced: the summary and the ground truth it was judged against. */
export interface DemoResult {
  /** The figures of §10. */
  summary: DemoSummary;
  /** What the generator planted. */
  truth: GroundTruth;
  /** Time from a transaction's publication to its alert being readable on `alerts`, ms. */
  alertLatency: { p50Ms: number; p99Ms: number };
  /** The alerts read back from `alerts`, in arrival order; `scoredBy` says whether the model or the rule fallback scored each. */
  alerts: ScoredTransaction[];
  /** Where the run wrote, and what it found there before starting. */
  plan: RunPlan;
}

/**
 * Runs the case study end to end on a profile: names the run (every topic,
 * stream, key prefix and file it writes carries the name, so runs never see
 * each other's data), reports where it writes and what is already there,
 * starts the fraud pipeline, produces seeded transactions into `transactions`
 * (paced), waits until every event is done, stops the pipeline gracefully,
 * and judges the alerts against the generator's ground truth.
 */
export async function runDemo(options: DemoOptions, settings: DemoSettings = {}): Promise<DemoResult> {
  const { default: config } = await import("../switchyard.config.js");
  const plan = await planDemoRun(options.profile, demoRunName(options.run), settings.env);
  const env = runEnvironment(settings.env ?? process.env, plan.runName);
  settings.onPlan?.(plan);
  const resolver = new ResourceResolver(config, options.profile, {
    baseDir: EXAMPLE_DIR,
    env,
    source: "switchyard.config.ts",
  });
  let audit: AlertAudit | undefined;
  try {
    const since = Date.now();
    audit = await AlertAudit.start(
      new Stream<ScoredTransaction>(await resolver.open("stream", "alerts"), {
        name: "alerts",
        codec: json(),
      }),
      since,
    );
    const running = run(fraudPipeline({ group: SOURCE.group }), {
      resolver,
      stats: settings.stats ?? "auto",
      handleSignals: true,
    });
    // Transactions flow once the scorer is subscribed, so startup is not counted as latency.
    await running.ready;
    const transactions = new Stream(await resolver.open("stream", "transactions"), {
      name: "transactions",
      codec: raw(),
    });
    const truth = new GroundTruth();
    const feed = transactionFeed(options.events, avro<Transaction>(transactionSchema), truth, {
      ...settings.generator,
      seed: options.seed,
    });
    const started = performance.now();
    const produced = await Promise.race([
      produce(transactions, feed, { rate: options.rate }),
      ended(running),
    ]);
    await Promise.race([processed(running, produced), ended(running)]);
    const elapsedMs = performance.now() - started;
    const final = await running.stop();
    const scored = truth.score(await audit.finish());
    return {
      plan,
      truth,
      alerts: audit.alerts,
      alertLatency: { p50Ms: quantile(audit.latenciesMs, 0.5), p99Ms: quantile(audit.latenciesMs, 0.99) },
      summary: {
        events: final.processed,
        eventsPerSec: (final.processed * 1000) / elapsedMs,
        p50Ms: final.p50Ms,
        p99Ms: final.p99Ms,
        alerts: scored.alerts,
        precision: scored.precision,
        recall: scored.recall,
        deadLetters: final.deadLetters,
        profile: options.profile,
      },
    };
  } finally {
    // Once finished this is a no-op; after a failure it stops the reader before its stream closes.
    await audit?.close();
    await resolver.close();
  }
}

/** Where run `runName` of the demo writes on `profile`, and what it would find there (see {@link planRun}). */
export async function planDemoRun(
  profile: string,
  runName: string,
  env: Environment = process.env,
): Promise<RunPlan> {
  const { default: config } = await import("../switchyard.config.js");
  return planRun({ config, profile, env, baseDir: EXAMPLE_DIR }, runName, SOURCE);
}

/**
 * Removes what demo runs left on the profile's servers (every topic, stream,
 * state key and file named after a demo run, or after runs matching
 * `pattern`); resolves with one line per thing removed or left.
 */
export async function cleanDemoRuns(
  profile: string,
  env: Environment = process.env,
  pattern?: string,
): Promise<string[]> {
  const { default: config } = await import("../switchyard.config.js");
  return cleanRuns({ config, profile, env, baseDir: EXAMPLE_DIR }, pattern);
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Resolves once the run has finished `count` records. */
async function processed(running: PipelineRun, count: number): Promise<void> {
  while (running.stats().processed < count) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Rejects when the run fails (e.g. a resource cannot be opened) or is stopped (Ctrl-C) before the demo is done. */
function ended(running: PipelineRun): Promise<never> {
  return running.done.then(() => {
    throw new SwitchyardError("Canceled", "the pipeline stopped before every event was done");
  });
}
