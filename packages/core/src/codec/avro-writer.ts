import type { Type } from "avsc";
import { invalidValue } from "./avro-type.js";
import { WIRE_HEADER_LENGTH, writeWireHeader } from "./wire-format.js";

const INITIAL_BYTES = 4096;
/** A scratch buffer grown past this for one large record is dropped afterwards rather than held. */
const KEEP_BYTES = 1 << 20;

/**
 * Encodes values of one Avro type through a reused scratch buffer, then copies
 * out exactly the bytes written: one right-sized allocation per record, which
 * is several times faster than letting avsc size a fresh buffer each time.
 */
export class AvroWriter {
  readonly type: Type;
  #scratch = Buffer.allocUnsafe(INITIAL_BYTES);

  constructor(type: Type) {
    this.type = type;
  }

  /** The record's Avro binary, after the wire-format header for `schemaId` when one is given. */
  write(value: unknown, schemaId?: number): Uint8Array {
    const start = schemaId === undefined ? 0 : WIRE_HEADER_LENGTH;
    let end: number;
    try {
      end = this.type.encode(value, this.#scratch, start);
      if (end < 0) {
        // avsc returns minus the number of bytes it lacked.
        this.#scratch = Buffer.allocUnsafe(Math.max(this.#scratch.length * 2, this.#scratch.length - end));
        end = this.type.encode(value, this.#scratch, start);
      }
    } catch (err) {
      throw invalidValue(this.type, value, err);
    }
    if (schemaId !== undefined) writeWireHeader(this.#scratch, schemaId);
    const out = Buffer.allocUnsafe(end);
    this.#scratch.copy(out, 0, 0, end);
    if (this.#scratch.length > KEEP_BYTES) this.#scratch = Buffer.allocUnsafe(INITIAL_BYTES);
    return out;
  }
}
