import type { Codec } from "./codec.js";
import { invalidArgument, kindOf, messageOf } from "./codec-error.js";

const encoder = new TextEncoder();
// `fatal` so that bytes which are not UTF-8 are refused instead of becoming U+FFFD silently.
const decoder = new TextDecoder("utf-8", { fatal: true });

const JSON_CODEC: Codec<unknown> = {
  name: "json",
  contentType: "application/json",

  encode(value: unknown): Uint8Array {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (err) {
      throw invalidArgument("json", `value cannot be written as JSON: ${messageOf(err)}`, err);
    }
    if (text === undefined) {
      throw invalidArgument(
        "json",
        `a ${kindOf(value)} has no JSON form — encode an object, array, string, number, boolean or null`,
      );
    }
    return encoder.encode(text);
  },

  decode(bytes: Uint8Array): unknown {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (err) {
      throw invalidArgument("json", `payload of ${bytes.byteLength} bytes is not valid UTF-8`, err);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw invalidArgument("json", `payload is not valid JSON: ${messageOf(err)}`, err);
    }
  },
};

/**
 * A codec for UTF-8 JSON (`application/json`). `decode` trusts the shape of
 * the parsed value to be `T`; it refuses bytes that are not UTF-8 or not JSON.
 */
export function json<T = unknown>(): Codec<T> {
  return JSON_CODEC as Codec<T>;
}
