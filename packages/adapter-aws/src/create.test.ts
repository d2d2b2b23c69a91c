/**
 * `create=true`: a missing stream, state table or Timestream table is made on
 * first use (what a demo run under a fresh name needs), and without it the
 * missing resource stays a NotFound naming the fix.
 */
import { randomUUID } from "node:crypto";
import { ListShardsCommand } from "@aws-sdk/client-kinesis";
import {
  DescribeTableCommand as DescribeTimestreamTable,
  TimestreamWriteClient,
} from "@aws-sdk/client-timestream-write";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { expect, it } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { useEmulatorCredentials } from "../../../test/services/aws/node-emulator.js";
import { parseDynamoDBUrl } from "./dynamodb/options.js";
import { DynamoDBStateStore } from "./dynamodb/state-store.js";
import { deleteTable } from "./dynamodb/test-tables.js";
import { parseKinesisUrl } from "./kinesis/options.js";
import { KinesisStream } from "./kinesis/stream.js";
import { deleteStream, emulatorClients } from "./kinesis/test-streams.js";
import { parseTimestreamUrl } from "./timestream/options.js";
import { TimestreamSink } from "./timestream/sink.js";

const signal = () => AbortSignal.timeout(20_000);

describeService("kinesalite", "create=true on kinesis", (kinesisEnv) => {
  describeService("dynalite", "and dynamodb", (dynamoEnv) => {
    useEmulatorCredentials();
    const kinesis = kinesisEnv.SWITCHYARD_KINESALITE_ENDPOINT!;
    const dynamodb = dynamoEnv.SWITCHYARD_DYNALITE_ENDPOINT!;

    it("creates a missing stream with the shards asked for, on the first send", async () => {
      const clients = emulatorClients(kinesis, dynamodb);
      const name = `create-${randomUUID().slice(0, 8)}`;
      const missing = new KinesisStream(
        parseKinesisUrl(new URL(`kinesis://${name}?region=us-east-1&endpoint=${kinesis}`)),
      );
      const stream = new KinesisStream(
        parseKinesisUrl(
          new URL(`kinesis://${name}?region=us-east-1&endpoint=${kinesis}&create=true&shards=3`),
        ),
      );
      try {
        await expect(missing.probe(signal())).rejects.toThrow(/create=true/);
        await stream.send(
          [{ key: "k", value: new TextEncoder().encode("v"), headers: {}, timestamp: Date.now() }],
          signal(),
        );
        const shards = (await clients.kinesis.send(new ListShardsCommand({ StreamName: name }))).Shards;
        expect(shards).toHaveLength(3);
      } finally {
        await missing.close();
        await stream.close();
        await deleteStream(clients, name);
        clients.kinesis.destroy();
        clients.dynamodb.destroy();
      }
    });

    it("creates a missing state table and keeps state in it", async () => {
      const table = `create-${randomUUID().slice(0, 8)}`;
      const url = (query: string) =>
        new URL(`dynamodb://${table}?region=us-east-1&endpoint=${dynamodb}${query}`);
      const clients = emulatorClients(kinesis, dynamodb);
      const missing = new DynamoDBStateStore(parseDynamoDBUrl(url("")));
      const store = new DynamoDBStateStore(parseDynamoDBUrl(url("&create=true")));
      try {
        await expect(missing.probe(signal())).rejects.toThrow(/create=true/);
        await store.put([{ key: "card-1", value: new TextEncoder().encode("x") }], signal());
        const [entry] = await store.get(["card-1"], signal());
        expect(new TextDecoder().decode(entry!.value)).toBe("x");
      } finally {
        await missing.close();
        await store.close();
        await deleteTable(clients.dynamodb, table);
        clients.kinesis.destroy();
        clients.dynamodb.destroy();
      }
    });
  });
});

describeService("moto", "create=true on timestream", (env) => {
  useEmulatorCredentials();
  const endpoint = env.SWITCHYARD_MOTO_ENDPOINT!;

  it("creates a missing database and table before the first write", async () => {
    const db = `db-${randomUUID().slice(0, 8)}`;
    const sink = new TimestreamSink(
      parseTimestreamUrl(
        new URL(`timestream://${db}/scores?region=us-east-1&endpoint=${endpoint}&create=true`),
      ),
    );
    const admin = new TimestreamWriteClient({
      region: "us-east-1",
      endpoint,
      requestHandler: new NodeHttpHandler(),
    });
    try {
      await sink.write(
        [{ measurement: "score", time: Date.now(), tags: { card: "c1" }, fields: { p: 0.5 } }],
        signal(),
      );
      const described = await admin.send(
        new DescribeTimestreamTable({ DatabaseName: db, TableName: "scores" }),
      );
      expect(described.Table?.TableName).toBe("scores");
    } finally {
      await sink.close();
      admin.destroy();
    }
  });
});
