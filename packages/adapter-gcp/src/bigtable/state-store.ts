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
import { gcpErrorCode } from "../errors.js";
import { COLUMNS, VersionSource, counterTimestamp, entryOf, expiryBytes } from "./cells.js";
import type { FamilyCells } from "./cells.js";
import { incrementRows } from "./counters.js";
import { counterAt, latestCells, liveEntry, valueAtVersion } from "./filters.js";
import type { Filter } from "./filters.js";
import { bigtableSettings } from "./settings.js";
import type { BigtableSettings } from "./settings.js";
import { ensureTable, openTable } from "./table.js";
import type { TableHandle } from "./table.js";

/** Options of {@link BigtableStateStore}. */
export interface BigtableStateStoreOptions {
  /** A `Bigtable` client to use instead of one built for the URL's project; never closed by the store. */
  client?: unknown;
}

/** Column qualifiers of the cells a write may clear, as the bytes a request carries. */
const QUALIFIERS = { counter: Buffer.from(COLUMNS.counter), expiry: Buffer.from(COLUMNS.expiry) } as const;

/** The columns a write of `cells` deletes: the counter always, the expiry when it sets none. */
function cleared(cells: Record<string, unknown>): ("counter" | "expiry")[] {
  return COLUMNS.expiry in cells ? ["counter"] : ["counter", "expiry"];
}

/** Most keys per call: one ReadRows or MutateRows request each. */
const MAX_BATCH = 500;

/**
 * A state store on a Bigtable table: one row per key (after `keyPrefix`), its
 * cells in one column family (layout in {@link COLUMNS}). Reads and
 * unconditional writes go out as one ReadRows / MutateRows per batch;
 * compare-and-set is CheckAndMutateRow with a predicate on the version cell;
 * increments are ReadModifyWriteRow on an 8-byte counter cell; a time to live
 * is an expiry cell that reads (and CAS predicates) filter on, since Bigtable's
 * own GC rules work per column family and collect late.
 */
export class BigtableStateStore implements StateStoreDriver {
  readonly capabilities: StateCapabilities = { cas: true, ttl: true, increment: true, maxBatch: MAX_BATCH };
  /** The store's settings, from its URL. */
  readonly settings: BigtableSettings;
  readonly #handle: TableHandle;
  readonly #versions = new VersionSource();
  #ready: Promise<void> | undefined;
  #closed = false;

  /** Opens the store `bigtable://project/instance/table?…`; no call is made until it is used. */
  constructor(url: URL, options: BigtableStateStoreOptions = {}) {
    this.settings = bigtableSettings(url, "s");
    this.#handle = openTable(this.settings, options.client);
  }

