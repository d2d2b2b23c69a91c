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
import { Feed } from "./feed.js";
import { ProcessedLog } from "./processed-log.js";
import { ScaleOutRun } from "./scale-out-run.js";
import type { Item, ProcessedItem } from "./scale-out/pipeline.js";
import config from "./scale-out-azure/switchyard.config.js";

const NAMES = ["a", "b", "c"] as const;
const VICTIM = "b";
/** Items arrive this many a send, a send every FEED_EVERY_MS (500 a second). */
const FEED_PER_SEND = 100;
const FEED_EVERY_MS = 200;
/** The victim is killed once it wrote this many records with all three running. */
const KILL_AFTER_RECORDS = 400;
/** Items published after the kill: ten seconds' worth, outlasting the ownership expiry (6 s). */
const AFTER_KILL = 5000;
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
    let feed: Feed | undefined;
    const scale = new ScaleOutRun({
      names: NAMES,
      victim: VICTIM,
      logPrefix: "switchyard-scale-out-azure-",
      expected: () => feed?.published ?? 0,
      check: () => feed?.check(),
    });

    afterAll(async () => {
      await feed?.stop();
      await scale.close();
      await resolver.close().catch(() => undefined);
      for (const name of Object.keys(hubs)) await deleteHub(control, `${run}-${name}`);
    });

    it("processes every record at least once and reports the duplicates", { timeout: 240_000 }, async () => {
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
      const log = await ProcessedLog.start(processed, `${run}-audit`);
      scale.log = log;
      // A steady feed, not a backlog: however long the instances take to start and share the
      // partitions, records are left for the kill to interrupt.
      const source = new Feed(items, FEED_PER_SEND, FEED_EVERY_MS, (id) => `k${id % KEYS}`);
      feed = source;

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
      await source.finishAfter(AFTER_KILL);
      const records = source.published;

      await scale.until("every id reaches the output", () => log.distinct >= records, 120_000);
      const doneMs = Date.now() - killedAt;
      const exits = await scale.stopSurvivors(30_000);

      const report =
        `${scale.summary(records, atKill.victim)}, ${atKill.total} ids out at the kill; ` +
        `every id out ${doneMs} ms after the kill`;
      console.log(`scale-out (event hubs): ${report}`);
      expect(scale.gaps(records), report).toEqual({ missing: 0, unknown: [] });
      expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
    });
  }),
);
