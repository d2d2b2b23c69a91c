/**
 * A Kafka broker that goes away mid-run: a pipeline relays numbered records
 * from one topic to another on a broker of its own, the broker is killed with
 * SIGKILL while the pipeline is busy, stays down a few seconds and is started
 * again on the same port and data. The pipeline must ride it out — retrying
 * with backoff, not crashing — and every record must reach the output at least
 * once; the duplicates that at-least-once allows are reported.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { ResourceResolver, Stream, defineConfig, json } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { kafka } from "../../packages/adapter-kafka/src/index.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { Item } from "../e2e/scale-out/pipeline.js";
import type { ServiceProcess } from "../harness/processes.js";
import { describeService } from "../harness/suite.js";
import { formatKafkaNode, launchKafka } from "../services/kafka.js";
import type { KafkaNode } from "../services/kafka.js";
import { restartServer, within } from "./outage.js";
import { RelayRun, collectEveryId, publishItems, relayPipeline, waitFor } from "./relay.js";

const RECORDS = 6000;
/** At about a thousand records a second, the run is a quarter done when the broker is killed. */
const WORK_MS_PER_RECORD = 1;
const KILL_AT = 1500;
const DOWN_MS = 3000;
/**
 * A restarted broker registers again only once the controller gave up on its
 * previous incarnation (after `broker.session.timeout.ms`, 9 s by default, as in
 * production); a shorter session keeps the test short without changing what it shows.
 */
const BROKER_PROPERTIES = { "broker.session.timeout.ms": "2000", "broker.heartbeat.interval.ms": "500" };

// Uses a broker of its own, which it kills; the harness's shared broker only tells whether Kafka can run here.
describeService("kafka", "a Kafka broker killed and restarted mid-run", () => {
  const name = `fault-${randomUUID().slice(0, 8)}`;
  let node: KafkaNode | undefined;
  let broker: ServiceProcess | undefined;
  let resolver: ResourceResolver | undefined;
  let relay: RelayRun | undefined;
  let log: ProcessedLog | undefined;

  beforeAll(async () => {
    node = await formatKafkaNode(BROKER_PROPERTIES);
    broker = await launchKafka(node);
  }, 90_000);

  afterAll(async () => {
    // Each step is bounded: after a failed restart, clients of a dead broker could wait out their timeouts.
    await within(5000, relay?.stop(5000) ?? Promise.resolve());
    await within(5000, log?.close() ?? Promise.resolve());
    await within(5000, resolver?.close() ?? Promise.resolve());
    await broker?.stop(2000);
    if (node !== undefined) rmSync(node.dir, { recursive: true, force: true });
  });

  it("keeps the pipeline running and delivers every record at least once", { timeout: 120_000 }, async () => {
    const base = `kafka://127.0.0.1:${node!.brokerPort}/${name}`;
    const config = defineConfig({
      adapters: [kafka()],
      profiles: {
        fault: {
          streams: {
            items: `${base}-items?create=true&partitions=4&sessionTimeoutMs=6000`,
            processed: `${base}-processed?create=true&partitions=4`,
            "dead-letters": `${base}-dead-letters?create=true&partitions=1`,
          },
        },
      },
    });
    resolver = new ResourceResolver(config, "fault");
    const items = new Stream<Item>(await resolver.open("stream", "items"), { name: "items", codec: json() });
    await publishItems(items, RECORDS);

    const started = Date.now();
    const current = new RelayRun(
      relayPipeline({ group: `${name}-relay`, workMsPerRecord: WORK_MS_PER_RECORD }),
      resolver,
    );
    relay = current;
    const progress = () => `${current.processed} of ${RECORDS} done; warnings:\n${current.lastWarnings()}`;
    await waitFor("the pipeline gets going", () => current.processed >= KILL_AT, {
      timeoutMs: 30_000,
      failed: () => current.crash(),
      detail: progress,
    });

    const atKill = current.processed;
    const killedAt = Date.now() - started;
    const outage = await restartServer(broker!, DOWN_MS, () => launchKafka(node!));
    broker = outage.server;
    const backAt = Date.now();
    expect(atKill, "the broker went away only once the run was over").toBeLessThan(RECORDS);

    const { output, summary, missing, unknown } = await collectEveryId(
      resolver,
      `${name}-audit`,
      current,
      RECORDS,
      (opened) => (log = opened),
    );
    const recoveredMs = Date.now() - backAt;
    const report =
      `${RECORDS} records, ${output.records} written, ${output.duplicates} duplicates, ` +
      `${summary.deadLetters} dead letters; broker killed at ${killedAt} ms (${atKill} done), ` +
      `down ${outage.times.downMs} ms (restart took ${outage.times.restartMs} ms), ` +
      `every id out ${recoveredMs} ms after it was back; ${current.warnings.length} warnings`;
    console.log(`kafka-restart: ${report}`);
    expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
    expect(summary.deadLetters, `a broker outage is transient: nothing is dead-lettered; ${report}`).toBe(0);
  });
});
