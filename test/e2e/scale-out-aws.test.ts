/**
 * Scaling out on Kinesis: three `switchyard run` processes of one pipeline
 * share a four-shard stream through the group's DynamoDB lease table, while
 * items keep arriving. One is killed with SIGKILL mid-run; once its leases
 * expire (a short `failoverMs`), the survivors take them and resume from its
 * last checkpoints. Every record must reach the output at least once — those
 * published after the kill too, which land on every shard, the killed
 * instance's among them; the duplicates are counted and reported.
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
import { describeService } from "../harness/suite.js";
import { useEmulatorCredentials } from "../services/aws/node-emulator.js";
import { killInstance, startInstance, stopInstance } from "./instances.js";
import type { PipelineInstance } from "./instances.js";
import { ProcessedLog } from "./processed-log.js";
import { Feed } from "./scale-out-aws/feed.js";
import { untilOrFail, withEnv } from "./scale-out-aws/run.js";
import type { Item, ProcessedItem } from "./scale-out/pipeline.js";
import config from "./scale-out-aws/switchyard.config.js";

const NAMES = ["a", "b", "c"] as const;
const VICTIM = "b";
/** Items arrive this many a send, a send every FEED_EVERY_MS (500 a second, a quarter of what four shards take). */
const FEED_PER_SEND = 100;
const FEED_EVERY_MS = 200;
/** The victim is killed once it wrote this many records with all three running. */
const KILL_AFTER_RECORDS = 500;
/** Items published after the kill: ten seconds' worth, outlasting the takeover. */
const AFTER_KILL = 5000;
/** Lease expiry: a killed instance's shards are taken within a few of these. */
const FAILOVER_MS = 3000;
const DIR = fileURLToPath(new URL("./scale-out-aws/", import.meta.url));

const title = "three instances share a Kinesis stream through leases, one killed";

describeService("kinesalite", title, (kinesalite) =>
  describeService("dynalite", "leases on dynalite", (dynalite) => {
    const run = `e2e-scale-${randomUUID().slice(0, 8)}`;
    const kinesis = kinesalite.SWITCHYARD_KINESALITE_ENDPOINT!;
    const dynamodb = dynalite.SWITCHYARD_DYNALITE_ENDPOINT!;
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
    let feed: Feed | undefined;

    beforeAll(async () => {
      useEmulatorCredentials();
      restore.apply();
      await createStream(clients.kinesis, streams[0]!, 4);
      await createStream(clients.kinesis, streams[1]!, 2);
      await createStream(clients.kinesis, streams[2]!, 1);
    });
    afterAll(async () => {
      // Whatever happened in the test, no instance outlives it.
      await feed?.stop();
      await Promise.all(instances.map((i) => i.process.stop(2000)));
      rmSync(logDir, { recursive: true, force: true });
      await log?.close().catch(() => undefined);
      await resolver.close().catch(() => undefined);
      for (const stream of streams) await deleteStream(clients, stream).catch(() => undefined);
      clients.kinesis.destroy();
      clients.dynamodb.destroy();
      restore.undo();
    });

    it("processes every record at least once and reports the duplicates", { timeout: 240_000 }, async () => {
      const items = new Stream<Item>(await resolver.open("stream", "items"), {
        name: "items",
        codec: json(),
      });
      const processed = new Stream<ProcessedItem>(await resolver.open("stream", "processed"), {
        name: "processed",
        codec: json(),
      });
      log = await ProcessedLog.start(processed, `${run}-audit`);
      const current = log;
      const source = new Feed(items, FEED_PER_SEND, FEED_EVERY_MS);
      feed = source;

      const env = { ...vars, AWS_ACCESS_KEY_ID: "switchyard-test", AWS_SECRET_ACCESS_KEY: "switchyard-test" };
      for (const name of NAMES) {
        instances.push(
          startInstance(name, ["./pipeline.ts", "--profile", "aws", "--quiet"], { cwd: DIR, env, logDir }),
        );
      }
      const victim = instances.find((i) => i.name === VICTIM)!;
      const until = (what: string, done: () => boolean, timeoutMs: number) =>
        untilOrFail(what, done, timeoutMs, {
          check: () => {
            current.check();
            source.check();
          },
          died: () => instances.find((i) => !i.running() && i.name !== VICTIM)?.name,
          state: () =>
            `${current.distinct}/${source.published} ids, written ${NAMES.map((n) => `${n}=${current.countOf(n)}`).join(" ")}\n` +
            instances.map((i) => `--- ${i.name}:\n${i.output()}`).join("\n"),
        });

      // The bound covers the CLI's start-up on a loaded machine; leases then spread within a few take cycles.
      await until("every instance writes records", () => NAMES.every((n) => current.countOf(n) > 0), 90_000);
      const balanced = current.countOf(VICTIM);
      await until(
        "the victim keeps writing",
        () => current.countOf(VICTIM) >= balanced + KILL_AFTER_RECORDS,
        30_000,
      );
      const atKill = { published: source.published, victim: current.countOf(VICTIM), at: Date.now() };
      await killInstance(victim);
      // What arrives from here on lands on every shard: the victim's shards' share only gets out
      // once the survivors took its leases.
      await source.finishAfter(AFTER_KILL);
      const records = source.published;

      await until("every id reaches the output", () => current.distinct >= records, 90_000);
      const doneMs = Date.now() - atKill.at;
      const exits = await Promise.all(
        instances.filter((i) => i !== victim).map((i) => stopInstance(i, 30_000)),
      );

      const missing = Array.from({ length: records }, (_, id) => id).filter(
        (id) => !current.arrivals.has(id),
      );
      const unknown = [...current.arrivals.keys()].filter((id) => !(id >= 0 && id < records));
      const report =
        `${records} records, ${current.records} written (${NAMES.map((n) => `${n} ${current.countOf(n)}`).join(", ")}), ` +
        `${current.duplicates} duplicates; ${VICTIM} killed at ${atKill.victim} written by it, ` +
        `${records - atKill.published} records published after the kill; ` +
        `every id out ${doneMs} ms after the kill (failoverMs ${FAILOVER_MS})`;
      console.log(`scale-out (kinesis): ${report}`);
      expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
      expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
    });
  }),
);
