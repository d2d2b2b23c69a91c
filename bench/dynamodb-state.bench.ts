/**
 * The DynamoDB state store against the raw AWS SDK client doing the same
 * calls on the same dynalite (started through the test harness), interleaved
 * in one run:
 *
 * - batch reads: `StateStore.getMany` of 100 keys (one BatchGetItem, consistent
 *   reads) against `BatchGetItemCommand` of the same 100 keys, keys per second;
 * - increments (in `extra`): `StateStore.increment` (one conditional
 *   `UpdateItem ADD` returning the new count) against `UpdateItemCommand` with
 *   `ADD` and `UPDATED_NEW`, calls per second.
 *
 * Each also reports the CPU this process took per run (`cpuRatio`): dynalite
 * runs in another process, so that is the client's work alone, while calls per
 * second also count the longer expressions dynalite has to parse.
 *
 * Both sides keep 16 calls in flight. `npm run bench -- dynamodb-state [calls] [runs]`
 * (defaults 400 and 5).
 */
import { randomUUID } from "node:crypto";
import { BatchGetItemCommand, DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { StateStore, raw } from "@switchyard/core";
import { DynamoDBStateStore, parseDynamoDBUrl } from "@switchyard/adapter-aws";
import { createTable, deleteTable } from "../packages/adapter-aws/src/dynamodb/test-tables.js";
import { startServices, stopServices } from "../test/harness/runner.js";
import { useEmulatorCredentials } from "../test/services/aws/node-emulator.js";
import { dynalite } from "../test/services/dynalite.js";
import { interleaved, type BenchResult } from "./report.js";

const KEYS = 2000;
const IN_FLIGHT = 16;
const value = new Uint8Array(100).fill(7);
const batches = Array.from({ length: KEYS / 100 }, (_, b) =>
  Array.from({ length: 100 }, (_, i) => `card:${b * 100 + i}`),
);

/** Runs `calls` calls of `call`, `IN_FLIGHT` at a time; returns calls per second. */
async function rate(calls: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const began = performance.now();
  const worker = async () => {
    while (next < calls) await call(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return calls / ((performance.now() - began) / 1000);
}

export default async function bench(args: string[]): Promise<BenchResult> {
  const calls = Number(args[0] ?? 400);
  const runs = Number(args[1] ?? 5);
  useEmulatorCredentials();
  const run = await startServices([dynalite], { backend: "local" });
  const endpoint = run.started[0]?.env.SWITCHYARD_DYNALITE_ENDPOINT;
  if (endpoint === undefined) throw new Error(`dynalite unavailable: ${run.missing[0]?.reason ?? "unknown"}`);
  const client = new DynamoDBClient({ region: "us-east-1", endpoint, requestHandler: new NodeHttpHandler() });
  const table = `bench-${randomUUID().slice(0, 8)}`;
  await createTable(client, table, "key");
  const store = new StateStore<Uint8Array>(
    new DynamoDBStateStore(
      parseDynamoDBUrl(new URL(`dynamodb://${table}?region=us-east-1&endpoint=${endpoint}`)),
    ),
    { name: "bench", codec: raw() },
  );
  try {
    for (const batch of batches) await store.putMany(batch.map((key) => ({ key, value })));
    const reads = await interleaved(
      "dynamodb-state",
      "keys/s",
      "@aws-sdk/client-dynamodb BatchGetItem x100",
      runs,
      async () => (await rate(calls, (i) => store.getMany(batches[i % batches.length]!))) * 100,
      async () =>
        (await rate(calls, async (i) => {
          const keys = batches[i % batches.length]!.map((key) => ({ key: { S: key } }));
          const reply = await client.send(
            new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
          );
          if (Object.keys(reply.UnprocessedKeys ?? {}).length > 0) throw new Error("unprocessed keys");
        })) * 100,
      { cpu: true },
    );
    const increments = await interleaved(
      "dynamodb-state-increment",
      "calls/s",
      "@aws-sdk/client-dynamodb UpdateItem ADD",
      runs,
      () => rate(calls, (i) => store.increment(`count:${i % KEYS}`, 1)),
      () =>
        rate(calls, (i) =>
          client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { key: { S: `raw-count:${i % KEYS}` } },
              UpdateExpression: "ADD n :by",
              ExpressionAttributeValues: { ":by": { N: "1" } },
              ReturnValues: "UPDATED_NEW",
            }),
          ),
        ),
      { cpu: true },
    );
    return {
      ...reads,
      extra: {
        "increment calls/s": increments.ours,
        "raw UpdateItem ADD calls/s": increments.baseline,
        "increment ratio": increments.ratio,
        "increment CPU ratio": increments.cpuRatio!,
        ...(increments.serverCpuMs === undefined
          ? {}
          : {
              "increment dynalite CPU ms": increments.serverCpuMs.ours,
              "raw UpdateItem dynalite CPU ms": increments.serverCpuMs.baseline,
            }),
      },
    };
  } finally {
    await store.close();
    await deleteTable(client, table);
    client.destroy();
    await stopServices(run);
  }
}
