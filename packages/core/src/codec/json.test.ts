import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../errors.js";
import { json } from "./json.js";

const codec = json<{ id: string; amount: number; tags: string[] }>();

describe("json()", () => {
  it("round-trips a value through UTF-8 JSON", () => {
    const value = { id: "tx-1 é ✓", amount: 12.5, tags: ["a", "b"] };
    const bytes = codec.encode(value);
    expect(new TextDecoder().decode(bytes)).toBe('{"id":"tx-1 é ✓","amount":12.5,"tags":["a","b"]}');
    expect(codec.decode(bytes)).toEqual(value);
    expect(codec.contentType).toBe("application/json");
  });

  it("refuses bytes that are not JSON, saying so", () => {
    expect(() => codec.decode(new TextEncoder().encode('{"id": '))).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringMatching(/^json: payload is not valid JSON/),
      }),
    );
    expect(() => codec.decode(new Uint8Array())).toThrow(SwitchyardError);
  });

  it("refuses bytes that are not UTF-8 instead of replacing them", () => {
    expect(() => codec.decode(new Uint8Array([0x22, 0xff, 0xfe, 0x22]))).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining("not valid UTF-8"),
      }),
    );
  });

  it("refuses values JSON cannot hold", () => {
    const any = json<unknown>();
    expect(() => any.encode(undefined)).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining("undefined has no JSON form"),
      }),
    );
    expect(() => any.encode({ n: 1n })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => any.encode(loop)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });

  describe("limits on hostile payloads", () => {
    const text = (s: string) => new TextEncoder().encode(s);

    it("refuses nesting deeper than maxDepth (default 100), before parsing", () => {
      const deep = text("[".repeat(100_000) + "]".repeat(100_000));
      expect(() => codec.decode(deep)).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("deeper than 100 levels (maxDepth)"),
        }),
      );
      expect(json({ maxDepth: 3 }).decode(text('{"a":[{"b":1}]}'))).toEqual({ a: [{ b: 1 }] });
      expect(() => json({ maxDepth: 2 }).decode(text('{"a":[{"b":1}]}'))).toThrow(/maxDepth/);
    });

    it("does not count brackets inside strings", () => {
      const value = { note: "[{".repeat(500) + '\\"]' };
      expect(json().decode(text(JSON.stringify(value)))).toEqual(value);
    });

    it("refuses more array elements and object members than maxItems", () => {
      const many = text(JSON.stringify({ xs: Array.from({ length: 200 }, () => 0) }));
      expect(json({ maxItems: 201 }).decode(many)).toEqual({ xs: Array.from({ length: 200 }, () => 0) });
      expect(() => json({ maxItems: 200 }).decode(many)).toThrow(
        expect.objectContaining({
          code: "InvalidArgument",
          message: expect.stringContaining("more than 200 array elements and object members (maxItems)"),
        }),
      );
      expect(json({ maxItems: 1 }).decode(text("[ ]"))).toEqual([]);
    });

    it("refuses limits that are not positive integers", () => {
      expect(() => json({ maxDepth: 0 })).toThrow(/json: maxDepth must be a positive integer, got 0/);
    });
  });
});
