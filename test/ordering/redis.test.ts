/** Per-key order under step retries on Redis Streams. */
import { randomUUID } from "node:crypto";
import { it } from "vitest";
import { redis } from "../../packages/adapter-redis/src/index.js";
import { describeService } from "../harness/suite.js";
import { expectOrderUnderRetries } from "./order-case.js";

describeService("redis", "per-key order under retries on Redis Streams", (env) => {
  it("writes 20,000 records on 200 keys once each, in key order, with 15% of step attempts throwing", async () => {
    const base = new URL(env.SWITCHYARD_REDIS_URL!).host;
    const name = `order-${randomUUID().slice(0, 8)}`;
    await expectOrderUnderRetries(
      [redis()],
      (suffix, partitions) => `redis-stream://${base}/${name}-${suffix}?partitions=${partitions}&blockMs=200`,
      name,
    );
  }, 180_000);
});
