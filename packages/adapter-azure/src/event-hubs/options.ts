import type { TokenCredential } from "@azure/identity";
import { SwitchyardError } from "@switchyard/core/driver";

/** How the event processor spreads partitions over the instances of a group. */
export type LoadBalancing = "balanced" | "greedy";

/** Everything an Event Hubs stream needs, resolved from its URL, the adapter's options and the environment. */
export interface EventHubsStreamOptions {
  /** The namespace host, e.g. `ns.servicebus.windows.net`. */
  namespace: string;
  /** The event hub. */
  hub: string;
  /**
   * The Event Hubs consumer group consumers read through. Default: the
   * pipeline's group name (as Spring Cloud Stream's binder does); the group
   * must exist in the namespace.
   */
  consumerGroup: string | undefined;
  /**
   * A namespace (or hub) connection string; wins over `credential`. A
   * development-emulator one (`UseDevelopmentEmulator=true`) may point at any host.
   */
  connectionString: string | undefined;
  /** An Entra ID credential; used when there is no connection string. Default `DefaultAzureCredential`. */
  credential: TokenCredential | undefined;
  /** Where checkpoints and ownership live: a storage connection string, or an account URL with `credential`. */
  checkpoints: { connectionString: string | undefined; accountUrl: string | undefined; container: string };
  /**
   * Load-balancing strategy. Default `greedy`: an instance claims its fair
   * share in one cycle, where the SDK's default `balanced` claims one
   * partition per cycle (docs/decisions/1901-event-hubs-consumers.md).
   */
  loadBalancing: LoadBalancing;
  /** How often an instance renews and claims ownership, in ms. Default 10000. */
  updateIntervalMs: number;
  /** How long an ownership lasts without renewal, in ms. Default 60000. */
  ownershipExpiryMs: number;
  /** Most records in one `send`. Default 1000. */
  maxBatchRecords: number;
  /** Most events the SDK hands over per partition at a time; also the receive buffer's bound. Default 100. */
  receiveBatch: number;
  /** How long the SDK waits to fill a batch, in ms (rounded up to whole seconds). Default 1000. */
  maxWaitMs: number;
  /** How long one service operation may take, in ms. Default 60000. */
  timeoutMs: number;
  /** The SDK's retries of one operation (core retries on top of this). Default 3. */
  maxRetries: number;
  /** The SDK's delay between retries, in ms. Default 1000. */
  retryDelayMs: number;
}

/** The query parameters an `eventhubs://` URL accepts. */
export const EVENTHUBS_PARAMS = [
  "consumerGroup",
  "checkpointContainer",
  "checkpointAccount",
  "loadBalancing",
  "updateIntervalMs",
  "ownershipExpiryMs",
  "maxBatchRecords",
  "receiveBatch",
  "maxWaitMs",
  "timeoutMs",
  "maxRetries",
  "retryDelayMs",
] as const;

/** What the adapter's options may set for every `eventhubs://` stream (URL parameters override). */
export type EventHubsDefaults = Partial<
  Omit<EventHubsStreamOptions, "namespace" | "hub" | "checkpoints" | "credential">
> & {
  /** A storage connection string for checkpoints. Default: `AZURE_STORAGE_CONNECTION_STRING`. */
  checkpointConnectionString?: string;
  /** A storage account name or URL for checkpoints with Entra ID. Default: `AZURE_STORAGE_ACCOUNT`. */
  checkpointAccount?: string;
  /** The checkpoint container (created when missing). Default `switchyard-checkpoints`. */
  checkpointContainer?: string;
  /** An Entra ID credential for Event Hubs and Blob Storage. */
  credential?: TokenCredential;
};

const NUMBERS = [
  "updateIntervalMs",
  "ownershipExpiryMs",
  "maxBatchRecords",
  "receiveBatch",
  "maxWaitMs",
  "timeoutMs",
  "maxRetries",
  "retryDelayMs",
] as const;

function positive(name: string, text: string, where: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: ?${name}=${text} must be a whole number${allowZero ? "" : " above 0"}`,
    );
  }
  return value;
}

/**
 * Resolves an `eventhubs://namespace/hub?…` URL. The environment supplies
 * secrets the URL must not carry: `AZURE_EVENTHUBS_CONNECTION_STRING`,
 * `AZURE_STORAGE_CONNECTION_STRING`, `AZURE_STORAGE_ACCOUNT`.
 */
export function parseEventHubsUrl(
  url: URL,
  defaults: EventHubsDefaults = {},
  env: NodeJS.ProcessEnv = process.env,
): EventHubsStreamOptions {
  const hub = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ""));
  const where = `eventhubs://${url.host}/${hub}`;
  if (url.hostname === "" || hub === "" || hub.includes("/")) {
    throw new SwitchyardError(
      "InvalidArgument",
      `"${where}" must name a namespace and one hub: eventhubs://<namespace>.servicebus.windows.net/<hub>`,
    );
  }
  const q = url.searchParams;
  const numbers: Partial<Record<(typeof NUMBERS)[number], number>> = {};
  for (const name of NUMBERS) {
    const text = q.get(name);
    if (text !== null) numbers[name] = positive(name, text, where, name === "maxRetries");
  }
  const loadBalancing = q.get("loadBalancing") ?? defaults.loadBalancing ?? "greedy";
  if (loadBalancing !== "balanced" && loadBalancing !== "greedy") {
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: ?loadBalancing=${loadBalancing} must be balanced or greedy`,
    );
  }
  const account = q.get("checkpointAccount") ?? defaults.checkpointAccount ?? env.AZURE_STORAGE_ACCOUNT;
  const checkpointConnection = defaults.checkpointConnectionString ?? env.AZURE_STORAGE_CONNECTION_STRING;
  return {
    namespace: url.host,
    hub,
    consumerGroup: q.get("consumerGroup") ?? defaults.consumerGroup,
    connectionString: defaults.connectionString ?? env.AZURE_EVENTHUBS_CONNECTION_STRING,
    credential: defaults.credential,
    checkpoints: {
      connectionString:
        account === undefined || q.get("checkpointAccount") === null ? checkpointConnection : undefined,
      accountUrl:
        account === undefined
          ? undefined
          : account.includes("://")
            ? account
            : `https://${account}.blob.core.windows.net`,
      container: q.get("checkpointContainer") ?? defaults.checkpointContainer ?? "switchyard-checkpoints",
    },
    loadBalancing,
    updateIntervalMs: numbers.updateIntervalMs ?? defaults.updateIntervalMs ?? 10_000,
    ownershipExpiryMs: numbers.ownershipExpiryMs ?? defaults.ownershipExpiryMs ?? 60_000,
    maxBatchRecords: numbers.maxBatchRecords ?? defaults.maxBatchRecords ?? 1000,
    receiveBatch: numbers.receiveBatch ?? defaults.receiveBatch ?? 100,
    maxWaitMs: numbers.maxWaitMs ?? defaults.maxWaitMs ?? 1000,
    timeoutMs: numbers.timeoutMs ?? defaults.timeoutMs ?? 60_000,
    maxRetries: numbers.maxRetries ?? defaults.maxRetries ?? 3,
    retryDelayMs: numbers.retryDelayMs ?? defaults.retryDelayMs ?? 1000,
  };
}
