/** Creating the Timestream database and table a `create=true` URL names, when missing. */
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  DescribeTableCommand,
  type TimestreamWriteClient,
} from "@aws-sdk/client-timestream-write";
import { awsErrorCode } from "../errors.js";

/** Creates the database (if missing) and the table (if missing) with the service's default retention. */
export async function createTimestreamTableIfMissing(
  client: TimestreamWriteClient,
  database: string,
  table: string,
  signal: AbortSignal,
): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ DatabaseName: database, TableName: table }), {
      abortSignal: signal,
    });
    return;
  } catch (err) {
    if (awsErrorCode(err) !== "NotFound") throw err;
  }
  const exists = (err: unknown) => {
    if ((err as { name?: unknown }).name !== "ConflictException") throw err;
  };
  await client
    .send(new CreateDatabaseCommand({ DatabaseName: database }), { abortSignal: signal })
    .catch(exists);
  await client
    .send(new CreateTableCommand({ DatabaseName: database, TableName: table }), { abortSignal: signal })
    .catch(exists);
}
