import { invalidArgument } from "./codec-error.js";

/**
 * The schema-registry wire format Confluent's serializers write and read: one
 * magic byte 0, the schema id as a 4-byte big-endian integer, then the payload.
 */
export const WIRE_MAGIC = 0;

/** Bytes before the payload: the magic byte and the schema id. */
export const WIRE_HEADER_LENGTH = 5;

/** The largest schema id the 4-byte field carries (registries hand out positive 32-bit integers). */
export const MAX_SCHEMA_ID = 0x7fffffff;

/** Writes the magic byte and `schemaId` at the start of `buf`, which has room for them. */
export function writeWireHeader(buf: Uint8Array, schemaId: number): void {
  buf[0] = WIRE_MAGIC;
  buf[1] = (schemaId >>> 24) & 0xff;
  buf[2] = (schemaId >>> 16) & 0xff;
  buf[3] = (schemaId >>> 8) & 0xff;
  buf[4] = schemaId & 0xff;
}

/** The schema id a framed payload names, or undefined when the bytes are not in the wire format. */
export function peekSchemaId(bytes: Uint8Array): number | undefined {
  if (bytes.byteLength < WIRE_HEADER_LENGTH || bytes[0] !== WIRE_MAGIC) return undefined;
  return ((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0;
}

/** The schema id a framed payload names; throws InvalidArgument naming what is wrong with the header. */
export function readSchemaId(bytes: Uint8Array, codec: string): number {
  if (bytes.byteLength < WIRE_HEADER_LENGTH) {
    throw invalidArgument(
      codec,
      `payload of ${bytes.byteLength} bytes is too short for the schema-registry wire format (magic byte + 4-byte schema id)`,
    );
  }
  if (bytes[0] !== WIRE_MAGIC) {
    throw invalidArgument(
      codec,
      `payload starts with byte ${bytes[0]}, not the schema-registry magic byte ${WIRE_MAGIC} — it was not written by a registry-aware serializer`,
    );
  }
  return peekSchemaId(bytes)!;
}

/** Whether `id` fits the wire format's schema id field. */
export function isSchemaId(id: unknown): id is number {
  return typeof id === "number" && Number.isInteger(id) && id >= 0 && id <= MAX_SCHEMA_ID;
}
