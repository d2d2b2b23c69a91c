/**
 * Scaling out on Kafka: three `switchyard run` processes of one pipeline share
 * a six-partition topic in one consumer group. One is killed with SIGKILL
 * mid-run; the group hands its partitions to the survivors, which resume from
 * its last committed positions. Every record must reach the output at least
 * once; the duplicates that at-least-once allows are counted and reported.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { ResourceResolver, Stream, json } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { deleteTopics } from "./engine-data.js";
import { ProcessedLog } from "./processed-log.js";
import { ScaleOutRun } from "./scale-out-run.js";
import type { Item, ProcessedItem } from "./scale-out/pipeline.js";
import config from "./scale-out/switchyard.config.js";

const RECORDS = 30_000;
const NAMES = ["a", "b", "c"] as const;
const VICTIM = "b";
/** The victim is killed once it wrote this many records with all three running, provided the run is not past this share. */
const KILL_AFTER_RECORDS = 1000;
const KILL_BEFORE_SHARE = 0.6;
const SCALE_OUT_DIR = fileURLToPath(new URL("./scale-out/", import.meta.url));

describeService("kafka", "three instances in one consumer group, one killed mid-run", (env) => {
  const runId = `e2e-scale-${randomUUID().slice(0, 8)}`;
  const vars = {
    SWITCHYARD_KAFKA_BROKERS: env.SWITCHYARD_KAFKA_BROKERS!,
    E2E_RUN: runId,
    E2E_GROUP: `${runId}-group`,
  };
  const resolver = new ResourceResolver(config, "kafka", { env: vars, baseDir: SCALE_OUT_DIR });
  const run = new ScaleOutRun({
    names: NAMES,
    victim: VICTIM,
    logPrefix: "switchyard-scale-out-",
    expected: () => RECORDS,
  });

  afterAll(async () => {
    // Whatever happened in the test, no instance outlives it.
    await run.close();
    await resolver.close().catch(() => undefined);
    const topics = ["items", "processed", "dead-letters"].map((t) => `${runId}-${t}`);
    await deleteTopics(vars.SWITCHYARD_KAFKA_BROKERS, topics).catch(() => undefined);
  });

  it("processes every record at least once and reports the duplicates", { timeout: 180_000 }, async () => {
    const items = new Stream<Item>(await resolver.open("stream", "items"), { name: "items", codec: json() });
    const processed = new Stream<ProcessedItem>(await resolver.open("stream", "processed"), {
      name: "processed",
      codec: json(),
    });
    for (let first = 0; first < RECORDS; first += 1000) {
      const ids = Array.from({ length: Math.min(1000, RECORDS - first) }, (_, i) => first + i);
      await items.publish(ids.map((id) => ({ key: String(id), value: { id } })));
    }
    const log = await ProcessedLog.start(processed, `${runId}-audit`);
    run.log = log;

    run.start(["./pipeline.ts", "--profile", "kafka", "--quiet"], SCALE_OUT_DIR, vars);

    await run.until("every instance writes records", () => NAMES.every((n) => log.countOf(n) > 0), 90_000);
    // Killed while it is busy with its share: it must have written more since the group was balanced.
    const balanced = log.countOf(VICTIM);
    await run.until(
      "the victim keeps writing records",
      () => log.countOf(VICTIM) >= balanced + KILL_AFTER_RECORDS,
      60_000,
    );
    const atKill = { total: log.distinct, victim: log.countOf(VICTIM) };
    await run.kill();
    expect(
      atKill.total,
      `the kill came too late to test takeover: ${atKill.total} of ${RECORDS} ids were out`,
    ).toBeLessThan(RECORDS * KILL_BEFORE_SHARE);

    await run.until("every id reaches the output", () => log.distinct >= RECORDS, 120_000);
    const exits = await run.stopSurvivors(30_000);

    const report = `${run.summary(RECORDS, atKill.victim)}, ${atKill.total} ids out`;
    console.log(`scale-out: ${report}`);
    expect(run.gaps(RECORDS), report).toEqual({ missing: 0, unknown: [] });
    expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
  });
});
