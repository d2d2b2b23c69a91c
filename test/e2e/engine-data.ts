/**
 * Removing what a profile's resources hold on the real engines — Kafka topics,
 * Redis stream keys, Redis state keys under the store's prefix, and the
 * in-process memory:// logs and tables — so that a run starts from nothing and
 * leaves nothing behind on a shared server.
 */
import { Admin } from "@platformatic/kafka";
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import type { SwitchyardConfig } from "@switchyard/core";
import { Redis } from "ioredis";
import type { Environment } from "../../packages/core/src/config/interpolate.js";
import { interpolateEnv } from "../../packages/core/src/config/interpolate.js";
import { clearGcpData } from "./gcp-data.js";

/** How long a deleted Kafka topic may take to disappear from the metadata, ms. */
const TOPIC_GONE_MS = 15_000;

/** What the profile's URLs name, grouped by engine. */
interface EngineData {
  /** Kafka topics, by bootstrap broker list. */
  topics: Map<string, Set<string>>;
  /** Redis keys (stream partitions), by `host:port/db`. */
  redisKeys: Map<string, Set<string>>;
  /** Redis key prefixes (state stores), by `host:port/db`. */
  redisPrefixes: Map<string, Set<string>>;
  /** Whether any resource is in-process (memory://). */
  memory: boolean;
}

function add(map: Map<string, Set<string>>, where: string, what: string): void {
  const set = map.get(where) ?? new Set<string>();
  set.add(what);
  map.set(where, set);
}

/** The profile's resource URLs, interpolated as the resolver does (and, unlike its `describe`, not redacted). */
function profileUrls(config: SwitchyardConfig, profile: string, env: Environment): URL[] {
  const resources = config.profiles[profile];
  if (resources === undefined) throw new Error(`the config has no profile "${profile}"`);
  const urls: URL[] = [];
  for (const section of [resources.streams, resources.state, resources.timeseries]) {
    for (const [name, spec] of Object.entries(section ?? {})) {
      const text = typeof spec === "string" ? spec : "url" in spec ? spec.url : undefined;
      if (text !== undefined)
        urls.push(new URL(interpolateEnv(text, env, `"${name}" in profile "${profile}"`)));
    }
  }
  return urls;
}

/** Reads the engines' names out of the profile's streams, state stores and time series. */
function engineData(urls: readonly URL[]): EngineData {
  const data: EngineData = {
    topics: new Map(),
    redisKeys: new Map(),
    redisPrefixes: new Map(),
    memory: false,
  };
  for (const url of urls) {
    const path = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
    switch (url.protocol) {
      case "memory:":
        data.memory = true;
        break;
      case "kafka:":
        add(data.topics, url.host, path);
        break;
      case "redis-stream:": {
        const where = `${url.host}/${url.searchParams.get("db") ?? "0"}`;
        const partitions = Number(url.searchParams.get("partitions") ?? "1");
        if (partitions === 1) add(data.redisKeys, where, path);
        for (let i = 0; partitions > 1 && i < partitions; i++) add(data.redisKeys, where, `${path}:${i}`);
        break;
      }
      case "redis:":
        add(data.redisPrefixes, `${url.host}/${path || "0"}`, url.searchParams.get("keyPrefix") ?? "");
        break;
      default:
        break;
    }
  }
  return data;
}

/**
 * Deletes the data of every memory://, kafka://, redis-stream:// and redis://
 * resource of a config profile, with `${...}` read from `env`. A state store
 * without a `keyPrefix` is refused: clearing it would mean flushing a database
 * others may share.
 */
export async function clearEngineData(
  config: SwitchyardConfig,
  profile: string,
  env: Environment,
): Promise<void> {
  const urls = profileUrls(config, profile, env);
  const data = engineData(urls);
  await clearGcpData(urls);
  if (data.memory) {
    resetMemoryStreams();
    resetMemoryStateStores();
    resetMemoryTimeSeries();
  }
  for (const [brokers, topics] of data.topics) await deleteTopics(brokers, [...topics]);
  const servers = new Set([...data.redisKeys.keys(), ...data.redisPrefixes.keys()]);
  for (const where of servers) {
    await clearRedis(
      where,
      [...(data.redisKeys.get(where) ?? [])],
      [...(data.redisPrefixes.get(where) ?? [])],
    );
  }
}

/** Deletes the topics that exist and waits until the broker no longer lists them. */
export async function deleteTopics(brokers: string, topics: string[]): Promise<void> {
  const admin = new Admin({ clientId: "switchyard-e2e", bootstrapBrokers: brokers.split(",") });
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length === 0) return;
    await admin.deleteTopics({ topics: doomed });
    const deadline = Date.now() + TOPIC_GONE_MS;
    for (;;) {
      const left = new Set(await admin.listTopics());
      if (!doomed.some((t) => left.has(t))) return;
      if (Date.now() > deadline)
        throw new Error(`kafka topics ${doomed.join(", ")} still listed after deletion`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}

async function clearRedis(where: string, keys: string[], prefixes: string[]): Promise<void> {
  if (prefixes.includes("")) {
    throw new Error(
      `a redis:// state store on ${where} has no keyPrefix; refusing to clear a whole database`,
    );
  }
  const [host, db] = where.split("/") as [string, string];
  const client = new Redis(`redis://${host}/${db}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    if (keys.length > 0) await client.del(...keys);
    for (const prefix of prefixes) {
      // SCAN rather than KEYS: the server may be shared and hold many keys.
      let cursor = "0";
      do {
        const [next, found] = await client.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", 1000);
        if (found.length > 0) await client.unlink(...found);
        cursor = next;
      } while (cursor !== "0");
    }
  } finally {
    client.disconnect();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
