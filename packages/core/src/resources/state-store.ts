import type { Codec } from "../codec/codec.js";
import type {
  StateCapabilities,
  StateEntry,
  StateIncrement,
  StateStoreDriver,
  StateWrite,
} from "../driver/index.js";
import { SwitchyardError, wrapError } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import { type RetryPolicy, retryPolicy } from "../retry.js";
import { mapBatches, roundsByKey } from "./batches.js";
import { callDriver } from "./driver-call.js";
import { json } from "../codec/json.js";
import {
  type StateCapability,
  checkKey,
  checkTtl,
  missingCapabilities,
  unsupported,
  versionConflict,
} from "./state-store-errors.js";
import type {
  IncrementEntry,
  IncrementOptions,
  PutEntry,
  PutOptions,
  PutResult,
  StateCallOptions,
  StateRequirements,
  StateStoreOptions,
  VersionedValue,
} from "./state-store-types.js";
import { lifetimeController } from "./signals.js";

const CAPABILITIES: readonly StateCapability[] = ["cas", "ttl", "increment"];

/**
 * A key-value state store: the portable type users call, over any
 * {@link StateStoreDriver}. Values go through a codec; every entry carries a
 * version for compare-and-set; batches are split at the driver's `maxBatch`;
 * transient errors are retried with backoff and every error is a
 * SwitchyardError naming the store. An operation the driver does not support
 * throws Unimplemented instead of being ignored.
 */
export class StateStore<V = unknown> {
  /** The store's name in the profile. */
  readonly name: string;
  readonly #driver: StateStoreDriver;
  readonly #codec: Codec<V>;
  readonly #policy: RetryPolicy;
  readonly #adapter: string;
  readonly #concurrency: number;
  readonly #lifetime = lifetimeController();
  readonly #classify: (err: unknown) => ErrorCode;
  readonly #driverGet: (keys: string[], signal: AbortSignal) => Promise<(StateEntry | undefined)[]>;
  #closed = false;

  constructor(driver: StateStoreDriver, options: StateStoreOptions<V>) {
    this.name = options.name;
    this.#driver = driver;
    this.#codec = options.codec ?? json<V>();
    this.#policy = retryPolicy(options.retry);
    this.#classify = driver.errorCode.bind(driver);
    this.#driverGet = driver.get.bind(driver);
    const className = (driver as { constructor?: { name?: string } }).constructor?.name;
    this.#adapter = options.adapter ?? (className && className !== "Object" ? className : "(unnamed)");
    this.#concurrency = options.concurrency ?? 4;
  }

  /** What the driver behind this store supports. */
  get capabilities(): StateCapabilities {
    return this.#driver.capabilities;
  }

