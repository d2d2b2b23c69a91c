/**
 * The Event Hubs scale-out test's config: one `azure` profile whose hubs and
 * checkpoint container are named after the run (`E2E_RUN`). Secrets come from
 * the environment, as a deployment sets them (`AZURE_EVENTHUBS_CONNECTION_STRING`,
 * `AZURE_STORAGE_CONNECTION_STRING`). Ownership is renewed every second and
 * expires after six, so the survivors take a killed instance's partitions
 * within seconds instead of the default minute.
 */
import { defineConfig } from "@switchyard/core";
import { azure } from "../../../packages/adapter-azure/src/index.js";

const hub = (name: string, params = "") =>
  `eventhubs://switchyard-e2e.servicebus.windows.net/\${E2E_RUN}-${name}?checkpointContainer=\${E2E_RUN}&maxRetries=10&retryDelayMs=500${params}`;

export default defineConfig({
  adapters: [azure()],
  profiles: {
    azure: {
      streams: {
        items: hub("items", "&updateIntervalMs=1000&ownershipExpiryMs=6000"),
        processed: hub("processed"),
        "dead-letters": hub("dead-letters"),
      },
    },
  },
});
