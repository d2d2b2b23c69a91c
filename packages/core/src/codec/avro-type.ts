import avsc from "avsc";
import type { Type } from "avsc";
import type { SwitchyardError } from "../errors.js";
import type { AvroScanner } from "./avro-scan.js";
import { invalidArgument, kindOf, messageOf } from "./codec-error.js";

/**
 * An Avro schema: its JSON text, the parsed JSON object, a primitive type name
 * such as `"string"`, or an avsc `Type` built by the caller (e.g. with logical types).
 */
export type AvroSchema = string | object;

/** How avsc reads bytes of one schema as another; opaque. */
export type AvroResolver = ReturnType<Type["createResolver"]>;

/** The avsc type for a schema; throws InvalidArgument naming the option (`what`) that holds a bad schema. */
export function avroType(schema: AvroSchema, what: string): Type {
  if (avsc.Type.isType(schema)) return schema as Type;
  let parsed: unknown = schema;
  if (typeof schema === "string" && /^\s*[[{"]/.test(schema)) {
    try {
      parsed = JSON.parse(schema);
    } catch (err) {
      throw invalidArgument("avro", `${what} is not valid JSON: ${messageOf(err)}`, err);
    }
  }
  try {
    return avsc.Type.forSchema(parsed as Parameters<typeof avsc.Type.forSchema>[0]);
  } catch (err) {
    throw invalidArgument("avro", `${what} is not a valid Avro schema: ${messageOf(err)}`, err);
  }
}

/** The schema's JSON text with defaults, docs and custom attributes kept: what a registry must store for evolution to work. */
export function schemaText(type: Type): string {
  return JSON.stringify(type.schema({ exportAttrs: true }));
}

/**
 * How to read data written with `writer` as `reader`: undefined when the two
 * have the same binary form (read directly, which is faster), else an avsc
 * resolver. Throws InvalidArgument when the schemas are not compatible.
 */
export function resolverFor(reader: Type, writer: Type, writerName: string): AvroResolver | undefined {
  if (reader === writer || reader.equals(writer)) return undefined;
  try {
    return reader.createResolver(writer);
  } catch (err) {
    throw invalidArgument(
      "avro",
      `data written with ${writerName} cannot be read with the reader schema: ${messageOf(err)} — add a default to fields the writer lacks, or make the types match`,
      err,
    );
  }
}

/**
 * Reads one whole record from `bytes` at `start`, after `scan` (when given)
 * has checked the bytes against the writer schema; throws InvalidArgument for
 * truncated, trailing or invalid bytes.
 */
export function readAvro(
  reader: Type,
  resolver: AvroResolver | undefined,
  scan: AvroScanner | undefined,
  bytes: Uint8Array,
  start: number,
): unknown {
  if (scan !== undefined) scan(bytes, start);
  // avsc reads through Buffer methods; a view over the same memory costs no copy.
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let result: { value: unknown; offset: number };
  try {
    result = reader.decode(buf, start, resolver);
  } catch (err) {
    throw invalidArgument("avro", `payload is not valid Avro for this schema: ${messageOf(err)}`, err);
  }
  if (result.offset < 0) {
    throw invalidArgument(
      "avro",
      `payload of ${buf.length} bytes is truncated: the record does not fit in it`,
    );
  }
  if (result.offset !== buf.length) {
    throw invalidArgument(
      "avro",
      `payload has ${buf.length - result.offset} trailing bytes after the record — it was written with another schema`,
    );
  }
  return result.value;
}

/** The InvalidArgument for a value `type` cannot encode, naming the path of the first bad field. */
export function invalidValue(type: Type, value: unknown, cause: unknown): SwitchyardError {
  let problem: string | undefined;
  type.isValid(value, {
    errorHook(path: string[], bad: unknown, badType: Type) {
      if (problem !== undefined) return;
      const expected = badType.name ?? badType.typeName;
      if (path.length === 0) problem = `value is a ${kindOf(bad)}, expected ${expected}`;
      else if (bad === undefined) problem = `field "${path.join(".")}" is missing (expected ${expected})`;
      else problem = `field "${path.join(".")}" is a ${kindOf(bad)}, expected ${expected}`;
    },
  });
  const schemaName = type.name ?? type.typeName;
  return invalidArgument(
    "avro",
    `value does not match schema ${schemaName}: ${problem ?? messageOf(cause)}`,
    cause,
  );
}
