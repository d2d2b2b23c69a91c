import avsc from "avsc";
import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../errors.js";
import { avro } from "./avro.js";
import type { SchemaRegistry } from "./schema-registry.js";
import { MemorySchemaRegistry } from "./schema-registry.js";

const V1 = {
  type: "record",
  name: "Reading",
  fields: [
    { name: "sensor", type: "string" },
    { name: "value", type: "double" },
  ],
};
const V2 = { ...V1, fields: [...V1.fields, { name: "unit", type: "string", default: "celsius" }] };
const reading = { sensor: "s-1", value: 21.5 };

/** A memory registry that counts lookups and can be told to fail them. */
class CountingRegistry extends MemorySchemaRegistry implements SchemaRegistry {
  lookups: number[] = [];
  failWith: SwitchyardError | undefined;

  override async getById(id: number): Promise<string> {
    this.lookups.push(id);
    if (this.failWith !== undefined) throw this.failWith;
    return super.getById(id);
  }
}

async function producerOf(registry: SchemaRegistry, schema: object = V1) {
  const codec = avro<Record<string, unknown>>(schema, { registry, subject: "readings-value" });
  await codec.prepare!([]);
  return codec;
}

describe("avro() with a schema registry", () => {
  it("writes the Confluent wire format: magic byte 0, big-endian schema id, Avro binary", async () => {
    const registry: SchemaRegistry = {
      register: async () => 0x01020304,
      getById: async () => JSON.stringify(V1),
    };
    const codec = await producerOf(registry);
    const bytes = codec.encode(reading);
    const body = avsc.Type.forSchema(V1 as never).toBuffer(reading);
    expect([...bytes.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    expect(Buffer.from(bytes.subarray(5)).equals(body)).toBe(true);
    expect(codec.contentType).toBe("application/vnd.confluent.avro");
    expect(codec.decode(bytes)).toEqual(reading);
  });

  it("registers its schema with defaults kept, under its subject", async () => {
    const registry = new MemorySchemaRegistry();
    await registry.register("other-value", '"string"');
    const codec = await producerOf(registry, V2);
    const id = registry.versions("readings-value")[0]!;
    expect(id).toBe(2);
    expect(JSON.parse(await registry.getById(id))).toMatchObject({
      fields: [{}, {}, { default: "celsius" }],
    });
    expect(codec.encode(reading)[4]).toBe(2);
  });

  it("reads each record with the writer schema its id names, into the reader schema", async () => {
    const registry = new CountingRegistry();
    const producer = await producerOf(registry, V1);
    const consumer = avro<Record<string, unknown>>(V2, { registry });
    const payloads = [producer.encode(reading), producer.encode({ sensor: "s-2", value: 3 })];
    await consumer.prepare!(payloads);
    expect(payloads.map((p) => consumer.decode(p))).toEqual([
      { ...reading, unit: "celsius" },
      { sensor: "s-2", value: 3, unit: "celsius" },
    ]);
  });

  it("fetches each schema id once, however many batches and concurrent calls name it", async () => {
    const registry = new CountingRegistry();
    const producer = await producerOf(registry, V1);
    const consumer = avro<Record<string, unknown>>(V2, { registry });
    const batch = [producer.encode(reading), producer.encode(reading)];
    await Promise.all([consumer.prepare!(batch), consumer.prepare!(batch)]);
    await consumer.prepare!(batch);
    expect(registry.lookups).toEqual([1]);
  });

  it("refuses an id it has not fetched, naming the id", () => {
    const consumer = avro(V1, { registry: new MemorySchemaRegistry() });
    expect(() => consumer.decode(new Uint8Array([0, 0, 0, 0, 7, 2, 0x41]))).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining("schema id 7 is unknown"),
      }),
    );
  });

  it("refuses a payload with a bad magic byte or no room for a header", () => {
    const consumer = avro(V1, { registry: new MemorySchemaRegistry() });
    expect(() => consumer.decode(new Uint8Array([1, 0, 0, 0, 1, 2]))).toThrow(
      expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("magic byte") }),
    );
    expect(() => consumer.decode(new Uint8Array([0, 0, 1]))).toThrow(
      expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("too short") }),
    );
  });

  it("sends records whose id the registry does not have to decode errors, and asks again next batch", async () => {
    const registry = new CountingRegistry();
    const consumer = avro(V1, { registry });
    const orphan = new Uint8Array([0, 0, 0, 0, 9, 2, 0x41]);
    await consumer.prepare!([orphan]);
    expect(() => consumer.decode(orphan)).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining("schema id 9 could not be fetched from the registry"),
      }),
    );
    await consumer.prepare!([orphan]);
    expect(registry.lookups).toEqual([9, 9]);
  });

  it("forgets the oldest of many made-up schema ids instead of remembering each one", async () => {
    const consumer = avro(V1, { registry: new MemorySchemaRegistry() });
    const framed = (id: number) =>
      new Uint8Array([0, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, 0]);
    const made = Array.from({ length: 5000 }, (_, i) => framed(1000 + i));
    for (let i = 0; i < made.length; i += 500) await consumer.prepare!(made.slice(i, i + 500));
    expect(() => consumer.decode(made.at(-1)!)).toThrow(/schema id 5999 could not be fetched/);
    // The first ids were dropped once 4096 failures were held: the codec no longer knows them at all.
    expect(() => consumer.decode(made[0]!)).toThrow(/schema id 1000 is unknown to this codec/);
  });

  it("rejects prepare when the registry is unavailable, and retries on the next call", async () => {
    const registry = new CountingRegistry();
    const producer = await producerOf(registry, V1);
    const consumer = avro(V1, { registry });
    const payload = producer.encode(reading);
    registry.failWith = new SwitchyardError("Unavailable", "registry down");
    await expect(consumer.prepare!([payload])).rejects.toMatchObject({ code: "Unavailable" });
    registry.failWith = undefined;
    await consumer.prepare!([payload]);
    expect(consumer.decode(payload)).toEqual(reading);
  });

  it("refuses records whose writer schema cannot be read as the reader schema", async () => {
    const registry = new MemorySchemaRegistry();
    const producer = await producerOf(registry, V1);
    const strict = { ...V1, fields: [...V1.fields, { name: "site", type: "string" }] };
    const consumer = avro(strict, { registry });
    const payload = producer.encode(reading);
    await consumer.prepare!([payload]);
    expect(() => consumer.decode(payload)).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining("schema id 1 cannot be read"),
      }),
    );
  });

  it("before registration, encode fails with a retryable error and registers in the background", async () => {
    const registry = new MemorySchemaRegistry();
    const codec = avro<Record<string, unknown>>(V1, { registry, subject: "readings-value" });
    expect(() => codec.encode(reading)).toThrow(expect.objectContaining({ code: "Unavailable" }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(codec.encode(reading)[4]).toBe(1);
  });

  it("reports a registration the registry refused with the registry's code", async () => {
    const registry: SchemaRegistry = {
      register: async () => {
        throw new SwitchyardError("FailedPrecondition", "incompatible with the latest version");
      },
      getById: async () => "",
    };
    const codec = avro(V1, { registry, subject: "readings-value" });
    await expect(codec.prepare!([])).rejects.toMatchObject({ code: "FailedPrecondition" });
    expect(() => codec.encode(reading)).toThrow(
      expect.objectContaining({
        code: "FailedPrecondition",
        message: expect.stringContaining("incompatible"),
      }),
    );
  });

  it("only decodes when it has no subject", () => {
    const codec = avro(V1, { registry: new MemorySchemaRegistry() });
    expect(() => codec.encode(reading)).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining("pass { subject }"),
      }),
    );
  });
});
