/**
 * How a state entry is stored: one Redis string `<version>\n<value bytes>`, so
 * a read is one GET (a batch one MGET), a write one SET that also sets or clears
 * the expiry, and the version can never drift from the value it belongs to.
 * Versions are `<writer nonce>.<counter>` in base 36, unique across writers and
 * time, so a key deleted and written again never repeats an old version.
 */
import { randomBytes } from "node:crypto";

/** The version of values written by other tools (no version header). */
export const FOREIGN_VERSION = "0";

/** Longest version header accepted when reading. */
const MAX_VERSION_LENGTH = 32;

const NEWLINE = 0x0a;

/** A value as stored: its version and its bytes. */
export interface StoredValue {
  /** The entry's version. */
  version: string;
  /** The value bytes (a view into the reply buffer). */
  value: Uint8Array;
}

/** Splits a stored string into version and value; values without a header get {@link FOREIGN_VERSION}. */
export function unpackEntry(stored: Buffer): StoredValue {
  const limit = Math.min(stored.length, MAX_VERSION_LENGTH + 1);
  for (let i = 0; i < limit; i++) {
    const byte = stored[i]!;
    if (byte === NEWLINE) {
      if (i === 0) break;
      return { version: stored.toString("latin1", 0, i), value: stored.subarray(i + 1) };
    }
    // Versions hold only [0-9a-z.]; anything else means the value was not written by us.
    const versionChar = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2e;
    if (!versionChar) break;
  }
  return { version: FOREIGN_VERSION, value: stored };
}

/** Joins a version and value bytes into the stored string. */
export function packEntry(version: string, value: Uint8Array): Buffer {
  const packed = Buffer.allocUnsafe(version.length + 1 + value.byteLength);
  packed.write(version, 0, "latin1");
  packed[version.length] = NEWLINE;
  packed.set(value, version.length + 1);
  return packed;
}

/** Hands out versions unique to one writer: a random nonce and a counter. */
export class VersionSource {
  readonly #nonce = BigInt(`0x${randomBytes(6).toString("hex")}`).toString(36);
  #counter = 0;

  /** The next version. */
  next(): string {
    this.#counter += 1;
    return `${this.#nonce}.${this.#counter.toString(36)}`;
  }
}
