import { randomUUID } from "node:crypto";
import {
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
  MergeShardsCommand,
} from "@aws-sdk/client-kinesis";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Stream, raw } from "@switchyard/core";
import type { Subscription } from "@switchyard/core";
import { afterAll, afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { useEmulatorCredentials } from "../../../../test/services/aws/node-emulator.js";
import { parseKinesisUrl } from "./options.js";
import { KinesisStream } from "./stream.js";
import type { KinesisStreamOptions } from "./stream.js";
import { aggregate } from "./test-kpl.js";
import { createStream, deleteStream, emulatorClients } from "./test-streams.js";

const FAILOVER_MS = 2000;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

/** Receives until `count` records arrived or `ms` passed. */
async function receive(sub: Subscription<Uint8Array>, count: number, ms = 15_000) {
  const seen: { key: string | undefined; value: string; partition: string; settle: unknown }[] = [];
  const records = [];
  const deadline = AbortSignal.timeout(ms);
  while (seen.length < count && !deadline.aborted) {
    const batch = await sub.receive(deadline);
    if (batch === undefined) break;
    for (const r of batch.records) {
      seen.push({ key: r.key, value: text(r.value), partition: batch.partition, settle: r });
      records.push(r);
    }
  }
  return { seen, records };
}

describeService("kinesalite", "kinesis streams", (kinesisEnv) => {
  describeService("dynalite", "with shard leases on dynalite", (dynamoEnv) => {
    useEmulatorCredentials();
    const kinesisEndpoint = kinesisEnv.SWITCHYARD_KINESALITE_ENDPOINT!;
    const dynamodbEndpoint = dynamoEnv.SWITCHYARD_DYNALITE_ENDPOINT!;
    const clients = emulatorClients(kinesisEndpoint, dynamodbEndpoint);
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
    });
    afterAll(() => {
      clients.kinesis.destroy();
      clients.dynamodb.destroy();
    });

    async function fresh(shards: number) {
      const name = `test-${randomUUID().slice(0, 12)}`;
      await createStream(clients.kinesis, name, shards);
      cleanup.push(() => deleteStream(clients, name));
      const openDriver = (options: KinesisStreamOptions = {}, params = "") => {
        const driver = new KinesisStream(
          parseKinesisUrl(
            new URL(
              `kinesis://${name}?endpoint=${kinesisEndpoint}&leaseEndpoint=${dynamodbEndpoint}&failoverMs=${FAILOVER_MS}${params}`,
            ),
          ),
          options,
        );
        cleanup.push(() => driver.close());
        return driver;
      };
      const open = (options: KinesisStreamOptions = {}, params = "") =>
        new Stream<Uint8Array>(openDriver(options, params), { name, codec: raw() });
      return { name, open, openDriver };
    }

    /** What a middleware sees of a client call: the command's input. */
    type Call = { input: unknown };
    /** What the rest of the call answers: the command's output. */
    type Reply = { output: unknown };

    /** A real client on kinesalite whose calls of `command` go through `intercept`, which may pass them on, change or fail them. */
    function interceptingClient(
      command: string,
      intercept: (next: (args: Call) => Promise<Reply>, args: Call) => Promise<Reply>,
    ): KinesisClient {
      const client = new KinesisClient({
        region: "us-east-1",
        endpoint: kinesisEndpoint,
        requestHandler: new NodeHttpHandler(),
      });
      cleanup.push(async () => client.destroy());
      client.middlewareStack.add(
        (next, context) => async (args) =>
          context.commandName === command
            ? ((await intercept(next as never, args)) as Awaited<ReturnType<typeof next>>)
            : next(args),
        { step: "initialize", name: `intercept${command}` },
      );
      return client;
    }

    /** A real client on kinesalite whose every GetRecords call is shown to `watch` first (its input, its number from 1). */
    function watchingGetRecords(watch: (input: { Limit?: number }, call: number) => void): KinesisClient {
      let calls = 0;
      return interceptingClient("GetRecordsCommand", (next, args) => {
        watch(args.input as { Limit?: number }, ++calls);
        return next(args);
      });
    }

    const encode = (s: string) => new TextEncoder().encode(s);

    it("stores leases with the KCL's attribute names and the checkpoint as a sequence number", async () => {
      const { name, open } = await fresh(1);
      const stream = open();
      const [sent] = await stream.publish([{ key: "k", value: encode("a") }]);
      const group = `g-${randomUUID().slice(0, 8)}`;
      const sub = await stream.subscribe({ group, consumerName: "worker-1" });
      const { records } = await receive(sub, 1);
      sub.ack(records);
      await sub.commit();
      const items = (await clients.dynamodb.send(new ScanCommand({ TableName: `${group}-${name}` }))).Items!;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        leaseKey: { S: "shardId-000000000000" },
        leaseOwner: { S: "worker-1" },
        checkpoint: { S: sent!.id },
        checkpointSubSequenceNumber: { N: "0" },
        ownerSwitchesSinceCheckpoint: { N: "0" },
      });
      expect(Number(items[0]!.leaseCounter!.N)).toBeGreaterThan(1);
      await sub.close();
    });

    it("hands out the records one shard read when another shard's read failed, and loses none", async () => {
      const { open, openDriver } = await fresh(2);
      const sent = Array.from({ length: 40 }, (_, i) => `r${i}`);
      await open().publish(sent.map((v, i) => ({ key: `k${i}`, value: encode(v) })));
      // A real client against kinesalite whose second GetRecords call fails on the way out, like a reset connection.
      let getRecords = 0;
      const client = watchingGetRecords((_, call) => {
        getRecords = call;
        if (call === 2) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      });
      const driver = openDriver({ client });
      const consumer = await driver.openConsumer({
        group: `g-${randomUUID().slice(0, 8)}`,
        start: "earliest",
        consumerName: "worker-1",
      });
      const seen: string[] = [];
      const errors: unknown[] = [];
      const deadline = AbortSignal.timeout(15_000);
      while (seen.length < sent.length && !deadline.aborted) {
        try {
          for (const r of await consumer.receive(100, deadline)) seen.push(text(r.value));
        } catch (err) {
          errors.push(err); // core retries a failed receive; so does this loop
        }
      }
      expect(getRecords, "the fault was injected").toBeGreaterThanOrEqual(2);
      expect(seen.sort()).toEqual([...sent].sort());
    });

    it("resends only the records PutRecords refused and the later ones of their keys, each key in order", async () => {
      const { open } = await fresh(2);
      // A real client against kinesalite whose first PutRecords call is answered as a throttled shard answers:
      // the records of key k3 refused with ProvisionedThroughputExceededException, the rest written.
      const sentKeys: string[][] = [];
      const client = interceptingClient("PutRecordsCommand", async (next, args) => {
        const input = args.input as { Records: { PartitionKey: string }[] };
        sentKeys.push(input.Records.map((r) => r.PartitionKey));
        if (sentKeys.length > 1) return next(args);
        const refused = input.Records.map((r) => r.PartitionKey === "k3");
        const kept = input.Records.filter((_, i) => !refused[i]);
        const reply = await next({ ...args, input: { ...input, Records: kept } });
        const written = [...((reply.output as { Records?: object[] }).Records ?? [])];
        const throttled = {
          ErrorCode: "ProvisionedThroughputExceededException",
          ErrorMessage: "Rate exceeded for shard",
        };
        const output = {
          ...(reply.output as object),
          FailedRecordCount: refused.filter(Boolean).length,
          Records: refused.map((no) => (no ? throttled : written.shift())),
        };
        return { ...reply, output };
      });
      const values = Array.from({ length: 60 }, (_, i) => `k${i % 6}:${i}`);
      await open({ client }).publish(values.map((v) => ({ key: v.split(":")[0], value: encode(v) })));
      expect(sentKeys).toHaveLength(2);
      expect(sentKeys[1], "the retry sends k3's records and nothing else").toEqual(Array(10).fill("k3"));
      const sub = await open().subscribe({ group: `g-${randomUUID().slice(0, 8)}`, start: "earliest" });
      cleanup.push(() => sub.close());
      const { seen } = await receive(sub, values.length);
      expect(seen.map((r) => r.value).sort()).toEqual([...values].sort());
      for (let k = 0; k < 6; k++) {
        const ofKey = seen.filter((r) => r.key === `k${k}`).map((r) => Number(r.value.split(":")[1]));
        expect(ofKey, `key k${k} in order`).toEqual([...ofKey].sort((a, b) => a - b));
      }
    });

    it("resends only the calls that did not go through when a send of several PutRecords calls fails midway", async () => {
      const { open } = await fresh(2);
      // A real client against kinesalite whose second PutRecords call fails on the way out, like a reset connection.
      const sentCounts: number[] = [];
      const client = interceptingClient("PutRecordsCommand", (next, args) => {
        sentCounts.push((args.input as { Records: unknown[] }).Records.length);
        if (sentCounts.length === 2) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        return next(args);
      });
      // 300 records of 30 kB: over PutRecords' 5 MiB, so one send of them takes two calls.
      const values = Array.from({ length: 300 }, (_, i) => `k${i % 7}:${i}:`.padEnd(30_000, "x"));
      await open({ client }).publish(values.map((v) => ({ key: v.split(":")[0], value: encode(v) })));
      expect(sentCounts, "the first call written, the second failed, then the second again").toHaveLength(3);
      expect(sentCounts[0]! + sentCounts[1]!).toBe(300);
      expect(sentCounts[2]).toBe(sentCounts[1]);
      const sub = await open().subscribe({ group: `g-${randomUUID().slice(0, 8)}`, start: "earliest" });
      cleanup.push(() => sub.close());
      const { seen } = await receive(sub, values.length);
      expect(seen.map((r) => r.value).sort()).toEqual([...values].sort());
    });

    it("writes two sends made one after the other in that order, even when the first one's call is slow", async () => {
      const { open } = await fresh(1);
      // A real client against kinesalite whose first PutRecords call waits until the second call has
      // been answered (or a second has passed), as a slow connection would make it.
      let answerSecond: () => void = () => undefined;
      const secondAnswered = new Promise<void>((resolve) => (answerSecond = resolve));
      let calls = 0;
      const client = interceptingClient("PutRecordsCommand", async (next, args) => {
        const call = ++calls;
        if (call === 1) await Promise.race([secondAnswered, new Promise((r) => setTimeout(r, 1000))]);
        try {
          return await next(args);
        } finally {
          if (call === 2) answerSecond();
        }
      });
      const stream = open({ client });
      // Core issues a partition's writes like this: the next before the last one was answered.
      await Promise.all([
        stream.publish([{ key: "k", value: encode("earlier") }]),
        stream.publish([{ key: "k", value: encode("later") }]),
      ]);
      const sub = await open().subscribe({ group: `g-${randomUUID().slice(0, 8)}`, start: "earliest" });
      cleanup.push(() => sub.close());
      const { seen } = await receive(sub, 2);
      expect(seen.map((r) => r.value)).toEqual(["earlier", "later"]);
    });

    it("asks GetRecords for maxRecords whatever less a receive wants, and hands out the rest without another call", async () => {
      const { open, openDriver } = await fresh(1);
      const sent = Array.from({ length: 600 }, (_, i) => `r${i}`);
      await open().publish(sent.map((v, i) => ({ key: `k${i}`, value: encode(v) })));
      // The Limit of every GetRecords call the consumer makes.
      const limits: number[] = [];
      const driver = openDriver(
        { client: watchingGetRecords((input) => limits.push(input.Limit!)) },
        "&maxRecords=500",
      );
      const consumer = await driver.openConsumer({
        group: `g-${randomUUID().slice(0, 8)}`,
        start: "earliest",
        consumerName: "worker-1",
      });
      const seen: string[] = [];
      const deadline = AbortSignal.timeout(15_000);
      while (seen.length < sent.length && !deadline.aborted) {
        const records = await consumer.receive(50, deadline);
        expect(records.length).toBeLessThanOrEqual(50);
        for (const r of records) seen.push(text(r.value));
      }
      expect(seen).toEqual(sent);
      // 600 records in receives of 50: two calls of 500 (at most a third finding nothing), not twelve of 50.
      expect(
        limits.every((limit) => limit === 500),
        `limits ${limits.join(",")}`,
      ).toBe(true);
      expect(limits.length).toBeLessThanOrEqual(3);
    });

    it("refuses maxRecords above what GetRecords returns, naming the most", () => {
      expect(() => parseKinesisUrl(new URL("kinesis://s?maxRecords=10001"))).toThrow(
        /maxRecords=10001 is more than GetRecords returns \(10000\)/,
      );
    });

    it("shares the shards between two consumers of a group", async () => {
      const { open } = await fresh(4);
      const group = `g-${randomUUID().slice(0, 8)}`;
      const first = await open().subscribe({ group, consumerName: "a" });
      const second = await open().subscribe({ group, consumerName: "b" });
      await open().publish(
        Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: encode(String(i)) })),
      );
      // b steals one lease per take cycle from a, which took all four first.
      await new Promise((resolve) => setTimeout(resolve, FAILOVER_MS * 2.5));
      const [a, b] = await Promise.all([receive(first, 200, 4000), receive(second, 200, 4000)]);
      const shardsOf = (seen: { partition: string }[]) => new Set(seen.map((s) => s.partition));
      expect(shardsOf(a.seen).size).toBe(2);
      expect(shardsOf(b.seen).size).toBe(2);
      expect(new Set([...a.seen, ...b.seen].map((s) => s.value)).size).toBe(200);
      await Promise.all([first.close(), second.close()]);
    });

    it("takes over the leases of a consumer that stopped renewing, from its checkpoint", async () => {
      const { open } = await fresh(2);
      const group = `g-${randomUUID().slice(0, 8)}`;
      await open().publish(
        Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: encode(String(i)) })),
      );
      const leaseClient = new DynamoDBClient({
        region: "us-east-1",
        endpoint: dynamodbEndpoint,
        requestHandler: new NodeHttpHandler(),
      });
      const dying = await open({ leaseClient }).subscribe({ group, consumerName: "dying" });
      const before = await receive(dying, 20);
      const done = before.records.filter((r) => Number(text(r.value)) < 10);
      dying.ack(done);
      await dying.commit();
      // From here on its lease calls fail before they leave the process: it neither renews nor
      // releases, like a process killed mid-run.
      leaseClient.middlewareStack.add(() => () => Promise.reject(new Error("lease client cut off")), {
        step: "initialize",
      });
      cleanup.push(async () => leaseClient.destroy());
      const started = Date.now();
      const heir = await open().subscribe({ group, consumerName: "heir" });
      const after = await receive(heir, 10, FAILOVER_MS * 6);
      expect(after.seen.map((s) => Number(s.value)).sort((x, y) => x - y)).toEqual([
        10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
      ]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(FAILOVER_MS);
      await heir.close();
    });

    it("reads parent shards to their end before their children, after a split and a merge", async () => {
      const { name, open } = await fresh(2);
      const stream = open();
      const keys = ["a", "b", "c", "d"];
      let n = 0;
      const publishRound = () => stream.publish(keys.map((key) => ({ key, value: encode(`${key}:${n++}`) })));
      for (let i = 0; i < 5; i++) await publishRound();
      const shards = (await clients.kinesis.send(new ListShardsCommand({ StreamName: name }))).Shards!;
      const [s0, s1] = shards;
      await clients.kinesis.send(
        new SplitShardCommand({
          StreamName: name,
          ShardToSplit: s0!.ShardId,
          NewStartingHashKey: (
            (BigInt(s0!.HashKeyRange!.StartingHashKey!) + BigInt(s0!.HashKeyRange!.EndingHashKey!)) /
            2n
          ).toString(),
        }),
      );
      await waitActive(name);
      for (let i = 0; i < 5; i++) await publishRound();
      const open2 = (await clients.kinesis.send(new ListShardsCommand({ StreamName: name }))).Shards!.filter(
        (s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined,
      );
      const children = open2.filter((s) => s.ParentShardId === s0!.ShardId);
      expect(children).toHaveLength(2);
      await clients.kinesis.send(
        new MergeShardsCommand({
          StreamName: name,
          ShardToMerge: children[1]!.ShardId,
          AdjacentShardToMerge: s1!.ShardId,
        }),
      );
      await waitActive(name);
      for (let i = 0; i < 5; i++) await publishRound();
      const sub = await stream.subscribe({ group: `g-${randomUUID().slice(0, 8)}`, maxBatch: 7 });
      const seen: string[] = [];
      const deadline = Date.now() + 30_000;
      while (seen.length < 60 && Date.now() < deadline) {
        const { records } = await receive(sub, 1, 2000);
        seen.push(...records.map((r) => text(r.value)));
        // Acked at once, so finished shards reach SHARD_END and their children may start.
        sub.ack(records);
        await sub.commit();
      }
      expect(seen).toHaveLength(60);
      for (const key of keys) {
        const ofKey = seen.filter((v) => v.startsWith(`${key}:`)).map((v) => Number(v.split(":")[1]));
        expect(ofKey, `order of key ${key}`).toEqual([...ofKey].sort((x, y) => x - y));
        expect(ofKey).toHaveLength(15);
      }
      await sub.close();
    }, 60_000);

    it("de-aggregates KPL records and resumes inside an aggregate at the first record not done", async () => {
      const { name, open } = await fresh(1);
      const blob = aggregate(
        ["card-1", "card-2"],
        [
          { key: 0, data: "one" },
          { key: 1, data: "two" },
          { key: 0, data: "three" },
        ],
      );
      await clients.kinesis.send(
        new PutRecordsCommand({ StreamName: name, Records: [{ Data: blob, PartitionKey: "card-1" }] }),
      );
      const group = `g-${randomUUID().slice(0, 8)}`;
      const sub = await open().subscribe({ group, consumerName: "c" });
      const first = await receive(sub, 3);
      expect(first.seen.map((s) => [s.key, s.value])).toEqual([
        ["card-1", "one"],
        ["card-2", "two"],
        ["card-1", "three"],
      ]);
      sub.ack(first.records.slice(0, 2));
      await sub.close();
      const again = await open().subscribe({ group, consumerName: "c" });
      const rest = await receive(again, 1);
      expect(rest.seen.map((s) => s.value)).toEqual(["three"]);
      await again.close();
    });

    it("reads records of other producers as bare payloads with their arrival time", async () => {
      const { name, open } = await fresh(1);
      const before = Date.now();
      await clients.kinesis.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: [{ Data: encode('{"plain":true}'), PartitionKey: "p" }],
        }),
      );
      const sub = await open().subscribe({ group: `g-${randomUUID().slice(0, 8)}` });
      const { records } = await receive(sub, 1);
      expect(text(records[0]!.value)).toBe('{"plain":true}');
      expect(records[0]!.headers).toEqual({});
      expect(records[0]!.timestamp).toBeGreaterThanOrEqual(before - 1000);
      await sub.close();
    });

    it("refuses a record whose headers take it over Kinesis's 1 MiB, naming the limit", async () => {
      const { open } = await fresh(1);
      const stream = open();
      const value = new Uint8Array(stream.capabilities.maxRecordBytes - 10);
      const headers = { big: "x".repeat(4096) };
      await expect(stream.publish([{ key: "k", value, headers }])).rejects.toMatchObject({
        code: "InvalidArgument",
        message: expect.stringContaining("1048576") as unknown,
      });
    });

    async function waitActive(name: string) {
      const { DescribeStreamSummaryCommand } = await import("@aws-sdk/client-kinesis");
      for (let i = 0; i < 100; i++) {
        const reply = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        if (reply.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
});
