import { CosmosClient } from "@azure/cosmos";
import type { Container } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import type { CosmosOptions } from "./options.js";

/** Builds the Cosmos client for a resource: account key when there is one, else Entra ID. */
export function cosmosClient(options: CosmosOptions): CosmosClient {
  const auth =
    options.key !== undefined
      ? { key: options.key }
      : { aadCredentials: options.credential ?? new DefaultAzureCredential() };
  // Endpoint discovery would send an emulator's clients to the public regions it advertises.
  return new CosmosClient({
    endpoint: options.endpoint,
    ...auth,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}

/**
 * The resource's container: created (with TTL on, so items may carry `ttl`)
 * when `create` is set; otherwise read, so a missing one fails at startup
 * with a 404 (NotFound).
 */
export async function openContainer(client: CosmosClient, options: CosmosOptions): Promise<Container> {
  if (options.create) {
    const { database } = await racing(() => client.databases.createIfNotExists({ id: options.database }));
    const { container } = await racing(() =>
      database.containers.createIfNotExists({
        id: options.container,
        partitionKey: { paths: [options.partitionKey] },
        defaultTtl: -1,
      }),
    );
    return container;
  }
  const container = client.database(options.database).container(options.container);
  await container.read();
  return container;
}

/**
 * Runs a `createIfNotExists`, once more if it loses a race: it reads, then
 * creates on 404, so two resources opening the same new database at once
 * both read 404 and one create answers 409 Conflict. The second attempt's
 * read finds what the winner made.
 */
async function racing<T>(create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if ((err as { code?: unknown }).code !== 409) throw err;
    return create();
  }
}
