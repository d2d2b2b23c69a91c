import { SwitchyardError, codeOf } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import type { StateCapabilities } from "../driver/capabilities.js";
import type {
  StateEntry,
  StateIncrement,
  StateStoreDriver,
  StateWrite,
  StateWriteResult,
} from "../driver/state.js";
import { decimalBytes, parseDecimal } from "./decimal-text.js";

/**
 * Expired entries are swept a slice at a time on writes (reads drop them
 * anyway): each write call examines a few entries more than it wrote, so a
 * large table is never walked in one blocking pass.
 */
const SWEEP_EXTRA_PER_CALL = 64;

interface StoredEntry {
  /** The stored bytes; for a counter, built from `counter` when first read. */
  value: Uint8Array | undefined;
  /** The number a counter holds (or the value's bytes spell, once parsed). */
  counter: number | undefined;
  /** The version, kept as a number until someone reads it. */
  version: number;
  /** Clock time at which the entry expires; `Infinity` for never. */
  expiresAt: number;
}

/** The entries of one named store, shared by every driver opened on that name. */
interface StateTable {
  entries: Map<string, StoredEntry>;
  lastVersion: number;
  /** Where the incremental sweep stands; restarted once it reaches the end. */
  cursor: Iterator<[string, StoredEntry]> | undefined;
}

/** Options of the `memory://` state store. */
export interface MemoryStateOptions {
  /** The clock TTLs are measured against, in ms. Default `Date.now`; tests inject their own. */
  now?: () => number;
}

/** What every `memory://` state store supports. */
export const MEMORY_STATE_CAPABILITIES: StateCapabilities = {
  cas: true,
  ttl: true,
  increment: true,
  maxBatch: 10_000,
};

/**
 * The state-store driver for `memory://name`: a map inside this process, shared
 * by every driver opened on the same name. Versions are a per-store counter;
 * expired entries vanish on read and are swept now and then on writes. `put`
 * copies values; values `get` returns are shared and must be treated as read-only.
 */
export class MemoryStateStore implements StateStoreDriver {
  readonly capabilities = MEMORY_STATE_CAPABILITIES;
  private readonly name: string;
  private readonly table: StateTable;
  private readonly now: () => number;
  private closed = false;

  constructor(name: string, table: StateTable, now: () => number) {
    this.name = name;
    this.table = table;
    this.now = now;
  }

  async get(keys: string[], signal: AbortSignal): Promise<(StateEntry | undefined)[]> {
    this.check(keys.length, signal);
    const now = this.now();
    return keys.map((key) => {
      const entry = this.live(key, now);
      if (entry === undefined) return undefined;
      entry.value ??= decimalBytes(entry.counter!);
      return { key, value: entry.value, version: String(entry.version) };
    });
  }

  async put(writes: StateWrite[], signal: AbortSignal): Promise<StateWriteResult[]> {
    this.check(writes.length, signal);
    for (const write of writes) checkTtl(write.ttlMs, write.key);
    const now = this.now();
    const results = writes.map((write): StateWriteResult => {
      const current = this.live(write.key, now);
      if (write.ifVersion !== undefined) {
        const currentVersion = current === undefined ? null : String(current.version);
        if (currentVersion !== write.ifVersion) return { ok: false, code: "FailedPrecondition" };
      }
      const version = ++this.table.lastVersion;
      const expiresAt = write.ttlMs === undefined ? Number.POSITIVE_INFINITY : now + write.ttlMs;
      this.table.entries.set(write.key, {
        // Not `value.slice()`: on a Buffer that returns a view of the caller's memory.
        value: new Uint8Array(write.value),
        counter: undefined,
        version,
        expiresAt,
      });
      return { ok: true, version: String(version) };
    });
    this.sweep(now, writes.length);
    return results;
  }

  async delete(keys: string[], signal: AbortSignal): Promise<void> {
    this.check(keys.length, signal);
    for (const key of keys) this.table.entries.delete(key);
  }

