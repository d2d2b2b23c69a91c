import { describe, expect, it } from "vitest";
import type { CardState } from "./card-state.js";
import { cardStateCodec } from "./card-state-codec.js";

const seen: CardState = {
  bucket: 2_950_123,
  count: 3,
  amountCents: 12_345,
  previousCount: 1,
  previousAmountCents: 999,
  profile: {
    lastTs: 1_770_000_000_123,
    n: 17,
    mean: 3.141592653589793,
    m2: 0.1 + 0.2,
    present: { lat: 48.85661400000001, lon: -2.3522219, ts: 1_769_999_000_456 },
    home: { lat: 52.52000659999999, lon: 13.404954 },
  },
};

describe("cardStateCodec", () => {
  it("gives back every number exactly, with and without the optional locations", () => {
    const { present: _present, home: _home, ...bare } = seen.profile;
    const online: CardState = { ...seen, profile: bare };
    const homeOnly: CardState = { ...seen, profile: { ...bare, home: seen.profile.home! } };
    for (const state of [seen, online, homeOnly]) {
      expect(cardStateCodec.decode(cardStateCodec.encode(state))).toStrictEqual(state);
    }
  });

  it("reads a value from inside a larger buffer", () => {
    const bytes = cardStateCodec.encode(seen);
    const framed = new Uint8Array(bytes.length + 7);
    framed.set(bytes, 5);
    expect(cardStateCodec.decode(framed.subarray(5, 5 + bytes.length))).toStrictEqual(seen);
  });

  it("still reads card state stored as JSON", () => {
    const bytes = new TextEncoder().encode(JSON.stringify(seen));
    expect(cardStateCodec.decode(bytes)).toStrictEqual(seen);
  });

  it("refuses bytes it did not write, saying what it expected", () => {
    const truncated = cardStateCodec.encode(seen).subarray(0, 50);
    expect(() => cardStateCodec.decode(truncated)).toThrow(
      /expected 114 bytes starting with format 1, got 50/,
    );
    expect(() => cardStateCodec.decode(new TextEncoder().encode("{oops"))).toThrow(
      /JSON value that does not parse/,
    );
  });
});
