/**
 * A Kafka broker that goes away mid-run: a pipeline relays numbered records
 * from one topic to another, the broker is killed with SIGKILL while the
 * pipeline is busy, stays down a few seconds and is started again on the same
 * port. The pipeline must ride it out — retrying with backoff, not crashing —
 * and its producer must write again once the broker is back.
 *
 * - Same data, ten kills at random moments of the run: every record must
 *   reach the output at least once; the duplicates that at-least-once allows
 *   are reported.
 * - Data wiped: the broker holding the output comes back with empty logs and
 *   no producer state (the source lives on another broker). What the old
 *   broker had acknowledged is gone with it; everything after must arrive.
 */
import { randomUUID } from "node:crypto";
import { ResourceResolver, defineConfig } from "@switchyard/core";
import { afterEach, expect, it } from "vitest";
import { kafka } from "../../packages/adapter-kafka/src/index.js";
import { partitionForKey } from "../../packages/adapter-kafka/src/kafka/transform.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import { describeService } from "../harness/suite.js";
import { OwnKafka, RECORDS, busyRelay } from "./kafka-outage.js";
import { collectAfterKills, expectRiddenOut, killServerRepeatedly } from "./kill-server-loop.js";
import { within } from "./outage.js";
import { collectOutput } from "./read-back.js";
import type { RelayRun } from "./relay.js";

const ITEM_PARTITIONS = 4;
const KILLS = 10;

/** The URLs of the relay's streams: the source on `source`, the output and dead letters on `sink`. */
function relayConfig(name: string, source: string, sink: string): ResourceResolver {
  const topic = (broker: string, stream: string, partitions: number) =>
    `kafka://${broker}/${name}-${stream}?create=true&partitions=${partitions}`;
  const config = defineConfig({
    adapters: [kafka()],
    profiles: {
      fault: {
        streams: {
          items: `${topic(source, "items", ITEM_PARTITIONS)}&sessionTimeoutMs=6000`,
          processed: topic(sink, "processed", 4),
          "dead-letters": topic(sink, "dead-letters", 1),
        },
      },
    },
  });
  return new ResourceResolver(config, "fault");
}

/** Each source partition's ids, in the order the relay reads them. */
function idsByPartition(): number[][] {
  const partitions: number[][] = Array.from({ length: ITEM_PARTITIONS }, () => []);
  for (let id = 0; id < RECORDS; id++) partitions[partitionForKey(String(id), ITEM_PARTITIONS)]!.push(id);
  return partitions;
}

// Uses brokers of its own, which it kills; the harness's shared broker tells whether Kafka can run here.
describeService("kafka", "a Kafka broker killed and restarted mid-run", (env) => {
  let broker: OwnKafka | undefined;
  let resolver: ResourceResolver | undefined;
  let relay: RelayRun | undefined;
  let log: ProcessedLog | undefined;

  afterEach(async () => {
    // Each step is bounded: after a failed restart, clients of a dead broker could wait out their timeouts.
    await within(5000, relay?.stop(5000) ?? Promise.resolve());
    await within(5000, log?.close() ?? Promise.resolve());
    await within(5000, resolver?.close() ?? Promise.resolve());
    await broker?.stop();
    [broker, resolver, relay, log] = [undefined, undefined, undefined, undefined];
  });

  it(
    `keeps the pipeline running through ${KILLS} kills and delivers every record at least once`,
    { timeout: 600_000 },
    async () => {
      const name = `fault-${randomUUID().slice(0, 8)}`;
      broker = await OwnKafka.start();
      const own = broker;
      resolver = relayConfig(name, own.address, own.address);
      // Few batches in flight: records done while the broker is away would come out in one burst on
      // its return, past the next kills' moments (with all 100 batches in flight, half the kills of one run came after the end).
      const current = await busyRelay(resolver, `${name}-relay`, (run) => (relay = run), 3);
      const kills = await killServerRepeatedly({
        relay: current,
        records: RECORDS,
        kills: KILLS,
        restart: (downMs) => own.restart({ wipe: false, downMs }),
        progressTimeoutMs: 90_000,
      });
      const result = await collectAfterKills(
        resolver,
        `${name}-audit`,
        current,
        RECORDS,
        { server: "broker", kills },
        (opened) => (log = opened),
      );
      console.log(`kafka-restart: ${result.report}`);
      expectRiddenOut(result);
    },
  );

  it(
    "writes every record it had not finished to a broker whose data was wiped",
    { timeout: 180_000 },
    async () => {
      const name = `wiped-${randomUUID().slice(0, 8)}`;
      broker = await OwnKafka.start();
      resolver = relayConfig(name, env.SWITCHYARD_KAFKA_BROKERS!, broker.address);
      const current = await busyRelay(resolver, `${name}-relay`, (run) => (relay = run));
      const atKill = current.processed;
      const outage = await broker.restart({ wipe: true });
      const backAt = Date.now();

      const partitions = idsByPartition();
      const { output, summary } = await collectOutput(resolver, `${name}-audit`, current, (o) => (log = o), {
        what: "the run finishes and each source partition's last record reaches the wiped broker",
        done: (out) =>
          current.processed >= RECORDS && partitions.every((ids) => out.arrivals.has(ids.at(-1)!)),
      });
      // Per source partition, what arrived must be everything from some record on: the records the old
      // broker had acknowledged are gone with its data, but no record after them may be missing.
      const lost = partitions.map((ids) => ids.findIndex((id) => output.arrivals.has(id)));
      const gaps = partitions.flatMap((ids, p) =>
        ids.slice(Math.max(lost[p]!, 0)).filter((id) => !output.arrivals.has(id)),
      );
      const report =
        `${RECORDS} records, ${output.distinct} on the wiped broker (${output.duplicates} duplicates), ` +
        `${lost.reduce((a, b) => a + b, 0)} lost with its data (${atKill} done at the kill), ` +
        `${summary.deadLetters} dead letters; down ${outage.downMs} ms, ` +
        `every record out ${Date.now() - backAt} ms after it was back; ${current.warnings.length} warnings`;
      console.log(`kafka-restart (data wiped): ${report}`);
      expect({ gaps: gaps.length, emptyPartitions: lost.filter((i) => i < 0).length }, report).toEqual({
        gaps: 0,
        emptyPartitions: 0,
      });
      expect(summary.deadLetters, `nothing is dead-lettered; ${report}`).toBe(0);
    },
  );
});
