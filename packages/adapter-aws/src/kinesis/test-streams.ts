/**
 * Stream fixtures for tests against a Kinesis emulator: create a stream and
 * wait until it is active, delete it with the lease tables its groups made.
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from "@aws-sdk/client-kinesis";
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** Clients of the two emulators a Kinesis test needs. */
export interface EmulatorClients {
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
}

/** Clients for a Kinesis and a DynamoDB endpoint, over HTTP/1.1 as the emulators need. */
export function emulatorClients(kinesisEndpoint: string, dynamodbEndpoint: string): EmulatorClients {
  const common = { region: "us-east-1", requestHandler: new NodeHttpHandler() };
  return {
    kinesis: new KinesisClient({ ...common, endpoint: kinesisEndpoint }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: dynamodbEndpoint }),
  };
}

/** Creates `name` with `shards` shards and waits until it is active. */
export async function createStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 200; i++) {
    const reply = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (reply.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stream ${name} did not become active`);
}

/** Deletes a stream and every lease table named after it (`<group>-<stream>`). */
export async function deleteStream(clients: EmulatorClients, name: string): Promise<void> {
  await clients.kinesis.send(new DeleteStreamCommand({ StreamName: name })).catch(() => undefined);
  const tables = (await clients.dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
  for (const table of tables.filter((t) => t.endsWith(`-${name}`))) {
    await clients.dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  }
}
