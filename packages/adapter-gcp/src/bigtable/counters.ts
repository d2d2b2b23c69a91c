import type { Table } from "@google-cloud/bigtable";
import { SwitchyardError } from "@switchyard/core/driver";
import { COLUMNS, bytesOf, expiryBytes, expiryOf } from "./cells.js";
import type { FamilyCells } from "./cells.js";
import { expired, latestCells } from "./filters.js";

/**
 * Adds `by` to the counter of row `key` with ReadModifyWriteRow and returns
 * the new value. A row whose entry expired is cleared first, so the counter
 * starts again from zero; a row holding a value written by `put` must hold a
 * decimal number, which becomes the counter. `ttlMs` then sets the row's
 * expiry. Only the add itself is atomic; preparing the row and setting the
 * expiry are calls of their own.
 */
export async function incrementRow(
  table: Table,
  key: string,
  family: string,
  by: number,
  ttlMs: number | undefined,
): Promise<number> {
  const [rows] = await table.getRows({ keys: [key], filter: latestCells(family) as never, decode: false });
  const cells = (rows[0]?.data as Record<string, FamilyCells | undefined> | undefined)?.[family];
  if (cells !== undefined) await prepare(table, key, family, cells);
  const row = table.row(key);
  const [value] = await row.increment(`${family}:${COLUMNS.counter}`, by);
  if (ttlMs !== undefined) {
    await row.save({ [family]: { [COLUMNS.expiry]: expiryBytes(Date.now() + ttlMs) } });
  }
  return Number(value);
}

async function prepare(table: Table, key: string, family: string, cells: FamilyCells): Promise<void> {
  const row = table.row(key);
  const now = Date.now();
  const expiresAt = expiryOf(cells);
  if (expiresAt !== 0 && expiresAt <= now) {
    // Only while still expired: a concurrent increment that cleared it first keeps its count.
    await row.filter(expired(family, now), { onMatch: [{ method: "delete" }] } as never);
    return;
  }
  const value = cells[COLUMNS.value]?.[0]?.value;
  if (value === undefined) return;
  const text = bytesOf(value).toString("utf8").trim();
  if (!/^-?\d{1,18}$/.test(text)) {
    throw new SwitchyardError(
      "FailedPrecondition",
      `cannot increment "${key}": it holds a value that is not a whole number`,
    );
  }
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(text));
  // One CheckAndMutateRow that always matches: the value becomes the counter in one atomic step.
  await row.filter({ all: true }, {
    onMatch: [
      { method: "delete", data: [`${family}:${COLUMNS.value}`, `${family}:${COLUMNS.version}`] },
      { method: "insert", data: { [family]: { [COLUMNS.counter]: counter } } },
    ],
  } as never);
}
