/**
 * One run of the fraud-detection demo as `npm run demo` runs it (`runDemo`:
 * its own run name, plan, pipeline, feed and producer, the example's config
 * unchanged; only the variables its URLs read point at the harness's
 * servers), with what it put on its output streams read back from the engine.
 */
import { ResourceResolver, Stream, json, raw } from "@switchyard/core";
import type { Environment } from "@switchyard/core";
import { fileURLToPath } from "node:url";
import config from "../../examples/fraud-detection/switchyard.config.js";
import type { GroundTruth } from "../../examples/fraud-detection/src/feed.js";
import type { RunPlan } from "../../examples/fraud-detection/src/run-data/plan.js";
import { runDemo } from "../../examples/fraud-detection/src/run-demo.js";
import { runEnvironment } from "../../examples/fraud-detection/src/run-name.js";
import type { ScoredTransaction } from "../../examples/fraud-detection/src/scoring.js";
import { readStream } from "./read-stream.js";

const EXAMPLE_DIR = fileURLToPath(new URL("../../examples/fraud-detection/", import.meta.url));

/** A few thousand events over a few hundred cards, so cards build up history in the state store. */
const EVENTS = 4000;
const SEED = 11;
const GENERATOR = { cards: 400, corruptRate: 0.01 };

/** Options of {@link runDemoOnce}. */
export interface DemoRunOptions {
  /** Variables the config's `${...}` read. */
  env: Environment;
  /** Events per second the demo produces at. */
  rate: number;
  /** Label of the run's name (`fraud-demo-<label>`). */
  label: string;
  /** Events to produce. Default 4000. */
  events?: number;
}

/** What one run produced, as read back from the profile's streams. */
export interface DemoRunResult {
  /** The profile run. */
  profile: string;
  /** Where the run wrote, and what it found there first. */
  plan: RunPlan;
  /** Records the pipeline finished. */
  processed: number;
  /** Alerted transaction ids, sorted, from the `alerts` stream. */
  alertIds: number[];
  /** Records on the `alerts` stream (more than `alertIds` only if some were written twice). */
  alertRecords: number;
  /** Dead letters the run counted. */
  deadLetters: number;
  /** Records on the `dead-letters` stream. */
  deadLetterRecords: number;
  /** What the generator planted. */
  truth: GroundTruth;
  /** The demo's figures: events/s and end-to-end latency. */
  figures: { eventsPerSec: number; p50Ms: number; p99Ms: number };
}

/** Runs the demo once on `profile` with the e2e's seeded feed, then reads its `alerts` and `dead-letters` back. */
export async function runDemoOnce(profile: string, options: DemoRunOptions): Promise<DemoRunResult> {
  const { summary, truth, plan } = await runDemo(
    {
      profile,
      events: options.events ?? EVENTS,
      seed: SEED,
      rate: options.rate,
      json: true,
      run: options.label,
    },
    { stats: "off", env: options.env, generator: GENERATOR },
  );
  const resolver = new ResourceResolver(config, profile, {
    baseDir: EXAMPLE_DIR,
    env: runEnvironment(options.env, plan.runName),
    source: "switchyard.config.ts",
  });
  try {
    // One group per stream: on Pub/Sub a group is a subscription, and its name is the project's, not the topic's.
    const group = `${plan.runName}-audit`;
    const alerts = await readStream(
      new Stream<ScoredTransaction>(await resolver.open("stream", "alerts"), {
        name: "alerts",
        codec: json(),
      }),
      { group: `${group}-alerts` },
    );
    const deadLetters = await readStream(
      new Stream(await resolver.open("stream", "dead-letters"), { name: "dead-letters", codec: raw() }),
      { group: `${group}-dead-letters`, atLeast: summary.deadLetters },
    );
    return {
      profile,
      plan,
      processed: summary.events,
      alertIds: [...new Set(alerts.values.map((a) => a.id))].sort((a, b) => a - b),
      alertRecords: alerts.values.length,
      deadLetters: summary.deadLetters,
      deadLetterRecords: deadLetters.values.length + deadLetters.undecodable,
      truth,
      figures: { eventsPerSec: summary.eventsPerSec, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms },
    };
  } finally {
    await resolver.close();
  }
}
