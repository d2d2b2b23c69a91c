/** Per-key order under step retries on a real Kafka broker. */
import { randomUUID } from "node:crypto";
import { it } from "vitest";
import { kafka } from "../../packages/adapter-kafka/src/index.js";
import { describeService } from "../harness/suite.js";
import { expectOrderUnderRetries } from "./order-case.js";

describeService("kafka", "per-key order under retries on Kafka", (env) => {
  it("writes 20,000 records on 200 keys once each, in key order, with 15% of step attempts throwing", async () => {
    const brokers = env.SWITCHYARD_KAFKA_BROKERS!;
    const name = `order-${randomUUID().slice(0, 8)}`;
    await expectOrderUnderRetries(
      [kafka()],
      (suffix, partitions) => `kafka://${brokers}/${name}-${suffix}?create=true&partitions=${partitions}`,
      name,
    );
  }, 180_000);
});
