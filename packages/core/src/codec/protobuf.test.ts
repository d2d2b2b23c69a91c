import protobufjs from "protobufjs";
import { describe, expect, it } from "vitest";
import { protobuf } from "./protobuf.js";

const root = protobufjs.parse(`
  syntax = "proto3";
  package shop;
  message Line { string sku = 1; int32 qty = 2; }
  message Order { string id = 1; double total = 2; repeated Line lines = 3; bool paid = 4; }
`).root;
const Order = root.lookupType("shop.Order");

interface OrderValue {
  id: string;
  total: number;
  lines: { sku: string; qty: number }[];
  paid?: boolean;
}

describe("protobuf()", () => {
  it("round-trips messages, one after another through the same codec", () => {
    const codec = protobuf<OrderValue>(Order);
    const a = { id: "o-1", total: 9.5, lines: [{ sku: "x", qty: 2 }], paid: true };
    const b = { id: "o-2", total: 1, lines: [] };
    const bytesA = codec.encode(a);
    const bytesB = codec.encode(b);
    // Exactly the bytes protobufjs writes for each message alone: nothing carried over in the reused writer.
    expect(Buffer.from(bytesA).equals(Buffer.from(Order.encode(a).finish()))).toBe(true);
    expect(Buffer.from(bytesB).equals(Buffer.from(Order.encode(b).finish()))).toBe(true);
    expect(codec.decode(bytesA)).toMatchObject(a);
    expect(codec.decode(bytesB)).toMatchObject({ id: "o-2", total: 1 });
    expect(codec.contentType).toBe("application/x-protobuf");
  });

  it("refuses a value that does not match the message, naming the field", () => {
    const codec = protobuf<unknown>(Order);
    expect(() => codec.encode({ id: "o-1", lines: [{ sku: "x", qty: "two" }] })).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringMatching(
          /^protobuf: value does not match message shop\.Order: lines\.qty: integer expected/,
        ),
      }),
    );
  });

  it("refuses bytes that are not a message", () => {
    const codec = protobuf<OrderValue>(Order);
    expect(() => codec.decode(new Uint8Array([0x0a, 0x10, 0x41]))).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining("payload of 3 bytes is not a valid shop.Order"),
      }),
    );
  });

  it("returns plain objects with defaults when asked, so spreading keeps every field", () => {
    const codec = protobuf<OrderValue>(Order, { toObject: { defaults: true } });
    const decoded = codec.decode(codec.encode({ id: "o-3", total: 0, lines: [] }));
    expect({ ...decoded }).toEqual({ id: "o-3", total: 0, lines: [], paid: false });
  });
});
