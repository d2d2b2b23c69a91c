import {
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
  waitUntilTableNotExists,
} from "@aws-sdk/client-dynamodb";
import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
} from "@aws-sdk/client-kinesis";
import {
  DeleteTableCommand as DeleteScoresTable,
  ListTablesCommand as ListScoresTables,
  TimestreamWriteClient,
} from "@aws-sdk/client-timestream-write";
import {
  DynamoDBStateStore,
  KinesisStream,
  TimestreamSink,
  awsErrorCode,
  parseDynamoDBUrl,
  parseKinesisUrl,
  parseTimestreamUrl,
} from "@switchyard/adapter-aws";
import type { RunDataEngine } from "./engine.js";
import { runNameRegExp } from "./engine.js";
import type { RunResource } from "./resources.js";

/** A driver that hands out its SDK client. */
interface ClientHolder {
  close(): Promise<void>;
  as<T>(type: abstract new (...args: never[]) => T): T | undefined;
}

/** An SDK client class (their constructors take an optional config, hence `never`). */
type ClientClass<C> = abstract new (...args: never) => C;

/** The driver's SDK client of class `type`. */
function clientOf<C>(driver: ClientHolder, type: ClientClass<C>): C {
  const client = driver.as(type as unknown as abstract new (...args: never[]) => C);
  if (client === undefined) throw new Error(`the driver holds no ${type.name}`);
  return client;
}

/**
 * Runs `work` with the SDK client the adapter would build for the resource
 * (its region, and its endpoint from the URL or `AWS_ENDPOINT_URL_<SERVICE>`),
 * and the resource's own name. The run pattern's `*` is no name character, so
 * the URL is parsed with `_` in its place and the name is matched by hand.
 */
async function withDriver<D extends ClientHolder, C, R>(
  resource: RunResource,
  open: (url: URL) => D,
  type: ClientClass<C>,
  work: (client: C, name: string) => Promise<R>,
): Promise<R> {
  const url = new URL(resource.url);
  const driver = open(new URL(resource.url.replaceAll("*", "_")));
  try {
    return await work(clientOf(driver, type), decodeURIComponent(url.host + url.pathname.replace(/\/$/, "")));
  } finally {
    await driver.close();
  }
}

/** A rejection handler: a missing stream or table holds nothing, so it stands for `fallback`. */
function missingIsEmpty<T>(fallback: T): (err: unknown) => T {
  return (err) => {
    if (awsErrorCode(err) === "NotFound") return fallback;
    throw err;
  };
}

/** Whether any shard of `stream` holds a record (Kinesis keeps no count). */
async function holdsRecords(client: KinesisClient, stream: string): Promise<boolean> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const shard of shards) {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const reply = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }));
    if ((reply.Records ?? []).length > 0) return true;
  }
  return false;
}

/** Whether a group's lease table (`<group>-<stream>`, the adapter's default) holds a checkpoint past the start. */
async function groupHasPosition(client: DynamoDBClient, group: string, stream: string): Promise<boolean> {
  const reply = await client
    .send(new ScanCommand({ TableName: `${group}-${stream}`.replace(/[^a-zA-Z0-9_.-]/g, "_") }))
    .catch(missingIsEmpty(undefined));
  const starts = new Set(["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"]);
  return (reply?.Items ?? []).some(
    (item) => item.checkpoint?.S !== undefined && !starts.has(item.checkpoint.S),
  );
}

/** Every stream's name, page by page (ListStreams answers at most 100 at a time). */
async function listStreams(client: KinesisClient): Promise<string[]> {
  const names: string[] = [];
  for (;;) {
    const reply = await client.send(
      new ListStreamsCommand({ Limit: 100, ExclusiveStartStreamName: names.at(-1) }),
    );
    names.push(...(reply.StreamNames ?? []));
    if (reply.HasMoreStreams !== true || (reply.StreamNames ?? []).length === 0) return names;
  }
}

/**
 * Deletes a table and waits until it is gone: a table being deleted is still listed for a
 * while, and a second clean-up must not find it again.
 */
async function deleteTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: table }));
  await waitUntilTableNotExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: table });
}

