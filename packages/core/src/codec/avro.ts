import type { Type } from "avsc";
import type { Codec } from "./codec.js";
import { invalidArgument } from "./codec-error.js";
import type { AvroResolver, AvroSchema } from "./avro-type.js";
import { avroType, readAvro, resolverFor } from "./avro-type.js";
import { AvroWriter } from "./avro-writer.js";
import { RegistryAvroCodec } from "./avro-registry-codec.js";
import type { AvroScanner } from "./avro-scan.js";
import { avroScanner } from "./avro-scan.js";
import type { DecodeLimits, ResolvedLimits } from "./decode-limits.js";
import { resolveLimits } from "./decode-limits.js";
import type { SchemaRegistry } from "./schema-registry.js";

/**
 * Options of {@link avro}. `maxItems` and `maxDepth` cap what one payload may
 * hold (defaults 1,000,000 items and 100 levels); every payload is also checked
 * against the bytes present before avsc allocates anything for it.
 */
export interface AvroOptions extends DecodeLimits {
  /**
   * The schema this application reads as. Records are decoded from the schema
   * they were written with into this one (fields added with a default are
   * filled in, removed fields are skipped). Default: the codec's `schema`.
   */
  readerSchema?: AvroSchema;
  /**
   * A schema registry. With one, payloads use the Confluent wire format (magic
   * byte 0, 4-byte schema id, Avro binary) and each record is read with the
   * schema its id names. Default: none — payloads are plain Avro binary
   * written and read with `schema`.
   */
  registry?: SchemaRegistry;
  /**
   * The registry subject `schema` is registered under before the first encode
   * (e.g. `transactions-value`). Needed to encode with a registry; a codec
   * without one only decodes and never registers anything.
   */
  subject?: string;
}

/**
 * A codec for Avro binary (`application/avro`) on avsc. `schema` is what
 * `encode` writes; `decode` reads with `readerSchema` when it is given.
 * With `registry` the codec reads and writes the Confluent wire format
 * (`application/vnd.confluent.avro`) and needs `prepare` before decoding, which
 * the runtime calls once per batch.
 */
export function avro<T>(schema: AvroSchema, options: AvroOptions = {}): Codec<T> {
  const writer = avroType(schema, "schema");
  const reader = options.readerSchema === undefined ? writer : avroType(options.readerSchema, "readerSchema");
  const limits = resolveLimits("avro", options);
  if (options.registry !== undefined) {
    return new RegistryAvroCodec<T>(writer, reader, options.registry, options.subject, limits);
  }
  if (options.subject !== undefined) {
    throw invalidArgument(
      "avro",
      `subject "${options.subject}" needs a registry — pass { registry } as well`,
    );
  }
  return new AvroCodec<T>(writer, reader, limits);
}

/** Plain Avro binary: every payload is written with one known schema. */
class AvroCodec<T> implements Codec<T> {
  readonly name = "avro";
  readonly contentType = "application/avro";
  readonly #writer: AvroWriter;
  readonly #reader: Type;
  readonly #resolver: AvroResolver | undefined;
  readonly #scan: AvroScanner | undefined;

  constructor(writer: Type, reader: Type, limits: ResolvedLimits) {
    this.#writer = new AvroWriter(writer);
    this.#reader = reader;
    this.#resolver = resolverFor(reader, writer, "the codec's schema");
    this.#scan = avroScanner(writer, limits);
  }

  encode(value: T): Uint8Array {
    return this.#writer.write(value);
  }

  decode(bytes: Uint8Array): T {
    return readAvro(this.#reader, this.#resolver, this.#scan, bytes, 0) as T;
  }
}
