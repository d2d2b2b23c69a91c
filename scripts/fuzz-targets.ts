/**
 * The codecs the fuzzer attacks, each with valid records to mutate, a way to
 * build deep nesting in its format, and a check that a payload it accepted
 * decoded to a valid value.
 */
import avsc from "avsc";
import protobufjs from "protobufjs";
import type { Codec } from "@switchyard/core";
import { MemorySchemaRegistry, avro, json, protobuf, raw } from "@switchyard/core";
import type { CaseSource, Rng } from "./fuzz-cases.js";

/** A codec under fuzzing. */
export interface FuzzTarget extends CaseSource {
  readonly name: string;
  readonly codec: Codec<unknown>;
  /** What is wrong with a decoded value, or undefined when the codec's schema allows it (for raw: the same bytes). */
  problem(value: unknown, bytes: Uint8Array): string | undefined;
}

const LINE = {
  type: "record",
  name: "Line",
  fields: [
    { name: "sku", type: "string" },
    { name: "qty", type: "int" },
    { name: "marks", type: { type: "array", items: "null" } },
  ],
};
const EVENT = {
  type: "record",
  name: "Event",
  fields: [
    { name: "id", type: "string" },
    { name: "amount", type: "double" },
    { name: "count", type: "long" },
    { name: "ok", type: "boolean" },
    { name: "kind", type: { type: "enum", name: "Kind", symbols: ["A", "B", "C"] } },
    { name: "hash", type: { type: "fixed", name: "Hash", size: 4 } },
    { name: "note", type: ["null", "string"] },
    { name: "tags", type: { type: "map", values: "string" } },
    { name: "lines", type: { type: "array", items: LINE } },
    { name: "next", type: ["null", "Event"] },
  ],
};
/** The reader schema of the registry target: one field more, with a default, so records go through a resolver. */
const EVENT_READER = {
  ...EVENT,
  fields: [...EVENT.fields, { name: "region", type: "string", default: "eu" }],
};

const PROTO = protobufjs.parse(`
  syntax = "proto3";
  enum Kind { A = 0; B = 1; }
  message Line { string sku = 1; int32 qty = 2; repeated sint64 marks = 3; }
  message Event {
    string id = 1; double amount = 2; int64 count = 3; bool ok = 4; repeated Line lines = 5;
    map<string, string> tags = 6; Event next = 7; repeated int32 packed = 8; bytes blob = 9; Kind kind = 10;
  }
`).root;
const PROTO_EVENT = PROTO.lookupType("Event");

function event(rng: Rng, depth = 0): Record<string, unknown> {
  return {
    id: `ev-${rng.int(1e6)}`,
    amount: rng.next() * 1000,
    count: rng.int(1e9) - 5e8,
    ok: rng.next() < 0.5,
    kind: rng.pick(["A", "B", "C"]),
    hash: Buffer.from(rng.bytes(4)),
    note: rng.next() < 0.5 ? null : "é ✓ note",
    tags: Object.fromEntries(Array.from({ length: rng.int(4) }, (_, i) => [`k${i}`, `v${rng.int(100)}`])),
    lines: Array.from({ length: rng.int(5) }, () => ({
      sku: `s${rng.int(50)}`,
      qty: rng.int(10),
      marks: Array.from({ length: rng.int(3) }, () => null),
    })),
    next: depth < 2 && rng.next() < 0.3 ? event(rng, depth + 1) : null,
  };
}

function protoEvent(rng: Rng, depth = 0): Record<string, unknown> {
  return {
    id: `ev-${rng.int(1e6)}`,
    amount: rng.next() * 1000,
    count: rng.int(1e9),
    ok: rng.next() < 0.5,
    lines: Array.from({ length: rng.int(5) }, () => ({
      sku: `s${rng.int(50)}`,
      qty: rng.int(10),
      marks: [rng.int(100) - 50],
    })),
    tags: Object.fromEntries(Array.from({ length: rng.int(4) }, (_, i) => [`k${i}`, `v${rng.int(100)}`])),
    ...(depth < 2 && rng.next() < 0.3 ? { next: protoEvent(rng, depth + 1) } : {}),
    packed: Array.from({ length: rng.int(20) }, () => rng.int(1e6)),
    blob: rng.bytes(rng.int(16)),
    kind: rng.int(2),
  };
}

/**
 * The decoded Event with every integer `kind` replaced by a known one: proto3
 * enums are open, so a number the enum does not name is a valid value that
 * protobufjs keeps, but its `verify` refuses it.
 */
function knownKinds(value: unknown): Record<string, unknown> {
  const event = { ...(value as Record<string, unknown>) };
  if (Number.isInteger(event.kind)) event.kind = 0;
  if (event.next !== undefined && event.next !== null) event.next = knownKinds(event.next);
  return event;
}

