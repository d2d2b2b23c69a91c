/**
 * A Redis server that goes away mid-run: a pipeline reads numbered records
 * from a Redis stream in a consumer group and writes each one to another Redis
 * stream and to a redis:// state store, all on a server of its own that
 * persists every write (`appendonly yes`, `appendfsync always`). The server is
 * killed with SIGKILL ten times at random moments of the run, each time stays
 * down up to a few seconds and is started again on the same port and
 * directory. The pipeline must ride it out, and every record must reach both
 * the output stream (at least once; the duplicates are reported) and the state
 * store.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { ResourceResolver, StateStore, Stream, defineConfig, json } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { redis } from "../../packages/adapter-redis/src/index.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { Item } from "../e2e/scale-out/pipeline.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort } from "../harness/ports.js";
import type { ServiceProcess } from "../harness/processes.js";
import { describeService } from "../harness/suite.js";
import { launchRedis } from "../services/redis.js";
import { collectAfterKills, expectRiddenOut, killServerRepeatedly } from "./kill-server-loop.js";
import { restartServer, within } from "./outage.js";
import { publishItems, relayPipeline, startBusy } from "./relay.js";
import type { RelayRun } from "./relay.js";

const RECORDS = 6000;
/** At about a thousand records a second, the run is a quarter done when the server is killed. */
const WORK_MS_PER_RECORD = 1;
const KILL_AT = 1500;
const KILLS = 10;
/** Every write is on disk before Redis answers it, so a SIGKILL loses nothing that was acknowledged. */
const PERSISTENT = ["--appendonly", "yes", "--appendfsync", "always"];
/**
 * A read whose reply the kill cut off leaves its records pending, delivered to
 * no one; the consumer takes them over once they are idle this long (30 s by
 * default, shortened to keep the test short).
 */
const CLAIM_IDLE_MS = 2000;

// Uses a server of its own, which it kills; the harness's shared server only tells whether Redis can run here.
describeService("redis", "a Redis server killed and restarted mid-run", () => {
  const name = `fault-${randomUUID().slice(0, 8)}`;
  let port = 0;
  let dir: string | undefined;
  let server: ServiceProcess | undefined;
  let resolver: ResourceResolver | undefined;
  let relay: RelayRun | undefined;
  let log: ProcessedLog | undefined;

  beforeAll(async () => {
    port = await freePort();
    dir = makeRunDir("redis");
    server = await launchRedis(port, dir, PERSISTENT);
  }, 30_000);

  afterAll(async () => {
    // Each step is bounded: after a failed restart, clients of a dead server could wait out their timeouts.
    await within(5000, relay?.stop(5000) ?? Promise.resolve());
    await within(5000, log?.close() ?? Promise.resolve());
    await within(5000, resolver?.close() ?? Promise.resolve());
    await server?.stop(2000);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it(
    `keeps the pipeline running through ${KILLS} kills and delivers every record to the stream and the store`,
    { timeout: 300_000 },
    async () => {
      const base = `127.0.0.1:${port}`;
      const config = defineConfig({
        adapters: [redis()],
        profiles: {
          fault: {
            streams: {
              items: `redis-stream://${base}/${name}-items?partitions=2&blockMs=200&claimIdleMs=${CLAIM_IDLE_MS}`,
              processed: `redis-stream://${base}/${name}-processed?partitions=2&blockMs=200`,
              "dead-letters": `redis-stream://${base}/${name}-dead-letters`,
            },
            state: { seen: `redis://${base}/0?keyPrefix=${name}:seen:` },
          },
        },
      });
      resolver = new ResourceResolver(config, "fault");
      const items = new Stream<Item>(await resolver.open("stream", "items"), {
        name: "items",
        codec: json(),
      });
      await publishItems(items, RECORDS);

      const current = await startBusy(
        relayPipeline({ group: `${name}-relay`, workMsPerRecord: WORK_MS_PER_RECORD, state: "seen" }),
        resolver,
        KILL_AT,
        (run) => (relay = run),
      );

      const kills = await killServerRepeatedly({
        relay: current,
        records: RECORDS,
        kills: KILLS,
        restart: async (downMs) => {
          const outage = await restartServer(server!, downMs, () => launchRedis(port, dir!, PERSISTENT));
          server = outage.server;
          return outage.times;
        },
        progressTimeoutMs: 60_000,
      });
      const result = await collectAfterKills(
        resolver,
        `${name}-audit`,
        current,
        RECORDS,
        { server: "redis-server", kills },
        (opened) => (log = opened),
      );

      const ids = Array.from({ length: RECORDS }, (_, id) => id);
      const seen = await new StateStore<number>(await resolver.open("state", "seen"), {
        name: "seen",
      }).getMany(ids.map(String));
      const missingInStore = ids.filter((id) => seen[id] !== id).length;
      console.log(`redis-restart: ${result.report}; ${RECORDS - missingInStore} in the store`);
      expectRiddenOut(result);
      expect(missingInStore, `every id is in the state store too; ${result.report}`).toBe(0);
    },
  );
});
