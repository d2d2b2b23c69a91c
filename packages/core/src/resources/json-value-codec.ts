import type { Codec } from "../codec/codec.js";
import { SwitchyardError } from "../errors.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The codec a state store uses when none is given: UTF-8 JSON. */
export function jsonValueCodec<V>(): Codec<V> {
  return {
    name: "json",
    contentType: "application/json",
    encode(value: V): Uint8Array {
      const text = JSON.stringify(value);
      if (text === undefined) {
        throw new SwitchyardError("InvalidArgument", `json: cannot encode a value of type ${typeof value}`);
      }
      return encoder.encode(text);
    },
    decode(bytes: Uint8Array): V {
      try {
        return JSON.parse(decoder.decode(bytes)) as V;
      } catch (err) {
        throw new SwitchyardError("InvalidArgument", `json: cannot decode ${bytes.length} bytes`, {
          cause: err,
        });
      }
    },
  };
}
