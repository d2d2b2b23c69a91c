import { EventHubProducerClient } from "@azure/event-hubs";
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { azureErrorCode, parseEventHubsUrl } from "@switchyard/adapter-azure";
import type { EventHubsStreamOptions } from "@switchyard/adapter-azure";
import type { RunDataEngine } from "./engine.js";
import { countOf, runNameRegExp } from "./engine.js";
import type { RunResource } from "./resources.js";

/** Short retries: the demo looks before it runs, and a server that does not answer should not hold it up. */
const RETRY = { maxRetries: 1, retryDelayInMs: 200, timeoutInMs: 10_000 };

/** The adapter's options for an `eventhubs://` URL (the run pattern's `*` kept in the hub name). */
function optionsOf(resource: RunResource): EventHubsStreamOptions {
  const url = new URL(resource.url);
  return { ...parseEventHubsUrl(url), hub: decodeURIComponent(url.pathname.replace(/^\/+/, "")) };
}

/** A producer client on the hub, as the adapter builds one: connection string, else Entra ID. */
function producerOf(options: EventHubsStreamOptions): EventHubProducerClient {
  const settings = { retryOptions: RETRY };
  return options.connectionString !== undefined
    ? new EventHubProducerClient(options.connectionString, options.hub, settings)
    : new EventHubProducerClient(
        options.namespace,
        options.hub,
        options.credential ?? new DefaultAzureCredential(),
        settings,
      );
}

/** The container the hub's checkpoints and ownership blobs live in, or undefined when none is configured. */
function checkpointsOf(options: EventHubsStreamOptions): ContainerClient | undefined {
  const { connectionString, accountUrl, container } = options.checkpoints;
  if (connectionString !== undefined) return new ContainerClient(connectionString, container);
  if (accountUrl === undefined) return undefined;
  const url = `${accountUrl.replace(/\/+$/, "")}/${container}`;
  return new ContainerClient(url, options.credential ?? new DefaultAzureCredential());
}

/** Names of the blobs under `prefix`; none when the container does not exist. */
async function blobsUnder(container: ContainerClient, prefix: string): Promise<string[]> {
  if (!(await container.exists())) return [];
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
  return names;
}

/** Events held across the hub's partitions. */
async function eventsOn(producer: EventHubProducerClient): Promise<number> {
  let events = 0;
  for (const id of await producer.getPartitionIds()) {
    const p = await producer.getPartitionProperties(id);
    if (!p.isEmpty) events += p.lastEnqueuedSequenceNumber - p.beginningSequenceNumber + 1;
  }
  return events;
}

/**
 * Event Hubs: events held and the group's checkpoints; removal deletes the
 * checkpoint and ownership blobs of the matching hubs. Hubs themselves are
 * made and deleted through Azure Resource Manager (`az eventhubs eventhub`),
 * which the data-plane clients cannot do, so they stay.
 */
export const eventHubsRunData: RunDataEngine = {
  async inspect(resource, _baseDir, group) {
    const options = optionsOf(resource);
    const producer = producerOf(options);
    try {
      const warnings: string[] = [];
      let events: number;
      try {
        events = await eventsOn(producer);
      } catch (err) {
        if (azureErrorCode(err) !== "NotFound") throw err;
        return [
          `${resource.name}: event hub ${options.hub} does not exist in ${options.namespace} — create it first (az eventhubs eventhub create --name ${options.hub} …)`,
        ];
      }
      if (events > 0) warnings.push(`${resource.name} already holds ${countOf(events, "event")}`);
      const container = checkpointsOf(options);
      if (group !== undefined && container !== undefined) {
        const consumerGroup = options.consumerGroup ?? group;
        const prefix = `${producer.fullyQualifiedNamespace}/${options.hub}/${consumerGroup}/checkpoint/`;
        if ((await blobsUnder(container, prefix.toLowerCase())).length > 0) {
          warnings.push(`group "${group}" has a committed position on ${resource.name}: it resumes there`);
        }
      }
      return warnings;
    } finally {
      await producer.close().catch(() => undefined);
    }
  },

  async remove(pattern) {
    const options = optionsOf(pattern);
    const container = checkpointsOf(options);
    if (container === undefined) return [];
    // Blob names start `<namespace>/<hub>/`, lowercased; the namespace is the client's, as it writes them.
    const producer = producerOf({ ...options, hub: options.hub.replaceAll("*", "x") });
    const namespace = producer.fullyQualifiedNamespace.toLowerCase();
    await producer.close().catch(() => undefined);
    const hub = runNameRegExp(options.hub.toLowerCase());
    const byHub = new Map<string, string[]>();
    for (const name of await blobsUnder(container, `${namespace}/`)) {
      const hubOf = name.split("/")[1] ?? "";
      if (hub.test(hubOf)) byHub.set(hubOf, [...(byHub.get(hubOf) ?? []), name]);
    }
    const removed: string[] = [];
    for (const [name, blobs] of byHub) {
      for (const blob of blobs) await container.deleteBlob(blob);
      removed.push(
        `event hub ${name}: ${countOf(blobs.length, "checkpoint blob")} (delete the hub itself with az eventhubs eventhub delete)`,
      );
    }
    return removed.sort();
  },
};
