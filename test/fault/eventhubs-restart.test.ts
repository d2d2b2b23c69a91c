/**
 * Event Hubs and its checkpoint store going away mid-run: a pipeline relays
 * numbered records from one hub to another on an Event Hubs double of its own
 * (which logs its hubs and events to a file, as the service keeps them
 * durably) with checkpoints on an Azurite of its own (which keeps its blobs on
 * disk). Ten times at random moments of the run, the double is killed with
 * SIGKILL and Azurite stopped with SIGTERM; both stay down up to a few seconds
 * and are started again on the same ports and data. Azurite is not killed:
 * it writes its blob index to disk only every few seconds, so a SIGKILL can
 * lose a container it had acknowledged long before (seen: "the specified
 * container does not exist" after a kill), which Blob Storage does not do. Every AMQP
 * connection is then lost at once and every checkpoint and ownership write
 * fails while Azurite is away. The pipeline must ride it out: the SDK
 * reconnects, the partitions' receivers resume where they were (or, where
 * ownership had to be claimed again, from the checkpoint), and every record
 * must reach the output at least once; the duplicates are reported.
 *
 * What this models: a service node or network failure that cuts every client
 * connection, with the service's acknowledged events kept. It does not model
 * a service that loses acknowledged events, nor throttling.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ResourceResolver, Stream, defineConfig, json } from "@switchyard/core";
import { afterAll, beforeAll, it } from "vitest";
import { azure } from "../../packages/adapter-azure/src/index.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { Item } from "../e2e/scale-out/pipeline.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort } from "../harness/ports.js";
import type { ServiceProcess } from "../harness/processes.js";
import { describeService } from "../harness/suite.js";
import { azuriteConnectionString, launchAzurite } from "../services/azurite.js";
import { createHub, doubleConnectionString, launchDouble } from "../services/eventhubs.js";
import { collectAfterKills, expectRiddenOut, killServerRepeatedly } from "./kill-server-loop.js";
import { restartServer, within } from "./outage.js";
import { relayPipeline, startBusy } from "./relay.js";
import type { RelayRun } from "./relay.js";

const RECORDS = 4000;
const WORK_MS_PER_RECORD = 2;
const KILL_AT = 800;
const KILLS = 10;
const KEYS = 32;

// Uses a double and an Azurite of its own, which it kills; the harness's shared ones tell whether they can run here.
describeService("eventhubs", "the Event Hubs double and Azurite killed and restarted mid-run", () => {
  describeService("azurite", "with checkpoints on Azurite", () => {
    const name = `fault-${randomUUID().slice(0, 8)}`;
    const ports = { amqp: 0, control: 0, blob: 0 };
    let dir = "";
    let double: ServiceProcess | undefined;
    let blobs: ServiceProcess | undefined;
    let resolver: ResourceResolver | undefined;
    let relay: RelayRun | undefined;
    let log: ProcessedLog | undefined;

    const startDouble = () => launchDouble(dir, ports.amqp, ports.control, join(dir, "hubs.ndjson"));
    const startAzurite = () => launchAzurite(join(dir, "blobs"), ports.blob, true);

    beforeAll(async () => {
      dir = makeRunDir("eventhubs-fault");
      mkdirSync(join(dir, "blobs"));
      [ports.amqp, ports.control, ports.blob] = [await freePort(), await freePort(), await freePort()];
      [double, blobs] = await Promise.all([startDouble(), startAzurite()]);
    }, 60_000);

    afterAll(async () => {
      // Each step is bounded: after a failed restart, clients of a dead server could wait out their timeouts.
      await within(5000, relay?.stop(5000) ?? Promise.resolve());
      await within(5000, log?.close() ?? Promise.resolve());
      await within(5000, resolver?.close() ?? Promise.resolve());
      await Promise.all([double?.stop(2000), blobs?.stop(2000)]);
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      `keeps the pipeline running through ${KILLS} kills and delivers every record at least once`,
      { timeout: 600_000 },
      async () => {
        const control = `http://127.0.0.1:${ports.control}`;
        for (const [hub, partitions] of [
          ["items", 4],
          ["processed", 4],
          ["dead-letters", 1],
        ] as const) {
          await createHub(control, `${name}-${hub}`, partitions);
        }
        const hub = (stream: string, params = "") =>
          `eventhubs://fault.servicebus.windows.net/${name}-${stream}?checkpointContainer=${name}${params}`;
        const config = defineConfig({
          adapters: [
            azure({
              eventHubs: {
                connectionString: doubleConnectionString(ports.amqp),
                checkpointConnectionString: azuriteConnectionString(ports.blob),
                // Short retries: an operation cut off by the outage is tried again soon after the restart.
                maxRetries: 10,
                retryDelayMs: 500,
                timeoutMs: 10_000,
              },
            }),
          ],
          profiles: {
            fault: {
              streams: {
                items: hub("items", "&updateIntervalMs=1000&ownershipExpiryMs=10000"),
                processed: hub("processed"),
                "dead-letters": hub("dead-letters"),
              },
            },
          },
        });
        resolver = new ResourceResolver(config, "fault");
        const items = new Stream<Item>(await resolver.open("stream", "items"), {
          name: "items",
          codec: json(),
        });
        for (let first = 0; first < RECORDS; first += 1000) {
          const ids = Array.from({ length: Math.min(1000, RECORDS - first) }, (_, i) => first + i);
          await items.publish(ids.map((id) => ({ key: `k${id % KEYS}`, value: { id } })));
        }

        const current = await startBusy(
          relayPipeline({ group: `${name}-relay`, workMsPerRecord: WORK_MS_PER_RECORD }),
          resolver,
          KILL_AT,
          (run) => (relay = run),
          60_000,
        );

        const kills = await killServerRepeatedly({
          relay: current,
          records: RECORDS,
          kills: KILLS,
          restart: async (downMs) => {
            const [doubleOutage, blobOutage] = await Promise.all([
              restartServer(double!, downMs, startDouble),
              restartServer(blobs!, downMs, startAzurite, { graceful: true }),
            ]);
            [double, blobs] = [doubleOutage.server, blobOutage.server];
            const { times } =
              doubleOutage.times.downMs >= blobOutage.times.downMs ? doubleOutage : blobOutage;
            return times;
          },
          progressTimeoutMs: 90_000,
        });
        const result = await collectAfterKills(
          resolver,
          `${name}-audit`,
          current,
          RECORDS,
          { server: "double and Azurite", kills },
          (opened) => (log = opened),
        );
        console.log(`eventhubs-restart: ${result.report}`);
        expectRiddenOut(result);
      },
    );
  });
});
