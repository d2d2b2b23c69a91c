/**
 * Building the SDK clients of an Event Hubs stream from its resolved options:
 * producer, consumer and the Blob checkpoint store. Connection strings never
 * appear in errors; only the endpoint host does.
 */
import { EventHubConsumerClient, EventHubProducerClient } from "@azure/event-hubs";
import type { CheckpointStore, EventHubClientOptions, LoadBalancingOptions } from "@azure/event-hubs";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { DefaultAzureCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { SwitchyardError } from "@switchyard/core/driver";
import { startupError, startupTimeout } from "../errors.js";
import type { EventHubsStreamOptions } from "./options.js";

/** The endpoint host of a connection string, for messages (never the key). */
export function endpointOf(connectionString: string): string {
  return /Endpoint=[a-z]+:\/\/([^;/]+)/i.exec(connectionString)?.[1] ?? "(no Endpoint)";
}

/** The host a stream's clients connect to, for messages: the connection string's endpoint, else the namespace. */
export function hostOf(options: EventHubsStreamOptions): string {
  return options.connectionString === undefined ? options.namespace : endpointOf(options.connectionString);
}

/** Whether a connection string names the development emulator (plain TCP, any host). */
export function isEmulator(connectionString: string): boolean {
  return /(^|;)\s*UseDevelopmentEmulator\s*=\s*true\s*(;|$)/i.test(connectionString);
}

function clientOptions(options: EventHubsStreamOptions): EventHubClientOptions {
  return {
    retryOptions: {
      maxRetries: options.maxRetries,
      retryDelayInMs: options.retryDelayMs,
      maxRetryDelayInMs: Math.max(options.retryDelayMs, 30_000),
      timeoutInMs: options.timeoutMs,
    },
  };
}

function checkConnectionString(options: EventHubsStreamOptions, connectionString: string): void {
  const host = endpointOf(connectionString);
  if (
    !/(^|;)\s*Endpoint=sb:\/\//i.test(connectionString) ||
    !/SharedAccess(Key|Signature)=/i.test(connectionString)
  ) {
    throw new SwitchyardError(
      "InvalidArgument",
      `eventhubs://${options.namespace}/${options.hub}: the connection string (endpoint ${host}) is not valid — copy it from the namespace's "Shared access policies" (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…)`,
    );
  }
  if (!isEmulator(connectionString) && host.toLowerCase() !== options.namespace.toLowerCase()) {
    throw new SwitchyardError(
      "InvalidArgument",
      `eventhubs://${options.namespace}/${options.hub}: the connection string is for ${host}, not ${options.namespace} — use that namespace's connection string or fix the URL`,
    );
  }
}

function credentialOf(options: EventHubsStreamOptions): TokenCredential {
  return options.credential ?? new DefaultAzureCredential();
}

/** Builds the producer client the stream sends with. */
export function producerFor(options: EventHubsStreamOptions): EventHubProducerClient {
  const cs = options.connectionString;
  if (cs !== undefined) {
    checkConnectionString(options, cs);
    return new EventHubProducerClient(cs, options.hub, clientOptions(options));
  }
  return new EventHubProducerClient(
    options.namespace,
    options.hub,
    credentialOf(options),
    clientOptions(options),
  );
}

/** Builds a load-balancing consumer client for one consumer instance. */
export function consumerFor(
  options: EventHubsStreamOptions & { consumerGroup: string },
  store: CheckpointStore,
  identifier: string,
): EventHubConsumerClient {
  const loadBalancingOptions: LoadBalancingOptions = {
    strategy: options.loadBalancing,
    updateIntervalInMs: options.updateIntervalMs,
    partitionOwnershipExpirationIntervalInMs: options.ownershipExpiryMs,
  };
  const settings = { ...clientOptions(options), loadBalancingOptions, identifier };
  const cs = options.connectionString;
  if (cs !== undefined) {
    checkConnectionString(options, cs);
    return new EventHubConsumerClient(options.consumerGroup, cs, options.hub, store, settings);
  }
  return new EventHubConsumerClient(
    options.consumerGroup,
    options.namespace,
    options.hub,
    credentialOf(options),
    store,
    settings,
  );
}

/**
 * The Blob container checkpoints and ownership go to, created when missing,
 * within `signal`. The blobs keep the Azure SDKs' layout, so
 * EventProcessorClient applications in any language read and write the same
 * ones. Storage calls retry as the stream's Event Hubs calls do: the Blob
 * SDK's own defaults (4 s doubling to 120 s, no per-try timeout) would keep a
 * run waiting for minutes on a checkpoint store that does not answer.
 */
export async function checkpointContainer(
  options: EventHubsStreamOptions,
  signal: AbortSignal,
): Promise<ContainerClient> {
  const { connectionString, accountUrl, container } = options.checkpoints;
  const storage = {
    retryOptions: {
      maxTries: options.maxRetries + 1,
      retryDelayInMs: options.retryDelayMs,
      maxRetryDelayInMs: Math.max(options.retryDelayMs, 30_000),
      tryTimeoutInMs: options.timeoutMs,
    },
  };
  let client: ContainerClient;
  if (connectionString !== undefined) {
    client = new ContainerClient(connectionString, container, storage);
  } else if (accountUrl !== undefined) {
    const url = `${accountUrl.replace(/\/+$/, "")}/${container}`;
    client = new ContainerClient(url, credentialOf(options), storage);
  } else {
    throw new SwitchyardError(
      "FailedPrecondition",
      `eventhubs://${options.namespace}/${options.hub}: consumers need a checkpoint store — set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT (or ?checkpointAccount=) with an Entra ID credential`,
    );
  }
  try {
    await client.createIfNotExists({ abortSignal: signal });
  } catch (err) {
    // The container's URL without its query, which may hold a SAS token.
    const where = `eventhubs://${options.namespace}/${options.hub}: its checkpoint store`;
    const url = client.url.split("?")[0]!;
    if (signal.aborted) throw startupTimeout(where, url, options.timeoutMs, err);
    throw startupError(err, where, url);
  }
  return client;
}

/** The checkpoint store over a container. */
export function blobStore(container: ContainerClient): CheckpointStore {
  return new BlobCheckpointStore(container);
}
