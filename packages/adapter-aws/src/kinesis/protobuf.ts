/**
 * Just enough of the protobuf wire format to read KPL aggregated records:
 * varints and length-delimited fields, with every other wire type skipped.
 */

/** One field as read off the wire: its number and either a varint or a byte slice. */
export type WireField =
  { field: number; kind: "varint"; value: bigint } | { field: number; kind: "bytes"; value: Uint8Array };

/** Thrown on bytes that are not a well-formed protobuf message. */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtobufError";
  }
}

/** Reads every top-level field of a message, in wire order. Throws ProtobufError on malformed bytes. */
export function readFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= bytes.length) throw new ProtobufError("truncated varint");
      const byte = bytes[at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtobufError("varint longer than 10 bytes");
  };
  const skip = (n: number) => {
    if (at + n > bytes.length) throw new ProtobufError("truncated field");
    at += n;
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    if (field === 0) throw new ProtobufError("field number 0");
    switch (tag & 7) {
      case 0:
        fields.push({ field, kind: "varint", value: varint() });
        break;
      case 1:
        skip(8);
        break;
      case 2: {
        const length = Number(varint());
        const start = at;
        skip(length);
        fields.push({ field, kind: "bytes", value: bytes.subarray(start, start + length) });
        break;
      }
      case 5:
        skip(4);
        break;
      default:
        throw new ProtobufError(`unsupported wire type ${tag & 7}`);
    }
  }
  return fields;
}
