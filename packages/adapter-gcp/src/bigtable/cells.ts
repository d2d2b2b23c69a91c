import { randomBytes } from "node:crypto";
import type { StateEntry } from "@switchyard/core/driver";

/**
 * The state layout in one column family: `v` holds a value, `ver` its version,
 * `exp` its expiry (8-byte big-endian ms since the epoch; absent for none, or 0
 * as older writes stored it), and `c` a counter (8-byte big-endian, as
 * ReadModifyWriteRow needs). A row holds either a value or a counter.
 */
export const COLUMNS = { value: "v", version: "ver", expiry: "exp", counter: "c" } as const;

/** One cell as the client returns it with `decode: false` (it still turns 8-byte values into numbers). */
interface Cell {
  value: Buffer | number;
  timestamp: string;
}

/** A row's family map as the client returns it with `decode: false`. */
export type FamilyCells = Record<string, Cell[] | undefined>;

/** An expiry time as the 8 bytes stored in `exp`; 0 means none. */
export function expiryBytes(expiresAt: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(expiresAt))));
  return bytes;
}

/** The expiry stored in a row, in ms; 0 when it has none. */
export function expiryOf(cells: FamilyCells): number {
  const cell = cells[COLUMNS.expiry]?.[0];
  return cell === undefined ? 0 : (int64Of(cell.value) ?? 0);
}

/** The version of a counter: the microsecond timestamp ReadModifyWriteRow gave its cell. */
export function counterVersion(timestamp: string): string {
  return `c.${timestamp}`;
}

/** The timestamp (µs) a counter version names, or undefined when it is a value's version. */
export function counterTimestamp(version: string): bigint | undefined {
  return version.startsWith("c.") ? BigInt(version.slice(2)) : undefined;
}

/** The 64-bit integer a cell holds, or undefined when it is not 8 bytes. */
export function int64Of(value: Buffer | number): number | undefined {
  if (typeof value === "number") return value;
  return value.length === 8 ? Number(value.readBigInt64BE()) : undefined;
}

/** A cell's bytes; 8-byte values the client turned into numbers are turned back. */
export function bytesOf(value: Buffer | number): Buffer {
  if (typeof value !== "number") return value;
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(value));
  return bytes;
}

/**
 * A row's live entry, or undefined when it has none or it expired by `now`.
 * A counter reads as its decimal text, as every store's counters do.
 */
export function entryOf(key: string, cells: FamilyCells | undefined, now: number): StateEntry | undefined {
  if (cells === undefined) return undefined;
  const expiresAt = expiryOf(cells);
  if (expiresAt !== 0 && expiresAt <= now) return undefined;
  const value = cells[COLUMNS.value]?.[0];
  if (value !== undefined) {
    const stored = cells[COLUMNS.version]?.[0];
    const version = stored === undefined ? `t.${value.timestamp}` : bytesOf(stored.value).toString("latin1");
    const bytes = bytesOf(value.value);
    // A view of the bytes the client decoded, not a copy: a fresh buffer per key costs more than the rest.
    return { key, value: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), version };
  }
  const counter = cells[COLUMNS.counter]?.[0];
  const count = counter === undefined ? undefined : int64Of(counter.value);
  if (counter === undefined || count === undefined) return undefined;
  const text = String(count);
  return { key, value: new TextEncoder().encode(text), version: counterVersion(counter.timestamp) };
}

/**
 * Hands out versions unique across writers: a random nonce and a counter, in
 * characters that need no escaping in a Bigtable value regex.
 */
export class VersionSource {
  readonly #nonce = randomBytes(6).toString("hex");
  #next = 0;

  /** The next version. */
  next(): string {
    this.#next += 1;
    return `${this.#nonce}-${this.#next.toString(36)}`;
  }
}
