/**
 * Resharding mid-run: a pipeline relays items from a two-shard Kinesis stream
 * while the test splits one shard and then merges one of its children with
 * the other shard, publishing more items after each change. Parents must be
 * read to their end before their children, so every key's items come out in
 * the order they went in, across parents and children; nothing is lost.
 */
import { randomUUID } from "node:crypto";
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  type Shard,
  SplitShardCommand,
} from "@aws-sdk/client-kinesis";
import { ResourceResolver, Stream, defineConfig, json } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { aws } from "../../packages/adapter-aws/src/index.js";
import {
  createStream,
  deleteStream,
  emulatorClients,
} from "../../packages/adapter-aws/src/kinesis/test-streams.js";
import { within } from "../fault/outage.js";
import { RelayRun, relayPipeline, waitFor } from "../fault/relay.js";
import { useEmulatorCredentials } from "../services/aws/node-emulator.js";
import { describeServices, serviceVar } from "./persistent-profiles.js";
import { KeyOrderLog } from "./scale-out-aws/key-order.js";
import { publishItems } from "./scale-out-aws/run.js";
import type { Item, ProcessedItem } from "./scale-out/pipeline.js";

/** Items per phase: before the split, between split and merge, after the merge. */
const PER_PHASE = 3000;
const KEYS = 16;

async function waitActive(client: KinesisClient, stream: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const reply = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (reply.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stream ${stream} did not become active again`);
}

async function openShards(client: KinesisClient, stream: string): Promise<Shard[]> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  return shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined);
}

describeServices(["kinesalite", "dynalite"], "a Kinesis stream split and merged mid-run", (s) => {
  const name = `e2e-reshard-${randomUUID().slice(0, 8)}`;
  const kinesis = serviceVar(s, "kinesalite", "SWITCHYARD_KINESALITE_ENDPOINT");
  const dynamodb = serviceVar(s, "dynalite", "SWITCHYARD_DYNALITE_ENDPOINT");
  const clients = emulatorClients(kinesis, dynamodb);
  const url = (stream: string) =>
    `kinesis://${name}-${stream}?region=us-east-1&endpoint=${kinesis}&leaseEndpoint=${dynamodb}&failoverMs=2000`;
  const resolver = new ResourceResolver(
    defineConfig({
      adapters: [aws()],
      profiles: {
        reshard: {
          streams: { items: url("items"), processed: url("processed"), "dead-letters": url("dead-letters") },
        },
      },
    }),
    "reshard",
  );
  let relay: RelayRun | undefined;
  let log: KeyOrderLog | undefined;

  beforeAll(async () => {
    useEmulatorCredentials();
    await createStream(clients.kinesis, `${name}-items`, 2);
    // One output shard: the order the relay writes in is the order the log reads in.
    await createStream(clients.kinesis, `${name}-processed`, 1);
    await createStream(clients.kinesis, `${name}-dead-letters`, 1);
  });
  afterAll(async () => {
    await within(10_000, relay?.stop(10_000) ?? Promise.resolve());
    await within(5000, log?.close() ?? Promise.resolve());
    await within(5000, resolver.close());
    for (const stream of ["items", "processed", "dead-letters"]) {
      await deleteStream(clients, `${name}-${stream}`).catch(() => undefined);
    }
    clients.kinesis.destroy();
    clients.dynamodb.destroy();
  });

  it(
    "keeps every key's order across parents and children, losing nothing",
    { timeout: 110_000 },
    async () => {
      const items = new Stream<Item>(await resolver.open("stream", "items"), {
        name: "items",
        codec: json(),
      });
      const processed = new Stream<ProcessedItem>(await resolver.open("stream", "processed"), {
        name: "processed",
        codec: json(),
      });
      const key = (id: number) => `key-${id % KEYS}`;
      await publishItems(items, PER_PHASE, key);
      log = await KeyOrderLog.start(processed, `${name}-audit`, KEYS);
      const current = new RelayRun(relayPipeline({ group: `${name}-relay`, workMsPerRecord: 2 }), resolver);
      relay = current;
      const output = log;
      const progress = () =>
        `${current.processed} relayed, ${output.distinct} out, ${output.outOfOrder.length} out of order; ` +
        `warnings:\n${current.lastWarnings()}`;
      const wait = (what: string, done: () => boolean) =>
        waitFor(what, done, {
          timeoutMs: 60_000,
          failed: () => {
            output.check();
            return current.crash();
          },
          detail: progress,
        });

      await wait("the relay gets going", () => current.processed >= 300);
      const [first, second] = await openShards(clients.kinesis, `${name}-items`);
      const range = first!.HashKeyRange!;
      await clients.kinesis.send(
        new SplitShardCommand({
          StreamName: `${name}-items`,
          ShardToSplit: first!.ShardId,
          NewStartingHashKey: (
            (BigInt(range.StartingHashKey!) + BigInt(range.EndingHashKey!)) /
            2n
          ).toString(),
        }),
      );
      await waitActive(clients.kinesis, `${name}-items`);
      const splitAt = current.processed;
      await publishItems(items, PER_PHASE, key, PER_PHASE);

      const children = (await openShards(clients.kinesis, `${name}-items`)).filter(
        (shard) => shard.ParentShardId === first!.ShardId,
      );
      expect(children).toHaveLength(2);
      // The upper child is adjacent to the second shard: merging them gives a shard with two parents.
      await clients.kinesis.send(
        new MergeShardsCommand({
          StreamName: `${name}-items`,
          ShardToMerge: children[1]!.ShardId,
          AdjacentShardToMerge: second!.ShardId,
        }),
      );
      await waitActive(clients.kinesis, `${name}-items`);
      const mergeAt = current.processed;
      await publishItems(items, PER_PHASE, key, 2 * PER_PHASE);

      const total = 3 * PER_PHASE;
      await wait("every item comes out", () => output.distinct >= total);
      const report =
        `${total} items over ${KEYS} keys, split at ${splitAt} relayed, merged at ${mergeAt}; ` +
        `${output.duplicates} duplicates, ${output.outOfOrder.length} out of order`;
      console.log(`reshard (kinesis): ${report}`);
      // Each change must come while the relay still had records of the shards it changed to read.
      expect(
        {
          splitMidRun: splitAt < PER_PHASE,
          mergedMidRun: mergeAt < 2 * PER_PHASE,
          outOfOrder: output.outOfOrder.slice(0, 5),
        },
        report,
      ).toEqual({ splitMidRun: true, mergedMidRun: true, outOfOrder: [] });
    },
  );
});
