import type { Codec } from "./codec.js";
import { invalidArgument, kindOf, messageOf } from "./codec-error.js";
import type { DecodeLimits, ResolvedLimits } from "./decode-limits.js";
import { resolveLimits } from "./decode-limits.js";
import { checkJsonLimits } from "./json-scan.js";
import { isStandardSchema, validateWith } from "./standard-schema.js";
import type { StandardOutput, StandardSchema } from "./standard-schema.js";

// `fatal` so that bytes which are not UTF-8 are refused instead of becoming U+FFFD silently.
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Options of {@link json}: caps on what one payload may hold, checked before
 * it is parsed (defaults 1,000,000 array elements and object members, 100
 * levels of arrays and objects).
 */
export type JsonOptions = DecodeLimits;

class JsonCodec implements Codec<unknown> {
  readonly name = "json";
  readonly contentType = "application/json";
  readonly #limits: ResolvedLimits;

  constructor(limits: ResolvedLimits) {
    this.#limits = limits;
  }

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
    // Buffer.from, not TextEncoder: small payloads come from Node's shared pool
    // (a view into it, like any Buffer) instead of a fresh ArrayBuffer each,
    // 2.0 against 2.9 µs an encode of a 437-byte event (`npm run bench -- codec-decode`, `json encode`).
    return Buffer.from(text, "utf8");
  }

  decode(bytes: Uint8Array): unknown {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (err) {
      throw invalidArgument("json", `payload of ${bytes.byteLength} bytes is not valid UTF-8`, err);
    }
    checkJsonLimits(text, this.#limits);
    try {
      return JSON.parse(text);
    } catch (err) {
      throw invalidArgument("json", `payload is not valid JSON: ${messageOf(err)}`, err);
    }
  }
}

/** JSON whose decoded values go through a Standard Schema: invalid ones are refused with the validator's message. */
class ValidatedJsonCodec<T> implements Codec<T> {
  readonly name = "json";
  readonly contentType = "application/json";

  constructor(
    private readonly base: JsonCodec,
    private readonly schema: StandardSchema<unknown, T>,
  ) {}

  encode(value: T): Uint8Array {
    return this.base.encode(value);
  }

  decode(bytes: Uint8Array): T {
    return validateWith(this.schema, this.base.decode(bytes), "json");
  }
}

const DEFAULT_JSON = new JsonCodec(resolveLimits("json", {}));

/**
 * A codec for UTF-8 JSON (`application/json`) whose decoded values are
 * validated by a Standard Schema (zod, valibot, arktype …): the value type is
 * the schema's output, and a record that does not match is refused with the
 * validator's message — so the runtime sends it to the dead-letter stream with
 * its original bytes instead of passing on an unchecked cast. Values written
 * with it are not validated (their type is checked at compile time).
 *
 * ```ts
 * const Transaction = z.object({ card: z.string(), amount: z.number() });
 * pipeline("fraud").from("transactions", { codec: json(Transaction) });
 * ```
 */
export function json<S extends StandardSchema>(schema: S, options?: JsonOptions): Codec<StandardOutput<S>>;
/**
 * A codec for UTF-8 JSON (`application/json`). `decode` trusts the shape of
 * the parsed value to be `T`; it refuses bytes that are not UTF-8 or not JSON,
 * and payloads over the limits of `options`. Pass a schema first to validate.
 */
export function json<T = unknown>(options?: JsonOptions): Codec<T>;
export function json(first?: StandardSchema | JsonOptions, second?: JsonOptions): Codec<unknown> {
  const schema = isStandardSchema(first) ? first : undefined;
  const options = schema === undefined ? (first as JsonOptions | undefined) : second;
  const codec = options === undefined ? DEFAULT_JSON : new JsonCodec(resolveLimits("json", options));
  return schema === undefined ? codec : new ValidatedJsonCodec(codec, schema);
}
