/**
 * The canary run's config: every credential is the canary secret (`CANARY`),
 * or a wrong one that is just as secret (`CANARY_WRONG`), in the places users
 * put them: a SASL password in a Kafka URL's user info, a Redis ACL password
 * in rediss:// URLs, AWS keys in the environment for a DynamoDB store. TLS
 * files come from `CA`. Brokers and servers are the test's own.
 */
import { defineConfig } from "@switchyard/core";
import { aws } from "../../../packages/adapter-aws/src/index.js";
import { kafka } from "../../../packages/adapter-kafka/src/index.js";
import { redis } from "../../../packages/adapter-redis/src/index.js";

const topic = (name: string, password: string) =>
  `kafka://app:\${${password}}@\${CANARY_KAFKA}/\${CANARY_RUN}-${name}?sasl=plain&ca=\${CA}&create=true&partitions=2`;
const redisUrl = (scheme: string, path: string, password: string) =>
  `${scheme}://app:\${${password}}@\${CANARY_REDIS}/${path}?ca=\${CA}`;

/** The dead-letter stream every profile needs, on the canary's own Kafka credentials. */
const deadLetters = topic("dead-letters", "CANARY");

export default defineConfig({
  adapters: [kafka(), redis(), aws()],
  profiles: {
    secure: {
      streams: {
        input: topic("input", "CANARY"),
        output: redisUrl("rediss-stream", "${CANARY_RUN}-output", "CANARY"),
        "dead-letters": deadLetters,
      },
      state: { seen: redisUrl("rediss", "0", "CANARY") },
    },
    "wrong-redis-password": {
      streams: {
        input: topic("input", "CANARY"),
        output: redisUrl("rediss-stream", "${CANARY_RUN}-output", "CANARY_WRONG"),
        "dead-letters": deadLetters,
      },
    },
    "wrong-kafka-password": {
      streams: {
        input: topic("input", "CANARY_WRONG"),
        output: redisUrl("rediss-stream", "${CANARY_RUN}-output", "CANARY"),
        "dead-letters": deadLetters,
      },
    },
    "cloud-keys": {
      streams: {
        input: topic("input", "CANARY"),
        output: redisUrl("rediss-stream", "x", "CANARY"),
        "dead-letters": deadLetters,
      },
      state: { seen: "dynamodb://canary-table?region=us-east-1&endpoint=${CANARY_CLOSED_ENDPOINT}" },
    },
  },
});
