import { PubSub } from "@google-cloud/pubsub";
import type { RunDataEngine } from "./engine.js";
import { runNameRegExp } from "./engine.js";
import type { RunResource } from "./resources.js";

/**
 * A client on the project of a `pubsub://project/topic` URL (the emulator's when
 * `PUBSUB_EMULATOR_HOST` is set), the topic, and the subscription the URL names.
 */
function partsOf(resource: RunResource): { client: PubSub; topic: string; subscription: string | undefined } {
  // The run pattern's `*` is no name character; names are matched by hand below.
  const url = new URL(resource.url.replaceAll("*", "_"));
  const original = new URL(resource.url);
  return {
    client: new PubSub({ projectId: decodeURIComponent(url.hostname) }),
    topic: decodeURIComponent(original.pathname.replace(/^\/+/, "")),
    subscription: original.searchParams.get("subscription") ?? undefined,
  };
}

/** The short name of a full resource name (`projects/p/topics/t` → `t`). */
const shortName = (name: string) => name.slice(name.lastIndexOf("/") + 1);

/**
 * Pub/Sub topics: whether the topic exists and the group's subscription
 * (the URL's `subscription`, else the group's name) already has a position on
 * it — Pub/Sub counts no messages without Cloud Monitoring; removal deletes
 * the matching topics and every subscription on them.
 */
export const pubsubRunData: RunDataEngine = {
  async inspect(resource, _baseDir, group) {
    const { client, topic, subscription } = partsOf(resource);
    try {
      const [exists] = await client.topic(topic).exists();
      if (!exists) return [];
      const warnings = [`${resource.name} already exists: it may hold an earlier run's messages`];
      const name = subscription ?? group;
      if (name !== undefined) {
        const [subscribed] = await client.subscription(name).exists();
        if (subscribed)
          warnings.push(`group "${group}" has a subscription on ${resource.name}: it resumes there`);
      }
      return warnings;
    } finally {
      await client.close();
    }
  },

  async remove(pattern) {
    const { client, topic } = partsOf(pattern);
    try {
      const matches = runNameRegExp(topic);
      const [topics] = await client.getTopics();
      const removed: string[] = [];
      for (const found of topics.filter((t) => matches.test(shortName(t.name)))) {
        const [subscriptions] = await found.getSubscriptions();
        for (const s of subscriptions) {
          await s.delete();
          removed.push(`pubsub subscription ${shortName(s.name)}`);
        }
        await found.delete();
        removed.push(`pubsub topic ${shortName(found.name)}`);
      }
      return removed;
    } finally {
      await client.close();
    }
  },
};
