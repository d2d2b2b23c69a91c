/**
 * A kill loop on one back end: `switchyard run` is started and, once it has
 * written its first record, killed with SIGKILL at a random moment (a random time, or a random
 * share of the ids left if that comes first), `cycles` times, then started once more and let
 * finish, while the test reads the output as it is written and counts lost
 * ids, duplicates per kill and per-key order breaks.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ResourceResolver, Stream, json } from "@switchyard/core";
import { killInstance, startInstance, stopInstance } from "../../e2e/instances.js";
import type { PipelineInstance } from "../../e2e/instances.js";
import { OutputTally } from "./output-tally.js";
import type { Tally } from "./output-tally.js";
import type { Sequenced } from "./pipeline.js";
import config from "./switchyard.config.js";

const DIR = fileURLToPath(new URL("./", import.meta.url));
const KEYS = 50;

/** Options of {@link killLoop}. */
export interface KillLoopOptions {
  /** The config profile: `eventhubs`, `kafka`, `kinesis`, `pubsub` or `redis`. */
  profile: "eventhubs" | "kafka" | "kinesis" | "pubsub" | "redis";
  /** Makes what the profile's streams need before anything is opened (hubs on the Event Hubs double), given the run's name. */
  prepare?: (run: string) => Promise<void>;
  /** Variables the profile's URLs need. */
  env: Record<string, string>;
  /** Records published before the first start. */
  records: number;
  /** Kills. */
  cycles: number;
  /** Longest an instance works before it is killed, ms: each is killed a random time up to this after it first wrote a record. */
  maxWorkMs: number;
  /** Longest an instance may take to write its first record, ms. */
  startTimeoutMs: number;
  /** Longest the final run may take to write every record, ms. */
  finishTimeoutMs: number;
  /**
   * How long a restart waits after the kill, ms (0 when not given). The Pub/Sub
   * emulator hands a new subscriber later messages of an ordering key while
   * earlier ones are still leased to the killed one; the service holds the key
   * back until those leases expire, and waiting out the ack deadline does the same.
   */
  restartAfterMs?: number;
}

/** What a kill loop showed. */
export interface KillLoopResult extends Tally {
  /** Records published. */
  records: number;
  /** Duplicates that arrived after each kill, before the next one (the last: until the end). */
  duplicatesPerKill: number[];
  /** How long each killed instance worked (from its first record written to its kill), ms. */
  workedMs: number[];
  /** Ids written for the first time by each killed instance. */
  progress: number[];
  /** How long each killed instance took from its start to its first record written, ms. */
  firstWriteMs: number[];
  /** How the final run ended: its exit code, or why it was killed. */
  finalExit: number | string;
}

/** Runs the loop; the result holds the counts, never throws on a count. */
export async function killLoop(options: KillLoopOptions): Promise<KillLoopResult> {
  const run = `kill-${randomUUID().slice(0, 8)}`;
  const vars = { ...options.env, KILL_RUN: run, KILL_INSTANCE: `${run}-solo` };
  const resolver = new ResourceResolver(config, options.profile, { env: vars, baseDir: DIR });
  const logDir = mkdtempSync(join(tmpdir(), "switchyard-kill-loop-"));
  const tally = new OutputTally();
  const stop = new AbortController();
  let instance: PipelineInstance | undefined;
  try {
    await options.prepare?.(run);
    const items = new Stream<Sequenced>(await resolver.open("stream", "items"), {
      name: "items",
      codec: json(),
    });
    const processed = new Stream<Sequenced>(await resolver.open("stream", "processed"), {
      name: "processed",
      codec: json(),
    });
    // Pub/Sub keeps a message only for the subscriptions that exist when it arrives: the group's first.
    if (options.profile === "pubsub") await (await items.subscribe({ group: `${run}-pipeline` })).close();
    for (let first = 0; first < options.records; first += 1000) {
      const ids = Array.from({ length: Math.min(1000, options.records - first) }, (_, i) => first + i);
      await items.publish(
        ids.map((id) => {
          const value = { id, key: `k${id % KEYS}`, seq: Math.floor(id / KEYS) };
          return { key: value.key, value };
        }),
      );
    }
    const subscription = await processed.subscribe({ group: `${run}-audit`, start: "earliest" });
    const reading = (async () => {
      for (;;) {
        const batch = await subscription.receive(stop.signal);
        if (batch === undefined) return;
        for (const record of batch.records) tally.add(record.value);
        subscription.ack([...batch.records, ...batch.undecodable]);
      }
    })();

    // Not quiet: timed stats lines (done, lag, in flight, retrying) in the log tell where a slow start waits.
    const args = ["./pipeline.ts", "--profile", options.profile, "--log-format", "json"];
    const start = (name: string) => startInstance(name, args, { cwd: DIR, env: vars, logDir });
    const duplicatesAt: number[] = [];
    const workedMs: number[] = [];
    const progress: number[] = [];
    const firstWriteMs: number[] = [];
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      const before = tally.snapshot();
      instance = start(`${run}-${cycle}`);
      duplicatesAt.push(before.duplicates);
      const written = () => {
        const now = tally.snapshot();
        return now.unique + now.duplicates > before.unique + before.duplicates;
      };
      const startedAt = Date.now();
      await until(written, options.startTimeoutMs, instance, () => {
        const now = tally.snapshot();
        return `${now.unique} of ${options.records} ids out before it started, ${now.duplicates} duplicates`;
      });
      firstWriteMs.push(Date.now() - startedAt);
      // Killed after a random time or a random share of the ids left, whichever comes first: by time
      // alone, a fast machine worked off every record in a few lives and the next restart had nothing to write.
      const work = Math.round(options.maxWorkMs * Math.random());
      const share = (options.records - before.unique) / (options.cycles - cycle + 1);
      const target = before.unique + Math.round(share * Math.random());
      const workStart = Date.now();
      while (Date.now() - workStart < work && tally.snapshot().unique < target) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await killInstance(instance);
      workedMs.push(Date.now() - workStart);
      progress.push(tally.snapshot().unique - before.unique);
      await new Promise((resolve) => setTimeout(resolve, options.restartAfterMs ?? 0));
    }
    instance = start(`${run}-final`);
    duplicatesAt.push(tally.snapshot().duplicates);
    const deadline = Date.now() + options.finishTimeoutMs;
    while (tally.snapshot().unique < options.records && Date.now() < deadline && instance.running()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Late duplicates of the last kill arrive with the final run's first batches; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const finalExit = await stopInstance(instance, 30_000);
    const end = tally.snapshot();
    stop.abort();
    await reading.catch(() => undefined);
    await subscription.close();
    const duplicatesPerKill = duplicatesAt.slice(1).map((at, i) => {
      const next = duplicatesAt[i + 2] ?? end.duplicates;
      return next - at;
    });
    return {
      ...end,
      records: options.records,
      duplicatesPerKill,
      workedMs,
      progress,
      firstWriteMs,
      finalExit,
    };
  } finally {
    stop.abort();
    if (instance?.running() === true) await killInstance(instance);
    await resolver.close();
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** Waits until `condition()` holds; throws after `timeoutMs` or when the instance exits. */
async function until(
  condition: () => boolean,
  timeoutMs: number,
  instance: PipelineInstance,
  detail: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (!instance.running())
      throw new Error(`${instance.name} exited before writing a record (${detail()}):\n${instance.output()}`);
    if (Date.now() > deadline)
      throw new Error(
        `${instance.name} wrote nothing within ${timeoutMs} ms (${detail()}):\n${instance.output()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
