import type { ErrorCode } from "../errors.js";
import type { StateCapabilities } from "./capabilities.js";

/** A stored state entry as a driver returns it. */
export interface StateEntry {
  /** The entry's key. */
  key: string;
  /** The stored bytes. */
  value: Uint8Array;
  /** An opaque version that changes on every write; used for compare-and-set. */
  version: string;
}

/** One write a driver performs. */
export interface StateWrite {
  /** The entry's key. */
  key: string;
  /** The bytes to store. */
  value: Uint8Array;
  /**
   * Compare-and-set: write only if the current version equals this; `null`
   * means "only if absent". Omitted means unconditional.
   */
  ifVersion?: string | null;
  /** Time to live in milliseconds; omitted means no expiry. */
  ttlMs?: number;
}

/** The outcome of one write, in the order of the writes passed. */
export type StateWriteResult = { ok: true; version: string } | { ok: false; code: "FailedPrecondition" };

/** One increment a driver performs. */
export interface StateIncrement {
  /** The counter's key. */
  key: string;
  /** The amount to add (may be negative). */
  by: number;
  /** Sets (or refreshes) the counter's time to live in milliseconds. */
  ttlMs?: number;
}

/**
 * The contract a state-store adapter implements. Batches in, batches out; no
 * retries; errors classified by `errorCode`. A failed compare-and-set is a
 * result, not an exception.
 */
export interface StateStoreDriver {
  /** What this store supports. */
  readonly capabilities: StateCapabilities;
  /** Reads keys; one result per key, `undefined` for a missing or expired entry. */
  get(keys: string[], signal: AbortSignal): Promise<(StateEntry | undefined)[]>;
  /** Writes entries; one result per write. Writes to different keys may be applied in any order. */
  put(writes: StateWrite[], signal: AbortSignal): Promise<StateWriteResult[]>;
  /** Deletes keys; missing keys are not an error. */
  delete(keys: string[], signal: AbortSignal): Promise<void>;
  /** Atomically adds to numeric counters and returns the new values (only when `capabilities.increment`). */
  increment?(increments: StateIncrement[], signal: AbortSignal): Promise<number[]>;
  /** Classifies a provider error into a portable code. Must not throw. */
  errorCode(err: unknown): ErrorCode;
  /** Returns the provider client if it is an instance of `type`. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined;
  /** Checks the store is reachable, within the signal's deadline. */
  probe?(signal: AbortSignal): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
