import { redactUrl } from "@switchyard/core";
import { UrlParams, pathSegments } from "../url-params.js";

/** Everything a Pub/Sub stream needs, from its URL `pubsub://project/topic?…`. */
export interface PubSubSettings {
  /** The Google Cloud project. */
  project: string;
  /** The topic's short name. */
  topic: string;
  /** The subscription consumers use; default: the consumer group's name. */
  subscription: string | undefined;
  /** Create the topic and subscription when missing. Default false. */
  create: boolean;
  /** `key`: record keys become ordering keys and subscriptions must deliver in order; `none`: no order. Default `key`. */
  ordering: "key" | "none";
  /** How many lanes (core partitions) received records are spread over by ordering key. Default 8. */
  lanes: number;
  /** Flow control: most messages received and not yet acked or nacked. Default 1000. */
  maxOutstanding: number;
  /** Flow control: most bytes received and not yet acked or nacked. Default 64 MiB. */
  maxOutstandingBytes: number;
  /**
   * Ack deadline in seconds: of subscriptions the adapter creates, and of each lease extension
   * the client asks for, so what a crashed consumer held comes back this long after. Default 10.
   */
  ackDeadlineSeconds: number;
  /** How long the client keeps extending the ack deadline of a received record, in seconds. Default 3600. */
  maxExtensionSeconds: number;
  /** Message retention of topics the adapter creates, in seconds (0: none). Default 0. */
  retentionSeconds: number;
  /** Dead-letter topic of subscriptions the adapter creates (short name), if any. */
  deadLetterTopic: string | undefined;
  /** Delivery attempts before Pub/Sub moves a message to `deadLetterTopic`. Default 5. */
  maxDeliveryAttempts: number;
  /** Publisher batching: most messages per publish request. Default 100. */
  batchMaxMessages: number;
  /** Publisher batching: longest a message waits for others, in ms. Default 10. */
  batchMaxMs: number;
  /**
   * Largest record (data + key + headers) accepted, in bytes. Default 9,990,000: Pub/Sub's
   * 10 MB message limit less room for the event-time attribute and the request around it.
   */
  maxRecordBytes: number;
  /** `pubsub://project/topic` with any credentials masked, for messages. */
  where: string;
}

/** The query parameters a `pubsub://` URL accepts. */
export const PUBSUB_PARAMS = [
  "subscription",
  "create",
  "ordering",
  "lanes",
  "maxOutstanding",
  "maxOutstandingBytes",
  "ackDeadlineSeconds",
  "maxExtensionSeconds",
  "retentionSeconds",
  "deadLetterTopic",
  "maxDeliveryAttempts",
  "batchMaxMessages",
  "batchMaxMs",
  "maxRecordBytes",
] as const;

/** The largest record the adapter sends: Pub/Sub's 10 MB per message, less room for its own attribute. */
const MAX_RECORD_BYTES = 9_990_000;

/** Pub/Sub's resource names: 3–255 characters, starting with a letter, not `goog…`. */
const NAME = /^(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/;
/** Project ids: lowercase letters, digits and hyphens (6–30 in the cloud; emulators take shorter ones). */
const PROJECT = /^[a-z][a-z0-9-]{0,62}$/;

/** Parses `pubsub://project/topic?…`, refusing bad parts with a message naming the fix. */
export function pubSubSettings(url: URL): PubSubSettings {
  const where = redactUrl(url.href);
  const params = new UrlParams(url, where);
  const project = decodeURIComponent(url.hostname);
  const [topic, ...rest] = pathSegments(url);
  if (!PROJECT.test(project)) {
    throw params.bad(`"${project}" is not a Google Cloud project id — write pubsub://<project>/<topic>`);
  }
  if (topic === undefined || rest.length > 0 || !NAME.test(topic)) {
    throw params.bad(
      `name one topic after the project, e.g. pubsub://${project}/transactions ` +
        "(3-255 letters, digits and - _ . ~ + %, starting with a letter)",
    );
  }
  const subscription = params.text("subscription");
  if (subscription !== undefined && !NAME.test(subscription)) {
    throw params.bad(`"subscription" must be a Pub/Sub name (3-255 characters, starting with a letter)`);
  }
  const deadLetterTopic = params.text("deadLetterTopic");
  if (deadLetterTopic !== undefined && !NAME.test(deadLetterTopic)) {
    throw params.bad(`"deadLetterTopic" must be a topic's short name in project ${project}`);
  }
  return {
    project,
    topic,
    subscription,
    create: params.bool("create", false),
    ordering: params.choice("ordering", ["key", "none"] as const, "key"),
    lanes: params.int("lanes", 8, 1, 1024),
    maxOutstanding: params.int("maxOutstanding", 1000, 1),
    maxOutstandingBytes: params.int("maxOutstandingBytes", 64 * 1024 * 1024, 1024),
    ackDeadlineSeconds: params.int("ackDeadlineSeconds", 10, 10, 600),
    maxExtensionSeconds: params.int("maxExtensionSeconds", 3600, 10),
    retentionSeconds: params.int("retentionSeconds", 0, 0, 31 * 24 * 3600),
    deadLetterTopic,
    maxDeliveryAttempts: params.int("maxDeliveryAttempts", 5, 5, 100),
    batchMaxMessages: params.int("batchMaxMessages", 100, 1, 1000),
    batchMaxMs: params.int("batchMaxMs", 10, 0),
    maxRecordBytes: params.int("maxRecordBytes", MAX_RECORD_BYTES, 1, MAX_RECORD_BYTES),
    where,
  };
}