  async get(keys: string[], signal: AbortSignal): Promise<(StateEntry | undefined)[]> {
    await this.#start(signal);
    const rows = await this.#readRows(keys);
    const now = Date.now();
    return keys.map((key) => entryOf(key, rows.get(this.#rowKey(key)), now));
  }

  async put(writes: StateWrite[], signal: AbortSignal): Promise<StateWriteResult[]> {
    await this.#start(signal);
    const now = Date.now();
    const results = new Array<StateWriteResult>(writes.length);
    const plain: { key: string; cells: Record<string, Buffer | string> }[] = [];
    const conditional: Promise<void>[] = [];
    writes.forEach((write, i) => {
      const version = this.#versions.next();
      const cells = this.#cells(write, version, now);
      results[i] = { ok: true, version };
      if (write.ifVersion === undefined) {
        plain.push({ key: this.#rowKey(write.key), cells });
      } else {
        conditional.push(
          this.#compareAndSet(write.key, write.ifVersion, cells, now).then((ok) => {
            if (!ok) results[i] = { ok: false, code: "FailedPrecondition" };
          }),
        );
      }
    });
    if (plain.length > 0) await this.#mutate(plain, now);
    await Promise.all(conditional);
    return results;
  }

  async delete(keys: string[], signal: AbortSignal): Promise<void> {
    await this.#start(signal);
    await this.#handle.table.mutate(keys.map((key) => ({ key: this.#rowKey(key), method: "delete" })));
  }

  async increment(increments: StateIncrement[], signal: AbortSignal): Promise<number[]> {
    await this.#start(signal);
    for (const { key, by } of increments) {
      if (!Number.isSafeInteger(by)) {
        throw new SwitchyardError(
          "InvalidArgument",
          `${this.settings.where}: increment of "${key}" by ${by}: Bigtable counters are 64-bit integers`,
        );
      }
    }
    return incrementRows(this.#handle.table, this.settings.family, increments, (key) => this.#rowKey(key));
  }

  errorCode(err: unknown): ErrorCode {
    return gcpErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    if (typeof type !== "function") return undefined;
    if (this.#handle.client instanceof type) return this.#handle.client;
    if (this.#handle.table instanceof type) return this.#handle.table;
    return undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.#start(signal);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#handle.ownsClient) await this.#handle.client.close();
  }

  /** Checks (or creates) the table on first use; a failed check is tried again next time. */
  #start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#closed)
      throw new SwitchyardError("FailedPrecondition", `${this.settings.where}: the store is closed`);
    this.#ready ??= ensureTable(this.#handle, this.settings).catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  #rowKey(key: string): string {
    return this.settings.keyPrefix + key;
  }

  /**
   * The cells a write sets: value, version, and expiry only with a time to
   * live. A row without an expiry cell never expires, so writes without one
   * delete it (see {@link cleared}) rather than store a zero every read
   * would carry back.
   */
  #cells(write: StateWrite, version: string, now: number): Record<string, Buffer | string> {
    const cells: Record<string, Buffer | string> = {
      [COLUMNS.value]: Buffer.from(write.value.buffer, write.value.byteOffset, write.value.byteLength),
      [COLUMNS.version]: version,
    };
    if (write.ttlMs !== undefined) cells[COLUMNS.expiry] = expiryBytes(now + write.ttlMs);
    return cells;
  }

  async #readRows(keys: string[]): Promise<Map<string, FamilyCells>> {
    const unique = [...new Set(keys.map((key) => this.#rowKey(key)))];
    const [rows] = await this.#handle.table.getRows({
      keys: unique,
      filter: latestCells() as never,
      decode: false,
    });
    const found = new Map<string, FamilyCells>();
    for (const row of rows) {
      const cells = (row.data as Record<string, FamilyCells | undefined>)[this.settings.family];
      // With `decode: false` the client hands row keys back as bytes too.
      if (cells !== undefined) found.set(String(row.id), cells);
    }
    return found;
  }

  /**
   * Writes rows unconditionally in one MutateRows, one entry per row: the new
   * cells, and away with any counter cell (and the expiry, when none is set).
   * The entries are given as the request's own messages (`rawMutation`),
   * stamped with the client's time as its `insert` would stamp them: its
   * conversion makes a Date per cell and a second entry per row for the
   * delete, more work than the rest of a put.
   */
  async #mutate(rows: { key: string; cells: Record<string, Buffer | string> }[], now: number): Promise<void> {
    const familyName = this.settings.family;
    const timestampMicros = now * 1000;
    const entries = rows.map(({ key, cells }) => {
      const mutations: object[] = cleared(cells).map((column) => ({
        deleteFromColumn: { familyName, columnQualifier: QUALIFIERS[column] },
      }));
      for (const [column, value] of Object.entries(cells)) {
        mutations.push({
          setCell: {
            familyName,
            columnQualifier: Buffer.from(column),
            timestampMicros,
            value: typeof value === "string" ? Buffer.from(value) : value,
          },
        });
      }
      return { rowKey: Buffer.from(key), mutations };
    });
    await this.#handle.table.mutate(entries, { rawMutation: true });
  }

  /** One CheckAndMutateRow: writes `cells` if the row is at `ifVersion` (null: has no live entry). */
  async #compareAndSet(
    key: string,
    ifVersion: string | null,
    cells: Record<string, Buffer | string>,
    now: number,
  ): Promise<boolean> {
    const { family } = this.settings;
    const write = [
      { method: "delete", data: cleared(cells).map((column) => `${family}:${COLUMNS[column]}`) },
      { method: "insert", data: { [family]: cells } },
    ];
    const row = this.#handle.table.row(this.#rowKey(key));
    if (ifVersion === null) {
      const [matched] = await row.filter(liveEntry(family, now), { onNoMatch: write } as never);
      return !matched;
    }
    const counterTime = counterTimestamp(ifVersion);
    let predicate: Filter;
    if (counterTime !== undefined) predicate = counterAt(family, now, counterTime);
    else if (/^[0-9a-z.-]+$/.test(ifVersion)) predicate = valueAtVersion(family, now, ifVersion);
    else return false;
    const [matched] = await row.filter(predicate, { onMatch: write } as never);
    return matched === true;
  }
}
