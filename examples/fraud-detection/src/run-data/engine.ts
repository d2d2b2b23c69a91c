import type { RunResource } from "./resources.js";
import { schemeOf } from "./resources.js";

/**
 * What the demo needs from an engine to keep runs apart: look at what a
 * resource already holds, and remove what every run of a name pattern holds.
 * One per scheme; a profile on a scheme without one runs, unchecked.
 */
export interface RunDataEngine {
  /**
   * Warnings about data the resource already holds (records on a stream,
   * keys under a state prefix, a file's contents); for the pipeline's source
   * also whether `group` has a committed position on it. Empty when it holds nothing.
   */
  inspect(resource: RunResource, baseDir: string, group?: string): Promise<string[]>;
  /**
   * Removes the data of every resource matching `pattern`, whose URL has `*`
   * where the run name goes; resolves with one line per thing removed.
   */
  remove(pattern: RunResource, baseDir: string): Promise<string[]>;
}

/**
 * The engines by URL scheme, imported only when a profile uses the scheme, so
 * `local` loads no client library. A new profile's scheme adds one line here.
 */
const ENGINES: Readonly<Record<string, () => Promise<RunDataEngine>>> = {
  "kafka:": async () => (await import("./kafka.js")).kafkaRunData,
  "redis-stream:": async () => (await import("./redis.js")).redisStreamRunData,
  "rediss-stream:": async () => (await import("./redis.js")).redisStreamRunData,
  "redis:": async () => (await import("./redis.js")).redisStateRunData,
  "rediss:": async () => (await import("./redis.js")).redisStateRunData,
  "file:": async () => (await import("./file.js")).fileRunData,
  "kinesis:": async () => (await import("./aws.js")).kinesisRunData,
  "dynamodb:": async () => (await import("./aws.js")).dynamodbRunData,
  "timestream:": async () => (await import("./aws.js")).timestreamRunData,
  "eventhubs:": async () => (await import("./eventhubs.js")).eventHubsRunData,
  "cosmos:": async () => (await import("./cosmos.js")).cosmosRunData,
  "pubsub:": async () => (await import("./pubsub.js")).pubsubRunData,
  "bigtable:": async () => (await import("./bigtable.js")).bigtableRunData,
};

/** The engine for a resource's scheme, or undefined when the demo has none for it. */
export async function engineOf(resource: RunResource): Promise<RunDataEngine | undefined> {
  return ENGINES[schemeOf(resource.url)]?.();
}

/**
 * A name with a run pattern's `*` in it as a regular expression, anchored at
 * the start (and at the end unless `prefix`). The `*` matches run-name
 * characters only, so `fraud-demo-*:` matches the state keys `fraud-demo-x:...`
 * and never the stream `fraud-demo-x.transactions:0`.
 */
export function runNameRegExp(name: string, prefix = false): RegExp {
  const escaped = name.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join("[a-z0-9-]*")}${prefix ? "" : "$"}`);
}

/** `n` things in words: "1 record", "4,000 records". */
export function countOf(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
