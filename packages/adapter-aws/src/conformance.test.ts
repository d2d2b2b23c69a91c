import { randomUUID } from "node:crypto";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { runStreamConformance } from "@switchyard/conformance";
import { afterAll } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { useEmulatorCredentials } from "../../../test/services/aws/node-emulator.js";
import { parseKinesisUrl } from "./kinesis/options.js";
import { KinesisStream } from "./kinesis/stream.js";
import { createStream, deleteStream, emulatorClients } from "./kinesis/test-streams.js";

/** Short lease expiry, so a consumer that vanished without releasing is replaced within the suite's wait. */
const FAILOVER_MS = 3000;

describeService("kinesalite", "aws adapter: kinesis", (kinesisEnv) => {
  describeService("dynalite", "with leases on dynalite", (dynamoEnv) => {
    useEmulatorCredentials();
    const kinesisEndpoint = kinesisEnv.SWITCHYARD_KINESALITE_ENDPOINT!;
    const dynamodbEndpoint = dynamoEnv.SWITCHYARD_DYNALITE_ENDPOINT!;
    const clients = emulatorClients(kinesisEndpoint, dynamodbEndpoint);
    afterAll(() => {
      clients.kinesis.destroy();
      clients.dynamodb.destroy();
    });
    const url = (stream: string) =>
      new URL(
        `kinesis://${stream}?region=us-east-1&endpoint=${kinesisEndpoint}&leaseEndpoint=${dynamodbEndpoint}&failoverMs=${FAILOVER_MS}`,
      );

    runStreamConformance({
      name: "kinesis",
      claims: {
        capabilities: {
          ordering: "partition",
          replay: true,
          startFromTimestamp: true,
          groups: true,
          headers: true,
          settlement: "offset",
          maxRecordBytes: 1024 * 1024 - 1024,
          maxBatchRecords: 500,
        },
        probe: true,
        lag: false,
        nack: false,
        assignment: true,
      },
      client: KinesisClient,
      redeliveryWithinMs: FAILOVER_MS * 3,
      timestampClock: "arrival",
      create: async ({ partitions }) => {
        const stream = `conf-${randomUUID().slice(0, 12)}`;
        await createStream(clients.kinesis, stream, partitions);
        return {
          open: async () => new KinesisStream(parseKinesisUrl(url(stream))),
          cleanup: () => deleteStream(clients, stream),
        };
      },
      createMissing: async () =>
        new KinesisStream(parseKinesisUrl(url(`missing-${randomUUID().slice(0, 8)}`))),
    });
  });
});
