import { describe, expect, it } from "vitest";
import { parseOffset, sequenceAfter } from "./shard-reader.js";

describe("Kinesis shard positions", () => {
  it("orders sequence numbers as numbers, not as text, when their lengths differ", () => {
    expect(sequenceAfter("10", "9")).toBe(true);
    expect(sequenceAfter("9", "10")).toBe(false);
    const a = "49590338271490256608559692538361571095921575989136588898";
    const b = "49590338271490256608559692540925702759324208523137515618";
    expect(sequenceAfter(b, a)).toBe(true);
    expect(sequenceAfter(a, b)).toBe(false);
    expect(sequenceAfter(a, a)).toBe(false);
  });

  it("reads an offset of a plain record and of a sub-record of an aggregate", () => {
    expect(parseOffset("123")).toEqual({ sequence: "123", sub: 0 });
    expect(parseOffset("123:4")).toEqual({ sequence: "123", sub: 4 });
  });
});
