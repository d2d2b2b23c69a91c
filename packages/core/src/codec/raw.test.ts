import { describe, expect, it } from "vitest";
import { raw } from "./raw.js";

describe("raw()", () => {
  it("passes bytes through unchanged", () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const codec = raw();
    expect(codec.encode(bytes)).toBe(bytes);
    expect(codec.decode(bytes)).toBe(bytes);
    expect(codec.contentType).toBe("application/octet-stream");
  });

  it("refuses a value that is not bytes", () => {
    expect(() => raw().encode("text" as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("got string") }),
    );
  });
});
