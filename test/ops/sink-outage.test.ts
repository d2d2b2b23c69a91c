/**
 * The broker behind a pipeline's output dying mid-run, as an operator sees it:
 * the source is on the harness's broker, the output and dead-letter streams on
 * a broker of the test's own, which is killed with SIGKILL while the pipeline
 * is busy. Within seconds a warning names the output stream, its portable code
 * and the retry, and the stats count records retrying; once the broker is back
 * the run resumes and every record arrives, none dead-lettered. A stop while
 * the broker is still down ends within the drain timeout plus a small bound.
 */
import { randomUUID } from "node:crypto";
import { ResourceResolver, defineConfig } from "@switchyard/core";
import { afterEach, expect, it } from "vitest";
import { kafka } from "../../packages/adapter-kafka/src/index.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import { OwnKafka, RECORDS, busyRelay } from "../fault/kafka-outage.js";
import { within } from "../fault/outage.js";
import { collectEveryId } from "../fault/read-back.js";
import { waitFor } from "../fault/relay.js";
import type { RelayRun } from "../fault/relay.js";
import { describeService } from "../harness/suite.js";

/** RelayRun's drain timeout, and what a stop may take beyond it (abandoning, flush, final commit). */
const STOP_BOUND_MS = 10_000 + 15_000;
/** A warning from the output's write that names the stream, a portable code and the retry. */
const SINK_RETRY = /to:processed#\d+: (Unavailable|DeadlineExceeded): [^\n]*stream "processed"[^\n]*retrying/;

/** The relay's streams: `items` on `source`, the output and dead letters on `sink`. */
function relayConfig(name: string, source: string, sink: string): ResourceResolver {
  const topic = (broker: string, stream: string) =>
    `kafka://${broker}/${name}-${stream}?create=true&partitions=${stream === "dead-letters" ? 1 : 4}`;
  const config = defineConfig({
    adapters: [kafka()],
    profiles: {
      ops: {
        streams: {
          items: topic(source, "items"),
          processed: topic(sink, "processed"),
          "dead-letters": topic(sink, "dead-letters"),
        },
      },
    },
  });
  return new ResourceResolver(config, "ops");
}

// Uses a broker of its own for the output, which it kills; the source is on the harness's broker.
describeService("kafka", "the output's Kafka broker killed mid-run", (env) => {
  let broker: OwnKafka | undefined;
  let resolver: ResourceResolver | undefined;
  let relay: RelayRun | undefined;
  let log: ProcessedLog | undefined;

  afterEach(async () => {
    await within(5000, relay?.stop(5000) ?? Promise.resolve());
    await within(5000, log?.close() ?? Promise.resolve());
    await within(5000, resolver?.close() ?? Promise.resolve());
    await broker?.stop();
    [broker, resolver, relay, log] = [undefined, undefined, undefined, undefined];
  });

  /** Starts the output's broker and a busy relay; resolves once it is a quarter done. */
  async function busy(name: string): Promise<RelayRun> {
    broker = await OwnKafka.start();
    resolver = relayConfig(name, env.SWITCHYARD_KAFKA_BROKERS!, broker.address);
    return busyRelay(resolver, `${name}-relay`, (run) => (relay = run));
  }

  /** Waits until the run warns about the output and counts records retrying; returns how long the warning took. */
  async function outageShows(current: RelayRun, since: number): Promise<number> {
    const detail = () => `${current.processed} done; warnings:\n${current.lastWarnings()}`;
    await waitFor(
      "a warning names the stream, the code and the retry",
      () => current.warnings.some((w) => SINK_RETRY.test(w)),
      {
        timeoutMs: 30_000,
        failed: () => current.crash(),
        detail,
      },
    );
    const warnedMs = Date.now() - since;
    await waitFor("the stats count records retrying", () => current.stats().retrying > 0, {
      timeoutMs: 30_000,
      failed: () => current.crash(),
      detail,
    });
    return warnedMs;
  }

  it(
    "warns, shows the retries, resumes when it is back and loses nothing",
    { timeout: 240_000 },
    async () => {
      const name = `sink-${randomUUID().slice(0, 8)}`;
      const current = await busy(name);
      const atKill = current.processed;
      const killedAt = Date.now();
      await broker!.kill();
      const warnedMs = await outageShows(current, killedAt);
      const outage = await broker!.restart({ wipe: false });
      const backAt = Date.now();

      const { output, summary, missing, unknown } = await collectEveryId(
        resolver!,
        `${name}-audit`,
        current,
        RECORDS,
        (opened) => (log = opened),
      );
      const report =
        `${RECORDS} records, ${output.records} written, ${output.duplicates} duplicates, ` +
        `${summary.deadLetters} dead letters; broker killed with ${atKill} done, warned after ${warnedMs} ms, ` +
        `restart took ${outage.restartMs} ms, every id out ${Date.now() - backAt} ms after it was back`;
      console.log(`sink-outage: ${report}`);
      expect(warnedMs, `the outage shows within seconds; ${report}`).toBeLessThan(15_000);
      expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
      expect(summary.deadLetters, `a broker outage is transient: nothing is dead-lettered; ${report}`).toBe(
        0,
      );
    },
  );

  it("stops gracefully while the broker is still down", { timeout: 180_000 }, async () => {
    const current = await busy(`sink-${randomUUID().slice(0, 8)}`);
    await broker!.kill();
    await outageShows(current, Date.now());
    const stopping = Date.now();
    const summary = await current.stop(STOP_BOUND_MS);
    const tookMs = Date.now() - stopping;
    console.log(`sink-outage: stopped with the broker down in ${tookMs} ms, ${summary.processed} done`);
    expect(tookMs, "the drain timeout plus a small bound").toBeLessThan(STOP_BOUND_MS);
    expect(summary.deadLetters, "records left undone are redelivered, not dead-lettered").toBe(0);
  });
});
