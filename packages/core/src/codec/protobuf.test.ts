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

  describe("limits on hostile payloads", () => {
    const tree = protobufjs
      .parse(
        `
      syntax = "proto3";
      message Node { Node next = 1; repeated int32 xs = 2; map<string, Node> children = 3; }
    `,
      )
      .root.lookupType("Node");

    /** `levels` messages, each the `next` of the one before. */
    function nested(levels: number): Uint8Array {
      let bytes = new Uint8Array(0);
      for (let i = 1; i < levels; i++) bytes = Uint8Array.from([0x0a, ...varint(bytes.length), ...bytes]);
      return bytes;
    }

    it("refuses nesting deeper than maxDepth (default 101, protobufjs's own limit)", () => {
      expect(protobuf<{ next?: unknown }>(tree).decode(nested(101)).next).toBeDefined();
      expect(() => protobuf(tree).decode(nested(150))).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("nesting depth"),
        }),
      );
      expect(() => protobuf(tree, { maxDepth: 20 }).decode(nested(21))).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("nests deeper than 20 levels (maxDepth)"),
        }),
      );
      expect(protobuf<{ next?: unknown }>(tree, { maxDepth: 20 }).decode(nested(20)).next).toBeDefined();
      expect(() => protobuf(tree, { maxDepth: 102 })).toThrow(/more than protobufjs decodes/);
    });

    it("refuses more repeated items and map entries than maxItems, packed or not", () => {
      const codec = protobuf<{ xs: number[] }>(tree, { maxItems: 100 });
      const packed = tree.encode({ xs: Array.from({ length: 101 }, (_, i) => i) }).finish();
      expect(() => codec.decode(packed)).toThrow(/more than 100 repeated items and map entries \(maxItems\)/);
      const unpacked = Uint8Array.from(Array.from({ length: 101 }, () => [0x10, 0x01]).flat());
      expect(() => codec.decode(unpacked)).toThrow(/maxItems/);
      const entries = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, {}]));
      expect(() => codec.decode(tree.encode({ children: entries }).finish())).toThrow(/maxItems/);
      const fewer = tree.encode({ xs: Array.from({ length: 100 }, (_, i) => i) }).finish();
      expect(codec.decode(fewer).xs).toHaveLength(100);
    });

    it("refuses a length prefix longer than the bytes left", () => {
      const huge = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, ...new Uint8Array(300)]);
      expect(() => protobuf(tree).decode(huge)).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("not a valid Node"),
        }),
      );
      // A payload longer than maxItems is scanned, and the scan names the length.
      expect(() => protobuf(tree, { maxItems: 100 }).decode(huge)).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("2147483647 bytes"),
        }),
      );
    });
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
