/**
 * Reading a fault test's output back: the `processed` stream read in a group
 * of its own while the run finishes, then tallied once the run stopped and late
 * duplicates stopped arriving.
 */
import { Stream, json } from "@switchyard/core";
import type { ResourceSource, RunSummary } from "@switchyard/core";
import { ProcessedLog } from "../e2e/processed-log.js";
import type { ProcessedItem } from "../e2e/scale-out/pipeline.js";
import type { RelayRun } from "./relay.js";
import { waitFor } from "./relay.js";

/** How long the output may take to show what a test waits for. */
const OUTPUT_TIMEOUT_MS = 30_000;

/** Waits until `count()` has not changed for `quietMs` (at most `timeoutMs` in all), so late duplicates are counted too. */
export async function waitQuiet(count: () => number, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = count();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (count() !== last) {
      last = count();
      since = Date.now();
    }
  }
}

/**
 * Reads `processed` in group `group` until `done(output)` holds (bounded;
 * fails early if the run crashed), stops the run and waits for late
 * duplicates. `opened` receives the output log at once, so the caller can
 * close it whatever happens.
 */
export async function collectOutput(
  resolver: ResourceSource,
  group: string,
  relay: RelayRun,
  opened: (log: ProcessedLog) => void,
  until: { what: string; done: (output: ProcessedLog) => boolean },
): Promise<{ output: ProcessedLog; summary: RunSummary }> {
  const output = await ProcessedLog.start(
    new Stream<ProcessedItem>(await resolver.open("stream", "processed"), {
      name: "processed",
      codec: json(),
    }),
    group,
  );
  opened(output);
  await waitFor(
    until.what,
    () => {
      output.check();
      return until.done(output);
    },
    {
      timeoutMs: OUTPUT_TIMEOUT_MS,
      failed: () => relay.crash(),
      detail: () => `${output.distinct} ids out; ${relay.processed} done; warnings:\n${relay.lastWarnings()}`,
    },
  );
  const summary = await relay.stop(15_000);
  await waitQuiet(() => output.records, 1000, 10_000);
  return { output, summary };
}

/** What {@link collectEveryId} found on the output stream once the run stopped. */
export interface Collected {
  /** The output as read, for counts and duplicates. */
  output: ProcessedLog;
  /** The run's final figures. */
  summary: RunSummary;
  /** Ids 0…count-1 that never arrived. */
  missing: number[];
  /** Ids that arrived but were never published. */
  unknown: number[];
}

/**
 * Reads the `processed` stream until every id of 0…count-1 has arrived, stops
 * the run, waits for late duplicates, and tallies what is missing.
 */
export async function collectEveryId(
  resolver: ResourceSource,
  group: string,
  relay: RelayRun,
  count: number,
  opened: (log: ProcessedLog) => void,
): Promise<Collected> {
  const { output, summary } = await collectOutput(resolver, group, relay, opened, {
    what: "every id reaches the output after the restart",
    done: (log) => log.distinct >= count,
  });
  const missing = Array.from({ length: count }, (_, id) => id).filter((id) => !output.arrivals.has(id));
  const unknown = [...output.arrivals.keys()].filter((id) => !(id >= 0 && id < count));
  return { output, summary, missing, unknown };
}
