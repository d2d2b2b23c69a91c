/**
 * The kill-loop config: topics and streams named after the run (`KILL_RUN`).
 * The source names this instance (`KILL_INSTANCE`) so that a restart takes back
 * its partitions at once: Kafka's static membership, and Redis's consumer name
 * under which the restarted instance re-reads its own pending records first.
 * Kafka's session timeout is its default of 45 s: a restart that had to wait
 * for the group to notice the old member gone would miss the test's 30 s
 * start bound. On Kinesis a restart is a new lease owner: it takes the killed
 * instance's shard leases once they have stood still for `failoverMs` (3 s
 * here), from their checkpoints. On Pub/Sub a restart is a new subscriber of
 * the group's subscription; what the killed one held comes back once its ack
 * deadline (10 s) passes. On Event Hubs a restart is a new owner: it claims the
 * killed one's partitions once their ownership expires (6 s here), from their
 * checkpoints.
 */
import { defineConfig } from "@switchyard/core";
import { aws } from "../../../packages/adapter-aws/src/index.js";
import { azure } from "../../../packages/adapter-azure/src/index.js";
import { gcp } from "../../../packages/adapter-gcp/src/index.js";
import { kafka } from "../../../packages/adapter-kafka/src/index.js";
import { redis } from "../../../packages/adapter-redis/src/index.js";

const kafkaTopic = (stream: string, partitions: number) =>
  `kafka://\${SWITCHYARD_KAFKA_BROKERS}/\${KILL_RUN}-${stream}?partitions=${partitions}&create=true`;
const kinesisStream = (stream: string, shards: number) =>
  `kinesis://\${KILL_RUN}-${stream}?region=us-east-1&endpoint=\${KILL_KINESIS}&leaseEndpoint=\${KILL_DYNAMODB}&create=true&shards=${shards}`;
const pubsubTopic = (stream: string) =>
  `pubsub://kill-loop/\${KILL_RUN}-${stream}?create=true&ackDeadlineSeconds=10`;
const hub = (stream: string) =>
  `eventhubs://kill-loop.servicebus.windows.net/\${KILL_RUN}-${stream}?checkpointContainer=\${KILL_RUN}&maxRetries=10&retryDelayMs=500`;
const redisStream = (stream: string, partitions: number) =>
  `redis-stream://\${KILL_REDIS}/\${KILL_RUN}-${stream}?partitions=${partitions}&blockMs=200`;

export default defineConfig({
  adapters: [aws(), azure(), gcp(), kafka(), redis()],
  profiles: {
    eventhubs: {
      streams: {
        items: `${hub("items")}&updateIntervalMs=1000&ownershipExpiryMs=6000`,
        processed: hub("processed"),
        "dead-letters": hub("dead-letters"),
      },
    },
    kafka: {
      streams: {
        items: `${kafkaTopic("items", 4)}&sessionTimeoutMs=45000&groupInstanceId=\${KILL_INSTANCE}`,
        processed: kafkaTopic("processed", 4),
        "dead-letters": kafkaTopic("dead-letters", 1),
      },
    },
    kinesis: {
      streams: {
        items: `${kinesisStream("items", 4)}&failoverMs=3000`,
        processed: kinesisStream("processed", 4),
        "dead-letters": kinesisStream("dead-letters", 1),
      },
    },
    pubsub: {
      streams: {
        items: pubsubTopic("items"),
        processed: pubsubTopic("processed"),
        "dead-letters": pubsubTopic("dead-letters"),
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
