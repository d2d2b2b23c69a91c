import { describe, expect, it } from "vitest";
import { MemorySchemaRegistry } from "./schema-registry.js";

describe("MemorySchemaRegistry", () => {
  it("gives one global id per schema, whatever the subject or whitespace", async () => {
    const registry = new MemorySchemaRegistry();
    const a = await registry.register("a-value", '{"type": "string"}');
    const b = await registry.register("b-value", '{"type":"string"}');
    const c = await registry.register("a-value", '{"type":"long"}');
    expect([a, b, c]).toEqual([1, 1, 2]);
    expect(registry.versions("a-value")).toEqual([1, 2]);
    expect(await registry.getById(2)).toBe('{"type":"long"}');
  });

  it("refuses unknown ids and bad arguments with portable codes", async () => {
    const registry = new MemorySchemaRegistry();
    await expect(registry.getById(5)).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringContaining("id 5"),
    });
    await expect(registry.getById(-1)).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(registry.register("", '"string"')).rejects.toMatchObject({ code: "InvalidArgument" });
  });
});
