import avsc from "avsc";
import type { Type } from "avsc";
import type { SwitchyardError } from "../errors.js";
import { invalidArgument } from "./codec-error.js";
import type { ResolvedLimits } from "./decode-limits.js";

/**
 * A check of one Avro payload against the schema it was written with, run
 * before avsc decodes it: throws InvalidArgument for the first count, length,
 * index or nesting that the bytes cannot back or the limits refuse.
 */
export type AvroScanner = (bytes: Uint8Array, start: number) => void;

const EMPTY = new Uint8Array(0);

/** Where a scan is in the payload, and what it has counted so far; one per scanner, reset for each payload. */
class Cursor {
  buf: Uint8Array = EMPTY;
  pos = 0;
  items = 0;
  depth = 0;

  constructor(readonly limits: ResolvedLimits) {}

  reset(buf: Uint8Array, start: number): void {
    this.buf = buf;
    this.pos = start;
    this.items = 0;
    this.depth = 0;
  }
}

type Step = (c: Cursor) => void;

const {
  ArrayType,
  EnumType,
  FixedType,
  LogicalType,
  MapType,
  RecordType,
  UnwrappedUnionType,
  WrappedUnionType,
} = avsc.types;

/**
 * The scanner for payloads written with `writer`, or undefined when none is
 * needed: avsc checks string, bytes and fixed lengths against the buffer before
 * it allocates, so a schema without arrays, maps or recursion, and no deeper
 * than `maxDepth`, cannot make it build more than the schema's own shape.
 * Arrays and maps can: avsc sizes an array from the block count alone.
 */
export function avroScanner(writer: Type, limits: ResolvedLimits): AvroScanner | undefined {
  if (!needsScan(writer, limits.maxDepth, 0, new Set())) return undefined;
  const step = compile(writer, new Map());
  // Reused: a scan is synchronous and calls no user code, so it never runs inside another.
  const cursor = new Cursor(limits);
  return (bytes, start) => {
    cursor.reset(bytes, start);
    step(cursor);
    cursor.buf = EMPTY;
  };
}

/** Whether `type` holds an array, a map, a recursive record, or nests deeper than `maxDepth`. */
function needsScan(type: Type, maxDepth: number, depth: number, path: Set<Type>): boolean {
  if (type instanceof LogicalType) return needsScan(type.underlyingType, maxDepth, depth, path);
  if (type instanceof ArrayType || type instanceof MapType) return true;
  if (type instanceof UnwrappedUnionType || type instanceof WrappedUnionType) {
    return type.types.some((t) => needsScan(t, maxDepth, depth, path));
  }
  if (!(type instanceof RecordType)) return false;
  if (path.has(type) || depth + 1 > maxDepth) return true;
  path.add(type);
  const found = type.fields.some((f) => needsScan(f.type, maxDepth, depth + 1, path));
  path.delete(type);
  return found;
}

function compile(type: Type, compiled: Map<Type, Step>): Step {
  const known = compiled.get(type);
  if (known !== undefined) return known;
  if (type instanceof LogicalType) return compile(type.underlyingType, compiled);
  if (type instanceof RecordType) {
    let fields: Step[] = [];
    const step: Step = (c) => {
      enter(c, "record");
      for (let i = 0; i < fields.length; i++) fields[i]!(c);
      c.depth--;
    };
    // Registered before its fields so that a recursive record refers to itself.
    compiled.set(type, step);
    fields = type.fields.map((f) => compile(f.type, compiled));
    return step;
  }
  if (type instanceof ArrayType)
    return blocks("array", minSize(type.itemsType, new Set()), compile(type.itemsType, compiled));
  if (type instanceof MapType) {
    const value = compile(type.valuesType as Type, compiled);
    return blocks("map", 1 + minSize(type.valuesType as Type, new Set()), (c) => {
      skipLength(c, "map key");
      value(c);
    });
  }
  if (type instanceof UnwrappedUnionType || type instanceof WrappedUnionType) {
    const branches = type.types.map((t) => compile(t, compiled));
    return (c) => {
      const at = c.pos;
      const index = readLong(c, "union branch index");
      const branch = branches[index];
      if (branch === undefined) {
        throw problem(
          `union branch index ${index} at byte ${at} is out of range: the union has ${branches.length} branches`,
        );
      }
      branch(c);
    };
  }
  if (type instanceof EnumType) {
    const symbols = type.symbols.length;
    return (c) => {
      const at = c.pos;
      const index = readLong(c, "enum index");
      if (index < 0 || index >= symbols) {
        throw problem(`enum index ${index} at byte ${at} is out of range: the enum has ${symbols} symbols`);
      }
    };
  }
  if (type instanceof FixedType) return fixed(type.size, "fixed");
  switch (type.typeName) {
    case "null":
      return () => undefined;
    case "boolean":
      return fixed(1, "boolean");
    case "int":
      return readInt;
    case "long":
    case "abstract:long":
      return skipLong;
    case "float":
      return fixed(4, "float");
    case "double":
      return fixed(8, "double");
    case "string":
    case "bytes":
      return (c) => skipLength(c, type.typeName);
    default:
      throw invalidArgument("avro", `cannot check payloads of Avro type ${type.typeName}`);
  }
}

