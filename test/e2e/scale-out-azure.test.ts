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
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ResourceResolver, Stream, json } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { createHub, deleteHub } from "../services/eventhubs.js";
import { killInstance, startInstance, stopInstance } from "./instances.js";
import type { PipelineInstance } from "./instances.js";
import { ProcessedLog } from "./processed-log.js";
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
    const instances: PipelineInstance[] = [];
    const logDir = mkdtempSync(join(tmpdir(), "switchyard-scale-out-azure-"));
    const hubs = { items: 4, processed: 4, "dead-letters": 1 };
    let log: ProcessedLog | undefined;

    afterAll(async () => {
      await Promise.all(instances.map((i) => i.process.stop(2000)));
      rmSync(logDir, { recursive: true, force: true });
      await log?.close().catch(() => undefined);
      await resolver.close().catch(() => undefined);
      for (const name of Object.keys(hubs)) await deleteHub(control, `${run}-${name}`);
    });

    /** Waits for `done`, failing with the counts and every instance's output after `timeoutMs` or when a survivor dies. */
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
      log = await ProcessedLog.start(processed, `${run}-audit`);

      const args = ["./pipeline.ts", "--profile", "azure", "--quiet"];
      // 5 ms of work per record: one instance alone must not finish before ownership is shared.
      const env = { ...vars, E2E_WORK_MS: "5" };
      for (const name of NAMES) instances.push(startInstance(name, args, { cwd: DIR, env, logDir }));
      const victim = instances.find((i) => i.name === VICTIM)!;
      const current = log;

      await until("every instance writes records", () => NAMES.every((n) => current.countOf(n) > 0), 90_000);
      const balanced = current.countOf(VICTIM);
      await until(
        "the victim keeps writing records",
        () => current.countOf(VICTIM) >= balanced + KILL_AFTER_RECORDS,
        60_000,
      );
      const atKill = { total: current.distinct, victim: current.countOf(VICTIM) };
      const killedAt = Date.now();
      await killInstance(victim);
      expect(
        atKill.total,
        `the kill came too late to test takeover: ${atKill.total} of ${RECORDS} ids were out`,
      ).toBeLessThan(RECORDS * KILL_BEFORE_SHARE);

      await until("every id reaches the output", () => current.distinct >= RECORDS, 120_000);
      const doneMs = Date.now() - killedAt;
      const survivors = instances.filter((i) => i !== victim);
      const exits = await Promise.all(survivors.map((i) => stopInstance(i, 30_000)));

      const missing = Array.from({ length: RECORDS }, (_, id) => id).filter(
        (id) => !current.arrivals.has(id),
      );
      const unknown = [...current.arrivals.keys()].filter((id) => !(id >= 0 && id < RECORDS));
      const written = NAMES.map((n) => `${n} ${current.countOf(n)}`).join(", ");
      const report =
        `${RECORDS} records, ${current.records} written (${written}), ${current.duplicates} duplicates; ` +
        `${VICTIM} killed at ${atKill.victim} written by it, ${atKill.total} ids out; every id out ${doneMs} ms after the kill`;
      console.log(`scale-out (event hubs): ${report}`);
      expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
      expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
    });
  }),
);
