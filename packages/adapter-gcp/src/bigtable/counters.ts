import type { Table } from "@google-cloud/bigtable";
import { SwitchyardError } from "@switchyard/core/driver";
import type { StateIncrement } from "@switchyard/core/driver";
import { COLUMNS, bytesOf, expiryBytes, expiryOf } from "./cells.js";
import type { FamilyCells } from "./cells.js";
import { expired, latestCells } from "./filters.js";

/**
 * Applies a batch of increments to rows keyed `rowKey(key)` and returns the
 * value after each, in order. Per batch: one ReadRows finds rows to prepare
 * (an expired entry is cleared, so its counter starts again from zero; a value
 * written by `put` must be a decimal number, which becomes the counter); one
 * ReadModifyWriteRow per distinct key adds the key's total — atomic, so
 * concurrent writers never lose a count, and each increment's result is what a
 * one-by-one application in batch order gives; one MutateRows sets the expiry
 * of keys given a time to live.
 */
export async function incrementRows(
  table: Table,
  family: string,
  increments: readonly StateIncrement[],
  rowKey: (key: string) => string,
): Promise<number[]> {
  const totals = new Map<string, number>();
  const ttls = new Map<string, number>();
  for (const { key, by, ttlMs } of increments) {
    totals.set(key, (totals.get(key) ?? 0) + by);
    if (ttlMs !== undefined) ttls.set(key, ttlMs);
  }
  const keys = [...totals.keys()];
  const [rows] = await table.getRows({ keys: keys.map(rowKey), filter: latestCells(), decode: false });
  const now = Date.now();
  await Promise.all(
    rows.map(async (row) => {
      const cells = (row.data as Record<string, FamilyCells | undefined>)[family];
      if (cells !== undefined) await prepare(table, String(row.id), family, cells, now);
    }),
  );
  const finals = new Map<string, number>();
  await Promise.all(
    keys.map(async (key) => {
      const [value] = await table.row(rowKey(key)).increment(`${family}:${COLUMNS.counter}`, totals.get(key));
      finals.set(key, Number(value));
    }),
  );
  if (ttls.size > 0) {
    const at = Date.now();
    await table.mutate(
      [...ttls].map(([key, ttlMs]) => ({
        key: rowKey(key),
        method: "insert",
        data: { [family]: { [COLUMNS.expiry]: expiryBytes(at + ttlMs) } },
      })),
    );
  }
  // Walk the batch backwards from each key's final value: the result of each increment in order.
  const results = new Array<number>(increments.length);
  const after = new Map(finals);
  for (let i = increments.length - 1; i >= 0; i--) {
    const { key, by } = increments[i]!;
    const value = after.get(key)!;
    results[i] = value;
    after.set(key, value - by);
  }
  return results;
}

async function prepare(
  table: Table,
  key: string,
  family: string,
  cells: FamilyCells,
  now: number,
): Promise<void> {
  const row = table.row(key);
  const expiresAt = expiryOf(cells);
  if (expiresAt !== 0 && expiresAt <= now) {
    // Only while still expired: a concurrent increment that cleared it first keeps its count.
    await row.filter(expired(family, now), { onMatch: [{ method: "delete" }] });
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
  await row.filter(
    { all: true },
    {
      onMatch: [
        { method: "delete", data: [`${family}:${COLUMNS.value}`, `${family}:${COLUMNS.version}`] },
        { method: "insert", data: { [family]: { [COLUMNS.counter]: counter } } },
      ],
    },
  );
}
