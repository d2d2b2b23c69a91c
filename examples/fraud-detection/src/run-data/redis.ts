import { Redis } from "ioredis";
import type { RunDataEngine } from "./engine.js";
import { countOf, runNameRegExp } from "./engine.js";
import type { RunResource } from "./resources.js";

/**
 * A client on the server of a `redis://`, `rediss://`, `redis-stream://` or
 * `rediss-stream://` URL: credentials and TLS from the URL, the database from
 * its path (state) or `db` parameter (streams). Built from parts, since
 * ioredis would take the URL's query (`keyPrefix` ...) as its own options.
 */
function clientOf(url: URL): Redis {
  const tls = url.protocol.startsWith("rediss") || url.searchParams.get("tls") === "true";
  const path = url.protocol.endsWith("-stream:") ? "" : url.pathname.replace(/^\/+/, "");
  return new Redis({
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) }),
    db: Number(url.searchParams.get("db") ?? (path || "0")),
    ...(tls ? { tls: {} } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
}

async function withClient<T>(
  resource: RunResource,
  work: (client: Redis, url: URL) => Promise<T>,
): Promise<T> {
  const url = new URL(resource.url);
  const client = clientOf(url);
  try {
    return await work(client, url);
  } finally {
    client.disconnect();
  }
}

/** Keys matching a glob, by SCAN (the server may be shared and hold many keys), optionally of one type. */
async function scan(client: Redis, match: string, type?: string, limit = Infinity): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] =
      type === undefined
        ? await client.scan(cursor, "MATCH", match, "COUNT", 1000)
        : await client.scan(cursor, "MATCH", match, "COUNT", 1000, "TYPE", type);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0" && found.length < limit);
  return found;
}

/** Glob-escapes text for SCAN, leaving the run pattern's `*` a wildcard (matches are checked again by regex). */
function globOf(text: string): string {
  return text.replace(/[?[\]\\]/g, "\\$&");
}

/** The stream's Redis keys: the name for one partition, `<name>:<i>` for several (the adapter's layout). */
function streamKeys(url: URL): string[] {
  const name = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  const partitions = Number(url.searchParams.get("partitions") ?? "1");
  return partitions === 1 ? [name] : Array.from({ length: partitions }, (_, i) => `${name}:${i}`);
}

/** Redis Streams: entries held and whether the group has read any; removal deletes the matching stream keys. */
export const redisStreamRunData: RunDataEngine = {
  inspect: (resource, _baseDir, group) =>
    withClient(resource, async (client, url) => {
      let records = 0;
      let read = false;
      for (const key of streamKeys(url)) {
        if ((await client.type(key)) !== "stream") continue;
        records += await client.xlen(key);
        const groups = (await client.xinfo("GROUPS", key)) as unknown[][];
        for (const fields of groups) {
          const info = new Map<unknown, unknown>();
          for (let i = 0; i + 1 < fields.length; i += 2) info.set(fields[i], fields[i + 1]);
          if (info.get("name") === group && info.get("last-delivered-id") !== "0-0") read = true;
        }
      }
      const warnings: string[] = [];
      if (records > 0) warnings.push(`${resource.name} already holds ${countOf(records, "record")}`);
      if (read)
        warnings.push(`group "${group}" has a committed position on ${resource.name}: it resumes there`);
      return warnings;
    }),

  remove: (pattern) =>
    withClient(pattern, async (client, url) => {
      const keys = streamKeys(url);
      const doomed = new Set<string>();
      for (const key of keys) {
        const name = runNameRegExp(key);
        for (const found of await scan(client, globOf(key), "stream"))
          if (name.test(found)) doomed.add(found);
      }
      if (doomed.size > 0) await client.unlink(...doomed);
      return [...doomed].sort().map((key) => `redis stream ${key}`);
    }),
};

/** Redis state: keys under the store's prefix; removal deletes every key under the matching prefixes. */
export const redisStateRunData: RunDataEngine = {
  inspect: (resource) =>
    withClient(resource, async (client, url) => {
      const prefix = url.searchParams.get("keyPrefix") ?? "";
      // Without a prefix the store is the whole database, which is not the demo's to judge.
      if (prefix === "" || (await scan(client, `${globOf(prefix)}*`, undefined, 1)).length === 0) return [];
      return [
        `${resource.name} already holds keys under "${prefix}": cards start with an earlier run's history`,
      ];
    }),

  remove: (pattern) =>
    withClient(pattern, async (client, url) => {
      const prefix = url.searchParams.get("keyPrefix") ?? "";
      if (prefix === "") return [];
      const under = runNameRegExp(prefix, true);
      const keys = (await scan(client, `${globOf(prefix)}*`)).filter((key) => under.test(key));
      for (let i = 0; i < keys.length; i += 1000) await client.unlink(...keys.slice(i, i + 1000));
      return keys.length === 0 ? [] : [`${countOf(keys.length, "redis key")} under ${prefix}`];
    }),
};
