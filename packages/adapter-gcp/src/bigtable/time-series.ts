import { SwitchyardError } from "@switchyard/core/driver";
import type { ErrorCode, Point, TimeSeriesCapabilities, TimeSeriesDriver } from "@switchyard/core/driver";
import { gcpErrorCode } from "../errors.js";
import { bytesOf } from "./cells.js";
import type { FamilyCells } from "./cells.js";
import { measurementPrefix, parseSeriesRowKey, seriesRowKey } from "./series-key.js";
import { bigtableSettings } from "./settings.js";
import type { BigtableSettings } from "./settings.js";
import { ensureTable, openTable } from "./table.js";
import type { TableHandle } from "./table.js";

/** Options of {@link BigtableTimeSeries}. */
export interface BigtableTimeSeriesOptions {
  /** A `Bigtable` client to use instead of one built for the URL's project; never closed by the sink. */
  client?: unknown;
}

/** Most points per write: one MutateRows request. */
const MAX_BATCH = 1000;

/**
 * A time-series sink on a Bigtable table: one row per point, keyed
 * `measurement#tags#reversed-time` (see {@link seriesRowKey}), each field a
 * column of the family (default `f`) holding its JSON text, so numbers,
 * strings and booleans read back as they were written. A batch is one
 * MutateRows; `query` scans the measurement's key range.
 */
export class BigtableTimeSeries implements TimeSeriesDriver {
  readonly capabilities: TimeSeriesCapabilities = { maxBatch: MAX_BATCH };
  /** The sink's settings, from its URL. */
  readonly settings: BigtableSettings;
  readonly #handle: TableHandle;
  #ready: Promise<void> | undefined;
  #closed = false;

  /** Opens the sink `bigtable://project/instance/table?…`; no call is made until it is used. */
  constructor(url: URL, options: BigtableTimeSeriesOptions = {}) {
    this.settings = bigtableSettings(url, "f");
    this.#handle = openTable(this.settings, options.client);
  }

  async write(points: Point[], signal: AbortSignal): Promise<void> {
    await this.#start(signal);
    if (points.length === 0) return;
    const { family } = this.settings;
    await this.#handle.table.mutate(
      points.map((point) => {
        const cells: Record<string, string> = {};
        for (const [name, value] of Object.entries(point.fields)) cells[name] = JSON.stringify(value);
        return {
          key: this.settings.keyPrefix + seriesRowKey(point),
          method: "insert",
          data: { [family]: cells },
        };
      }),
    );
  }

  async query(measurement: string, from: number, to: number, signal: AbortSignal): Promise<Point[]> {
    await this.#start(signal);
    const { family, keyPrefix } = this.settings;
    const [rows] = await this.#handle.table.getRows({
      prefix: keyPrefix + measurementPrefix(measurement),
      filter: [{ family: `^${family}$` }, { column: { cellLimit: 1 } }],
      decode: false,
    });
    const points: Point[] = [];
    for (const row of rows) {
      const parsed = parseSeriesRowKey(String(row.id).slice(keyPrefix.length));
      if (parsed === undefined || parsed.measurement !== measurement) continue;
      if (parsed.time < from || parsed.time >= to) continue;
      const fields: Point["fields"] = {};
      const cells = (row.data as Record<string, FamilyCells | undefined>)[family] ?? {};
      for (const [name, versions] of Object.entries(cells)) {
        const cell = versions?.[0];
        if (cell !== undefined) fields[name] = JSON.parse(bytesOf(cell.value).toString("utf8")) as never;
      }
      points.push({ ...parsed, fields });
    }
    return points.sort((a, b) => a.time - b.time);
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

  #start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#closed)
      throw new SwitchyardError("FailedPrecondition", `${this.settings.where}: the sink is closed`);
    this.#ready ??= ensureTable(this.#handle, this.settings).catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }
}
