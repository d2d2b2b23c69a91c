/**
 * Decoding through our codecs against the libraries they wrap, on the same
 * bytes: what the checks that keep hostile payloads from allocating without
 * bound cost on the hot path.
 *
 *   npm run bench -- codec-decode [--ops 1000000] [--runs 7]
 *
 * The headline is `avro()` against avsc's `Type.fromBuffer` on a flat
 * 10-field record (no arrays or maps, so no scan runs). `extra` holds the
 * same pair for a record with an array and a map (scanned before decoding),
 * `json()` against `JSON.parse` of the `TextDecoder`-decoded text on a
 * 437-byte event, and `protobuf()` against protobufjs `Type.decode` on a
 * 269-byte message (with default limits protobuf is not scanned: protobufjs's
 * own checks bound it). Each side decodes 1,000 distinct payloads round-robin.
 * One encode pair rides along in `extra`: `json().encode` against
 * `TextEncoder.encode(JSON.stringify(v))` on the same 437-byte events, the
 * way the codec encoded before it used `Buffer.from`.
 */
import { parseArgs } from "node:util";
import avsc from "avsc";
import protobufjs from "protobufjs";
import { avro, json, protobuf } from "@switchyard/core";
import type { BenchResult } from "./report.js";
import { interleaved } from "./report.js";

const FLAT = {
  type: "record",
  name: "Transaction",
  fields: [
    { name: "id", type: "string" },
    { name: "card", type: "string" },
    { name: "merchant", type: "string" },
    { name: "amount", type: "double" },
    { name: "currency", type: "string" },
    { name: "ts", type: "long" },
    { name: "country", type: "string" },
    { name: "mcc", type: "int" },
    { name: "online", type: "boolean" },
    { name: "note", type: ["null", "string"] },
  ],
};

const NESTED = {
  type: "record",
  name: "Order",
  fields: [
    { name: "id", type: "string" },
    { name: "total", type: "double" },
    {
      name: "lines",
      type: {
        type: "array",
        items: {
          type: "record",
          name: "Line",
          fields: [
            { name: "sku", type: "string" },
            { name: "qty", type: "int" },
          ],
        },
      },
    },
    { name: "tags", type: { type: "map", values: "string" } },
  ],
};

const PROTO = protobufjs
  .parse(
    `syntax = "proto3";
     message Line { string sku = 1; int32 qty = 2; }
     message Order { string id = 1; double total = 2; repeated Line lines = 3; map<string, string> tags = 4; }`,
  )
  .root.lookupType("Order");

function transaction(i: number) {
  return {
    id: `tx-${i}`,
    card: `card-${i % 997}`,
    merchant: `m-${i % 101}`,
    amount: (i % 5000) / 7,
    currency: "EUR",
    ts: 1_700_000_000_000 + i,
    country: "FR",
    mcc: 5411,
    online: i % 2 === 0,
    note: i % 3 === 0 ? null : "gift",
  };
}

function order(i: number) {
  return {
    id: `order-${i}`,
    total: i / 3,
    lines: Array.from({ length: 8 }, (_, j) => ({ sku: `sku-${(i + j) % 50}`, qty: j + 1 })),
    tags: { channel: "web", region: `r${i % 9}` },
  };
}

/** Runs `work` on `ops` inputs round-robin (payloads to decode, values to encode) and returns calls per second. */
function rate<I>(ops: number, inputs: readonly I[], work: (input: I) => unknown): number {
  let sink = 0;
  const began = performance.now();
  for (let i = 0; i < ops; i++) if (work(inputs[i % inputs.length]!) !== undefined) sink++;
  const seconds = (performance.now() - began) / 1000;
  if (sink !== ops) throw new Error("a call returned nothing");
  return ops / seconds;
}

export default async function codecDecode(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: { ops: { type: "string", default: "1000000" }, runs: { type: "string", default: "7" } },
  });
  const ops = Number(values.ops);
  const runs = Number(values.runs);
  const ids = Array.from({ length: 1000 }, (_, i) => i);

  const flatType = avsc.Type.forSchema(FLAT as never);
  const flat = ids.map((i) => flatType.toBuffer(transaction(i)));
  const flatCodec = avro(FLAT);
  const nestedType = avsc.Type.forSchema(NESTED as never);
  const nested = ids.map((i) => nestedType.toBuffer(order(i)));
  const nestedCodec = avro(NESTED);
  const jsonCodec = json();
  const text = new TextDecoder("utf-8", { fatal: true });
  const eventValues = ids.map((i) => ({ ...transaction(i), ...order(i) }));
  const events = eventValues.map((v) => jsonCodec.encode(v));
  const protoCodec = protobuf(PROTO);
  // Twenty lines rather than eight: a message a few hundred bytes long.
  const messages = ids.map((i) =>
    PROTO.encode({
      ...order(i),
      lines: [...order(i).lines, ...order(i + 1).lines, ...order(i + 2).lines.slice(4)],
    }).finish(),
  );
  console.error(
    `payload bytes: flat avro ${flat[1]!.length}, nested avro ${nested[1]!.length}, json ${events[1]!.length}, protobuf ${messages[1]!.length}`,
  );

  const pair = (
    ours: (b: Uint8Array) => unknown,
    theirs: (b: Uint8Array) => unknown,
    payloads: Uint8Array[],
  ) => [async () => rate(ops, payloads, ours), async () => rate(ops, payloads, theirs)] as const;

  const result = await interleaved(
    "codec-decode",
    "decodes/s",
    "avsc 5 Type.fromBuffer, flat 10-field record",
    runs,
    ...pair(
      (b) => flatCodec.decode(b),
      (b) => flatType.fromBuffer(b as Buffer),
      flat,
    ),
  );
  const extra: Record<string, number> = {};
  const more: [string, ReturnType<typeof pair>][] = [
    [
      "avro nested",
      pair(
        (b) => nestedCodec.decode(b),
        (b) => nestedType.fromBuffer(b as Buffer),
        nested,
      ),
    ],
    [
      "json",
      pair(
        (b) => jsonCodec.decode(b),
        (b) => JSON.parse(text.decode(b)) as unknown,
        events,
      ),
    ],
    [
      "protobuf",
      pair(
        (b) => protoCodec.decode(b),
        (b) => PROTO.decode(b),
        messages,
      ),
    ],
  ];
  for (const [name, [ours, theirs]] of more) {
    const r = await interleaved(name, "decodes/s", "library", runs, ours, theirs);
    extra[`${name}: ours`] = r.ours;
    extra[`${name}: library`] = r.baseline;
    extra[`${name}: ratio`] = r.ratio;
  }
  const utf8 = new TextEncoder();
  const encode = await interleaved(
    "json encode",
    "encodes/s",
    "TextEncoder.encode(JSON.stringify(v))",
    runs,
    async () => rate(ops, eventValues, (v) => jsonCodec.encode(v)),
    async () => rate(ops, eventValues, (v) => utf8.encode(JSON.stringify(v))),
  );
  extra["json encode: ours"] = encode.ours;
  extra["json encode: TextEncoder"] = encode.baseline;
  extra["json encode: ratio"] = encode.ratio;
  return { ...result, extra };
}