  /**
   * Checks, at startup, that the driver supports what the caller needs; throws
   * FailedPrecondition naming the store, the adapter and the fix otherwise.
   */
  require(needs: StateRequirements): void {
    const missing = CAPABILITIES.filter((c) => needs[c] === true && !this.#supports(c));
    if (missing.length > 0) throw missingCapabilities(this.name, this.#adapter, missing);
  }

  /** Reads one value; `undefined` when the key is missing or expired. */
  async get(key: string, options: StateCallOptions = {}): Promise<V | undefined> {
    this.#ensureOpen();
    this.#checkKey(key);
    const [entry] = await this.#callOnce([key], "get", options.signal, this.#driverGet);
    return entry === undefined ? undefined : this.#decode(key, entry.value);
  }

  /** Reads several values, one per key in order (`undefined` for missing keys). */
  async getMany(keys: readonly string[], options: StateCallOptions = {}): Promise<(V | undefined)[]> {
    return (await this.getEntries(keys, options)).map((entry) => entry?.value);
  }

  /** Reads one value with its version, for a later compare-and-set. */
  async getEntry(key: string, options: StateCallOptions = {}): Promise<VersionedValue<V> | undefined> {
    return (await this.getEntries([key], options))[0];
  }

  /** Reads several values with their versions, one per key in order. */
  async getEntries(
    keys: readonly string[],
    options: StateCallOptions = {},
  ): Promise<(VersionedValue<V> | undefined)[]> {
    this.#ensureOpen();
    for (const key of keys) this.#checkKey(key);
    const unique = new Set(keys);
    // Ask the backend for each key once; most batches have no repeats and need no lookup table.
    const asked = unique.size === keys.length ? keys : [...unique];
    const found = await this.#batched(asked, "get", options.signal, (batch, signal) =>
      this.#driver.get(batch, signal),
    );
    const byKey =
      asked === keys
        ? undefined
        : new Map<string, StateEntry | undefined>(asked.map((key, i) => [key, found[i]]));
    const out = new Array<VersionedValue<V> | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const entry = byKey === undefined ? found[i] : byKey.get(key);
      out[i] =
        entry === undefined ? undefined : { value: this.#decode(key, entry.value), version: entry.version };
    }
    return out;
  }

  /**
   * Writes one value and returns its new version. With `ifVersion`, throws
   * FailedPrecondition when the stored version differs (a version conflict).
   */
  async put(key: string, value: V, options: PutOptions = {}): Promise<string> {
    const { signal, ...conditions } = options;
    const [result] = await this.putMany(
      [{ ...conditions, key, value }],
      signal === undefined ? {} : { signal },
    );
    if (result?.ok) return result.version;
    throw versionConflict(this.name, key, options.ifVersion);
  }

  /**
   * Writes several values; one result per entry, in order. A version conflict
   * is a result, not an exception. Entries for the same key apply in list order.
   */
  async putMany(entries: readonly PutEntry<V>[], options: StateCallOptions = {}): Promise<PutResult[]> {
    this.#ensureOpen();
    const writes = entries.map((entry) => this.#toWrite(entry));
    return this.#inRounds(writes, "put", options.signal, (batch, signal) => this.#driver.put(batch, signal));
  }

  /** Deletes one key or several; missing keys are not an error. */
  async delete(keys: string | readonly string[], options: StateCallOptions = {}): Promise<void> {
    this.#ensureOpen();
    const list = typeof keys === "string" ? [keys] : keys;
    list.forEach((key) => this.#checkKey(key));
    await this.#batched([...new Set(list)], "delete", options.signal, async (batch, signal) => {
      await this.#driver.delete(batch, signal);
      return batch.map(() => undefined);
    });
  }

  /** Atomically adds `by` to a numeric counter (missing counts as 0) and returns the new value. */
  async increment(key: string, by = 1, options: IncrementOptions = {}): Promise<number> {
    const { signal, ttlMs } = options;
    const entry: IncrementEntry = ttlMs === undefined ? { key, by } : { key, by, ttlMs };
    const [value] = await this.incrementMany([entry], signal === undefined ? {} : { signal });
    return value ?? 0;
  }

  /** Atomically adds to several counters; the new values, one per entry in order. */
  async incrementMany(entries: readonly IncrementEntry[], options: StateCallOptions = {}): Promise<number[]> {
    this.#ensureOpen();
    const increment = this.#driver.increment?.bind(this.#driver);
    if (!this.#supports("increment") || increment === undefined) throw this.#unimplemented("increment");
    const list = entries.map((entry): StateIncrement => {
      this.#checkKey(entry.key);
      if (!Number.isFinite(entry.by)) {
        throw this.#invalid(`increment of key "${entry.key}" by ${entry.by}: pass a finite number`);
      }
      this.#checkTtl(entry.key, entry.ttlMs);
      return entry.ttlMs === undefined ? { key: entry.key, by: entry.by } : { ...entry };
    });
    return this.#inRounds(list, "increment", options.signal, increment);
  }

  /** Returns the driver's provider client if it is an instance of `type`; `undefined` otherwise. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.#driver.as(type);
  }

  /** Cancels calls in flight and releases the driver. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lifetime.abort();
    await this.#driver.close();
  }

  #supports(capability: StateCapability): boolean {
    const declared = this.#driver.capabilities[capability];
    return capability === "increment" ? declared && typeof this.#driver.increment === "function" : declared;
  }

  #toWrite(entry: PutEntry<V>): StateWrite {
    this.#checkKey(entry.key);
    if (entry.value === undefined) {
      throw this.#invalid(`put of key "${entry.key}" without a value: use delete to remove a key`);
    }
    this.#checkTtl(entry.key, entry.ttlMs);
    if (entry.ifVersion !== undefined && !this.#supports("cas")) throw this.#unimplemented("cas");
    let value: Uint8Array;
    try {
      value = this.#codec.encode(entry.value);
    } catch (err) {
      throw wrapError(
        err,
        () => "InvalidArgument",
        `state store "${this.name}": encoding key "${entry.key}"`,
      );
    }
    const write: StateWrite = { key: entry.key, value };
    if (entry.ifVersion !== undefined) write.ifVersion = entry.ifVersion;
    if (entry.ttlMs !== undefined) write.ttlMs = entry.ttlMs;
    return write;
  }

  #decode(key: string, bytes: Uint8Array): V {
    try {
      return this.#codec.decode(bytes);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new SwitchyardError(
        err instanceof SwitchyardError ? err.code : "InvalidArgument",
        `state store "${this.name}": cannot decode the value of key "${key}" with codec ${this.#codec.name}: ${detail}`,
        { cause: err },
      );
    }
  }

  /** Runs items with repeated keys in rounds, so a batch never holds one key twice. */
  async #inRounds<T extends { key: string }, R>(
    items: readonly T[],
    op: string,
    signal: AbortSignal | undefined,
    call: (batch: T[], signal: AbortSignal) => Promise<R[]>,
  ): Promise<R[]> {
    if (items.length === 1) return this.#batched(items, op, signal, call);
    const results = new Array<R>(items.length);
    for (const round of roundsByKey(items, (item) => item.key)) {
      const batch = round.map((i) => items[i] as T);
      const done = await this.#batched(batch, op, signal, call);
      round.forEach((i, j) => (results[i] = done[j] as R));
    }
    return results;
  }

  /** Splits at the driver's maxBatch and calls the driver with retries; checks one result per item. */
  #batched<T, R>(
    items: readonly T[],
    op: string,
    signal: AbortSignal | undefined,
    call: (batch: T[], signal: AbortSignal) => Promise<R[]>,
  ): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    const { maxBatch } = this.#driver.capabilities;
    if (items.length <= maxBatch) return this.#callOnce(items as T[], op, signal, call);
    return mapBatches(items, maxBatch, this.#concurrency, (batch) => this.#callOnce(batch, op, signal, call));
  }

