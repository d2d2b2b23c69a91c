/**
 * Building @platformatic/kafka clients from stream options, and the startup
 * checks (reachability, topic existence, topic creation) every client shares.
 */
import { Admin, type BaseOptions, type Consumer } from "@platformatic/kafka";
import { SwitchyardError, tlsConnectionOptions, tlsProblem } from "@switchyard/core/driver";
import { isCoordinatorNotReady, kafkaErrorCode } from "./errors.js";
import type { KafkaStreamOptions } from "./options.js";
import { BROKER } from "./tls.js";
import { diagnoseTls } from "./tls-check.js";

/**
 * Connection options shared by the producer, consumers and admin client of one
 * stream. The `ca`, `cert` and `key` files are read here, so a bad one fails
 * the stream's open with InvalidArgument.
 */
export function baseOptions(options: KafkaStreamOptions, clientId = options.clientId): BaseOptions {
  const base: BaseOptions = {
    clientId,
    bootstrapBrokers: options.brokers,
    connectTimeout: options.connectTimeoutMs,
    timeout: options.requestTimeoutMs,
    // The client's own retries cover metadata refreshes and group rejoins; core retries the rest.
    retries: 2,
    retryDelay: 250,
  };
  if (options.tls) base.tls = tlsConnectionOptions(options, "kafka");
  if (options.sasl !== undefined) base.sasl = { ...options.sasl };
  return base;
}

/**
 * Runs `work` with a deadline: past `ms` it fails Unavailable with `what` and
 * the brokers named, instead of waiting for the client's retries to run out.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  options: KafkaStreamOptions,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SwitchyardError(
            "Unavailable",
            `kafka ${options.brokers.join(",")}: ${what} got no answer within ${ms} ms — is the broker running and reachable? (connectTimeoutMs raises the limit)`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a join waits before asking a coordinator that was not ready again. */
const JOIN_AGAIN_MS = 500;

/**
 * Joins the consumer's group. A broker that has just started answers
 * NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS until it has loaded its
 * groups, for longer than the client's own retries last; that is waited out
 * for up to `connectTimeoutMs`, as a broker that does not answer would be.
 */
export async function joinGroup(consumer: Consumer, options: KafkaStreamOptions): Promise<void> {
  const deadline = Date.now() + options.connectTimeoutMs;
  for (;;) {
    try {
      await consumer.joinGroup({});
      return;
    } catch (err) {
      if (!isCoordinatorNotReady(err) || Date.now() + JOIN_AGAIN_MS > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, JOIN_AGAIN_MS));
    }
  }
}

/** The partition count of the topic, or a NotFound error naming the fix. */
export async function partitionCount(
  client: {
    metadata(o: { topics: string[] }): Promise<{ topics: Map<string, { partitionsCount: number }> }>;
  },
  options: KafkaStreamOptions,
): Promise<number> {
  try {
    const metadata = await client.metadata({ topics: [options.topic] });
    const topic = metadata.topics.get(options.topic);
    if (topic !== undefined) return topic.partitionsCount;
  } catch (err) {
    if (kafkaErrorCode(err) !== "NotFound") throw err;
  }
  throw new SwitchyardError(
    "NotFound",
    `kafka topic "${options.topic}" does not exist — create it, or add ?create=true&partitions=N to the URL`,
  );
}

/** How long a check for a topic just created waits before asking again. */
const TOPIC_AGAIN_MS = 100;

/**
 * The partition count of a topic this stream has just created. CreateTopics is
 * answered once the controller has the topic, a moment before the brokers'
 * metadata shows it (seen on a broker that had just started), so NotFound is
 * asked again until `connectTimeoutMs` has passed.
 */
export async function createdPartitionCount(
  client: Parameters<typeof partitionCount>[0],
  options: KafkaStreamOptions,
): Promise<number> {
  const deadline = Date.now() + options.connectTimeoutMs;
  for (;;) {
    try {
      return await partitionCount(client, options);
    } catch (err) {
      if (kafkaErrorCode(err) !== "NotFound" || Date.now() + TOPIC_AGAIN_MS > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, TOPIC_AGAIN_MS));
    }
  }
}

/**
 * A startup failure as a SwitchyardError naming the brokers and the topic, with
 * the client's error kept as cause; no broker answering reads as Unavailable.
 */
export function startupError(err: unknown, options: KafkaStreamOptions): SwitchyardError {
  if (err instanceof SwitchyardError) return err;
  const code = kafkaErrorCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  const where = `kafka ${options.brokers.join(",")} topic "${options.topic}"`;
  const tls = tlsProblem(err, options, BROKER);
  if (tls !== undefined) return new SwitchyardError("Unauthenticated", `${where}: ${tls}`, { cause: err });
  let message = `${where}: ${detail}`;
  if (code === "Unavailable" || code === "DeadlineExceeded") {
    message = `${where}: no broker answered (${detail}) — is Kafka running and reachable?`;
  } else if (code === "Unauthenticated") {
    const how =
      options.sasl === undefined ? "no sasl= was given" : `sasl=${options.sasl.mechanism.toLowerCase()}`;
    message = `${where}: the brokers refused the credentials (${how}) — check the mechanism, username and password`;
  }
  return new SwitchyardError(code === "DeadlineExceeded" ? "Unavailable" : code, message, { cause: err });
}

/** Failures that say nothing about the connection, so a TLS handshake could not explain them. */
const NOT_ABOUT_TLS = new Set([
  "NotFound",
  "AlreadyExists",
  "PermissionDenied",
  "Unauthenticated",
  "Canceled",
]);

/**
 * {@link startupError}, except that a TLS stream whose brokers could not be
 * reached first makes a handshake of its own (tls-check.ts): a refused
 * certificate or a port that does not answer TLS is reported as such, naming
 * the parameter that fixes it, rather than as an outage.
 */
export async function startupFailure(err: unknown, options: KafkaStreamOptions): Promise<SwitchyardError> {
  const error = startupError(err, options);
  if (!options.tls || NOT_ABOUT_TLS.has(error.code)) return error;
  return (await diagnoseTls(options)) ?? error;
}

/** Creates the topic with the configured partitions unless it exists; true when it was created. */
export async function ensureTopic(options: KafkaStreamOptions): Promise<boolean> {
  const admin = new Admin(baseOptions(options, `${options.clientId}-admin`));
  try {
    await admin.createTopics({ topics: [options.topic], partitions: options.partitions ?? -1, replicas: -1 });
    return true;
  } catch (err) {
    if (kafkaErrorCode(err) === "AlreadyExists") return false;
    throw err;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
