/**
 * Scaling out on Kafka: three `switchyard run` processes of one pipeline share
 * a six-partition topic in one consumer group. One is killed with SIGKILL
 * mid-run; the group hands its partitions to the survivors, which resume from
 * its last committed positions. Every record must reach the output at least
 * once; the duplicates that at-least-once allows are counted and reported.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ResourceResolver, Stream, json } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { deleteTopics } from "./engine-data.js";
import { killInstance, startInstance, stopInstance } from "./instances.js";
import type { PipelineInstance } from "./instances.js";
import { ProcessedLog } from "./processed-log.js";
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
  const run = `e2e-scale-${randomUUID().slice(0, 8)}`;
  const vars = {
    SWITCHYARD_KAFKA_BROKERS: env.SWITCHYARD_KAFKA_BROKERS!,
    E2E_RUN: run,
    E2E_GROUP: `${run}-group`,
  };
  const resolver = new ResourceResolver(config, "kafka", { env: vars, baseDir: SCALE_OUT_DIR });
  const instances: PipelineInstance[] = [];
  const logDir = mkdtempSync(join(tmpdir(), "switchyard-scale-out-"));
  let log: ProcessedLog | undefined;

  afterAll(async () => {
    // Whatever happened in the test, no instance outlives it.
    await Promise.all(instances.map((i) => i.process.stop(2000)));
    rmSync(logDir, { recursive: true, force: true });
    await log?.close().catch(() => undefined);
    await resolver.close().catch(() => undefined);
    const topics = ["items", "processed", "dead-letters"].map((t) => `${run}-${t}`);
    await deleteTopics(vars.SWITCHYARD_KAFKA_BROKERS, topics).catch(() => undefined);
  });

  /** Waits for `done`, failing with the counts and every instance's output after `timeoutMs` or when an instance dies. */
  async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      log?.check();
      const died = instances.find((i) => !i.running() && i.name !== VICTIM);
      if (died !== undefined || Date.now() > deadline) {
        const counts = NAMES.map((n) => `${n}=${log?.countOf(n) ?? 0}`).join(" ");
        const outputs = instances.map((i) => `--- ${i.name}:\n${i.output()}`).join("\n");
        const why = died === undefined ? `not within ${timeoutMs} ms` : `instance ${died.name} exited`;
        throw new Error(
          `${what}: ${why}; ${log?.distinct ?? 0}/${RECORDS} ids, written ${counts}\n${outputs}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

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
    log = await ProcessedLog.start(processed, `${run}-audit`);

    const args = ["./pipeline.ts", "--profile", "kafka", "--quiet"];
    for (const name of NAMES) {
      instances.push(startInstance(name, args, { cwd: SCALE_OUT_DIR, env: vars, logDir }));
    }
    const victim = instances.find((i) => i.name === VICTIM)!;
    const current = log;

    await until("every instance writes records", () => NAMES.every((n) => current.countOf(n) > 0), 90_000);
    // Killed while it is busy with its share: it must have written more since the group was balanced.
    const balanced = current.countOf(VICTIM);
    await until(
      "the victim keeps writing records",
      () => current.countOf(VICTIM) >= balanced + KILL_AFTER_RECORDS,
      60_000,
    );
    const atKill = { total: current.distinct, victim: current.countOf(VICTIM) };
    await killInstance(victim);
    expect(
      atKill.total,
      `the kill came too late to test takeover: ${atKill.total} of ${RECORDS} ids were out`,
    ).toBeLessThan(RECORDS * KILL_BEFORE_SHARE);

    await until("every id reaches the output", () => current.distinct >= RECORDS, 120_000);
    const survivors = instances.filter((i) => i !== victim);
    const exits = await Promise.all(survivors.map((i) => stopInstance(i, 30_000)));

    const missing = Array.from({ length: RECORDS }, (_, id) => id).filter((id) => !current.arrivals.has(id));
    const unknown = [...current.arrivals.keys()].filter((id) => !(id >= 0 && id < RECORDS));
    const written = NAMES.map((n) => `${n} ${current.countOf(n)}`).join(", ");
    const report =
      `${RECORDS} records, ${current.records} written (${written}), ${current.duplicates} duplicates; ` +
      `${VICTIM} killed at ${atKill.victim} written by it, ${atKill.total} ids out`;
    console.log(`scale-out: ${report}`);
    expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
    expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
  });
});
