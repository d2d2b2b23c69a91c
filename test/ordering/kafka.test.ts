/** Per-key order under step retries on a real Kafka broker. */
import { randomUUID } from "node:crypto";
import { ResourceResolver, defineConfig } from "@switchyard/core";
import { expect, it } from "vitest";
import { kafka } from "../../packages/adapter-kafka/src/index.js";
import { describeService } from "../harness/suite.js";
import { checkOrderUnderRetries } from "./retry-order.js";

describeService("kafka", "per-key order under retries on Kafka", (env) => {
  it("writes 20,000 records on 200 keys once each, in key order, with 15% of step attempts throwing", async () => {
    const brokers = env.SWITCHYARD_KAFKA_BROKERS!;
    const name = `order-${randomUUID().slice(0, 8)}`;
    const topic = (suffix: string, partitions: number) =>
      `kafka://${brokers}/${name}-${suffix}?create=true&partitions=${partitions}`;
    const config = defineConfig({
      adapters: [kafka()],
      profiles: {
        kafka: {
          streams: { in: topic("in", 4), out: topic("out", 4), "dead-letters": topic("dlq", 1) },
        },
      },
    });
    const resolver = new ResourceResolver(config, "kafka");
    try {
      const report = await checkOrderUnderRetries(resolver, {
        records: 20_000,
        keys: 200,
        throwRate: 0.15,
        group: name,
      });
      expect(report.thrown, "the step threw often enough to matter").toBeGreaterThan(2000);
      expect(report).toMatchObject({ lost: 0, duplicates: 0, outOfOrder: 0, deadLetters: 0 });
    } finally {
      await resolver.close();
    }
  }, 180_000);
});
