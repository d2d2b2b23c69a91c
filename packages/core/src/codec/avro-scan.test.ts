import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../errors.js";
import { avro } from "./avro.js";
import { MemorySchemaRegistry } from "./schema-registry.js";

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const AVRO_MODULE = new URL("./avro.ts", import.meta.url).href;

/** The 5-byte record from the report: one array block whose count says 2^30 items, and nothing after it. */
const POISON = Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x08]);

const record = (fields: object[]) => ({ type: "record", name: "R", fields });
const arrayOf = (items: unknown) => record([{ name: "xs", type: { type: "array", items } }]);

/**
 * Decodes `bytes` with `avro(schema)` in a child Node process whose heap is
 * capped at `heapMb`, so that a decode which allocates without bound kills the
 * child (V8 aborts with "JavaScript heap out of memory") instead of the test run.
 */
function decodeInChild(
  schema: object,
  bytes: Uint8Array,
  heapMb: number,
): Promise<{ exit: number | null; stdout: string; stderr: string }> {
  const script = `
    import { avro } from ${JSON.stringify(AVRO_MODULE)};
    const codec = avro(${JSON.stringify(schema)});
    try {
      codec.decode(Uint8Array.from(${JSON.stringify([...bytes])}));
      console.log(JSON.stringify({ decoded: true }));
    } catch (err) {
      console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message }));
    }`;
  const args = [
    `--max-old-space-size=${heapMb}`,
    "--import",
    TSX_LOADER,
    "--input-type=module",
    "-e",
    script,
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (exit) => resolve({ exit, stdout, stderr })));
}

function decodeError(decode: () => unknown): SwitchyardError {
  try {
    decode();
  } catch (err) {
    if (err instanceof SwitchyardError) return err;
    throw err;
  }
  throw new Error("decode did not throw");
}

describe("avro() on hostile bytes", () => {
  it("refuses an array block count of 2^30 in a 5-byte record instead of exhausting the heap", async () => {
    const { exit, stdout, stderr } = await decodeInChild(arrayOf("int"), POISON, 64);
    expect(stderr).not.toContain("heap out of memory");
    expect(exit).toBe(0);
    const result = JSON.parse(stdout) as { code: string; message: string };
    expect(result.code).toBe("InvalidArgument");
    expect(result.message).toMatch(/array block at byte 0 says 1073741824 items, but the 0 bytes left/);
  }, 60_000);

  it("refuses the same count in process, through a registry too", async () => {
    expect(decodeError(() => avro(arrayOf("int")).decode(POISON)).code).toBe("InvalidArgument");
    const registry = new MemorySchemaRegistry();
    const codec = avro(arrayOf("int"), { registry, subject: "poison-value" });
    await codec.prepare!([]);
    const framed = Uint8Array.from([0, 0, 0, 0, 1, ...POISON]);
    await codec.prepare!([framed]);
    expect(decodeError(() => codec.decode(framed)).message).toContain("1073741824 items");
  });

  it("caps items that take no bytes (nulls) at maxItems", () => {
    // 2^20 nulls in one block: 4 bytes of count, then the block's terminating 0.
    const bytes = Uint8Array.from([0x80, 0x80, 0x80, 0x01, 0x00]);
    expect(avro<{ xs: null[] }>(arrayOf("null"), { maxItems: 2_000_000 }).decode(bytes).xs).toHaveLength(
      1 << 20,
    );
    const err = decodeError(() => avro(arrayOf("null"), { maxItems: 1000 }).decode(bytes));
    expect(err.code).toBe("InvalidArgument");
    expect(err.message).toContain("more than 1000 array items and map entries (maxItems)");
  });

  it("refuses map entries the bytes left cannot hold", () => {
    const schema = record([{ name: "m", type: { type: "map", values: "string" } }]);
    // 100 entries claimed, each needing at least a key length and a value length.
    const err = decodeError(() => avro(schema).decode(Uint8Array.from([0xc8, 0x01, 0x02, 0x61, 0x00])));
    expect(err.message).toContain("map block at byte 0 says 100 items, but the 3 bytes left hold at most 1");
  });

  it("refuses a string whose length is longer than the payload", () => {
    const schema = record([
      { name: "s", type: "string" },
      { name: "xs", type: { type: "array", items: "int" } },
    ]);
    const err = decodeError(() => avro(schema).decode(Uint8Array.from([0xfe, 0xff, 0xff, 0xff, 0x0f, 0x61])));
    expect(err.message).toContain("string at byte 0 says 2147483647 bytes, but only 1 are left");
  });

  it("refuses an int past 32 bits, which avsc would return as it is", () => {
    const bytes = Uint8Array.from([0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00]);
    expect(decodeError(() => avro(arrayOf("int")).decode(bytes)).message).toMatch(
      /int at byte 1 is -?\d+, outside the 32-bit range/,
    );
  });

  it("bounds the nesting of a recursive schema at maxDepth", () => {
    const list = {
      type: "record",
      name: "Node",
      fields: [{ name: "next", type: ["null", "Node"] }],
    };
    // Each 0x02 picks the "Node" branch: 5,000 levels of nesting in 5,000 bytes.
    const deep = new Uint8Array(5001).fill(0x02);
    deep[5000] = 0x00;
    const err = decodeError(() => avro(list).decode(deep));
    expect(err.code).toBe("InvalidArgument");
    expect(err.message).toContain("nests deeper than 100 levels (maxDepth)");
    const shallow = Uint8Array.from([0x02, 0x02, 0x00]);
    expect(avro(list, { maxDepth: 3 }).decode(shallow)).toEqual({ next: { next: { next: null } } });
    expect(decodeError(() => avro(list, { maxDepth: 2 }).decode(shallow)).message).toContain("maxDepth");
  });

  it("still decodes valid records with arrays, maps and negative block counts", () => {
    const schema = record([
      { name: "xs", type: { type: "array", items: "long" } },
      { name: "m", type: { type: "map", values: "int" } },
    ]);
    const codec = avro<{ xs: number[]; m: Record<string, number> }>(schema);
    const value = { xs: [1, -2, 3_000_000_000], m: { a: 1, b: 2 } };
    expect(codec.decode(codec.encode(value))).toEqual(value);
    // One block written as count -2 with its size in bytes (2), as some writers do.
    expect(codec.decode(Uint8Array.from([0x03, 0x04, 0x02, 0x04, 0x00, 0x00]))).toEqual({
      xs: [1, 2],
      m: {},
    });
  });

  it("refuses limits that are not positive integers, naming the option", () => {
    expect(() => avro(arrayOf("int"), { maxItems: 0 })).toThrow(/avro: maxItems must be a positive integer/);
    expect(() => avro(arrayOf("int"), { maxDepth: 1.5 })).toThrow(
      /avro: maxDepth must be a positive integer/,
    );
  });
});
