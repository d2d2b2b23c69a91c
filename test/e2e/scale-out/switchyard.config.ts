/**
 * The scale-out test's config: one `kafka` profile whose topics are named
 * after the run (`E2E_RUN`), on the harness's broker. `items` has six
 * partitions for three instances to share; a short session timeout lets the
 * group notice a killed instance within seconds.
 */
import { defineConfig } from "@switchyard/core";
import { kafka } from "../../../packages/adapter-kafka/src/index.js";

export default defineConfig({
  adapters: [kafka()],
  profiles: {
    kafka: {
      streams: {
        items:
          "kafka://${SWITCHYARD_KAFKA_BROKERS}/${E2E_RUN}-items?partitions=6&create=true&sessionTimeoutMs=6000",
        processed: "kafka://${SWITCHYARD_KAFKA_BROKERS}/${E2E_RUN}-processed?partitions=6&create=true",
        "dead-letters":
          "kafka://${SWITCHYARD_KAFKA_BROKERS}/${E2E_RUN}-dead-letters?partitions=1&create=true",
      },
    },
  },
});