/** An array or map: blocks of `count` items, each block's count checked before its items. */
function blocks(what: "array" | "map", itemBytes: number, item: Step): Step {
  // Labels built once: the hot path only reads them when it throws.
  const countLabel = `${what} block count`;
  const blockLabel = `${what} block`;
  return (c) => {
    enter(c, what);
    for (;;) {
      const at = c.pos;
      let count = readLong(c, countLabel);
      if (count === 0) break;
      if (count < 0) {
        // A negative count is followed by the block's size in bytes.
        count = -count;
        skipLength(c, blockLabel, true);
      }
      const left = c.buf.length - c.pos;
      if (count * itemBytes > left) {
        throw problem(
          `${what} block at byte ${at} says ${count} items, but the ${left} bytes left hold at most ${Math.floor(left / itemBytes)}`,
        );
      }
      c.items += count;
      if (c.items > c.limits.maxItems) {
        throw problem(
          `payload holds more than ${c.limits.maxItems} array items and map entries (maxItems) — raise maxItems if such records are expected`,
        );
      }
      for (let i = 0; i < count; i++) item(c);
    }
    c.depth--;
  };
}

function enter(c: Cursor, what: string): void {
  if (++c.depth > c.limits.maxDepth) {
    throw problem(
      `${what} at byte ${c.pos} nests deeper than ${c.limits.maxDepth} levels (maxDepth) — raise maxDepth if such records are expected`,
    );
  }
}

function fixed(size: number, what: string): Step {
  return (c) => {
    if (c.pos + size > c.buf.length) throw truncated(c, `${what} of ${size} bytes`);
    c.pos += size;
  };
}

/** Skips a length-prefixed value (string, bytes, a map key) or, with `sizeOnly`, just checks the length against the bytes left. */
function skipLength(c: Cursor, what: string, sizeOnly = false): void {
  const at = c.pos;
  const length = readLong(c, what);
  const left = c.buf.length - c.pos;
  if (length < 0) throw problem(`${what} at byte ${at} has a negative length ${length}`);
  if (length > left) throw problem(`${what} at byte ${at} says ${length} bytes, but only ${left} are left`);
  if (!sizeOnly) c.pos += length;
}

/** Reads a zig-zag varint (Avro's int and long); its size is what counts, so large values may lose precision. */
function readLong(c: Cursor, what: string): number {
  const buf = c.buf;
  const start = c.pos;
  if (start < buf.length && buf[start]! < 0x80) {
    // Most counts, lengths and indexes fit in one byte.
    c.pos = start + 1;
    return (buf[start]! >>> 1) ^ -(buf[start]! & 1);
  }
  let pos = start;
  let n = 0;
  let scale = 1;
  let b: number;
  do {
    if (pos >= buf.length) throw truncated(c, what);
    if (pos - start === 10) throw problem(`${what} at byte ${start} is a varint longer than 10 bytes`);
    b = buf[pos++]!;
    n += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80);
  c.pos = pos;
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/** Checks an int: avsc reads it as a long and would return a value past 32 bits as it is. */
function readInt(c: Cursor): void {
  const at = c.pos;
  const value = readLong(c, "int");
  if (value > 0x7fffffff || value < -0x80000000) {
    throw problem(`int at byte ${at} is ${value}, outside the 32-bit range`);
  }
}

function skipLong(c: Cursor): void {
  const buf = c.buf;
  const start = c.pos;
  let pos = start;
  let b: number;
  do {
    if (pos >= buf.length) throw truncated(c, "int or long");
    if (pos - start === 10) throw problem(`int or long at byte ${start} is a varint longer than 10 bytes`);
    b = buf[pos++]!;
  } while (b & 0x80);
  c.pos = pos;
}

/** The fewest bytes a value of `type` can take; 0 for a record met again through recursion (a safe lower bound). */
function minSize(type: Type, path: Set<Type>): number {
  if (type instanceof LogicalType) return minSize(type.underlyingType, path);
  if (type instanceof RecordType) {
    if (path.has(type)) return 0;
    path.add(type);
    const size = type.fields.reduce((sum, f) => sum + minSize(f.type, path), 0);
    path.delete(type);
    return size;
  }
  if (type instanceof FixedType) return type.size;
  switch (type.typeName) {
    case "null":
      return 0;
    case "float":
      return 4;
    case "double":
      return 8;
    default:
      // Every other value starts with at least one varint byte (a count, length, index or number).
      return 1;
  }
}

function truncated(c: Cursor, what: string): SwitchyardError {
  return invalidArgument(
    "avro",
    `payload of ${c.buf.length} bytes is truncated: ${what} at byte ${c.pos} runs past its end`,
  );
}

function problem(detail: string): SwitchyardError {
  return invalidArgument("avro", `payload is not valid Avro for this schema: ${detail}`);
}
