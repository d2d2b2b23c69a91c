/**
 * Kinesis through the adapter against the raw AWS SDK client doing the same
 * calls on the same kinesalite (started through the test harness, with
 * dynalite for the lease table), interleaved in one run:
 *
 * - publish: `Stream.publish` (JSON codec, envelope, PutRecords of 500)
 *   against `PutRecordsCommand` with the same JSON payloads and keys; and
 *   again on a stream with `envelope=false` (in `extra`), which writes the
 *   same bytes as the raw client, so the difference is the adapter's own work;
 * - consume+decode (in `extra`): a new group's `Subscription.receive` until
 *   every record of a stream holding `records` is decoded, against
 *   GetShardIterator/GetRecords per shard on a stream of the same records and
 *   `JSON.parse`, both timed from the first read call; and again from the
 *   stream with `envelope=false`, whose records are the raw client's bytes;
 *   and a third time against the raw loop writing a checkpoint to a lease
 *   table (`UpdateItem`, the adapter's condition and attributes) after each
 *   GetRecords, as a KCL record processor commonly does per batch: the calls
 *   the adapter makes. The `UpdateItem` requests each side sent per run are
 *   counted from Node's HTTP client (`diagnostics_channel`) and printed.
 *
 * Both also report the CPU this process took per run (the emulators are other
 * processes): publish over the whole run (`cpuRatio`), consume over the timed
 * part, from the first read call to the last record, which for the adapter
 * includes renewing its leases but not creating the group's lease table.
 *
 * `npm run bench -- kinesis [records] [runs]` (defaults 5000 and 5).
 */
import { randomUUID } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { Stream, json } from "@switchyard/core";
import { KinesisStream, parseKinesisUrl } from "@switchyard/adapter-aws";
import {
  createStream,
  deleteStream,
  emulatorClients,
  type EmulatorClients,
} from "../packages/adapter-aws/src/kinesis/test-streams.js";
import { startServices, stopServices } from "../test/harness/runner.js";
import { useEmulatorCredentials } from "../test/services/aws/node-emulator.js";
import { dynalite } from "../test/services/dynalite.js";
import { kinesalite } from "../test/services/kinesalite.js";
import { DEFAULT_MAX_RECORDS } from "../packages/adapter-aws/src/kinesis/options.js";
import { interleaved, median, type BenchResult } from "./report.js";

const SHARDS = 4;
const BATCH = 500;

/** A transaction-sized record. */
interface Event {
  id: number;
  card: string;
  amount: number;
  merchant: string;
}

const event = (id: number): Event => ({ id, card: `card-${id % 997}`, amount: id % 500, merchant: "m-0042" });

/** Publishes `n` records through the adapter and returns records per second. */
async function publishOurs(stream: Stream<Event>, n: number): Promise<number> {
  const began = performance.now();
  for (let at = 0; at < n; at += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, n - at) }, (_, i) => at + i);
    await stream.publish(ids.map((id) => ({ key: `card-${id % 997}`, value: event(id) })));
  }
  return n / ((performance.now() - began) / 1000);
}

/** The same records with PutRecords, JSON-encoded, all accepted or the bench fails. */
async function publishRaw(client: KinesisClient, name: string, n: number): Promise<number> {
  const began = performance.now();
  for (let at = 0; at < n; at += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, n - at) }, (_, i) => at + i);
    const reply = await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: ids.map((id) => ({
          PartitionKey: `card-${id % 997}`,
          // Buffer.from, as core's JSON codec encodes (a pooled view, cheaper than TextEncoder's fresh array).
          Data: Buffer.from(JSON.stringify(event(id))),
        })),
      }),
    );
    if ((reply.FailedRecordCount ?? 0) > 0) throw new Error(`${reply.FailedRecordCount} records rejected`);
  }
  return n / ((performance.now() - began) / 1000);
}

/** CPU milliseconds of each consume run from its first read call to its last record, per side. */
const consumeCpu = {
  ours: [] as number[],
  raw: [] as number[],
  bare: [] as number[],
  bareRaw: [] as number[],
  checkpointed: [] as number[],
  checkpointedRaw: [] as number[],
};

/** DynamoDB `UpdateItem` requests this process sent (lease renewals and checkpoints), counted while `counting`. */
const updates = { counting: false, ours: 0, raw: 0, side: "ours" as "ours" | "raw" };
subscribe("http.client.request.start", (message) => {
  const { request } = message as { request: ClientRequest };
  if (updates.counting && request.getHeader("x-amz-target") === "DynamoDB_20120810.UpdateItem") {
    updates[updates.side]++;
  }
});

