import { invalidArgument, kindOf } from "./codec-error.js";

/** The default of {@link DecodeLimits.maxItems}: array elements and map entries in one record. */
export const DEFAULT_MAX_ITEMS = 1_000_000;

/** The default of {@link DecodeLimits.maxDepth}: nesting of records, messages, arrays and maps (protobuf's own default). */
export const DEFAULT_MAX_DEPTH = 100;

/**
 * Caps on what one payload may make a codec build, so that untrusted bytes
 * cannot make it allocate without bound or recurse until the stack overflows.
 * A payload over a cap fails `decode` with InvalidArgument naming the cap.
 */
export interface DecodeLimits {
  /**
   * The most array elements plus map entries (for JSON, object members) one
   * payload may hold in total, at every level. Default 1,000,000. Items that
   * take bytes are also checked against the bytes left, so this cap matters
   * most for items that take none (Avro `null`s, empty records).
   */
  maxItems?: number;
  /**
   * The deepest nesting one payload may have: records, messages, arrays, maps
   * (for JSON, arrays and objects), the outermost counting 1. Default 100; for
   * protobuf 101, protobufjs's own limit and the most it allows.
   */
  maxDepth?: number;
}

/** Limits with every default filled in. */
export type ResolvedLimits = Required<DecodeLimits>;

/** The limits `options` ask for, defaults filled in; throws InvalidArgument naming a bad option of `codec`. */
export function resolveLimits(codec: string, options: DecodeLimits): ResolvedLimits {
  return {
    maxItems: positive(codec, "maxItems", options.maxItems, DEFAULT_MAX_ITEMS),
    maxDepth: positive(codec, "maxDepth", options.maxDepth, DEFAULT_MAX_DEPTH),
  };
}

function positive(codec: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw invalidArgument(
      codec,
      `${name} must be a positive integer, got ${typeof value === "number" ? value : kindOf(value)}`,
    );
  }
  return value;
}