  /**
   * Adds to counters stored as decimal ASCII text (so `get` returns readable
   * bytes). A missing counter starts at 0; `ttlMs` sets or refreshes its expiry,
   * otherwise the expiry it had is kept. The batch applies all or nothing.
   */
  async increment(increments: StateIncrement[], signal: AbortSignal): Promise<number[]> {
    this.check(increments.length, signal);
    const now = this.now();
    // Check everything first, so a bad increment leaves the whole batch unapplied.
    const found = new Array<StoredEntry | undefined>(increments.length);
    for (let i = 0; i < increments.length; i++) {
      const { key, by, ttlMs } = increments[i]!;
      if (!Number.isFinite(by)) {
        throw new SwitchyardError("InvalidArgument", `increment of "${key}" by ${by}: pass a finite number`);
      }
      checkTtl(ttlMs, key);
      const entry = (found[i] = this.live(key, now));
      if (entry !== undefined && entry.counter === undefined)
        entry.counter = this.parseCounter(key, entry.value!);
    }
    const results = new Array<number>(increments.length);
    for (let i = 0; i < increments.length; i++) {
      const { key, by, ttlMs } = increments[i]!;
      // A key absent at first may have been created by an earlier increment of this batch.
      let entry = found[i] ?? this.table.entries.get(key);
      if (entry === undefined) {
        entry = { value: undefined, counter: 0, version: 0, expiresAt: Number.POSITIVE_INFINITY };
        this.table.entries.set(key, entry);
      }
      // Entries are never handed out, so updating one in place is a new write with a new version.
      entry.counter! += by;
      entry.value = undefined;
      entry.version = ++this.table.lastVersion;
      if (ttlMs !== undefined) entry.expiresAt = now + ttlMs;
      results[i] = entry.counter!;
    }
    this.sweep(now, increments.length);
    return results;
  }

  errorCode(err: unknown): ErrorCode {
    return codeOf(err);
  }

  as<T>(_type: abstract new (...args: never[]) => T): T | undefined {
    return undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    this.check(0, signal);
  }

  /** Detaches this driver; the entries stay for other drivers of the same name. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private parseCounter(key: string, value: Uint8Array): number {
    const counter = parseDecimal(value);
    if (counter === undefined) {
      throw new SwitchyardError(
        "FailedPrecondition",
        `memory state "${this.name}": cannot increment "${key}", it holds a value that is not a decimal number`,
      );
    }
    return counter;
  }

  private live(key: string, now: number): StoredEntry | undefined {
    const entry = this.table.entries.get(key);
    if (entry === undefined || entry.expiresAt > now) return entry;
    this.table.entries.delete(key);
    return undefined;
  }

  private sweep(now: number, written: number): void {
    const table = this.table;
    table.cursor ??= table.entries.entries();
    for (let budget = written + SWEEP_EXTRA_PER_CALL; budget > 0; budget--) {
      const next = table.cursor.next();
      if (next.done === true) {
        table.cursor = undefined;
        return;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt <= now) table.entries.delete(key);
    }
  }

  private check(size: number, signal: AbortSignal): void {
    signal.throwIfAborted();
    if (this.closed) throw new SwitchyardError("FailedPrecondition", `memory state "${this.name}" is closed`);
    if (size > MEMORY_STATE_CAPABILITIES.maxBatch) {
      throw new SwitchyardError(
        "InvalidArgument",
        `memory state "${this.name}": ${size} keys in one call; the limit is ${MEMORY_STATE_CAPABILITIES.maxBatch}`,
      );
    }
  }
}

function checkTtl(ttlMs: number | undefined, key: string): void {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `ttlMs for "${key}" is ${ttlMs}: pass a positive number of ms`,
    );
  }
}

/** Every `memory://` state store of this process, by name. */
const tables = new Map<string, StateTable>();

/** Opens the driver for the `memory://` state store called `name` (`""` for `memory://`). */
export function memoryStateStore(name: string, options: MemoryStateOptions = {}): MemoryStateStore {
  let table = tables.get(name);
  if (table === undefined) {
    table = { entries: new Map(), lastVersion: 0, cursor: undefined };
    tables.set(name, table);
  }
  return new MemoryStateStore(name, table, options.now ?? Date.now);
}

/** Forgets every `memory://` state store of this process. For tests; open drivers keep their old entries. */
export function resetMemoryStateStores(): void {
  tables.clear();
}
