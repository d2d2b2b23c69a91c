import protobufjs from "protobufjs";
import type { Type } from "protobufjs";
import type { ResolvedLimits } from "./decode-limits.js";

/**
 * A check of one protobuf payload against its message type, run before
 * protobufjs decodes it: throws an Error saying what is wrong (a length the
 * bytes cannot back, a malformed tag, nesting or item counts over the limits),
 * which the codec reports as InvalidArgument.
 */
export type ProtobufScanner = (bytes: Uint8Array) => void;

/** How the fields of one message type are checked, by field number. */
interface Plan {
  readonly fields: Map<number, FieldPlan>;
}

type FieldPlan =
  | { readonly kind: "message"; readonly plan: Plan; readonly repeated: boolean }
  | { readonly kind: "map"; readonly entry: Plan }
  | { readonly kind: "scalar"; readonly repeated: boolean; readonly packedWire: number | undefined };

class Cursor {
  pos = 0;
  items = 0;
  depth = 0;

  constructor(
    readonly buf: Uint8Array,
    readonly limits: ResolvedLimits,
  ) {}
}

const packedWires = protobufjs.types.packed as Record<string, number | undefined>;

/**
 * The deepest nesting protobufjs decodes, counted as `maxDepth` counts
 * counts (the outermost message is 1): it refuses more than 100 levels below it.
 */
export const PROTOBUFJS_MAX_DEPTH = 101;

/**
 * The scanner for payloads of `type`. protobufjs checks every length against
 * the bytes present and stops at {@link PROTOBUFJS_MAX_DEPTH}, so a payload is
 * only scanned when it could break a cap protobufjs does not enforce: more
 * bytes than `maxItems` (each item takes one), or a `maxDepth` below
 * protobufjs's and room to exceed it (each level takes a tag and a length).
 */
export function protobufScanner(type: Type, limits: ResolvedLimits): ProtobufScanner {
  const plan = planFor(type, new Map());
  const depthBytes = limits.maxDepth < PROTOBUFJS_MAX_DEPTH ? 2 * limits.maxDepth : Infinity;
  return (bytes) => {
    if (bytes.byteLength < depthBytes && bytes.byteLength <= limits.maxItems) return;
    const c = new Cursor(bytes, limits);
    scanMessage(c, plan, bytes.byteLength, undefined);
  };
}

function planFor(type: Type, planned: Map<Type, Plan>): Plan {
  const known = planned.get(type);
  if (known !== undefined) return known;
  const plan: Plan = { fields: new Map() };
  // Registered before its fields so that a recursive message refers to itself.
  planned.set(type, plan);
  for (const field of type.fieldsArray) {
    field.resolve();
    const message =
      field.resolvedType instanceof protobufjs.Type ? planFor(field.resolvedType, planned) : undefined;
    if (field.map) {
      const value: FieldPlan | undefined = message && { kind: "message", plan: message, repeated: false };
      plan.fields.set(field.id, { kind: "map", entry: { fields: new Map(value ? [[2, value]] : []) } });
    } else if (message !== undefined) {
      plan.fields.set(field.id, { kind: "message", plan: message, repeated: field.repeated });
    } else {
      const packedWire = field.resolvedType instanceof protobufjs.Enum ? 0 : packedWires[field.type];
      plan.fields.set(field.id, { kind: "scalar", repeated: field.repeated, packedWire });
    }
  }
  return plan;
}

/** Scans fields up to `end`, or up to the end-group tag of field `group` when the message is a group. */
function scanMessage(c: Cursor, plan: Plan | undefined, end: number, group: number | undefined): void {
  if (++c.depth > c.limits.maxDepth) {
    throw problem(
      `message at byte ${c.pos} nests deeper than ${c.limits.maxDepth} levels (maxDepth) — raise maxDepth if such records are expected`,
    );
  }
  while (c.pos < end) {
    const at = c.pos;
    const tag = readVarint(c, end, "tag", 0);
    const id = Math.floor(tag / 8);
    const wire = tag % 8;
    if (id === 0 || id > 0x1fffffff) throw problem(`field number ${id} at byte ${at} is out of range`);
    if (wire === 4) {
      if (group !== id) throw problem(`end-group tag for field ${id} at byte ${at} has no matching start`);
      c.depth--;
      return;
    }
    const field = plan?.fields.get(id);
    if (field !== undefined && (field.kind === "map" || field.repeated)) count(c, 1);
    switch (wire) {
      case 0:
        readVarint(c, end, "value", id);
        break;
      case 1:
        skip(c, end, 8, id);
        break;
      case 5:
        skip(c, end, 4, id);
        break;
      case 2: {
        const length = readVarint(c, end, "length", id);
        if (length > end - c.pos) {
          throw problem(`field ${id} at byte ${at} says ${length} bytes, but only ${end - c.pos} are left`);
        }
        const fieldEnd = c.pos + length;
        if (field?.kind === "message") scanMessage(c, field.plan, fieldEnd, undefined);
        else if (field?.kind === "map") scanMessage(c, field.entry, fieldEnd, undefined);
        else {
          if (field?.repeated === true && field.packedWire !== undefined)
            countPacked(c, fieldEnd, field.packedWire);
          c.pos = fieldEnd;
        }
        break;
      }
      case 3:
        scanMessage(c, field?.kind === "message" ? field.plan : undefined, end, id);
        break;
      default:
        throw problem(`field ${id} at byte ${at} has invalid wire type ${wire}`);
    }
  }
  if (group !== undefined) throw problem(`group of field ${group} has no end-group tag`);
  c.depth--;
}

/** Counts the elements of a packed repeated field (one per varint, or per 8 or 4 bytes). The first was counted with the tag. */
function countPacked(c: Cursor, end: number, wire: number): void {
  let elements = 0;
  if (wire === 1) elements = Math.ceil((end - c.pos) / 8);
  else if (wire === 5) elements = Math.ceil((end - c.pos) / 4);
  else for (let i = c.pos; i < end; i++) if (c.buf[i]! < 0x80) elements++;
  if (elements > 1) count(c, elements - 1);
}

function count(c: Cursor, items: number): void {
  c.items += items;
  if (c.items > c.limits.maxItems) {
    throw problem(
      `payload holds more than ${c.limits.maxItems} repeated items and map entries (maxItems) — raise maxItems if such records are expected`,
    );
  }
}

/** Reads a varint; `what` and `field` (0 for a tag) only name it in errors, so callers pass constants. */
function readVarint(c: Cursor, end: number, what: string, field: number): number {
  const start = c.pos;
  if (start < end && c.buf[start]! < 0x80) {
    c.pos = start + 1;
    return c.buf[start]!;
  }
  let n = 0;
  let scale = 1;
  let b: number;
  do {
    if (c.pos >= end)
      throw problem(`${label(what, field)} at byte ${start} runs past the end of its message`);
    if (c.pos - start === 10)
      throw problem(`${label(what, field)} at byte ${start} is a varint longer than 10 bytes`);
    b = c.buf[c.pos++]!;
    n += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80);
  return n;
}

function skip(c: Cursor, end: number, size: number, field: number): void {
  if (c.pos + size > end)
    throw problem(`value of field ${field} at byte ${c.pos} runs past the end of its message`);
  c.pos += size;
}

function label(what: string, field: number): string {
  return field === 0 ? what : `${what} of field ${field}`;
}

function problem(detail: string): Error {
  return new Error(detail);
}
