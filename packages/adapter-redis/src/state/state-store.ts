import { SwitchyardError } from "@switchyard/core/driver";
import type {
  ErrorCode,
  StateCapabilities,
  StateEntry,
  StateIncrement,
  StateStoreDriver,
  StateWrite,
  StateWriteResult,
} from "@switchyard/core/driver";
import type { Redis } from "ioredis";
import { clientFor, closeClient, connectionOptions, checkTls } from "../connection.js";
import type { ClientHandle } from "../connection.js";
import { redisErrorCode } from "../errors.js";
import { VersionSource, packEntry, unpackEntry } from "./entry-format.js";
import { compareAndSet, increment } from "./scripts.js";

/** Options of {@link RedisStateStore}. */
export interface RedisStateStoreOptions {
  /** Prepended to every key, to share one database between stores. Default `""`. */
  keyPrefix?: string;
  /** An ioredis client to use instead of one built from the URL; never closed by the store. */
  client?: unknown;
  /** The store's name, for error messages. Default: the URL's host. */
  name?: string;
  /** Folder relative `ca=`, `cert=` and `key=` paths resolve against. Default: the working directory. */
  baseDir?: string;
}

/** Most keys per driver call; MGET and pipelines of this size stay well under a millisecond of server time. */
const MAX_BATCH = 1000;

/**
 * A state store on Redis: each entry is one string holding its version and value
 * (see entry-format.ts), so get is MGET, an unconditional put one SET (with PX
 * for a TTL), put-if-absent SET NX, compare-and-set one Lua script per entry and
 * an increment batch one Lua script, all or nothing. Writes of one batch are
 * pipelined on one connection. Works on Redis 6.2+,
 * ElastiCache, Azure Cache for Redis and Memorystore; not on Redis Cluster.
 */
export class RedisStateStore implements StateStoreDriver {
  /** CAS, TTL and increment, up to 1000 keys per call. */
  readonly capabilities: StateCapabilities = { cas: true, ttl: true, increment: true, maxBatch: MAX_BATCH };
  readonly #handle: ClientHandle;
  readonly #prefix: string;
  readonly #versions = new VersionSource();
  readonly #url: URL;
  readonly #baseDir: string | undefined;
  #closed: Promise<void> | undefined;

  /** Opens a store on `url` (`redis://[user:pass@]host:port[/db]`, `rediss://` for TLS). */
  constructor(url: URL, options: RedisStateStoreOptions = {}) {
    const db = databaseOf(url);
    this.#url = url;
    this.#baseDir = options.baseDir;
    this.#prefix = options.keyPrefix ?? url.searchParams.get("keyPrefix") ?? "";
    this.#handle = clientFor(
      connectionOptions(url, db, options.baseDir),
      options.client,
      `state store ${options.name ?? url.host}`,
    );
  }

  /** The ioredis client this store uses. */
  get client(): Redis {
    return this.#handle.client;
  }

  async get(keys: string[], signal: AbortSignal): Promise<(StateEntry | undefined)[]> {
    signal.throwIfAborted();
    this.#assertOpen();
    if (keys.length === 0) return [];
    const stored = await this.client.mgetBuffer(...keys.map((key) => this.#prefix + key));
    return stored.map((buffer, i) => {
      if (buffer === null) return undefined;
      const { version, value } = unpackEntry(buffer);
      return { key: keys[i]!, value, version };
    });
  }

  async put(writes: StateWrite[], signal: AbortSignal): Promise<StateWriteResult[]> {
    signal.throwIfAborted();
    this.#assertOpen();
    if (writes.length === 1) return [await this.#putOne(writes[0]!, ttlArg(writes[0]!.ttlMs))];
    // TTLs are checked for the whole batch before anything is sent.
    const ttls = writes.map((write) => ttlArg(write.ttlMs));
    return Promise.all(writes.map((write, i) => this.#putOne(write, ttls[i]!)));
  }

  async delete(keys: string[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#assertOpen();
    if (keys.length === 0) return;
    await this.client.del(...keys.map((key) => this.#prefix + key));
  }

  async increment(increments: StateIncrement[], signal: AbortSignal): Promise<number[]> {
    signal.throwIfAborted();
    this.#assertOpen();
    if (increments.length === 0) return [];
    const keys: string[] = [];
    const args: string[] = [];
    for (const { key, by, ttlMs } of increments) {
      if (!Number.isFinite(by)) {
        throw new SwitchyardError("InvalidArgument", `increment of "${key}" by ${by}: pass a finite number`);
      }
      keys.push(this.#prefix + key);
      args.push(String(by), this.#versions.next(), ttlArg(ttlMs));
    }
    // One script for the batch: every counter is checked before any is written.
    const counts = (await increment.run(this.client, keys, args)) as string[];
    return counts.map(Number);
  }

  errorCode(err: unknown): ErrorCode {
    return redisErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.client instanceof type ? this.client : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#assertOpen();
    await checkTls(this.#handle, this.#url, this.#baseDir);
    await this.client.ping();
  }

  /** A call after close is the caller's mistake: FailedPrecondition, never retried (not ioredis's "Connection is closed"). */
  #assertOpen(): void {
    if (this.#closed !== undefined)
      throw new SwitchyardError("FailedPrecondition", "the state store is closed");
  }

  close(): Promise<void> {
    this.#closed ??= closeClient(this.#handle);
    return this.#closed;
  }

  #putOne(write: StateWrite, ttl: string): Promise<StateWriteResult> {
    const key = this.#prefix + write.key;
    const version = this.#versions.next();
    const packed = packEntry(version, write.value);
    const { client } = this;
    let sent: Promise<unknown>;
    if (write.ifVersion === undefined) {
      sent = ttl === "" ? client.set(key, packed) : client.set(key, packed, "PX", ttl);
    } else if (write.ifVersion === null) {
      sent = ttl === "" ? client.set(key, packed, "NX") : client.set(key, packed, "PX", ttl, "NX");
    } else {
      sent = compareAndSet.run(client, [key], [write.ifVersion, packed, ttl]);
    }
    return sent.then((reply) => (reply === "OK" || reply === 1 ? { ok: true, version } : CONFLICT));
  }
}

/** The result of a write whose condition did not hold. */
const CONFLICT: StateWriteResult = Object.freeze({ ok: false, code: "FailedPrecondition" });

/** The database number from a state URL's path (`/2`); 0 when absent. */
function databaseOf(url: URL): number {
  const path = url.pathname.replace(/^\/+|\/+$/g, "");
  const fromParam = url.searchParams.get("db");
  const raw = path !== "" ? path : (fromParam ?? "0");
  const db = Number(raw);
  if (raw === "" || !Number.isSafeInteger(db) || db < 0) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${url.protocol}//${url.host}${url.pathname}: "${raw}" is not a database number; use redis://host:port/<0-15>`,
    );
  }
  return db;
}

/** A TTL as the scripts and SET take it: whole milliseconds (at least 1), or `""` for none. */
function ttlArg(ttlMs: number | undefined): string {
  if (ttlMs === undefined) return "";
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new SwitchyardError("InvalidArgument", `ttlMs ${ttlMs}: pass a positive number of milliseconds`);
  }
  return String(Math.ceil(ttlMs));
}
