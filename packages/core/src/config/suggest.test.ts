import { describe, expect, it } from "vitest";
import { closestMatch, didYouMean, editDistance } from "./suggest.js";

describe("closestMatch", () => {
  it("counts swaps, insertions, deletions and substitutions as one edit each", () => {
    expect(editDistance("memroy", "memory")).toBe(1);
    expect(editDistance("kafk", "kafka")).toBe(1);
    expect(editDistance("profil", "profile")).toBe(1);
    expect(editDistance("redis", "kinesis")).toBe(4);
  });

  it("suggests the nearest candidate only when it is close", () => {
    expect(closestMatch("memroy", ["kafka", "memory", "file"])).toBe("memory");
    expect(closestMatch("drain-timout", ["startup-timeout", "drain-timeout"])).toBe("drain-timeout");
    expect(closestMatch("nats", ["kafka", "memory"])).toBeUndefined();
    expect(closestMatch("PROD", ["prod", "local"])).toBe("prod");
  });

  it("writes the question for a message, or nothing", () => {
    expect(didYouMean("lcoal", ["local", "kafka"])).toBe('did you mean "local"? ');
    expect(didYouMean("zzz", ["local"])).toBe("");
  });
});
