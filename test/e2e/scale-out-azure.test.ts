/**
 * Scaling out on Event Hubs: three `switchyard run` processes of one pipeline
 * share a four-partition hub in one consumer group, balancing partitions
 * through ownership blobs on Azurite (the SDK's event processor). One is
 * killed with SIGKILL mid-run; once its ownerships expire the survivors claim
 * its partitions and resume from its last checkpoints. Every record must reach
 * the output at least once; the duplicates that at-least-once allows are
 * counted and reported.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { ResourceResolver, Stream, json } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { createHub, deleteHub } from "../services/eventhubs.js";
import { ProcessedLog } from "./processed-log.js";
import { ScaleOutRun } from "./scale-out-run.js";
import type { Item, ProcessedItem } from "./scale-out/pipeline.js";
import config from "./scale-out-azure/switchyard.config.js";

const RECORDS = 12_000;
const NAMES = ["a", "b", "c"] as const;
const VICTIM = "b";
/** The victim is killed once it wrote this many records with all three running, provided the run is not past this share. */
const KILL_AFTER_RECORDS = 400;
const KILL_BEFORE_SHARE = 0.7;
/** Keys the items are published under: few enough that a send fills batches, enough to cover every partition. */
const KEYS = 32;
const DIR = fileURLToPath(new URL("./scale-out-azure/", import.meta.url));

const title = "three instances on a 4-partition hub, one killed mid-run";

describeService("eventhubs", title, (eventHubs) =>
  describeService("azurite", "ownership and checkpoints on Azurite", (azurite) => {
    const run = `e2e-scale-${randomUUID().slice(0, 8)}`;
    const control = eventHubs.SWITCHYARD_EVENTHUBS_CONTROL_URL!;
    const secrets = {
      AZURE_EVENTHUBS_CONNECTION_STRING: eventHubs.SWITCHYARD_EVENTHUBS_CONNECTION_STRING!,
      AZURE_STORAGE_CONNECTION_STRING: azurite.SWITCHYARD_AZURITE_CONNECTION_STRING!,
    };
    const vars = { E2E_RUN: run, E2E_GROUP: `${run}-group`, ...secrets };
    const resolver = new ResourceResolver(config, "azure", { env: vars, baseDir: DIR });
    const hubs = { items: 4, processed: 4, "dead-letters": 1 };
    const scale = new ScaleOutRun({
      names: NAMES,
      victim: VICTIM,
      logPrefix: "switchyard-scale-out-azure-",
      expected: () => RECORDS,
    });

    afterAll(async () => {
      await scale.close();
      await resolver.close().catch(() => undefined);
      for (const name of Object.keys(hubs)) await deleteHub(control, `${run}-${name}`);
    });

    it("processes every record at least once and reports the duplicates", { timeout: 180_000 }, async () => {
      // The adapter reads its secrets from the process environment, as a deployment sets them.
      Object.assign(process.env, secrets);
      for (const [name, partitions] of Object.entries(hubs))
        await createHub(control, `${run}-${name}`, partitions);
      const items = new Stream<Item>(await resolver.open("stream", "items"), {
        name: "items",
        codec: json(),
      });
      const processed = new Stream<ProcessedItem>(await resolver.open("stream", "processed"), {
        name: "processed",
        codec: json(),
      });
      for (let first = 0; first < RECORDS; first += 1000) {
        const ids = Array.from({ length: Math.min(1000, RECORDS - first) }, (_, i) => first + i);
        await items.publish(ids.map((id) => ({ key: `k${id % KEYS}`, value: { id } })));
      }
      const log = await ProcessedLog.start(processed, `${run}-audit`);
      scale.log = log;

      // 5 ms of work per record: one instance alone must not finish before ownership is shared.
      scale.start(["./pipeline.ts", "--profile", "azure", "--quiet"], DIR, { ...vars, E2E_WORK_MS: "5" });

      await scale.until(
        "every instance writes records",
        () => NAMES.every((n) => log.countOf(n) > 0),
        90_000,
      );
      const balanced = log.countOf(VICTIM);
      await scale.until(
        "the victim keeps writing records",
        () => log.countOf(VICTIM) >= balanced + KILL_AFTER_RECORDS,
        60_000,
      );
      const atKill = { total: log.distinct, victim: log.countOf(VICTIM) };
      const killedAt = Date.now();
      await scale.kill();
      expect(
        atKill.total,
        `the kill came too late to test takeover: ${atKill.total} of ${RECORDS} ids were out`,
      ).toBeLessThan(RECORDS * KILL_BEFORE_SHARE);

      await scale.until("every id reaches the output", () => log.distinct >= RECORDS, 120_000);
      const doneMs = Date.now() - killedAt;
      const exits = await scale.stopSurvivors(30_000);

      const report =
        `${scale.summary(RECORDS, atKill.victim)}, ${atKill.total} ids out; ` +
        `every id out ${doneMs} ms after the kill`;
      console.log(`scale-out (event hubs): ${report}`);
      expect(scale.gaps(RECORDS), report).toEqual({ missing: 0, unknown: [] });
      expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
    });
  }),
);
