/**
 * Hostile payloads for codec fuzzing, all from a seeded generator so that any
 * case can be replayed from its seed: random bytes, truncations, bit flips and
 * byte overwrites of valid records, huge length prefixes, splices of two
 * records, and deep nesting.
 */

/** A small seeded pseudo-random generator (mulberry32): the same seed gives the same cases. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** The seed of case `index` of target `target` in a run seeded with `seed`. */
export function caseSeed(seed: number, target: number, index: number): number {
  return (
    (Math.imul(seed ^ 0x9e3779b9, 2654435761) ^
      Math.imul(target + 1, 40503) ^
      Math.imul(index, 0x85ebca6b)) >>>
    0
  );
}

/** What a fuzz target gives the case generator. */
export interface CaseSource {
  /** Valid payloads to mutate. */
  readonly records: readonly Uint8Array[];
  /** Where mutations may fall: `[from, to)` in bytes, `to` undefined for the payload's end. */
  readonly mutate: readonly [number, number | undefined];
  /** A payload nesting `depth` levels, in this codec's format. */
  deep(depth: number, rng: Rng): Uint8Array;
}

/** The kinds of hostile case, as counted in reports. */
export const CASE_KINDS = [
  "random",
  "truncated",
  "bit-flip",
  "byte-set",
  "huge-length",
  "splice",
  "deep",
] as const;

/** One kind of hostile case. */
export type CaseKind = (typeof CASE_KINDS)[number];

/** Varints that claim huge counts or lengths (zig-zag or not), and over-long ones. */
const HUGE_VARINTS: readonly number[][] = [
  [0x80, 0x80, 0x80, 0x80, 0x08], // 2^31 plain, 2^30 zig-zag
  [0xfe, 0xff, 0xff, 0xff, 0x0f], // 2^31 - 1 zig-zag
  [0xff, 0xff, 0xff, 0xff, 0x0f], // -2^31 zig-zag: a negative block count
  [0x80, 0x80, 0x80, 0x01], // 2^21 plain, 2^20 zig-zag
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // the largest 10-byte varint
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // longer than any varint
  [0xc8, 0x01], // 100
];

/** One hostile payload of `kind` from `source`. */
export function hostileCase(source: CaseSource, kind: CaseKind, rng: Rng): Uint8Array {
  const valid = rng.pick(source.records);
  const [from, until] = source.mutate;
  const to = Math.min(until ?? valid.length, valid.length);
  const at = () => from + rng.int(Math.max(1, to - from));
  switch (kind) {
    case "random":
      return rng.bytes(rng.next() < 0.9 ? rng.int(64) : rng.int(65_536));
    case "truncated":
      return valid.slice(0, rng.int(valid.length));
    case "bit-flip": {
      const out = valid.slice();
      for (let flips = 1 + rng.int(4); flips > 0 && out.length > 0; flips--)
        out[at() % out.length]! ^= 1 << rng.int(8);
      return out;
    }
    case "byte-set": {
      const out = valid.slice();
      for (let sets = 1 + rng.int(3); sets > 0 && out.length > 0; sets--) {
        out[at() % out.length] = rng.pick([0x00, 0x7f, 0x80, 0xff, 0x01, 0x02]);
      }
      return out;
    }
    case "huge-length": {
      const huge = rng.pick(HUGE_VARINTS);
      const pos = Math.min(at(), valid.length);
      // Either written over the record's bytes or inserted between them.
      const rest =
        rng.next() < 0.5 ? valid.subarray(pos) : valid.subarray(Math.min(valid.length, pos + huge.length));
      return Uint8Array.from([...valid.subarray(0, pos), ...huge, ...rest]);
    }
    case "splice": {
      const other = rng.pick(source.records);
      return Uint8Array.from([
        ...valid.subarray(0, rng.int(valid.length + 1)),
        ...other.subarray(rng.int(other.length + 1)),
      ]);
    }
    case "deep":
      return source.deep(rng.next() < 0.5 ? 90 + rng.int(30) : 1000 + rng.int(20_000), rng);
  }
}
