/**
 * Kafka's key hash (32-bit MurmurHash2, seed 0x9747b28c, over the key's UTF-8
 * bytes). Using the same hash as Kafka's default partitioner means a key lands
 * in the same partition number on `memory://` as on a Kafka topic with the
 * same partition count, which keeps local runs and cloud runs comparable.
 */

const M = 0x5bd1e995;
const SEED = 0x9747b28c;
const encoder = new TextEncoder();
/** Reused scratch buffer for UTF-8 encoding, so hashing a key allocates nothing. */
let scratch = new Uint8Array(256);

/** The signed 32-bit MurmurHash2 of a string's UTF-8 bytes, as Kafka computes it. */
export function murmur2(key: string): number {
  if (scratch.length < key.length * 3) scratch = new Uint8Array(key.length * 3);
  const bytes = scratch;
  const length = asciiInto(key, bytes) ? key.length : encoder.encodeInto(key, bytes).written;
  let h = SEED ^ length;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length - whole;
  if (rest > 0) {
    if (rest === 3) h ^= bytes[whole + 2]! << 16;
    if (rest >= 2) h ^= bytes[whole + 1]! << 8;
    h ^= bytes[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Copies an ASCII string's bytes (its UTF-8) into `bytes`; false if the string is not ASCII. */
function asciiInto(key: string, bytes: Uint8Array): boolean {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return false;
    bytes[i] = code;
  }
  return true;
}

/** The partition Kafka's default partitioner picks for `key` among `partitions`. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
