import { randomUUID } from "node:crypto";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { runStateStoreConformance, runStreamConformance } from "@switchyard/conformance";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { useEmulatorCredentials } from "../../../test/services/aws/node-emulator.js";
import { parseDynamoDBUrl } from "./dynamodb/options.js";
import { DynamoDBStateStore } from "./dynamodb/state-store.js";
import { createTable, deleteTable } from "./dynamodb/test-tables.js";
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

describeService("dynalite", "aws adapter: dynamodb", (env) => {
  useEmulatorCredentials();
  const endpoint = env.SWITCHYARD_DYNALITE_ENDPOINT!;
  const admin = new DynamoDBClient({ region: "us-east-1", endpoint, requestHandler: new NodeHttpHandler() });
  afterAll(() => admin.destroy());
  let table = "";

  runStateStoreConformance({
    name: "dynamodb",
    capabilities: { cas: true, ttl: true, increment: true },
    client: DynamoDBClient,
    probe: true,
    create: async () => {
      table = `conf-${randomUUID().slice(0, 12)}`;
      await createTable(admin, table);
      return new DynamoDBStateStore(parseDynamoDBUrl(new URL(`dynamodb://${table}?endpoint=${endpoint}`)));
    },
    cleanup: () => deleteTable(admin, table),
    createMissing: async () =>
      new DynamoDBStateStore(
        parseDynamoDBUrl(new URL(`dynamodb://missing-${randomUUID().slice(0, 8)}?endpoint=${endpoint}`)),
      ),
  });
});
