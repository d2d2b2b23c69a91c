/**
 * The Pub/Sub scale-out test's config: one `gcp` profile on the harness's
 * Pub/Sub emulator (`PUBSUB_EMULATOR_HOST`), in a project named after the run
 * (`E2E_RUN`). Records are keyed, so ordered subscriptions deliver each key in
 * publish order; the shortest ack deadline Pub/Sub allows (10 s) lets a
 * killed instance's unacked messages come back soon; a small flow-control
 * window keeps any one instance from holding most of the backlog.
 */
import { defineConfig } from "@switchyard/core";
import { gcp } from "../../../packages/adapter-gcp/src/index.js";

export default defineConfig({
  adapters: [gcp()],
  profiles: {
    gcp: {
      streams: {
        items: "pubsub://${E2E_RUN}/items?create=true&ackDeadlineSeconds=10&maxOutstanding=200",
        processed: "pubsub://${E2E_RUN}/processed?create=true",
        "dead-letters": "pubsub://${E2E_RUN}/dead-letters?create=true",
      },
    },
  },
});
