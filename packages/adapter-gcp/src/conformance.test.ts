import { randomUUID } from "node:crypto";
import { PubSub } from "@google-cloud/pubsub";
import { Bigtable } from "@google-cloud/bigtable";
import {
  runStateStoreConformance,
  runStreamConformance,
  runTimeSeriesConformance,
} from "@switchyard/conformance";
import { afterAll } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { BigtableStateStore } from "./bigtable/state-store.js";
import { BigtableTimeSeries } from "./bigtable/time-series.js";
import { PubSubStream } from "./pubsub/stream.js";

const PROJECT = "switchyard-test";

describeService("pubsub", "gcp adapter: pubsub", (env) => {
  Object.assign(process.env, env);
  const admin = new PubSub({ projectId: PROJECT });
  afterAll(() => admin.close());

  // Both orderings: per-key (ordered subscriptions, which hold a key's next messages until earlier ones
  // are acked) and none. The stream's "partitions" are its lanes, the core partitions received records
  // are spread over by key; retention lets a subscription created after publishing start at the oldest
  // retained message.
  for (const ordering of ["key", "none"] as const) {
    runStreamConformance({
      name: `pubsub (ordering=${ordering})`,
      claims: {
        capabilities: {
          ordering,
          replay: false,
          startFromTimestamp: true,
          groups: true,
          headers: true,
          settlement: "ack",
          maxRecordBytes: 9_990_000,
          maxBatchRecords: 1000,
        },
        probe: true,
        lag: false,
        nack: true,
        assignment: false,
      },
      client: PubSub,
      // Records a closed consumer held are nacked on close; a killed one's come back after the 10 s ack deadline.
      redeliveryWithinMs: 15_000,
      timestampClock: "arrival",
      create: async ({ partitions }) => {
        const topic = `conf-${randomUUID()}`;
        const url = new URL(
          `pubsub://${PROJECT}/${topic}?create=true&retentionSeconds=600&lanes=${partitions}&ordering=${ordering}`,
        );
        return {
          open: async () => new PubSubStream(url),
          cleanup: async () => {
            const [subscriptions] = await admin.topic(topic).getSubscriptions();
            await Promise.all(subscriptions.map((s) => s.delete()));
            await admin.topic(topic).delete();
          },
        };
      },
      createMissing: async () => new PubSubStream(new URL(`pubsub://${PROJECT}/missing-${randomUUID()}`)),
    });
  }
});

describeService("bigtable", "gcp adapter: bigtable", (env) => {
  Object.assign(process.env, env);
  const admin = new Bigtable({ projectId: PROJECT, metricsEnabled: false });
  const instance = admin.instance("conformance");
  afterAll(() => admin.close());
  let table = "";

  runStateStoreConformance({
    name: "bigtable",
    capabilities: { cas: true, ttl: true, increment: true },
    client: Bigtable,
    probe: true,
    create: async () => {
      table = `state-${randomUUID().slice(0, 8)}`;
      return new BigtableStateStore(new URL(`bigtable://${PROJECT}/conformance/${table}?create=true`));
    },
    createMissing: async () => new BigtableStateStore(new URL(`bigtable://${PROJECT}/conformance/missing`)),
    cleanup: async () => {
      // Tests that make no call never create their table.
      await instance
        .table(table)
        .delete()
        .catch(() => undefined);
    },
  });

  runTimeSeriesConformance({
    name: "bigtable",
    client: Bigtable,
    probe: true,
    query: true,
    create: async () => {
      table = `series-${randomUUID().slice(0, 8)}`;
      return new BigtableTimeSeries(new URL(`bigtable://${PROJECT}/conformance/${table}?create=true`));
    },
    createMissing: async () => new BigtableTimeSeries(new URL(`bigtable://${PROJECT}/conformance/missing`)),
    cleanup: async () => {
      await instance
        .table(table)
        .delete()
        .catch(() => undefined);
    },
  });
});