/** Avro bytes of `depth` Events each holding the next: every level is a minimal Event whose `next` picks the Event branch. */
function deepAvro(depth: number): Uint8Array {
  // id "", amount 0.0, count 0, ok false, kind A, hash 4 bytes, note null, no tags, no lines, then next = branch 1.
  const level = [0x00, ...new Array<number>(8).fill(0), 0x00, 0x00, 0x00, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x02];
  const out = new Uint8Array(level.length * depth);
  for (let i = 0; i < depth; i++) out.set(level, i * level.length);
  return out;
}

/** Protobuf bytes nesting `depth` levels: Events in `next` (length-delimited), or groups of an unknown field, closed or not. */
function deepProtobuf(depth: number, rng: Rng): Uint8Array {
  if (rng.next() < 0.5) {
    const open = new Uint8Array(depth).fill(0x7b); // field 15, start group
    return rng.next() < 0.5 ? open : concat(open, new Uint8Array(depth).fill(0x7c));
  }
  // Sizes from the innermost level out, then written from the outermost in: no quadratic copying.
  const sizes = [0];
  for (let i = 1; i < depth; i++) sizes.push(1 + varint(sizes[i - 1]!).length + sizes[i - 1]!);
  const out: number[] = [];
  for (let i = depth - 1; i > 0; i--) out.push(0x3a, ...varint(sizes[i - 1]!)); // field 7, length-delimited
  return Uint8Array.from(out);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return out;
}

const encoder = new TextEncoder();

/** The targets, with `records` valid records each from `rng`. */
export async function fuzzTargets(rng: Rng, records = 50): Promise<FuzzTarget[]> {
  const writerType = avsc.Type.forSchema(EVENT as never);
  const readerType = avsc.Type.forSchema(EVENT_READER as never);
  const events = Array.from({ length: records }, () => event(rng));
  const registry = new MemorySchemaRegistry();
  const producer = avro<unknown>(EVENT, { registry, subject: "events-value" });
  await producer.prepare!([]);
  const framed = events.map((e) => producer.encode(e));
  const consumer = avro<unknown>(EVENT, { registry, readerSchema: EVENT_READER });
  const header = framed[0]!.subarray(0, 5);
  const framedDeep = (depth: number) => concat(header, deepAvro(depth));
  const protoRecords = Array.from({ length: records }, () => PROTO_EVENT.encode(protoEvent(rng)).finish());
  const jsonRecords = Array.from({ length: records }, () =>
    encoder.encode(JSON.stringify({ ...protoEvent(rng), blob: "" })),
  );
  const any = () => undefined;
  const avroProblem = (type: avsc.Type) => (value: unknown) => {
    let path: string | undefined;
    type.isValid(value, { errorHook: (p: string[]) => (path ??= p.join(".")) });
    return path === undefined ? undefined : `field "${path}" does not match the schema`;
  };
  return [
    {
      name: "json",
      codec: json(),
      records: jsonRecords,
      mutate: [0, undefined],
      deep: (depth, r) => {
        const open = r.next() < 0.5 ? "[" : '{"a":';
        const close = r.next() < 0.5 ? "" : (open === "[" ? "]" : "}").repeat(depth);
        return encoder.encode(`${open.repeat(depth)}1${close}`);
      },
      problem: any,
    },
    {
      name: "raw",
      codec: raw(),
      records: Array.from({ length: records }, () => rng.bytes(1 + rng.int(200))),
      mutate: [0, undefined],
      deep: (depth) => new Uint8Array(depth).fill(0x5b),
      problem: (value, bytes) => (value === bytes ? undefined : "raw returned other bytes"),
    },
    {
      name: "avro",
      codec: avro<unknown>(EVENT),
      records: events.map((e) => writerType.toBuffer(e)),
      mutate: [0, undefined],
      deep: deepAvro,
      problem: avroProblem(writerType),
    },
    {
      name: "avro with registry",
      codec: consumer,
      records: framed,
      mutate: [5, undefined],
      deep: framedDeep,
      problem: avroProblem(readerType),
    },
    {
      name: "wire format",
      codec: consumer,
      records: framed,
      mutate: [0, 5],
      deep: framedDeep,
      problem: avroProblem(readerType),
    },
    {
      name: "protobuf",
      codec: protobuf<unknown>(PROTO_EVENT),
      records: protoRecords,
      mutate: [0, undefined],
      deep: deepProtobuf,
      problem: (value) => PROTO_EVENT.verify(knownKinds(value)) ?? undefined,
    },
  ];
}
