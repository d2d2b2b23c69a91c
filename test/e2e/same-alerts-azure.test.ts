/**
 * The fraud-detection demo, unchanged, on the example's `azure` profile —
 * Event Hubs (the project's double of the service, checkpoints on Azurite)
 * and Cosmos DB (cosmosdb-server) — raises alerts on exactly the same
 * transactions and dead-letters the same records as on `local`, for the same
 * seeded feed. The profile's URLs create nothing, so the hubs, database and
 * containers are made first, fresh, as infrastructure would make them.
 */
import { randomUUID } from "node:crypto";
import { CosmosClient } from "@azure/cosmos";
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import { expect, it } from "vitest";
import { createHub, deleteHub } from "../services/eventhubs.js";
import { runDemoOnce } from "./demo-run.js";
import { describeServices, serviceVar } from "./persistent-profiles.js";
import type { ServiceEnvs } from "./persistent-profiles.js";
import { expectSameAsLocal } from "./same-as-local.js";

/** Fewer events than the Kafka comparison: cosmosdb-server serves one request at a time. */
const EVENTS = 800;
const RATE = 2000;
const label = `e2e-azure-${randomUUID().slice(0, 8)}`;

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

/** The variables a deployment would set: the profile's names, and the adapter's secrets. */
function azureEnv(s: ServiceEnvs): Record<string, string> {
  return {
    EVENTHUBS_NAMESPACE: "switchyard-e2e",
    COSMOS_ACCOUNT: "switchyard-e2e",
    AZURE_EVENTHUBS_CONNECTION_STRING: serviceVar(s, "eventhubs", "SWITCHYARD_EVENTHUBS_CONNECTION_STRING"),
    AZURE_STORAGE_CONNECTION_STRING: serviceVar(s, "azurite", "SWITCHYARD_AZURITE_CONNECTION_STRING"),
    AZURE_COSMOS_CONNECTION_STRING: serviceVar(s, "cosmos", "SWITCHYARD_COSMOS_CONNECTION_STRING"),
  };
}

describeServices(["eventhubs", "azurite", "cosmos"], "the demo on azure", (services) => {
  it("gives local's alerts and dead letters on Event Hubs and Cosmos DB", { timeout: 240_000 }, async () => {
    resetMemoryStreams();
    resetMemoryStateStores();
    resetMemoryTimeSeries();
    const local = await runDemoOnce("local", {
      env: process.env,
      rate: RATE,
      label: `${label}-local`,
      events: EVENTS,
    });
    expect(local.alertIds.length).toBeGreaterThan(0);
    expect(local.truth.corrupt).toBeGreaterThan(0);
    expect(local.deadLetters).toBe(local.truth.corrupt);

    await freshHubs(serviceVar(services, "eventhubs", "SWITCHYARD_EVENTHUBS_CONTROL_URL"));
    await freshDatabase(serviceVar(services, "cosmos", "SWITCHYARD_COSMOS_CONNECTION_STRING"));
    // The adapter reads its secrets from the process environment, as a deployment sets them.
    const env = azureEnv(services);
    Object.assign(process.env, env);
    const azure = await runDemoOnce("azure", {
      env: { ...process.env, ...env },
      rate: RATE,
      label,
      events: EVENTS,
    });
    expectSameAsLocal(azure, local, "azure");
  });
});
