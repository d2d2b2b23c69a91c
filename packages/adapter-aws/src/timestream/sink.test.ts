import { randomUUID } from "node:crypto";
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  TimestreamWriteClient,
} from "@aws-sdk/client-timestream-write";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { runTimeSeriesConformance } from "@switchyard/conformance";
import { TimeSeriesSink } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { useEmulatorCredentials } from "../../../../test/services/aws/node-emulator.js";
import { parseTimestreamUrl } from "./options.js";
import { TimestreamSink } from "./sink.js";

interface StoredRecord {
  Dimensions: { Name: string; Value: string }[];
  MeasureName: string;
  MeasureValueType: string;
  Time: string;
  MeasureValues: { Name: string; Value: string; Type: string }[];
}

describeService("moto", "timestream sink", (env) => {
  useEmulatorCredentials();
  const endpoint = env.SWITCHYARD_MOTO_ENDPOINT!;
  const admin = new TimestreamWriteClient({
    region: "us-east-1",
    endpoint,
    requestHandler: new NodeHttpHandler(),
  });
  afterAll(() => admin.destroy());
  const url = (db: string, table: string) =>
    new URL(`timestream://${db}/${table}?region=us-east-1&endpoint=${endpoint}`);

  async function freshTable(): Promise<{ db: string; table: string }> {
    const db = `db-${randomUUID().slice(0, 8)}`;
    const table = "scores";
    await admin.send(new CreateDatabaseCommand({ DatabaseName: db }));
    await admin.send(new CreateTableCommand({ DatabaseName: db, TableName: table }));
    return { db, table };
  }

  /** What moto stored in a table, read through moto's own inspection API. */
  async function stored(db: string, table: string): Promise<StoredRecord[]> {
    const data = (await (await fetch(`${endpoint}/moto-api/data.json`)).json()) as {
      timestreamwrite: { TimestreamTable: { db_name: string; name: string; records: StoredRecord[] }[] };
    };
    return (
      data.timestreamwrite.TimestreamTable.find((t) => t.db_name === db && t.name === table)?.records ?? []
    );
  }

  runTimeSeriesConformance({
    name: "timestream",
    client: TimestreamWriteClient,
    probe: true,
    query: false,
    create: async () => {
      const { db, table } = await freshTable();
      return new TimestreamSink(parseTimestreamUrl(url(db, table)));
    },
    createMissing: async () =>
      new TimestreamSink(parseTimestreamUrl(url(`missing-${randomUUID().slice(0, 8)}`, "scores"))),
  });

  it("writes tags as dimensions and fields as one multi-measure record, in batches of 100", async () => {
    const { db, table } = await freshTable();
    const sink = new TimeSeriesSink(new TimestreamSink(parseTimestreamUrl(url(db, table))), {
      name: "scores",
    });
    const base = Date.UTC(2026, 0, 1);
    await sink.write(
      Array.from({ length: 250 }, (_, i) => ({
        measurement: "fraud_scores",
        tags: { merchant: `m${i % 3}` },
        fields: { score: i / 1000, alert: i % 2 === 0, model: "v1" },
        time: base + i,
      })),
    );
    await sink.close();
    const records = await stored(db, table);
    expect(records).toHaveLength(250);
    expect(records[7]).toEqual({
      Dimensions: [{ Name: "merchant", Value: "m1" }],
      MeasureName: "fraud_scores",
      MeasureValueType: "MULTI",
      Time: String(base + 7),
      MeasureValues: [
        { Name: "score", Value: "0.007", Type: "DOUBLE" },
        { Name: "alert", Value: "false", Type: "BOOLEAN" },
        { Name: "model", Value: "v1", Type: "VARCHAR" },
      ],
    });
  });
});
