import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey } from "./murmur2.js";

describe("murmur2", () => {
  it("matches the hashes Kafka's partitioner computes", () => {
    // Reference values published with Kafka's own tests of its murmur2.
    expect(murmur2("21")).toBe(-973932308);
    expect(murmur2("foobar")).toBe(-790332482);
    expect(murmur2("a-little-bit-long-string")).toBe(-985981536);
    expect(murmur2("a-little-bit-longer-string")).toBe(-1486304829);
    expect(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")).toBe(-58897971);
    expect(murmur2("abc")).toBe(479470107);
    expect(murmur2("kafka")).toBe(-798503068);
  });

  it("hashes the UTF-8 bytes of non-ASCII keys", () => {
    // Computed with an independent implementation of the same hash over the UTF-8 bytes.
    expect(murmur2("carte-é")).toBe(-1483593342);
    expect(murmur2("ключ")).toBe(2122343024);
    expect(murmur2("🚀")).toBe(761778625);
  });

  it("maps keys to a stable partition in range", () => {
    for (const key of ["a", "card-1", "card-2", "x".repeat(500)]) {
      const p = partitionForKey(key, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
      expect(partitionForKey(key, 7)).toBe(p);
    }
  });
});
