/**
 * How state entries are laid out as Cosmos DB items, apart from I/O:
 * `{ id, <partition key field>, v: base64 value }` for values,
 * `{ id, …, n: number }` for counters, plus `exp` (expiry, ms since the
 * epoch, checked on every read) and `ttl` (seconds, for the service to delete
 * the item) when the entry has a time to live.
 */
import type { JSONObject } from "@azure/cosmos";
import type { StateEntry } from "@switchyard/core/driver";

/** An item as this store writes it. */
export interface StateItem extends JSONObject {
  id: string;
}

/** The item id of a key: characters Cosmos refuses in ids (`/ \ ? #`) and `%` become `%XX`. */
export function itemId(key: string): string {
  return key.replace(/[%/\\?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** The item storing `value` under `key`, partitioned by `partitionField`, expiring after `ttlMs` if given. */
export function valueItem(
  key: string,
  value: Uint8Array,
  partitionField: string,
  ttlMs: number | undefined,
  now: number,
): StateItem {
  const id = itemId(key);
  const item: StateItem = {
    id,
    v: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"),
  };
  item[partitionField] = id;
  if (ttlMs !== undefined) Object.assign(item, expiry(ttlMs, now));
  return item;
}

/** A counter item with value `n`. */
export function counterItem(
  key: string,
  n: number,
  partitionField: string,
  ttlMs: number | undefined,
  now: number,
): StateItem {
  const id = itemId(key);
  const item: StateItem = { id, n };
  item[partitionField] = id;
  if (ttlMs !== undefined) Object.assign(item, expiry(ttlMs, now));
  return item;
}

/** The `exp` and `ttl` fields of an entry living `ttlMs` from `now`. */
export function expiry(ttlMs: number, now: number): { exp: number; ttl: number } {
  return { exp: now + ttlMs, ttl: Math.max(1, Math.ceil(ttlMs / 1000)) };
}

/** Whether an item has expired at `now` (the service may not have deleted it yet, an emulator never does). */
export function expired(item: JSONObject | undefined, now: number): boolean {
  return typeof item?.exp === "number" && item.exp <= now;
}

/** The entry an item holds, or undefined when it is missing or expired. */
export function entryOf(
  key: string,
  item: JSONObject | undefined,
  etag: string | undefined,
  now: number,
): StateEntry | undefined {
  if (item === undefined || expired(item, now)) return undefined;
  const version = etag ?? (typeof item._etag === "string" ? item._etag : "");
  if (typeof item.n === "number") return { key, value: Buffer.from(String(item.n)), version };
  const value = typeof item.v === "string" ? Buffer.from(item.v, "base64") : Buffer.alloc(0);
  return { key, value: new Uint8Array(value.buffer, value.byteOffset, value.byteLength), version };
}

/** The counter an item holds: its `n`, or a value that is a decimal number; undefined otherwise. */
export function counterOf(item: JSONObject): number | undefined {
  if (typeof item.n === "number") return item.n;
  if (typeof item.v !== "string") return undefined;
  const text = Buffer.from(item.v, "base64").toString("utf8");
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}
