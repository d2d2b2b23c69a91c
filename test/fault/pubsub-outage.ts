/**
 * The Pub/Sub restart test's emulator and what it loses: topics and
 * subscriptions to put back after a restart, since gcloud's emulator keeps
 * nothing across one (the service keeps them through its outages).
 */
import { PubSub } from "@google-cloud/pubsub";
import { Stream, json } from "@switchyard/core";
import { PubSubStream } from "../../packages/adapter-gcp/src/index.js";

/** A topic of the relay and the subscriptions on it, as the service would keep them. */
export interface TopicLayout {
  /** Short name. */
  topic: string;
  /** Subscriptions on it: short name and ack deadline, s. All deliver in ordering-key order. */
  subscriptions: { name: string; ackDeadlineSeconds: number }[];
}

/**
 * Creates `layout` on the emulator at `host` (`127.0.0.1:<port>`) in
 * `project`, as the adapter's `create=true` makes them: ordered
 * subscriptions, no retention.
 */
export async function createLayout(
  host: string,
  project: string,
  layout: readonly TopicLayout[],
): Promise<void> {
  const admin = new PubSub({ projectId: project, apiEndpoint: host, emulatorMode: true });
  try {
    for (const { topic, subscriptions } of layout) {
      const [created] = await admin.createTopic(topic);
      for (const { name, ackDeadlineSeconds } of subscriptions) {
        await created.createSubscription(name, { enableMessageOrdering: true, ackDeadlineSeconds });
      }
    }
  } finally {
    await admin.close();
  }
}

/** A record to put on a topic: its ordering key and JSON value. */
export interface Keyed {
  key: string;
  value: unknown;
}

/**
 * Publishes `records` to `topic` on the emulator at `host` through the
 * adapter (so they look as the pipeline's own), in sends of 1000.
 */
export async function publishTo(
  host: string,
  project: string,
  topic: string,
  records: readonly Keyed[],
): Promise<void> {
  const client = new PubSub({ projectId: project, apiEndpoint: host, emulatorMode: true });
  const stream = new Stream<unknown>(new PubSubStream(new URL(`pubsub://${project}/${topic}`), { client }), {
    name: topic,
    codec: json(),
  });
  try {
    for (let first = 0; first < records.length; first += 1000) {
      await stream.publish(records.slice(first, first + 1000));
    }
  } finally {
    await stream.close();
    await client.close();
  }
}
