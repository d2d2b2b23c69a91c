import type { Adapter, SchemeHandler } from "@switchyard/core/driver";
import { CONNECTION_PARAMS } from "./connection.js";
import { RedisStateStore } from "./state/state-store.js";
import { STREAM_PARAMS } from "./streams/settings.js";
import { RedisStream } from "./streams/stream.js";

const STATE_PARAMS = ["keyPrefix", ...CONNECTION_PARAMS] as const;

function stateScheme(scheme: string): SchemeHandler<"state"> {
  return {
    kind: "state",
    scheme,
    params: STATE_PARAMS,
    create: (url, context) =>
      new RedisStateStore(url, { client: context.client, name: context.name, baseDir: context.baseDir }),
  };
}

function streamScheme(scheme: string): SchemeHandler<"stream"> {
  return {
    kind: "stream",
    scheme,
    params: [...STREAM_PARAMS, ...CONNECTION_PARAMS],
    create: (url, context) => new RedisStream(url, { client: context.client, baseDir: context.baseDir }),
  };
}

/**
 * The Redis adapter: state stores on `redis://` / `rediss://` (TLS) and streams
 * on `redis-stream://` / `rediss-stream://`. Works with Redis 6.2+, ElastiCache,
 * Azure Cache for Redis and Memorystore. Add it to `adapters` in the config.
 */
export function redis(): Adapter {
  return {
    name: "@switchyard/adapter-redis",
    schemes: [
      stateScheme("redis"),
      stateScheme("rediss"),
      streamScheme("redis-stream"),
      streamScheme("rediss-stream"),
    ],
  };
}
