import type { TokenCredential } from "@azure/identity";
import { SwitchyardError } from "@switchyard/core/driver";

/** Everything a Cosmos DB resource needs, resolved from its URL, the adapter's options and the environment. */
export interface CosmosOptions {
  /** The account name from the URL. */
  account: string;
  /** The database. */
  database: string;
  /** The container. */
  container: string;
  /** The account endpoint. Default `https://<account>.documents.azure.com:443/`. */
  endpoint: string;
  /** An account key; wins over `credential`. */
  key: string | undefined;
  /** An Entra ID credential, used without a key. Default `DefaultAzureCredential`. */
  credential: TokenCredential | undefined;
  /** Create the database and container at startup when missing (partitioned by `partitionKey`, TTL on). Default false. */
  create: boolean;
  /** The container's partition key path, one top-level field. Default `/id` (state) or `/pk` (time series). */
  partitionKey: string;
  /** Most keys or points per call. Default 100. */
  maxBatch: number;
  /** Days points are kept (time series), via item TTL; 0 keeps them. Default 0. */
  retentionDays: number;
}

/** The query parameters a `cosmos://` URL accepts. */
export const COSMOS_PARAMS = ["create", "partitionKey", "maxBatch", "retentionDays"] as const;

/** What the adapter's options may set for every `cosmos://` resource. */
export interface CosmosDefaults {
  /** `AccountEndpoint=…;AccountKey=…;`. Default: `AZURE_COSMOS_CONNECTION_STRING`. */
  connectionString?: string;
  /** The account endpoint, when not the public one for the URL's account. Default: `AZURE_COSMOS_ENDPOINT`. */
  endpoint?: string;
  /** An account key. Default: `AZURE_COSMOS_KEY`. */
  key?: string;
  /** An Entra ID credential (used without a key). */
  credential?: TokenCredential;
  /** Create missing databases and containers. */
  create?: boolean;
}

function field(text: string, name: string): string | undefined {
  return new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*([^;]+)`, "i").exec(text)?.[1]?.trim();
}

/** Whether an endpoint is on this machine (an emulator), where any account name is accepted. */
function isLocal(endpoint: string): boolean {
  return /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/i.test(endpoint);
}

/**
 * Resolves `cosmos://account/database/container?…`. Keys come from the
 * adapter's options or the environment (`AZURE_COSMOS_CONNECTION_STRING`, or
 * `AZURE_COSMOS_ENDPOINT` and `AZURE_COSMOS_KEY`), never from the URL.
 */
export function parseCosmosUrl(
  url: URL,
  defaults: CosmosDefaults,
  env: NodeJS.ProcessEnv,
  defaultPartitionKey: string,
): CosmosOptions {
  const [database, container, ...rest] = url.pathname
    .replace(/^\/+|\/+$/g, "")
    .split("/")
    .map(decodeURIComponent);
  const where = `cosmos://${url.host}/${database ?? ""}/${container ?? ""}`;
  if (url.hostname === "" || !database || !container || rest.length > 0) {
    throw new SwitchyardError(
      "InvalidArgument",
      `"${where}" must be cosmos://<account>/<database>/<container>`,
    );
  }
  const connection = defaults.connectionString ?? env.AZURE_COSMOS_CONNECTION_STRING;
  const endpoint =
    (connection === undefined ? undefined : field(connection, "AccountEndpoint")) ??
    defaults.endpoint ??
    env.AZURE_COSMOS_ENDPOINT ??
    `https://${url.hostname}.documents.azure.com:443/`;
  const host = /^https?:\/\/([^/:]+)/i.exec(endpoint)?.[1]?.toLowerCase();
  if (
    !isLocal(endpoint) &&
    host !== `${url.hostname.toLowerCase()}.documents.azure.com` &&
    host !== url.hostname.toLowerCase()
  ) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: the configured endpoint is ${host ?? "not a URL"}, not account ${url.hostname} — use that account's connection string or fix the URL`,
    );
  }
  const q = url.searchParams;
  const number = (name: string, fallback: number, min: number) => {
    const text = q.get(name);
    if (text === null) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) {
      throw new SwitchyardError(
        "InvalidArgument",
        `${where}: ?${name}=${text} must be a whole number of at least ${min}`,
      );
    }
    return value;
  };
  const partitionKey = q.get("partitionKey") ?? defaultPartitionKey;
  if (!/^\/[A-Za-z_][A-Za-z0-9_]*$/.test(partitionKey)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: ?partitionKey=${partitionKey} must be one top-level path such as /id`,
    );
  }
  const create = q.get("create");
  if (create !== null && create !== "true" && create !== "false") {
    throw new SwitchyardError("InvalidArgument", `${where}: ?create=${create} must be true or false`);
  }
  return {
    account: url.hostname,
    database,
    container,
    endpoint,
    key:
      (connection === undefined ? undefined : field(connection, "AccountKey")) ??
      defaults.key ??
      env.AZURE_COSMOS_KEY,
    credential: defaults.credential,
    create: create === null ? (defaults.create ?? false) : create === "true",
    partitionKey,
    maxBatch: number("maxBatch", 100, 1),
    retentionDays: number("retentionDays", 0, 0),
  };
}
