/**
 * Removing what a profile's pubsub:// and bigtable:// resources hold — topics
 * with their subscriptions, and tables — on the emulators only: without
 * PUBSUB_EMULATOR_HOST / BIGTABLE_EMULATOR_HOST it refuses, so a test never
 * deletes anything in a real project.
 */
import { Bigtable } from "@google-cloud/bigtable";
import { PubSub } from "@google-cloud/pubsub";

const NOT_FOUND = 5;

function ignoreNotFound(err: unknown): void {
  if ((err as { code?: unknown }).code !== NOT_FOUND) throw err;
}

/** Deletes the topics (and their subscriptions) and tables that `urls` name, on the emulators. */
export async function clearGcpData(urls: readonly URL[]): Promise<void> {
  const topics = urls.filter((u) => u.protocol === "pubsub:");
  const tables = urls.filter((u) => u.protocol === "bigtable:");
  if (topics.length > 0) await clearTopics(topics);
  if (tables.length > 0) await clearTables(tables);
}

async function clearTopics(urls: readonly URL[]): Promise<void> {
  if (process.env.PUBSUB_EMULATOR_HOST === undefined) {
    throw new Error("refusing to delete Pub/Sub topics without PUBSUB_EMULATOR_HOST (the emulator)");
  }
  for (const url of urls) {
    const client = new PubSub({ projectId: url.hostname });
    try {
      const topic = client.topic(decodeURIComponent(url.pathname.slice(1)));
      const [subscriptions] = await topic.getSubscriptions().catch((err: unknown) => {
        ignoreNotFound(err);
        return [[]] as const;
      });
      await Promise.all(subscriptions.map((s) => s.delete().catch(ignoreNotFound)));
      await topic.delete().catch(ignoreNotFound);
    } finally {
      await client.close();
    }
  }
}

async function clearTables(urls: readonly URL[]): Promise<void> {
  if (process.env.BIGTABLE_EMULATOR_HOST === undefined) {
    throw new Error("refusing to delete Bigtable tables without BIGTABLE_EMULATOR_HOST (the emulator)");
  }
  for (const url of urls) {
    const [instance, table] = url.pathname.slice(1).split("/").map(decodeURIComponent);
    const client = new Bigtable({ projectId: url.hostname, metricsEnabled: false });
    try {
      await client.instance(instance!).table(table!).delete().catch(ignoreNotFound);
    } finally {
      await client.close();
    }
  }
}
