import { ResourceResolver, Stream, SwitchyardError, avro, json, raw, run } from "@switchyard/core";
import type { PipelineRun, RunOptions } from "@switchyard/core";
import { fileURLToPath } from "node:url";
import { adaptersFor } from "./adapters.js";
import { AlertAudit } from "./alert-audit.js";
import type { DemoOptions } from "./demo-options.js";
import { GroundTruth, transactionFeed } from "./feed.js";
import { fraudPipeline } from "./pipeline.js";
import { produce } from "./produce.js";
import { transactionSchema } from "./schema.js";
import type { Transaction } from "./schema.js";
import type { ScoredTransaction } from "./scoring.js";
import type { DemoSummary } from "./summary.js";

const EXAMPLE_DIR = fileURLToPath(new URL("..", import.meta.url));

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
}

/**
 * Runs the case study end to end on a profile: starts the fraud pipeline,
 * produces seeded transactions into `transactions` (paced), waits until every
 * event is done, stops the pipeline gracefully, and judges the alerts against
 * the generator's ground truth.
 */
export async function runDemo(
  options: DemoOptions,
  stats: RunOptions["stats"] = "auto",
): Promise<DemoResult> {
  const { default: config } = await import("../switchyard.config.js");
  const resolver = new ResourceResolver(
    { ...config, adapters: await adaptersFor(options.profile) },
    options.profile,
    {
      baseDir: EXAMPLE_DIR,
      source: "switchyard.config.ts",
    },
  );
  try {
    const since = Date.now();
    const audit = await AlertAudit.start(
      new Stream<ScoredTransaction>(await resolver.open("stream", "alerts"), {
        name: "alerts",
        codec: json(),
      }),
      since,
    );
    const running = run(fraudPipeline(), { resolver, stats, handleSignals: true });
    // Transactions flow once the scorer is subscribed, so startup is not counted as latency.
    await running.ready;
    const transactions = new Stream(await resolver.open("stream", "transactions"), {
      name: "transactions",
      codec: raw(),
    });
    const truth = new GroundTruth();
    const feed = transactionFeed(options.events, avro<Transaction>(transactionSchema), truth, {
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
    await resolver.close();
  }
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
