import { CosmosClient } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import { parseCosmosUrl } from "@switchyard/adapter-azure";
import type { CosmosOptions } from "@switchyard/adapter-azure";
import type { RunDataEngine } from "./engine.js";
import { runNameRegExp } from "./engine.js";
import type { RunResource } from "./resources.js";

/** The adapter's options for a `cosmos://` URL (a run pattern's `*` kept in the names). */
function optionsOf(resource: RunResource): CosmosOptions {
  const url = new URL(resource.url);
  const [database = "", container = ""] = url.pathname
    .replace(/^\/+/, "")
    .split("/")
    .map((part) => decodeURIComponent(part));
  const parsed = parseCosmosUrl(new URL(resource.url.replaceAll("*", "x")), {}, process.env, "/id");
  return { ...parsed, database, container };
}

/** A client as the adapter builds one: account key when there is one, else Entra ID. */
async function withClient<T>(options: CosmosOptions, work: (client: CosmosClient) => Promise<T>): Promise<T> {
  const auth =
    options.key !== undefined
      ? { key: options.key }
      : { aadCredentials: options.credential ?? new DefaultAzureCredential() };
  const client = new CosmosClient({
    endpoint: options.endpoint,
    ...auth,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    return await work(client);
  } finally {
    client.dispose();
  }
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown }).code === 404;
}

/**
 * Cosmos DB: whether the container already holds items; removal deletes the
 * matching databases (when the run is in the database's name, as in the
 * example) or containers.
 */
export const cosmosRunData: RunDataEngine = {
  inspect: (resource) => {
    const options = optionsOf(resource);
    return withClient(options, async (client) => {
      try {
        const { resources } = await client
          .database(options.database)
          .container(options.container)
          .items.query("SELECT TOP 1 c.id FROM c")
          .fetchNext();
        if (resources.length === 0) return [];
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
      return [
        `${resource.name} already holds items in ${options.database}/${options.container}: an earlier run's data is read back`,
      ];
    });
  },

  remove: (pattern) => {
    const options = optionsOf(pattern);
    return withClient(options, async (client) => {
      if (options.database.includes("*")) {
        const matches = runNameRegExp(options.database);
        const { resources } = await client.databases.readAll().fetchAll();
        const doomed = resources.map((d) => d.id).filter((id) => matches.test(id));
        for (const id of doomed) await client.database(id).delete();
        return doomed.sort().map((id) => `cosmos database ${id}`);
      }
      if (!options.container.includes("*")) return [];
      const matches = runNameRegExp(options.container);
      const database = client.database(options.database);
      let ids: string[];
      try {
        ids = (await database.containers.readAll().fetchAll()).resources.map((c) => c.id);
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
      const doomed = ids.filter((id) => matches.test(id));
      for (const id of doomed) await database.container(id).delete();
      return doomed.sort().map((id) => `cosmos container ${options.database}/${id}`);
    });
  },
};
