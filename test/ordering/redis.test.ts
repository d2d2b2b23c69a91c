/** Per-key order under step retries on Redis Streams. */
import { randomUUID } from "node:crypto";
import { ResourceResolver, defineConfig } from "@switchyard/core";
import { expect, it } from "vitest";
import { redis } from "../../packages/adapter-redis/src/index.js";
import { describeService } from "../harness/suite.js";
import { checkOrderUnderRetries } from "./retry-order.js";

describeService("redis", "per-key order under retries on Redis Streams", (env) => {
  it("writes 20,000 records on 200 keys once each, in key order, with 15% of step attempts throwing", async () => {
    const base = new URL(env.SWITCHYARD_REDIS_URL!).host;
    const name = `order-${randomUUID().slice(0, 8)}`;
    const stream = (suffix: string, partitions: number) =>
      `redis-stream://${base}/${name}-${suffix}?partitions=${partitions}&blockMs=200`;
    const config = defineConfig({
      adapters: [redis()],
      profiles: {
        redis: {
          streams: { in: stream("in", 4), out: stream("out", 4), "dead-letters": stream("dlq", 1) },
        },
      },
    });
    const resolver = new ResourceResolver(config, "redis");
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
