import { SwitchyardError } from "@switchyard/core/driver";
import { Command, Redis } from "ioredis";
import type { RedisOptions } from "ioredis";

/** Query parameters every Redis URL accepts. */
export const CONNECTION_PARAMS = ["tls", "db", "connectTimeoutMs"] as const;

/**
 * ioredis options for a `redis://[user:pass@]host:port[/db]` URL (or `rediss:`,
 * `…-stream:` forms). `rediss` or `tls=true` turn TLS on; `db` may come from the
 * path (state URLs) or the `db` parameter. Our own clients pipeline automatically
 * and let core own retries (one reconnect attempt per command at most).
 */
export function connectionOptions(url: URL, db: number): RedisOptions {
  const secure = url.protocol.startsWith("rediss") || booleanParam(url, "tls", false);
  const host = url.hostname === "" ? "127.0.0.1" : url.hostname.replace(/^\[(.*)\]$/, "$1");
  const options: RedisOptions = {
    host,
    port: url.port === "" ? 6379 : Number(url.port),
    db,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: integerParam(url, "connectTimeoutMs", 10_000, 1),
    lazyConnect: true,
  };
  if (url.username !== "") options.username = decodeURIComponent(url.username);
  if (url.password !== "") options.password = decodeURIComponent(url.password);
  if (secure) options.tls = { servername: host };
  return options;
}

/** A client and whether the driver owns it (and so closes it). */
export interface ClientHandle {
  /** The ioredis client commands go through. */
  client: Redis;
  /** False for a client the user injected: the driver never closes it. */
  owned: boolean;
}

/**
 * The user's injected ioredis client when there is one (it must look like an
 * ioredis `Redis`; Cluster clients are refused), else a new client for `options`.
 */
export function clientFor(options: RedisOptions, injected: unknown, resource: string): ClientHandle {
  if (injected === undefined) {
    const client = new Redis(options);
    // Errors reach callers through rejected commands; without a listener ioredis would also log them.
    client.on("error", () => undefined);
    return { client, owned: true };
  }
  if (!isRedisClient(injected)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${resource}: the injected client is not an ioredis Redis client — pass \`new Redis(...)\` from ioredis 5 (Cluster is not supported)`,
    );
  }
  return { client: injected, owned: false };
}

/** Closes a client the driver owns: QUIT, or a hard disconnect when the server is gone. */
export async function closeClient(handle: ClientHandle): Promise<void> {
  if (!handle.owned) return;
  if (handle.client.status === "end" || handle.client.status === "wait") {
    handle.client.disconnect();
    return;
  }
  await handle.client.quit().catch(() => handle.client.disconnect());
}

function isRedisClient(value: unknown): value is Redis {
  if (value instanceof Redis) return true;
  const candidate = value as Partial<Record<string, unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.callBuffer === "function" &&
    typeof candidate.duplicate === "function" &&
    typeof candidate.isCluster === "boolean" &&
    candidate.isCluster === false
  );
}

/** Reads a `true`/`false` query parameter; InvalidArgument naming the fix otherwise. */
export function booleanParam(url: URL, name: string, fallback: boolean): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw invalidParam(url, name, raw, "true or false");
}

/** Reads an integer query parameter of at least `min`; InvalidArgument naming the fix otherwise. */
export function integerParam(url: URL, name: string, fallback: number, min: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw invalidParam(url, name, raw, `an integer ≥ ${min}`);
  return value;
}

function invalidParam(url: URL, name: string, raw: string, expected: string): SwitchyardError {
  return new SwitchyardError(
    "InvalidArgument",
    `${url.protocol}//${url.host}${url.pathname}: ${name}=${raw} is not valid; use ${expected}`,
  );
}

/**
 * Sends a command whose reply should come back as Buffers, for commands without
 * a typed `…Buffer` method. Not `callBuffer`: with auto-pipelining on, ioredis
 * 5 loses the command name of `call`/`callBuffer`.
 */
export function sendBuffer(client: Redis, name: string, args: (string | Buffer)[]): Promise<unknown> {
  const command = new Command(name, args, { replyEncoding: null });
  void client.sendCommand(command);
  return command.promise;
}
