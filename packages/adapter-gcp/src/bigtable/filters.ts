import { COLUMNS, expiryBytes } from "./cells.js";

/** A Bigtable filter in the Node client's object form. */
export type Filter = Record<string, unknown> | Record<string, unknown>[];

/** Matches the `exp` cell of a row that has expired by `now` (0 means no expiry). */
export function expired(family: string, now: number): Filter {
  return [
    { family: `^${family}$` },
    { column: COLUMNS.expiry },
    {
      value: {
        start: { value: expiryBytes(0), inclusive: false },
        end: { value: expiryBytes(now), inclusive: true },
      },
    },
  ];
}

/** Matches when `inner` matches and the row has not expired by `now`. */
function whenLive(family: string, now: number, inner: Filter): Filter {
  return { condition: { test: expired(family, now), pass: { all: false }, fail: inner } };
}

/** Matches a row holding a live value or counter. */
export function liveEntry(family: string, now: number): Filter {
  return whenLive(family, now, [
    { family: `^${family}$` },
    { column: `^(${COLUMNS.value}|${COLUMNS.counter})$` },
  ]);
}

/** Matches a live row whose value has version `version` (a version from {@link VersionSource}). */
export function valueAtVersion(family: string, now: number, version: string): Filter {
  return whenLive(family, now, [
    { family: `^${family}$` },
    { column: { name: COLUMNS.version, cellLimit: 1 } },
    { value: `^${version}$` },
  ]);
}

/** Matches a live counter whose latest cell was written at `timestampMicros`. */
export function counterAt(family: string, now: number, timestampMicros: bigint): Filter {
  const ms = Number(timestampMicros / 1000n);
  return whenLive(family, now, [
    { family: `^${family}$` },
    { column: { name: COLUMNS.counter, cellLimit: 1 } },
    { time: { start: new Date(ms), end: new Date(ms + 1) } },
  ]);
}

/**
 * The latest cell of each column. Callers read only their family's cells from
 * what comes back; a family filter as well (a regular expression on every
 * cell) made the emulator spend four times the CPU of an unfiltered read, for
 * rows that, under the store's key prefix, hold no other family.
 */
export function latestCells(): Filter {
  return { column: { cellLimit: 1 } };
}
