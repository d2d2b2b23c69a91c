/**
 * The fraud-detection example, unchanged, on its `azure` profile — Event Hubs
 * (the project's double of the service, checkpoints on Azurite) and Cosmos DB
 * (cosmosdb-server) — raises alerts on exactly the same transactions and
 * dead-letters the same records as on `local`, for the same seeded feed.
 * The hubs, database and containers are made first, as infrastructure
 * would make them: the profile's URLs create nothing.
 */
import { randomUUID } from "node:crypto";
import { CosmosClient } from "@azure/cosmos";
import { describe, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { createHub, deleteHub } from "../services/eventhubs.js";
import type { FraudRunOptions } from "./fraud-run.js";
import { runFraudExample } from "./fraud-run.js";
import { expectSameAsLocal } from "./same-as-local.js";

/** Fewer events than the Kafka comparison: cosmosdb-server serves one request at a time. */
const EVENTS = 800;
const GENERATOR = { seed: 11, cards: 150, corruptRate: 0.01 };
const runId = randomUUID().slice(0, 8);

function options(env: FraudRunOptions["env"], profile: string): FraudRunOptions {
  return { env, events: EVENTS, generator: GENERATOR, group: `e2e-${profile}-${runId}`, timeoutMs: 90_000 };
}

/** Fresh hubs, as the profile names them, on the Event Hubs double. */
async function freshHubs(control: string): Promise<void> {
  for (const [hub, partitions] of [
    ["transactions", 4],
    ["fraud-alerts", 2],
    ["transactions-dlq", 1],
  ] as const) {
    await deleteHub(control, hub);
    await createHub(control, hub, partitions);
  }
}

/** A fresh `fraud` database with the profile's containers: card state by key, scores by series and day. */
async function freshDatabase(connectionString: string): Promise<void> {
  const [, endpoint, key] = /AccountEndpoint=([^;]+);AccountKey=([^;]+)/.exec(connectionString)!;
  const client = new CosmosClient({
    endpoint: endpoint!,
    key: key!,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    await client
      .database("fraud")
      .delete()
      .catch(() => undefined);
    const { database } = await client.databases.create({ id: "fraud" });
    await database.containers.create({ id: "features", partitionKey: { paths: ["/id"] }, defaultTtl: -1 });
    await database.containers.create({ id: "scores", partitionKey: { paths: ["/pk"] }, defaultTtl: -1 });
  } finally {
    client.dispose();
  }
}

describeService("eventhubs", "fraud example on azure (Event Hubs double)", (hubsEnv) => {
  describeService("azurite", "with checkpoints on Azurite", (blobEnv) => {
    describeService("cosmos", "and state on cosmosdb-server", (cosmosEnv) => {
      describe.sequential("the same seeded feed", () => {
        it("gives the same alerts and dead letters on azure as on local", { timeout: 240_000 }, async () => {
          const local = await runFraudExample("local", options(process.env, "local"));
          expect(local.alertIds.length).toBeGreaterThan(0);
          expect(local.deadLetters).toBe(local.truth.corrupt);
          expect(local.truth.corrupt).toBeGreaterThan(0);

          await freshHubs(hubsEnv.SWITCHYARD_EVENTHUBS_CONTROL_URL!);
          await freshDatabase(cosmosEnv.SWITCHYARD_COSMOS_CONNECTION_STRING!);
          // The adapter reads its secrets from the environment, as a deployment would set them.
          Object.assign(process.env, {
            AZURE_EVENTHUBS_CONNECTION_STRING: hubsEnv.SWITCHYARD_EVENTHUBS_CONNECTION_STRING,
            AZURE_STORAGE_CONNECTION_STRING: blobEnv.SWITCHYARD_AZURITE_CONNECTION_STRING,
            AZURE_COSMOS_CONNECTION_STRING: cosmosEnv.SWITCHYARD_COSMOS_CONNECTION_STRING,
          });
          const env = {
            ...process.env,
            EVENTHUBS_NAMESPACE: "switchyard-e2e",
            COSMOS_ACCOUNT: "switchyard-e2e",
          };
          expectSameAsLocal(await runFraudExample("azure", options(env, "azure")), local);
        });
      });
    });
  });
});
