import { isIP } from "node:net";
import {
  SwitchyardError,
  TLS_FILE_PARAMS,
  probeTlsHandshake,
  tlsConnectionOptions,
  tlsProblem,
} from "@switchyard/core/driver";
import { Command, Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { SERVER, tlsFiles } from "./tls.js";

/** Query parameters every Redis URL accepts. */
export const CONNECTION_PARAMS = ["tls", ...TLS_FILE_PARAMS, "db", "connectTimeoutMs"] as const;

/**
 * ioredis options for a `redis://[user:pass@]host:port[/db]` URL (or `rediss:`,
 * `…-stream:` forms). `rediss`, `tls=true` or any of `ca=`, `cert=`, `key=`
 * (PEM files, relative to `baseDir`, read now) turn TLS on; `db` may come from
 * the path (state URLs) or the `db` parameter. Our own clients pipeline
 * automatically and let core own retries (one reconnect attempt per command at most).
 */
export function connectionOptions(url: URL, db: number, baseDir = process.cwd()): RedisOptions {
  const files = tlsFiles(url, baseDir);
  const withFiles = Object.values(files).some((f) => f !== undefined);
  if (url.searchParams.get("tls") !== null && !booleanParam(url, "tls", true) && withFiles) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${url.protocol}//${url.host}${url.pathname}: tls=false contradicts ca=, cert= and key= — drop tls=false, or the certificate files`,
    );
  }
  const secure = url.protocol.startsWith("rediss") || booleanParam(url, "tls", false) || withFiles;
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
  // SNI takes host names only; Node warns about an IP address given as one.
  if (secure)
    options.tls = {
      ...tlsConnectionOptions(files, "redis"),
      ...(isIP(host) === 0 ? { servername: host } : {}),
    };
  return options;
}

/** A client and whether the driver owns it (and so closes it). */
export interface ClientHandle {
  /** The ioredis client commands go through. */
  client: Redis;
  /** False for a client the user injected: the driver never closes it. */
  owned: boolean;
  /** The options an owned client was built with, for the startup check's TLS handshake. */
  options?: RedisOptions;
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
    return { client, owned: true, options };
  }
  if (!isRedisClient(injected)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${resource}: the injected client is not an ioredis Redis client — pass \`new Redis(...)\` from ioredis 5 (Cluster is not supported)`,
    );
  }
  return { client: injected, owned: false };
}

/**
 * The startup check's TLS part, for a client the driver built with TLS on: a
 * handshake of its own (probeTlsHandshake in @switchyard/core/driver). A certificate problem rejects
 * Unauthenticated, a port that does not answer TLS Unavailable, each saying
 * which URL parameter fixes it; anything else is left to the check's command.
 */
export async function checkTls(handle: ClientHandle, url: URL, baseDir?: string): Promise<void> {
  const options = handle.options;
  if (options?.tls === undefined) return;
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 6379;
  // Any reply to PING, even -NOAUTH, means the server took the certificate.
  const outcome = await probeTlsHandshake(
    host,
    port,
    options.tls,
    "PING\r\n",
    Math.min(options.connectTimeout ?? 5000, 5000),
  );
  const where = `${url.protocol}//${url.host}`;
  const files = tlsFiles(url, baseDir ?? process.cwd());
  switch (outcome.kind) {
    case "ok":
    case "unreachable":
      return;
    case "refused":
      throw new SwitchyardError(
        "Unauthenticated",
        `${where}: ${tlsProblem(outcome.error, files, SERVER) ?? String(outcome.error)}`,
        {
          cause: outcome.error,
        },
      );
    case "closed-after-handshake":
      throw new SwitchyardError(
        "Unauthenticated",
        files.cert === undefined
          ? `${where}: the server closed the connection right after the TLS handshake — it may want a client certificate: set cert=<client certificate, PEM> and key=<its private key, PEM> in the URL`
          : `${where}: the server closed the connection right after the TLS handshake: it refused the client certificate (cert=${files.cert}) — use one issued by a CA the server trusts (tls-ca-cert-file on redis-server) and not expired`,
      );
    case "no-handshake":
      throw new SwitchyardError(
        "Unavailable",
        `${where}: no TLS handshake (within ${outcome.ms} ms) — is port ${port} the server's TLS port (tls-port)? For a plaintext port use redis:// without tls=, ca=, cert= and key=`,
      );
  }
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
