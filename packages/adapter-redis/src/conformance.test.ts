import { randomUUID } from "node:crypto";
import { runStateStoreConformance, runStreamConformance } from "@switchyard/conformance";
import { Redis } from "ioredis";
import { afterAll } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { RedisStateStore } from "./state/state-store.js";
import { RedisStream } from "./streams/stream.js";

describeService("redis", "redis adapter", (env) => {
  const url = env.SWITCHYARD_REDIS_URL!;
  const admin = new Redis(url, { lazyConnect: true });
  afterAll(() => admin.disconnect());
  let prefix = "";

  runStateStoreConformance({
    name: "redis",
    capabilities: { cas: true, ttl: true, increment: true },
    client: Redis,
    probe: true,
    create: async () => {
      prefix = `conf-${randomUUID()}:`;
      return new RedisStateStore(new URL(`${url}/0?keyPrefix=${prefix}`));
    },
    cleanup: async () => {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    },
  });

  runStreamConformance({
    name: "redis-stream",
    claims: {
      capabilities: {
        ordering: "partition",
        replay: true,
        startFromTimestamp: true,
        groups: true,
        headers: true,
        settlement: "ack",
        maxRecordBytes: 1_048_576,
        maxBatchRecords: 1000,
      },
      probe: true,
      lag: true,
      nack: true,
      assignment: false,
    },
    client: Redis,
    // Another consumer takes over a closed one's pending records once they were idle claimIdleMs.
    redeliveryWithinMs: 4000,
    // Group starts seek by stream entry ids, which begin with the server's append time.
    timestampClock: "arrival",
    create: async ({ partitions }) => {
      const stream = `conf-${randomUUID()}`;
      const address = `${url.replace(/^redis:/, "redis-stream:")}/${stream}?partitions=${partitions}&claimIdleMs=2000`;
      return {
        open: async () => new RedisStream(new URL(address)),
        cleanup: async () => {
          const keys = await admin.keys(`${stream}*`);
          if (keys.length > 0) await admin.del(...keys);
        },
      };
    },
  });
});
