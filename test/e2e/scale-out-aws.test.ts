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
import { ProcessedLog } from "./processed-log.js";
import { Feed } from "./feed.js";
import { withEnv } from "./scale-out-aws/run.js";
import { ScaleOutRun } from "./scale-out-run.js";
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
    let feed: Feed | undefined;
    const scale = new ScaleOutRun({
      names: NAMES,
      victim: VICTIM,
      logPrefix: "switchyard-scale-out-aws-",
      expected: () => feed?.published ?? 0,
      check: () => feed?.check(),
    });

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
      await scale.close();
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
      const log = await ProcessedLog.start(processed, `${run}-audit`);
      scale.log = log;
      const source = new Feed(items, FEED_PER_SEND, FEED_EVERY_MS);
      feed = source;

      const env = { ...vars, AWS_ACCESS_KEY_ID: "switchyard-test", AWS_SECRET_ACCESS_KEY: "switchyard-test" };
      scale.start(["./pipeline.ts", "--profile", "aws", "--quiet"], DIR, env);

      // The bound covers the CLI's start-up on a loaded machine; leases then spread within a few take cycles.
      await scale.until(
        "every instance writes records",
        () => NAMES.every((n) => log.countOf(n) > 0),
        90_000,
      );
      const balanced = log.countOf(VICTIM);
      await scale.until(
        "the victim keeps writing",
        () => log.countOf(VICTIM) >= balanced + KILL_AFTER_RECORDS,
        30_000,
      );
      const atKill = { published: source.published, victim: log.countOf(VICTIM), at: Date.now() };
      await scale.kill();
      // What arrives from here on lands on every shard: the victim's shards' share only gets out
      // once the survivors took its leases.
      await source.finishAfter(AFTER_KILL);
      const records = source.published;

      await scale.until("every id reaches the output", () => log.distinct >= records, 90_000);
      const doneMs = Date.now() - atKill.at;
      const exits = await scale.stopSurvivors(30_000);

      const report =
        `${scale.summary(records, atKill.victim)}, ${records - atKill.published} records published after the kill; ` +
        `every id out ${doneMs} ms after the kill (failoverMs ${FAILOVER_MS})`;
      console.log(`scale-out (kinesis): ${report}`);
      expect(scale.gaps(records), report).toEqual({ missing: 0, unknown: [] });
      expect(exits, `survivors stop cleanly on SIGTERM; ${report}`).toEqual([0, 0]);
    });
  }),
);
