/**
 * KPL aggregated records for tests, encoded from the public format (magic,
 * protobuf AggregatedRecord, MD5) independently of the reader under test.
 */
import { createHash } from "node:crypto";
import { KPL_MAGIC } from "./kpl.js";

/** Protobuf encoding written out from the wire-format spec, independently of the reader under test. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, bytes: Uint8Array | number[]) => [
  ...tag(field, 2),
  ...varint(bytes.length),
  ...bytes,
];
const text = (s: string) => [...Buffer.from(s, "utf8")];

/** An AggregatedRecord as the KPL writes it: magic, protobuf, MD5 of the protobuf. */
export function aggregate(
  keys: string[],
  records: { key: number; data: string; hash?: number }[],
  hashKeys: string[] = [],
) {
  const body: number[] = [];
  for (const k of keys) body.push(...bytesField(1, text(k)));
  for (const h of hashKeys) body.push(...bytesField(2, text(h)));
  for (const r of records) {
    const inner = [...tag(1, 0), ...varint(r.key)];
    if (r.hash !== undefined) inner.push(...tag(2, 0), ...varint(r.hash));
    inner.push(...bytesField(3, text(r.data)));
    // A tag (field 4) the reader must skip over.
    inner.push(...bytesField(4, bytesField(1, text("t"))));
    body.push(...bytesField(3, inner));
  }
  const message = Buffer.from(body);
  return Buffer.concat([Buffer.from(KPL_MAGIC), message, createHash("md5").update(message).digest()]);
}
