import { CosmosClient } from "@azure/cosmos";
import type { Container } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import { startupError } from "../errors.js";
import type { CosmosOptions } from "./options.js";

/** A resource's container, opened, with the client it is reached through. */
export interface OpenedContainer {
  /** The client given to the resource, or the one built for it. */
  client: CosmosClient;
  /** Whether the client was built for the resource, which then disposes of it on close. */
  ownsClient: boolean;
  /** The container, checked (or created, with `create`). */
  container: Container;
}

/**
 * Opens the container of a state store or time-series sink through `client`,
 * or through a client built from the options. On failure a built client is
 * disposed of and the error names the resource.
 */
export async function openCosmosContainer(
  options: CosmosOptions,
  client: CosmosClient | undefined,
): Promise<OpenedContainer> {
  const used = client ?? cosmosClient(options);
  try {
    const container = await openContainer(used, options);
    return { client: used, ownsClient: client === undefined, container };
  } catch (err) {
    if (client === undefined) used.dispose();
    throw startupError(
      err,
      `cosmos://${options.account}/${options.database}/${options.container}`,
      options.endpoint,
    );
  }
}

/** Builds the Cosmos client for a resource: account key when there is one, else Entra ID. */
function cosmosClient(options: CosmosOptions): CosmosClient {
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
async function openContainer(client: CosmosClient, options: CosmosOptions): Promise<Container> {
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
