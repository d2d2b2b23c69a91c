import type { Codec } from "../codec/codec.js";
import type { RetryPolicy } from "../retry.js";

/** Options for a {@link StateStore}. */
export interface StateStoreOptions<V> {
  /** The store's name in the profile; every error names it. */
  name: string;
  /** Turns values into bytes and back. Default: UTF-8 JSON. */
  codec?: Codec<V>;
  /** How transient driver errors are retried. Default {@link DEFAULT_RETRY}. */
  retry?: Partial<RetryPolicy>;
  /** The adapter behind the driver (package or URL scheme), named in capability errors. Default: the driver's class name. */
  adapter?: string;
  /** Driver calls one batch operation runs at once once it is split at the driver's `maxBatch`. Default 4. */
  concurrency?: number;
}

/** What every state store call accepts. */
export interface StateCallOptions {
  /** Cancels the call (it then rejects with Canceled). */
  signal?: AbortSignal;
}

/** A value with the version it was stored under, for compare-and-set. */
export interface VersionedValue<V> {
  /** The decoded value. */
  value: V;
  /** The opaque version; pass it as `ifVersion` to write only if nobody wrote since. */
  version: string;
}

/** Conditions and expiry of one write. */
export interface PutConditions {
  /** Time to live in ms; omitted means the entry does not expire. Needs the `ttl` capability. */
  ttlMs?: number;
  /**
   * Compare-and-set: write only if the stored version is this one; `null` means
   * only if the key is absent. Omitted means unconditional. Needs the `cas` capability.
   */
  ifVersion?: string | null;
}

/** Options for {@link StateStore.put}. */
export interface PutOptions extends PutConditions, StateCallOptions {}

/** One write of {@link StateStore.putMany}. */
export interface PutEntry<V> extends PutConditions {
  /** The entry's key. */
  key: string;
  /** The value to store. */
  value: V;
}

/** The outcome of one write of {@link StateStore.putMany}: the new version, or a version conflict. */
export type PutResult = { ok: true; version: string } | { ok: false; code: "FailedPrecondition" };

/** Options for {@link StateStore.increment}. */
export interface IncrementOptions extends StateCallOptions {
  /** Sets (or refreshes) the counter's time to live in ms. Needs the `ttl` capability. */
  ttlMs?: number;
}

/** One increment of {@link StateStore.incrementMany}. */
export interface IncrementEntry {
  /** The counter's key. */
  key: string;
  /** The amount to add (may be negative). */
  by: number;
  /** Sets (or refreshes) the counter's time to live in ms. */
  ttlMs?: number;
}

/** Capabilities a pipeline needs from a state store, checked at startup by {@link StateStore.require}. */
export interface StateRequirements {
  /** Versioned compare-and-set. */
  cas?: boolean;
  /** Per-entry time to live. */
  ttl?: boolean;
  /** Atomic increment. */
  increment?: boolean;
}
