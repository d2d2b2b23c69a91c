import type { ErrorCode } from "@switchyard/core";
import type {
  StateCapabilities,
  StateEntry,
  StateStoreDriver,
  StateWrite,
  StateWriteResult,
} from "@switchyard/core/driver";
import type { ToyBackend, ToyEntry } from "./backend.js";
import { ToyError } from "./backend.js";
import { toyErrorCode } from "./errors.js";

/**
 * The state-store driver for `toy://<table>`. Batches in, batches out, one
 * result per key in order; empty batches answer empty. A failed
 * compare-and-set is a result (`{ ok: false }`), not an exception. Expired
 * entries read as missing on every path, even before the backend removes them.
 */
export class ToyState implements StateStoreDriver {
  /** Compare-and-set and TTL; no increment (core refuses `increment` with a clear error). */
  readonly capabilities: StateCapabilities = { cas: true, ttl: true, increment: false, maxBatch: 100 };
  #closed = false;

  constructor(
    private readonly backend: ToyBackend,
    private readonly name: string,
    private readonly table: Map<string, ToyEntry> | undefined,
  ) {}

  async get(keys: string[], signal: AbortSignal): Promise<(StateEntry | undefined)[]> {
    signal.throwIfAborted();
    const table = this.#open();
    return keys.map((key) => {
      const entry = live(table.get(key));
      return entry === undefined ? undefined : { key, value: entry.value, version: entry.version };
    });
  }

  async put(writes: StateWrite[], signal: AbortSignal): Promise<StateWriteResult[]> {
    signal.throwIfAborted();
    const table = this.#open();
    return writes.map((w) => {
      const current = live(table.get(w.key));
      if (
        w.ifVersion !== undefined &&
        (w.ifVersion === null ? current !== undefined : current?.version !== w.ifVersion)
      )
        return { ok: false, code: "FailedPrecondition" };
      // A write without ttlMs has no expiry, even over an entry that had one.
      const expiresAt = w.ttlMs === undefined ? undefined : Date.now() + w.ttlMs;
      const version = this.backend.nextVersion();
      table.set(w.key, { value: w.value.slice(), version, expiresAt });
      return { ok: true, version };
    });
  }

  async delete(keys: string[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const table = this.#open();
    for (const key of keys) table.delete(key);
  }

  errorCode(err: unknown): ErrorCode {
    return toyErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.backend instanceof type ? this.backend : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): Map<string, ToyEntry> {
    if (this.#closed) throw new ToyError("closed", `toy table "${this.name}" is closed`);
    if (this.table === undefined) throw new ToyError("not-found", `toy table "${this.name}" does not exist`);
    return this.table;
  }
}

/** The entry unless it expired: backends that delete lazily still must not return it. */
function live(entry: ToyEntry | undefined): ToyEntry | undefined {
  return entry !== undefined && entry.expiresAt !== undefined && entry.expiresAt <= Date.now()
    ? undefined
    : entry;
}
