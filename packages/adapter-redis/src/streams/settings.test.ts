import { describe, expect, it } from "vitest";
import { streamSettings } from "./settings.js";

describe("redis-stream:// settings", () => {
  it("takes this instance's consumer name, kept across restarts, when the URL gives one", () => {
    expect(streamSettings(new URL("redis-stream://h:1/s")).consumerName).toBeUndefined();
    expect(streamSettings(new URL("redis-stream://h:1/s?consumerName=scorer-0")).consumerName).toBe(
      "scorer-0",
    );
    expect(() => streamSettings(new URL("redis-stream://h:1/s?consumerName=a%20b"))).toThrow(
      /consumerName "a b" must be/,
    );
  });
});