/** Where the raw loop writes a checkpoint after each GetRecords, as a KCL record processor does per batch. */
interface RawCheckpoints {
  client: DynamoDBClient;
  table: string;
  /** Each shard's lease counter as the loop last wrote it. */
  counters: Map<string, number>;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Reads `n` records in a new group through the adapter; records per second from the first receive. */
async function consumeOurs(stream: Stream<Event>, n: number, cpuLog = consumeCpu.ours): Promise<number> {
  const sub = await stream.subscribe({ group: `bench-${randomUUID().slice(0, 8)}`, maxBatch: BATCH });
  try {
    let seen = 0;
    Object.assign(updates, { counting: true, side: "ours" });
    const cpu = process.cpuUsage();
    const began = performance.now();
    while (seen < n) {
      const batch = await sub.receive(AbortSignal.timeout(30_000));
      if (batch === undefined) throw new Error("the subscription ended");
      seen += batch.records.length;
      sub.ack(batch.records);
    }
    const rate = n / ((performance.now() - began) / 1000);
    cpuLog.push(cpuMsSince(cpu));
    updates.counting = false;
    return rate;
  } finally {
    await sub.close();
  }
}

/**
 * Reads `n` records with GetRecords of up to the adapter's default `maxRecords` on every shard
 * from TRIM_HORIZON, calls at least 200 ms apart per shard, and parses them.
 */
async function consumeRaw(
  client: KinesisClient,
  name: string,
  n: number,
  cpuLog = consumeCpu.raw,
  checkpoints?: RawCheckpoints,
): Promise<number> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
  const decoder = new TextDecoder();
  let seen = 0;
  Object.assign(updates, { counting: true, side: "raw" });
  const cpu = process.cpuUsage();
  const began = performance.now();
  await Promise.all(
    shards.map(async (shard) => {
      let iterator = (
        await client.send(
          new GetShardIteratorCommand({
            StreamName: name,
            ShardId: shard.ShardId,
            ShardIteratorType: "TRIM_HORIZON",
          }),
        )
      ).ShardIterator;
      while (seen < n && iterator !== undefined) {
        const started = performance.now();
        const reply = await client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: DEFAULT_MAX_RECORDS }),
        );
        for (const record of reply.Records ?? []) {
          JSON.parse(decoder.decode(record.Data)) as Event;
          seen++;
        }
        const last = reply.Records?.at(-1)?.SequenceNumber;
        if (checkpoints !== undefined && last !== undefined) {
          await checkpointRaw(checkpoints, shard.ShardId!, last);
        }
        iterator = reply.NextShardIterator;
        // The 5 calls per second per shard that Kinesis allows and the adapter keeps to.
        const wait = 200 - (performance.now() - started);
        if (seen < n && wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }),
  );
  const rate = n / ((performance.now() - began) / 1000);
  cpuLog.push(cpuMsSince(cpu));
  updates.counting = false;
  return rate;
}

/** The lease-table write the adapter makes for a checkpoint: the sequence number, the counter moved on, under the counter's condition. */
async function checkpointRaw(
  { client, table, counters }: RawCheckpoints,
  shard: string,
  sequence: string,
): Promise<void> {
  const counter = (counters.get(shard) ?? 0) + 1;
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { leaseKey: { S: shard } },
      UpdateExpression:
        "SET leaseCounter = :next, checkpoint = :cp, checkpointSubSequenceNumber = :zero, ownerSwitchesSinceCheckpoint = :zero",
      ConditionExpression: "leaseCounter = :counter AND leaseOwner = :owner",
      ExpressionAttributeValues: {
        ":next": { N: String(counter) },
        ":counter": { N: String(counter - 1) },
        ":owner": { S: "bench" },
        ":cp": { S: sequence },
        ":zero": { N: "0" },
      },
    }),
  );
  counters.set(shard, counter);
}

/** A lease table holding one lease per shard of `stream`, owned by the raw loop, counters at 0. */
async function rawLeaseTable(clients: EmulatorClients, stream: string): Promise<RawCheckpoints> {
  const table = `bench-raw-leases-${randomUUID().slice(0, 8)}`;
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: "leaseKey", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "leaseKey", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await waitUntilTableExists({ client: clients.dynamodb, maxWaitTime: 60 }, { TableName: table });
  const shards = (await clients.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const shard of shards) {
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          leaseKey: { S: shard.ShardId! },
          leaseOwner: { S: "bench" },
          leaseCounter: { N: "0" },
          checkpoint: { S: "TRIM_HORIZON" },
        },
      }),
    );
  }
  return { client: clients.dynamodb, table, counters: new Map() };
}

