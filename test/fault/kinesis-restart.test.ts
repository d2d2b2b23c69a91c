/**
 * A Kinesis endpoint that goes away mid-run: a pipeline relays numbered
 * records from one Kinesis stream to another, both on a kinesalite of the
 * test's own that keeps its data on disk; the lease table is on the shared
 * dynalite. kinesalite is killed with SIGKILL ten times at random moments of
 * the run, each time stays down up to a few seconds and is started again on
 * the same port and data.
 * The pipeline must ride it out — its reads, writes and checkpoints retried,
 * not crashed — and every record must reach the output at least once.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { ResourceResolver, Stream, defineConfig, json } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { aws } from "../../packages/adapter-aws/src/index.js";
import { createStream, emulatorClients } from "../../packages/adapter-aws/src/kinesis/test-streams.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { Item } from "../e2e/scale-out/pipeline.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort } from "../harness/ports.js";
import type { ServiceProcess } from "../harness/processes.js";
import { describeServices } from "../e2e/persistent-profiles.js";
import { useEmulatorCredentials } from "../services/aws/node-emulator.js";
import { launchKinesalite } from "./kinesis-outage.js";
import { describeKills, killServerRepeatedly } from "./kill-server-loop.js";
import { restartServer, within } from "./outage.js";
import { collectEveryId } from "./read-back.js";
import { RelayRun, publishItems, relayPipeline, waitFor } from "./relay.js";

const RECORDS = 6000;
const WORK_MS_PER_RECORD = 1;
const KILL_AT = 1500;
const KILLS = 10;

// Uses a kinesalite of its own, which it kills; the harness's shared one only tells whether kinesalite runs here.
describeServices(["kinesalite", "dynalite"], "kinesalite killed and restarted mid-run", (services) => {
  const name = `fault-${randomUUID().slice(0, 8)}`;
  const dynamodb = services.dynalite!.SWITCHYARD_DYNALITE_ENDPOINT!;
  let port = 0;
  let dir: string | undefined;
  let server: ServiceProcess | undefined;
  let resolver: ResourceResolver | undefined;
  let relay: RelayRun | undefined;
  let log: ProcessedLog | undefined;

  beforeAll(async () => {
    useEmulatorCredentials();
    port = await freePort();
    dir = makeRunDir("kinesalite-fault");
    server = await launchKinesalite(port, dir);
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
    `keeps the pipeline running through ${KILLS} kills and delivers every record at least once`,
    { timeout: 400_000 },
    async () => {
      const kinesis = `http://127.0.0.1:${port}`;
      const clients = emulatorClients(kinesis, dynamodb);
      try {
        await createStream(clients.kinesis, `${name}-items`, 2);
        await createStream(clients.kinesis, `${name}-processed`, 2);
        await createStream(clients.kinesis, `${name}-dead-letters`, 1);
      } finally {
        clients.kinesis.destroy();
        clients.dynamodb.destroy();
      }
      const url = (stream: string) =>
        `kinesis://${name}-${stream}?region=us-east-1&endpoint=${kinesis}&leaseEndpoint=${dynamodb}&failoverMs=3000`;
      resolver = new ResourceResolver(
        defineConfig({
          adapters: [aws()],
          profiles: {
            fault: {
              streams: {
                items: url("items"),
                processed: url("processed"),
                "dead-letters": url("dead-letters"),
              },
            },
          },
        }),
        "fault",
      );
      const items = new Stream<Item>(await resolver.open("stream", "items"), {
        name: "items",
        codec: json(),
      });
      await publishItems(items, RECORDS);

      const current = new RelayRun(
        relayPipeline({ group: `${name}-relay`, workMsPerRecord: WORK_MS_PER_RECORD }),
        resolver,
      );
      relay = current;
      await waitFor("the pipeline gets going", () => current.processed >= KILL_AT, {
        timeoutMs: 30_000,
        failed: () => current.crash(),
        detail: () => `${current.processed} of ${RECORDS} done; warnings:\n${current.lastWarnings()}`,
      });
      const kills = await killServerRepeatedly({
        relay: current,
        records: RECORDS,
        kills: KILLS,
        restart: async (downMs) => {
          const outage = await restartServer(server!, downMs, () => launchKinesalite(port, dir!));
          server = outage.server;
          return outage.times;
        },
        progressTimeoutMs: 60_000,
      });
      const backAt = Date.now();

      const { output, summary, missing, unknown } = await collectEveryId(
        resolver,
        `${name}-audit`,
        current,
        RECORDS,
        (opened) => (log = opened),
      );
      const report =
        `${RECORDS} records, ${output.records} written, ${output.duplicates} duplicates, ` +
        `${summary.deadLetters} dead letters; kinesalite: ${describeKills(kills)}; ` +
        `every id out ${Date.now() - backAt} ms after the last restart; ${current.warnings.length} warnings`;
      console.log(`kinesis-restart: ${report}`);
      expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
      expect(
        summary.deadLetters,
        `an endpoint outage is transient: nothing is dead-lettered; ${report}`,
      ).toBe(0);
    },
  );
});
