/**
 * The kill-loop config: topics and streams named after the run (`KILL_RUN`).
 * The source names this instance (`KILL_INSTANCE`) so that a restart takes back
 * its partitions at once: Kafka's static membership, and Redis's consumer name
 * under which the restarted instance re-reads its own pending records first.
 * Kafka's session timeout is its default of 45 s: a restart that had to wait
 * for the group to notice the old member gone would miss the test's 30 s
 * start bound.
 */
import { defineConfig } from "@switchyard/core";
import { kafka } from "../../../packages/adapter-kafka/src/index.js";
import { redis } from "../../../packages/adapter-redis/src/index.js";

const kafkaTopic = (stream: string, partitions: number) =>
  `kafka://\${SWITCHYARD_KAFKA_BROKERS}/\${KILL_RUN}-${stream}?partitions=${partitions}&create=true`;
const redisStream = (stream: string, partitions: number) =>
  `redis-stream://\${KILL_REDIS}/\${KILL_RUN}-${stream}?partitions=${partitions}&blockMs=200`;

export default defineConfig({
  adapters: [kafka(), redis()],
  profiles: {
    kafka: {
      streams: {
        items: `${kafkaTopic("items", 4)}&sessionTimeoutMs=45000&groupInstanceId=\${KILL_INSTANCE}`,
        processed: kafkaTopic("processed", 4),
        "dead-letters": kafkaTopic("dead-letters", 1),
      },
    },
    redis: {
      streams: {
        items: `${redisStream("items", 4)}&claimIdleMs=5000&consumerName=\${KILL_INSTANCE}`,
        processed: redisStream("processed", 4),
        "dead-letters": redisStream("dead-letters", 1),
      },
    },
  },
});
