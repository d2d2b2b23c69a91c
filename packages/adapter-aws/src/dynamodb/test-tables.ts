/** Table fixtures for tests against a DynamoDB emulator. */
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** Creates a table with string hash key `keyAttribute` and waits until it is active. */
export async function createTable(client: DynamoDBClient, name: string, keyAttribute = "pk"): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: keyAttribute, AttributeType: "S" }],
      KeySchema: [{ AttributeName: keyAttribute, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  for (let i = 0; i < 200; i++) {
    const reply = await client.send(new DescribeTableCommand({ TableName: name }));
    if (reply.Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${name} did not become active`);
}

/** Deletes a table; a missing one is fine. */
export async function deleteTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
}
