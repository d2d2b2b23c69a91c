/** Creating a state table that a `create=true` URL names, when it is missing. */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { awsErrorCode } from "../errors.js";

/** The hash key of tables the store creates. */
export const CREATED_KEY_ATTRIBUTE = "key";

/**
 * Creates `table` with string hash key `key`, on-demand capacity, and resolves
 * once it is ACTIVE. A table created meanwhile by another process is fine.
 * TTL is not switched on: that needs UpdateTimeToLive rights, and the store
 * hides expired items on read either way.
 */
export async function createTableIfMissing(
  client: DynamoDBClient,
  table: string,
  signal: AbortSignal,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: CREATED_KEY_ATTRIBUTE, AttributeType: "S" }],
        KeySchema: [{ AttributeName: CREATED_KEY_ATTRIBUTE, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
      { abortSignal: signal },
    );
  } catch (err) {
    if ((err as { name?: unknown }).name !== "ResourceInUseException") throw err;
  }
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const reply = await client.send(new DescribeTableCommand({ TableName: table }), {
        abortSignal: signal,
      });
      if (reply.Table?.TableStatus === "ACTIVE") return;
    } catch (err) {
      if (awsErrorCode(err) !== "NotFound") throw err;
    }
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
