import type { Codec } from "./codec.js";
import { invalidArgument, kindOf } from "./codec-error.js";

const RAW_CODEC: Codec<Uint8Array> = {
  name: "raw",
  contentType: "application/octet-stream",

  encode(value: Uint8Array): Uint8Array {
    // Checked because JavaScript callers can pass anything, and a string would otherwise reach the driver.
    if (!(value instanceof Uint8Array)) {
      throw invalidArgument(
        "raw",
        `expected a Uint8Array, got ${kindOf(value)} — encode it first or use json()`,
      );
    }
    return value;
  },

  decode(bytes: Uint8Array): Uint8Array {
    return bytes;
  },
};

/** A codec that passes bytes through unchanged (`application/octet-stream`); values are `Uint8Array`. */
export function raw(): Codec<Uint8Array> {
  return RAW_CODEC;
}