/** The DynamoDB tables whose names `name` matches. */
async function tablesMatching(client: DynamoDBClient, name: RegExp): Promise<string[]> {
  const found: string[] = [];
  let start: string | undefined;
  do {
    const reply = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    found.push(...(reply.TableNames ?? []).filter((t) => name.test(t)));
    start = reply.LastEvaluatedTableName;
  } while (start !== undefined);
  return found;
}

/** Kinesis streams: whether they hold records and the group has checkpoints; removal deletes streams and their lease tables. */
export const kinesisRunData: RunDataEngine = {
  inspect: (resource, _baseDir, group) =>
    withDriver(
      resource,
      (url) => new KinesisStream(parseKinesisUrl(url)),
      KinesisClient,
      async (client, stream) => {
        const warnings: string[] = [];
        if (!(await holdsRecords(client, stream).catch(missingIsEmpty(false)))) return warnings;
        warnings.push(`${resource.name} already holds records`);
        const leases = new KinesisStream(parseKinesisUrl(new URL(resource.url)));
        try {
          if (
            group !== undefined &&
            (await groupHasPosition(clientOf(leases, DynamoDBClient), group, stream))
          )
            warnings.push(`group "${group}" has a committed position on ${resource.name}: it resumes there`);
        } finally {
          await leases.close();
        }
        return warnings;
      },
    ),

  remove: (pattern) =>
    withDriver(
      pattern,
      (url) => new KinesisStream(parseKinesisUrl(url)),
      KinesisClient,
      async (client, name) => {
        const matches = runNameRegExp(name);
        const streams = (await listStreams(client)).filter((s) => matches.test(s));
        for (const stream of streams) await client.send(new DeleteStreamCommand({ StreamName: stream }));
        const leases = new KinesisStream(parseKinesisUrl(new URL(pattern.url.replaceAll("*", "_"))));
        try {
          const dynamodb = clientOf(leases, DynamoDBClient);
          // The adapter's lease tables are `<group>-<stream>`.
          const tables = await tablesMatching(dynamodb, new RegExp(`^.+-${matches.source.slice(1)}`));
          for (const table of tables) await deleteTable(dynamodb, table);
          return [...streams.map((s) => `kinesis stream ${s}`), ...tables.map((t) => `lease table ${t}`)];
        } finally {
          await leases.close();
        }
      },
    ),
};

/** DynamoDB state: whether the table holds items; removal deletes the matching tables. */
export const dynamodbRunData: RunDataEngine = {
  inspect: (resource) =>
    withDriver(
      resource,
      (url) => new DynamoDBStateStore(parseDynamoDBUrl(url)),
      DynamoDBClient,
      async (client, table) => {
        const reply = await client
          .send(new ScanCommand({ TableName: table, Limit: 1 }))
          .catch(missingIsEmpty(undefined));
        return (reply?.Items ?? []).length > 0
          ? [
              `${resource.name} already holds keys in table ${table}: cards start with an earlier run's history`,
            ]
          : [];
      },
    ),

  remove: (pattern) =>
    withDriver(
      pattern,
      (url) => new DynamoDBStateStore(parseDynamoDBUrl(url)),
      DynamoDBClient,
      async (client, name) => {
        const tables = await tablesMatching(client, runNameRegExp(name));
        for (const table of tables) await deleteTable(client, table);
        return tables.map((t) => `dynamodb table ${t}`);
      },
    ),
};

/** Timestream: nothing to inspect (the pipeline only writes there); removal deletes the matching tables. */
export const timestreamRunData: RunDataEngine = {
  inspect: async () => [],

  remove: (pattern) =>
    withDriver(
      pattern,
      (url) => new TimestreamSink(parseTimestreamUrl(url)),
      TimestreamWriteClient,
      async (client, name) => {
        const [database, table] = name.split("/") as [string, string];
        const matches = runNameRegExp(table);
        const listed = await client
          .send(new ListScoresTables({ DatabaseName: database }))
          .catch(missingIsEmpty(undefined));
        const tables = (listed?.Tables ?? []).map((t) => t.TableName!).filter((t) => matches.test(t));
        for (const t of tables)
          await client.send(new DeleteScoresTable({ DatabaseName: database, TableName: t }));
        return tables.map((t) => `timestream table ${database}/${t}`);
      },
    ),
};
