import avsc from "avsc";
import { describe, expect, it } from "vitest";
import { avro } from "./avro.js";

const LineSchema = {
  type: "record",
  name: "Line",
  fields: [
    { name: "sku", type: "string" },
    { name: "qty", type: "int" },
  ],
};
const TxV1 = {
  type: "record",
  name: "Transaction",
  namespace: "shop",
  fields: [
    { name: "id", type: "string" },
    { name: "amount", type: "double" },
    { name: "note", type: ["null", "string"], default: null },
    { name: "lines", type: { type: "array", items: LineSchema } },
  ],
};
/** V1 with `note` removed and `currency` added with a default. */
const TxV2 = {
  ...TxV1,
  fields: [
    ...TxV1.fields.filter((f) => f.name !== "note"),
    { name: "currency", type: "string", default: "EUR" },
  ],
};

interface TxV1Value {
  id: string;
  amount: number;
  note: string | null;
  lines: { sku: string; qty: number }[];
}

const tx: TxV1Value = { id: "tx-1", amount: 12.5, note: "gift", lines: [{ sku: "a", qty: 2 }] };

describe("avro()", () => {
  it("round-trips records in plain Avro binary, the same bytes avsc writes", () => {
    const codec = avro<TxV1Value>(TxV1);
    const bytes = codec.encode(tx);
    expect(Buffer.from(bytes).equals(avsc.Type.forSchema(TxV1 as never).toBuffer(tx))).toBe(true);
    expect(codec.decode(bytes)).toEqual(tx);
    expect(codec.contentType).toBe("application/avro");
  });

  it("returns independent bytes for each record, including records larger than its buffer", () => {
    const codec = avro<TxV1Value>(JSON.stringify(TxV1));
    const big = { ...tx, note: "x".repeat(100_000) };
    const first = codec.encode(tx);
    const second = codec.encode(big);
    const third = codec.encode({ ...tx, id: "tx-3" });
    expect(codec.decode(first)).toEqual(tx);
    expect(codec.decode(second)).toEqual(big);
    expect(codec.decode(third).id).toBe("tx-3");
  });

  it("decodes plain Uint8Array views, not only Buffers", () => {
    const codec = avro<TxV1Value>(TxV1);
    const bytes = codec.encode(tx);
    const framed = new Uint8Array(bytes.length + 3);
    framed.set(bytes, 3);
    expect(codec.decode(framed.subarray(3))).toEqual(tx);
  });

  describe("schema evolution", () => {
    it("fills in a field the reader added with a default and skips one it removed", () => {
      const producer = avro<TxV1Value>(TxV1);
      const consumer = avro<Record<string, unknown>>(TxV1, { readerSchema: TxV2 });
      const decoded = consumer.decode(producer.encode(tx));
      expect(decoded).toEqual({ id: "tx-1", amount: 12.5, lines: [{ sku: "a", qty: 2 }], currency: "EUR" });
    });

    it("reads newer data with an older reader, dropping the field it does not know", () => {
      const producer = avro<Record<string, unknown>>(TxV2);
      const consumer = avro<TxV1Value>(TxV2, { readerSchema: TxV1 });
      const bytes = producer.encode({ id: "tx-2", amount: 1, lines: [], currency: "USD" });
      expect(consumer.decode(bytes)).toEqual({ id: "tx-2", amount: 1, note: null, lines: [] });
    });

    it("refuses at construction a reader that needs a field the writer lacks and has no default", () => {
      const reader = { ...TxV1, fields: [...TxV1.fields, { name: "merchant", type: "string" }] };
      expect(() => avro(TxV1, { readerSchema: reader })).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("cannot be read"),
        }),
      );
    });
  });

  describe("bad bytes", () => {
    const codec = avro<TxV1Value>(TxV1);
    const bytes = codec.encode(tx);

    it("refuses a truncated payload", () => {
      expect(() => codec.decode(bytes.subarray(0, bytes.length - 2))).toThrow(
        expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("truncated") }),
      );
    });

    it("refuses trailing bytes after the record", () => {
      const longer = new Uint8Array([...bytes, 0, 0]);
      expect(() => codec.decode(longer)).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("2 trailing bytes"),
        }),
      );
    });

    it("refuses bytes that are not this schema", () => {
      // id "A", amount 8 bytes, then union branch 40 which does not exist.
      const invalid = new Uint8Array([2, 0x41, 0, 0, 0, 0, 0, 0, 0, 0, 80, 0]);
      expect(() => codec.decode(invalid)).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("not valid Avro"),
        }),
      );
    });
  });

  describe("validation on encode", () => {
    const codec = avro<unknown>(TxV1);

    it("names the path of a field of the wrong type", () => {
      expect(() =>
        codec.encode({
          ...tx,
          lines: [
            { sku: "a", qty: 1 },
            { sku: "b", qty: "2" },
          ],
        }),
      ).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message:
            'avro: value does not match schema shop.Transaction: field "lines.1.qty" is a string, expected int',
        }),
      );
    });

    it("names a missing field", () => {
      const { amount: _, ...missing } = tx;
      expect(() => codec.encode(missing)).toThrow(
        expect.objectContaining({
          message: expect.stringContaining('field "amount" is missing (expected double)'),
        }),
      );
    });

    it("refuses a value that is not a record at all", () => {
      expect(() => codec.encode(null)).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("value is a null"),
        }),
      );
    });
  });

  it("refuses a schema that is not Avro, and a subject without a registry", () => {
    expect(() => avro({ type: "record", name: "X", fields: [{ name: "a", type: "nope" }] })).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining("schema is not a valid Avro schema"),
      }),
    );
    expect(() => avro("{ not json")).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(() => avro(TxV1, { subject: "tx-value" })).toThrow(
      expect.objectContaining({ message: expect.stringContaining("needs a registry") }),
    );
  });
});
