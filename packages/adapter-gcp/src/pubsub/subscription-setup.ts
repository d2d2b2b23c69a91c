import type { PubSub, Subscription } from "@google-cloud/pubsub";
import { Duration } from "@google-cloud/pubsub";
import { SwitchyardError } from "@switchyard/core/driver";
import type { StartPosition } from "@switchyard/core/driver";
import { gcpErrorCode } from "../errors.js";
import type { PubSubSettings } from "./settings.js";

/** An open subscription and the earliest publish time this consumer delivers (for fresh subscriptions). */
export interface OpenedSubscription {
  subscription: Subscription;
  /** Messages published before this (ms) are skipped: they predate the start of a newly created subscription. */
  notBefore: number | undefined;
  /** Whether the subscription has exactly-once delivery. */
  exactlyOnce: boolean;
}

/**
 * Finds the subscription for a consumer group — the URL's `subscription`, else
 * the group's name — creating it when `create=true`, and checks it can serve the
 * stream: it belongs to the topic, and delivers in key order when the stream
 * promises per-key order. A subscription this call creates starts where
 * `start` says: `earliest` seeks to the oldest retained message, a timestamp
 * seeks to that publish time, `latest` is where a new subscription starts anyway.
 */
export async function openSubscription(
  client: PubSub,
  settings: PubSubSettings,
  group: string,
  start: StartPosition,
): Promise<OpenedSubscription> {
  const name = settings.subscription ?? group;
  const topic = client.topic(settings.topic);
  const subscription = client.subscription(name, {
    flowControl: {
      maxMessages: settings.maxOutstanding,
      maxBytes: settings.maxOutstandingBytes,
      // Hand over what arrives past the limit: the client would hold it anyway (decision 2324).
      allowExcessMessages: true,
    },
    maxExtensionTime: Duration.from({ seconds: settings.maxExtensionSeconds }),
    // Each lease extension asks for the ack deadline and no more, so what a killed consumer held comes
    // back that long after it died; by default the client stretches it to its acks' 99th percentile, up to 10 min.
    minAckDeadline: Duration.from({ seconds: settings.ackDeadlineSeconds }),
    maxAckDeadline: Duration.from({ seconds: settings.ackDeadlineSeconds }),
    closeOptions: { behavior: "NACK" },
  });
  let metadata = await fetchMetadata(subscription);
  let created = false;
  if (metadata === undefined) {
    if (!settings.create) {
      throw new SwitchyardError(
        "NotFound",
        `${settings.where}: subscription "${name}" does not exist — create it ` +
          `(gcloud pubsub subscriptions create ${name} --topic=${settings.topic}` +
          `${settings.ordering === "key" ? " --enable-message-ordering" : ""}) or add create=true to the URL`,
      );
    }
    created = await createSubscription(client, settings, name);
    metadata = await fetchMetadata(subscription);
    if (metadata === undefined)
      throw new SwitchyardError("NotFound", `${settings.where}: subscription "${name}" vanished`);
  }
  if (metadata.topic !== topic.name) {
    throw new SwitchyardError(
      "FailedPrecondition",
      `${settings.where}: subscription "${name}" belongs to ${metadata.topic ?? "a deleted topic"}, not ${topic.name} — ` +
        "name another subscription with ?subscription=",
    );
  }
  if (settings.ordering === "key" && metadata.enableMessageOrdering !== true) {
    throw new SwitchyardError(
      "FailedPrecondition",
      `${settings.where}: subscription "${name}" does not deliver in order of ordering key, and this stream ` +
        "promises per-key order — recreate it with --enable-message-ordering, or add ordering=none to the URL " +
        "(then pipelines that need per-key order refuse it)",
    );
  }
  const notBefore = created ? await applyStart(client, subscription, settings, start) : undefined;
  return { subscription, notBefore, exactlyOnce: metadata.enableExactlyOnceDelivery === true };
}

async function fetchMetadata(subscription: Subscription) {
  try {
    const [metadata] = await subscription.getMetadata();
    return metadata;
  } catch (err) {
    if (gcpErrorCode(err) === "NotFound") return undefined;
    throw err;
  }
}

/** Creates the subscription; false when another instance created it first. */
async function createSubscription(client: PubSub, settings: PubSubSettings, name: string): Promise<boolean> {
  const deadLetterPolicy =
    settings.deadLetterTopic === undefined
      ? undefined
      : {
          deadLetterTopic: client.topic(settings.deadLetterTopic).name,
          maxDeliveryAttempts: settings.maxDeliveryAttempts,
        };
  try {
    await client.topic(settings.topic).createSubscription(name, {
      enableMessageOrdering: settings.ordering === "key",
      ackDeadlineSeconds: settings.ackDeadlineSeconds,
      ...(deadLetterPolicy === undefined ? {} : { deadLetterPolicy }),
    });
    return true;
  } catch (err) {
    if (gcpErrorCode(err) === "AlreadyExists") return false;
    if (gcpErrorCode(err) === "NotFound") {
      throw new SwitchyardError(
        "NotFound",
        `${settings.where}: topic "${settings.topic}" does not exist in project ${settings.project} — ` +
          `create it (gcloud pubsub topics create ${settings.topic}) or add create=true to the URL`,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * Moves a new subscription to its start. Pub/Sub has no offsets: a start is a
 * seek to a publish time, which reaches messages published before the
 * subscription existed only on a topic with message retention. Seek is not in
 * every emulator, so messages published before the start are also skipped on
 * arrival (the returned `notBefore`).
 */
async function applyStart(
  client: PubSub,
  subscription: Subscription,
  settings: PubSubSettings,
  start: StartPosition,
): Promise<number | undefined> {
  // A new subscription starts at its creation: nothing to move.
  if (start === "latest") return undefined;
  if (typeof start === "object" && "offsets" in start) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${settings.where}: Pub/Sub has no offsets — start from "earliest", "latest" or { timestamp }`,
    );
  }
  const time = start === "earliest" ? await retainedSince(client, settings) : start.timestamp;
  if (time === undefined) return undefined;
  try {
    await subscription.seek(new Date(time));
  } catch (err) {
    if (gcpErrorCode(err) !== "Unimplemented") throw err;
  }
  return start === "earliest" ? undefined : time;
}

/** The oldest publish time the topic retains, or undefined when it retains nothing. */
async function retainedSince(client: PubSub, settings: PubSubSettings): Promise<number | undefined> {
  const [metadata] = await client.topic(settings.topic).getMetadata();
  const seconds = Number(metadata.messageRetentionDuration?.seconds ?? 0);
  return seconds > 0 ? Date.now() - seconds * 1000 : undefined;
}
