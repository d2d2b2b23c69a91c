/**
 * One run of the fraud-detection example on a profile of its own config: the
 * example's pipeline, feed, producer and config file, unchanged; only the
 * variables its URLs interpolate point at the harness's servers. Returns what
 * the run put on its output streams, read back from the engine.
 */
import { fileURLToPath } from "node:url";
import { ResourceResolver, Stream, avro, json, raw, run } from "@switchyard/core";
import type { Adapter } from "@switchyard/core/driver";
import config from "../../examples/fraud-detection/switchyard.config.js";
import { PROFILE_ADAPTERS } from "../../examples/fraud-detection/src/adapters.js";
import { GroundTruth, transactionFeed } from "../../examples/fraud-detection/src/feed.js";
import type { GeneratorOptions } from "../../examples/fraud-detection/src/generator.js";
import { fraudPipeline } from "../../examples/fraud-detection/src/pipeline.js";
import { produce } from "../../examples/fraud-detection/src/produce.js";
import { transactionSchema } from "../../examples/fraud-detection/src/schema.js";
import type { Transaction } from "../../examples/fraud-detection/src/schema.js";
import type { ScoredTransaction } from "../../examples/fraud-detection/src/scoring.js";
import { clearEngineData } from "./engine-data.js";
import { readStream } from "./read-stream.js";

const EXAMPLE_DIR = fileURLToPath(new URL("../../examples/fraud-detection/", import.meta.url));

/**
 * The adapter packages the example's profiles name, loaded from their sources
 * (as the test suite loads @switchyard/core), so the run tests the code in the
 * tree rather than a build that may be older.
 */
const ADAPTER_SOURCES: Record<string, () => Promise<Record<string, unknown>>> = {
  "@switchyard/adapter-kafka": () => import("../../packages/adapter-kafka/src/index.js"),
  "@switchyard/adapter-redis": () => import("../../packages/adapter-redis/src/index.js"),
  "@switchyard/adapter-gcp": () => import("../../packages/adapter-gcp/src/index.js"),
};

/** Options of {@link runFraudExample}. */
export interface FraudRunOptions {
  /** Variables the config's `${...}` references read. */
  env: Record<string, string | undefined>;
  /** Events to produce (transactions and corrupt records). */
  events: number;
  /** Generator settings; the same seed gives the same events. */
  generator: GeneratorOptions;
  /** Consumer group of the pipeline; unique per run. */
  group: string;
  /** Longest the pipeline may take to finish every event, ms. */
  timeoutMs: number;
}

/** What one run produced, as read back from the profile's streams. */
export interface FraudRunResult {
  /** The profile run. */
  profile: string;
  /** Events produced. */
  produced: number;
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
}

/** The example's adapters for `profile`, from source; throws when it names a package not mapped here. */
async function adaptersOf(profile: string): Promise<Adapter[]> {
  const adapters: Adapter[] = [];
  for (const { pkg, factory } of PROFILE_ADAPTERS[profile] ?? []) {
    const load = ADAPTER_SOURCES[pkg];
    if (load === undefined)
      throw new Error(`profile "${profile}" needs ${pkg}, which the e2e tests do not load`);
    const make = (await load())[factory] as () => Adapter;
    adapters.push(make());
  }
  return adapters;
}

/**
 * Clears the profile's streams and state, runs the example's pipeline while
 * producing the seeded feed, waits until every event is done, stops the
 * pipeline gracefully, reads back `alerts` and `dead-letters`, and clears the
 * profile's data again.
 */
export async function runFraudExample(profile: string, options: FraudRunOptions): Promise<FraudRunResult> {
  const resolver = new ResourceResolver({ ...config, adapters: await adaptersOf(profile) }, profile, {
    baseDir: EXAMPLE_DIR,
    env: options.env,
    source: "switchyard.config.ts",
  });
  const warnings: string[] = [];
  try {
    await clearEngineData(config, profile, options.env);
    const running = run(fraudPipeline({ group: options.group }), {
      resolver,
      warn: (message) => warnings.push(message),
    });
    const transactions = new Stream(await resolver.open("stream", "transactions"), {
      name: "transactions",
      codec: raw(),
    });
    const truth = new GroundTruth();
    const codec = avro<Transaction>(transactionSchema);
    const feed = transactionFeed(options.events, codec, truth, options.generator);
    const produced = await produce(transactions, feed, { rate: 0 });
    const deadline = Date.now() + options.timeoutMs;
    while (running.stats().processed < produced) {
      if (Date.now() > deadline) {
        await running.stop().catch(() => undefined);
        throw new Error(
          `profile ${profile}: ${running.stats().processed} of ${produced} events done after ${options.timeoutMs} ms; warnings: ${warnings.join(" | ")}`,
        );
      }
      await Promise.race([running.done, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    const summary = await running.stop();

    const group = `${options.group}-audit`;
    const alerts = await readStream(
      new Stream<ScoredTransaction>(await resolver.open("stream", "alerts"), {
        name: "alerts",
        codec: json(),
      }),
      { group },
    );
    const deadLetters = await readStream(
      new Stream(await resolver.open("stream", "dead-letters"), { name: "dead-letters", codec: raw() }),
      { group, atLeast: summary.deadLetters },
    );
    return {
      profile,
      produced,
      processed: summary.processed,
      alertIds: [...new Set(alerts.values.map((a) => a.id))].sort((a, b) => a - b),
      alertRecords: alerts.values.length,
      deadLetters: summary.deadLetters,
      deadLetterRecords: deadLetters.values.length + deadLetters.undecodable,
      truth,
    };
  } finally {
    // Closed first, so no client of the run still holds a topic or key being removed.
    await resolver.close().catch(() => undefined);
    await clearEngineData(config, profile, options.env).catch(() => undefined);
  }
}
