/**
 * How a state entry is stored as a DynamoDB item: the key in the table's own
 * hash key attribute, the value bytes in `v` (B) or a counter in `n` (N), a
 * version in `ver` (S), and for entries with a time to live both the table's
 * TTL attribute (epoch seconds, for DynamoDB's own lazy deletion) and
 * `expiresAtMs` (N), by which reads hide expired items at once.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { randomBytes } from "node:crypto";
import type { StateEntry } from "@switchyard/core/driver";

/** The attribute holding value bytes. */
export const VALUE = "v";
/** The attribute holding a counter. */
export const COUNTER = "n";
/** The attribute holding the version. */
export const VERSION = "ver";
/** The attribute holding the expiry in ms since the epoch. */
export const EXPIRES_MS = "expiresAtMs";

const encoder = new TextEncoder();

/** The attribute names and clock a store translates items with. */
export interface ItemLayout {
  /** The table's hash key attribute. */
  keyAttribute: string;
  /** The table's TTL attribute (epoch seconds). */
  ttlAttribute: string;
}

/** Whether an item has expired by `now` (ms). */
export function expired(item: Record<string, AttributeValue>, now: number): boolean {
  const at = item[EXPIRES_MS]?.N;
  return at !== undefined && Number(at) <= now;
}

/** The entry an item holds, or undefined when it has expired or holds neither value nor counter. */
export function entryOf(
  key: string,
  item: Record<string, AttributeValue> | undefined,
  now: number,
): StateEntry | undefined {
  if (item === undefined || expired(item, now)) return undefined;
  const version = item[VERSION]?.S ?? "0";
  const bytes = item[VALUE]?.B;
  if (bytes !== undefined) return { key, value: bytes, version };
  const counter = item[COUNTER]?.N;
  if (counter !== undefined) return { key, value: encoder.encode(String(Number(counter))), version };
  return undefined;
}

/** The expiry attributes of an entry written now with `ttlMs`. */
export function expiryAttributes(
  layout: ItemLayout,
  ttlMs: number,
  now: number,
): Record<string, AttributeValue> {
  const at = now + ttlMs;
  return {
    [layout.ttlAttribute]: { N: String(Math.ceil(at / 1000)) },
    [EXPIRES_MS]: { N: String(at) },
  };
}

/** The item of a value written now. */
export function valueItem(
  layout: ItemLayout,
  key: string,
  value: Uint8Array,
  version: string,
  ttlMs: number | undefined,
  now: number,
): Record<string, AttributeValue> {
  return {
    [layout.keyAttribute]: { S: key },
    [VALUE]: { B: value },
    [VERSION]: { S: version },
    ...(ttlMs === undefined ? {} : expiryAttributes(layout, ttlMs, now)),
  };
}

/** Hands out versions unique to one writer: a random nonce and a counter, in base 36. */
export class Versions {
  private readonly nonce = BigInt(`0x${randomBytes(6).toString("hex")}`).toString(36);
  private counter = 0;

  /** The next version. */
  next(): string {
    this.counter += 1;
    return `${this.nonce}.${this.counter.toString(36)}`;
  }
}
