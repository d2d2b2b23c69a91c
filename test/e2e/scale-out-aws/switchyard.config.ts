/**
 * The Kinesis scale-out test's config: one `aws` profile whose streams are
 * named after the run (`E2E_RUN`), reached through the SDK's
 * `AWS_ENDPOINT_URL_<SERVICE>` variables. A short `failoverMs` lets the
 * group take a killed instance's leases within seconds.
 */
import { defineConfig } from "@switchyard/core";
import { aws } from "../../../packages/adapter-aws/src/index.js";

export default defineConfig({
  adapters: [aws()],
  profiles: {
    aws: {
      streams: {
        items: "kinesis://${E2E_RUN}-items?region=us-east-1&failoverMs=${E2E_FAILOVER_MS:-3000}",
        processed: "kinesis://${E2E_RUN}-processed?region=us-east-1",
        "dead-letters": "kinesis://${E2E_RUN}-dead-letters?region=us-east-1",
      },
    },
  },
});