  /** One driver call with retries; checks there is one result per item. */
  async #callOnce<T, R>(
    batch: T[],
    op: string,
    signal: AbortSignal | undefined,
    call: (batch: T[], signal: AbortSignal) => Promise<R[]>,
  ): Promise<R[]> {
    const results = await callDriver(`state store "${this.name}": ${op}`, call.bind(undefined, batch), {
      policy: this.#policy,
      classify: this.#classify,
      lifetime: this.#lifetime.signal,
      signal,
    });
    if (!Array.isArray(results) || results.length !== batch.length) {
      throw new SwitchyardError(
        "Internal",
        `state store "${this.name}": ${op} returned ${Array.isArray(results) ? results.length : "no"} results ` +
          `for ${batch.length} keys; adapter ${this.#adapter} must return one result per key`,
      );
    }
    return results;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new SwitchyardError("FailedPrecondition", `state store "${this.name}" is closed`);
  }

  #checkKey(key: unknown): void {
    checkKey(this.name, key);
  }

  #checkTtl(key: string, ttlMs: number | undefined): void {
    checkTtl(this.name, key, ttlMs);
    if (ttlMs !== undefined && !this.#supports("ttl")) throw this.#unimplemented("ttl");
  }

  #invalid(detail: string): SwitchyardError {
    return new SwitchyardError("InvalidArgument", `state store "${this.name}": ${detail}`);
  }

  #unimplemented(capability: StateCapability): SwitchyardError {
    return unsupported(this.name, this.#adapter, capability);
  }
}