export default async function bench(args: string[]): Promise<BenchResult> {
  const records = Number(args[0] ?? 5000);
  const runs = Number(args[1] ?? 5);
  useEmulatorCredentials();
  const run = await startServices([kinesalite, dynalite], { backend: "local" });
  const kinesis = run.started.find((s) => s.name === "kinesalite")?.env.SWITCHYARD_KINESALITE_ENDPOINT;
  const dynamodb = run.started.find((s) => s.name === "dynalite")?.env.SWITCHYARD_DYNALITE_ENDPOINT;
  if (kinesis === undefined || dynamodb === undefined)
    throw new Error(`emulators unavailable: ${run.missing.map((m) => m.reason).join("; ")}`);
  const clients = emulatorClients(kinesis, dynamodb);
  const ours = `bench-ours-${randomUUID().slice(0, 8)}`;
  const raw = `bench-raw-${randomUUID().slice(0, 8)}`;
  await createStream(clients.kinesis, ours, SHARDS);
  await createStream(clients.kinesis, raw, SHARDS);
  const bare = `bench-bare-${randomUUID().slice(0, 8)}`;
  await createStream(clients.kinesis, bare, SHARDS);
  const open = (name: string, params = "") =>
    new Stream<Event>(
      new KinesisStream(
        parseKinesisUrl(
          new URL(
            `kinesis://${name}?region=us-east-1&endpoint=${kinesis}&leaseEndpoint=${dynamodb}${params}`,
          ),
        ),
      ),
      { name: "bench", codec: json() },
    );
  const readOurs = `bench-read-ours-${randomUUID().slice(0, 8)}`;
  const readBare = `bench-read-bare-${randomUUID().slice(0, 8)}`;
  const readRaw = `bench-read-raw-${randomUUID().slice(0, 8)}`;
  for (const name of [readOurs, readBare, readRaw]) await createStream(clients.kinesis, name, SHARDS);
  const rawTables: string[] = [];
  const stream = open(ours);
  const bareStream = open(bare, "&envelope=false");
  const readStream = open(readOurs);
  const readBareStream = open(readBare, "&envelope=false");
  try {
    const publish = await interleaved(
      "kinesis",
      "records/s",
      "@aws-sdk/client-kinesis PutRecords x500",
      runs,
      () => publishOurs(stream, records),
      () => publishRaw(clients.kinesis, raw, records),
      { cpu: true },
    );
    // The same without the envelope: the adapter's own work, apart from the bytes the envelope adds.
    const publishBare = await interleaved(
      "kinesis-bare",
      "records/s",
      "@aws-sdk/client-kinesis PutRecords x500",
      runs,
      () => publishOurs(bareStream, records),
      () => publishRaw(clients.kinesis, raw, records),
      { cpu: true },
    );
    // Consumers read streams that hold exactly `records` each, so that neither side fetches more than it needs.
    await publishOurs(readStream, records);
    await publishOurs(readBareStream, records);
    await publishRaw(clients.kinesis, readRaw, records);
    const consume = await interleaved(
      "kinesis-consume",
      "records/s",
      "@aws-sdk/client-kinesis GetRecords + JSON.parse",
      runs,
      () => consumeOurs(readStream, records),
      () => consumeRaw(clients.kinesis, readRaw, records),
    );
    // The same from the stream without the envelope: the same bytes as the raw client reads.
    const consumeBare = await interleaved(
      "kinesis-consume-bare",
      "records/s",
      "@aws-sdk/client-kinesis GetRecords + JSON.parse",
      runs,
      () => consumeOurs(readBareStream, records, consumeCpu.bare),
      () => consumeRaw(clients.kinesis, readRaw, records, consumeCpu.bareRaw),
    );
    // The raw loop again, now writing a checkpoint to a lease table after each GetRecords, as the adapter does.
    const leases = await rawLeaseTable(clients, readRaw);
    rawTables.push(leases.table);
    Object.assign(updates, { ours: 0, raw: 0 });
    const consumeCheckpointed = await interleaved(
      "kinesis-consume-checkpointed",
      "records/s",
      "@aws-sdk/client-kinesis GetRecords + JSON.parse + UpdateItem checkpoint",
      runs,
      () => consumeOurs(readStream, records, consumeCpu.checkpointed),
      () => consumeRaw(clients.kinesis, readRaw, records, consumeCpu.checkpointedRaw, leases),
    );
    // The first of each is the warm-up.
    const cpuRatio = (rawMs: number[], oursMs: number[]) =>
      Math.round((median(rawMs.slice(1)) / median(oursMs.slice(1))) * 1000) / 1000;
    return {
      ...publish,
      extra: {
        "consume+decode records/s": consume.ours,
        "raw GetRecords + JSON.parse records/s": consume.baseline,
        "consume ratio": consume.ratio,
        "consume CPU ratio": cpuRatio(consumeCpu.raw, consumeCpu.ours),
        "consume envelope=false ratio": consumeBare.ratio,
        "consume envelope=false CPU ratio": cpuRatio(consumeCpu.bareRaw, consumeCpu.bare),
        "publish envelope=false ratio": publishBare.ratio,
        "publish envelope=false CPU ratio": publishBare.cpuRatio!,
        "consume vs raw with checkpoints ratio": consumeCheckpointed.ratio,
        "consume vs raw with checkpoints CPU ratio": cpuRatio(
          consumeCpu.checkpointedRaw,
          consumeCpu.checkpointed,
        ),
        "UpdateItem per consume run, ours": Math.round(updates.ours / (runs + 1)),
        "UpdateItem per consume run, raw with checkpoints": Math.round(updates.raw / (runs + 1)),
      },
    };
  } finally {
    for (const s of [stream, bareStream, readStream, readBareStream]) await s.close();
    for (const table of rawTables) {
      await clients.dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    }
    for (const name of [ours, bare, raw, readOurs, readBare, readRaw]) {
      await deleteStream(clients, name).catch(() => undefined);
    }
    clients.kinesis.destroy();
    clients.dynamodb.destroy();
    await stopServices(run);
  }
}
