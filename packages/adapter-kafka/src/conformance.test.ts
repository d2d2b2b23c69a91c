import { Admin, Producer } from "@platformatic/kafka";
import { runStreamConformance } from "@switchyard/conformance";
import type { StreamDriver } from "@switchyard/core/driver";
import { describeService } from "../../../test/harness/suite.js";
import { kafka } from "./register.js";

const handler = kafka().schemes[0]!;
let topics = 0;

describeService("kafka", "kafka adapter", (env) => {
  const brokers = env.SWITCHYARD_KAFKA_BROKERS!;
  runStreamConformance({
    name: "kafka://",
    claims: {
      capabilities: {
        ordering: "partition",
        replay: true,
        startFromTimestamp: true,
        groups: true,
        headers: true,
        settlement: "offset",
        maxRecordBytes: 1_048_064,
        maxBatchRecords: 10_000,
      },
      probe: true,
      lag: true,
      nack: false,
      assignment: true,
    },
    client: Producer,
    // The driver sends each record's event time as its CreateTime, which timestamp starts seek by.
    timestampClock: "event",
    timeoutMs: 30_000,
    createMissing: async () => {
      const url = new URL(`kafka://${brokers}/conformance-missing-${process.pid}`);
      return (await handler.create(url, { name: "conformance", baseDir: "." })) as StreamDriver;
    },
    create: async ({ partitions }) => {
      const topic = `conformance-${process.pid}-${++topics}`;
      const url = new URL(
        `kafka://${brokers}/${topic}?create=true&partitions=${partitions}&sessionTimeoutMs=6000`,
      );
      return {
        open: async () => (await handler.create(url, { name: "conformance", baseDir: "." })) as StreamDriver,
        cleanup: async () => {
          const admin = new Admin({ clientId: "conformance", bootstrapBrokers: [brokers] });
          await admin.deleteTopics({ topics: [topic] }).finally(() => admin.close());
        },
      };
    },
  });
});
