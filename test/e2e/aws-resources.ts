/**
 * The AWS resources the fraud example's `aws` profile names, made afresh on
 * the emulators before a run (as a team would provision them) and removed
 * after: Kinesis streams, the DynamoDB state table and the lease tables its
 * consumer groups create, and the Timestream database and table.
 */
import { DeleteStreamCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteDatabaseCommand,
  DeleteTableCommand as DeleteTimestreamTable,
  TimestreamWriteClient,
} from "@aws-sdk/client-timestream-write";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { createStream } from "../../packages/adapter-aws/src/kinesis/test-streams.js";
import { createTable } from "../../packages/adapter-aws/src/dynamodb/test-tables.js";

/** Streams of the profile and their shard counts. */
const STREAMS: Record<string, number> = { transactions: 4, "fraud-alerts": 1, "transactions-dlq": 1 };
const STATE_TABLE = "fraud-features";
const TIMESTREAM = { database: "fraud", table: "scores" };

/** Emulator endpoints, as the SDK's `AWS_ENDPOINT_URL_<SERVICE>` variables would name them. */
export interface AwsEndpoints {
  kinesis: string;
  dynamodb: string;
  timestream: string;
}

/** The variables that point the example's unchanged `aws` profile at the emulators. */
export function endpointVariables(endpoints: AwsEndpoints): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_TIMESTREAM_WRITE: endpoints.timestream,
  };
}

function clients(endpoints: AwsEndpoints) {
  const common = { region: "us-east-1", requestHandler: new NodeHttpHandler() };
  return {
    kinesis: new KinesisClient({ ...common, endpoint: endpoints.kinesis }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    timestream: new TimestreamWriteClient({ ...common, endpoint: endpoints.timestream }),
  };
}

/** Removes what an earlier run left, then creates the profile's streams and tables. */
export async function provisionAws(endpoints: AwsEndpoints): Promise<void> {
  await removeAws(endpoints);
  const c = clients(endpoints);
  try {
    for (const [name, shards] of Object.entries(STREAMS)) await createStream(c.kinesis, name, shards);
    await createTable(c.dynamodb, STATE_TABLE, "key");
    await c.timestream.send(new CreateDatabaseCommand({ DatabaseName: TIMESTREAM.database }));
    await c.timestream.send(
      new CreateTableCommand({ DatabaseName: TIMESTREAM.database, TableName: TIMESTREAM.table }),
    );
  } finally {
    for (const client of Object.values(c)) client.destroy();
  }
}

/** Deletes the profile's streams, its state table, every lease table of its streams, and the Timestream table. */
export async function removeAws(endpoints: AwsEndpoints): Promise<void> {
  const c = clients(endpoints);
  const ignore = () => undefined;
  try {
    for (const name of Object.keys(STREAMS)) {
      await c.kinesis.send(new DeleteStreamCommand({ StreamName: name })).catch(ignore);
    }
    const tables = (await c.dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
    const streams = Object.keys(STREAMS);
    for (const table of tables) {
      if (table === STATE_TABLE || streams.some((s) => table.endsWith(`-${s}`))) {
        await c.dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(ignore);
      }
    }
    await c.timestream
      .send(new DeleteTimestreamTable({ DatabaseName: TIMESTREAM.database, TableName: TIMESTREAM.table }))
      .catch(ignore);
    await c.timestream.send(new DeleteDatabaseCommand({ DatabaseName: TIMESTREAM.database })).catch(ignore);
    // Kinesis deletes streams after a moment; wait until the names are free again.
    await waitStreamsGone(c.kinesis, streams);
  } finally {
    for (const client of Object.values(c)) client.destroy();
  }
}

async function waitStreamsGone(client: KinesisClient, names: string[]): Promise<void> {
  const { ListStreamsCommand } = await import("@aws-sdk/client-kinesis");
  for (let i = 0; i < 100; i++) {
    const listed = (await client.send(new ListStreamsCommand({}))).StreamNames ?? [];
    if (!names.some((n) => listed.includes(n))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`kinesis streams ${names.join(", ")} still listed after deletion`);
}
