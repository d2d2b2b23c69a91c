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
import { afterAll, beforeAll, it } from "vitest";
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
import { collectAfterKills, expectRiddenOut, killServerRepeatedly } from "./kill-server-loop.js";
import { restartServer, within } from "./outage.js";
import { publishItems, relayPipeline, startBusy } from "./relay.js";
import type { RelayRun } from "./relay.js";

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

      const current = await startBusy(
        relayPipeline({ group: `${name}-relay`, workMsPerRecord: WORK_MS_PER_RECORD }),
        resolver,
        KILL_AT,
        (run) => (relay = run),
      );
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
      const result = await collectAfterKills(
        resolver,
        `${name}-audit`,
        current,
        RECORDS,
        { server: "kinesalite", kills },
        (opened) => (log = opened),
      );
      console.log(`kinesis-restart: ${result.report}`);
      expectRiddenOut(result);
    },
  );
});
