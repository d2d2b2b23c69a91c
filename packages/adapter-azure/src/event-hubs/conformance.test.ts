import { EventHubProducerClient } from "@azure/event-hubs";
import { runStreamConformance } from "@switchyard/conformance";
import type { StreamDriver } from "@switchyard/core/driver";
import { describeService, serviceEnv } from "../../../../test/harness/suite.js";
import { createHub, deleteHub } from "../../../../test/services/eventhubs.js";
import { azure } from "../register.js";

let hubs = 0;
const storage = serviceEnv("azurite")?.SWITCHYARD_AZURITE_CONNECTION_STRING;

describeService("eventhubs", "event hubs adapter (double + azurite)", (env) => {
  const control = env.SWITCHYARD_EVENTHUBS_CONTROL_URL!;
  const handler = azure({
    eventHubs: {
      connectionString: env.SWITCHYARD_EVENTHUBS_CONNECTION_STRING!,
      ...(storage === undefined ? {} : { checkpointConnectionString: storage }),
      // Small retries and fast load balancing, so a test sees claims and failures in seconds.
      maxRetries: 1,
      retryDelayMs: 200,
      timeoutMs: 10_000,
    },
  }).schemes[0]!;
  const open = (hub: string) => async () =>
    (await handler.create(
      new URL(
        `eventhubs://double.servicebus.windows.net/${hub}?loadBalancing=greedy&updateIntervalMs=500&ownershipExpiryMs=10000&checkpointContainer=conformance`,
      ),
      {
        name: "conformance",
        baseDir: ".",
      },
    )) as StreamDriver;

  describeService("azurite", "with blob checkpoints", () => {
    runStreamConformance({
      name: "eventhubs://",
      claims: {
        capabilities: {
          ordering: "partition",
          replay: true,
          startFromTimestamp: true,
          groups: true,
          headers: true,
          settlement: "offset",
          maxRecordBytes: 1_048_576 - 1024,
          maxBatchRecords: 1000,
        },
        probe: true,
        lag: true,
        nack: false,
        assignment: true,
      },
      client: EventHubProducerClient,
      timestampClock: "arrival",
      redeliveryWithinMs: 5_000,
      timeoutMs: 45_000,
      create: async ({ partitions }) => {
        const hub = `conformance-${process.pid}-${++hubs}`;
        await createHub(control, hub, partitions);
        return { open: open(hub), cleanup: () => deleteHub(control, hub) };
      },
      createMissing: open("no-such-hub"),
    });
  });
});
