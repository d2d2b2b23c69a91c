import protobufjs from "protobufjs";
import type { IConversionOptions, Type, Writer } from "protobufjs";
import type { Codec } from "./codec.js";
import { invalidArgument, messageOf } from "./codec-error.js";
import type { DecodeLimits } from "./decode-limits.js";
import { resolveLimits } from "./decode-limits.js";
import type { ProtobufScanner } from "./protobuf-scan.js";
import { PROTOBUFJS_MAX_DEPTH, protobufScanner } from "./protobuf-scan.js";

/**
 * Options of {@link protobuf}. `maxItems` and `maxDepth` cap what one payload
 * may hold: by default 1,000,000 repeated items and map entries, and 101
 * levels of messages (the outermost and 100 nested: protobufjs's own limit,
 * which is also the most `maxDepth` may be).
 */
export interface ProtobufOptions extends DecodeLimits {
  /**
   * When set, `decode` returns a plain object converted with these protobufjs
   * options (e.g. `{ defaults: true, longs: String, enums: String }`), which
   * keeps unset fields when spread. Default: the decoded protobufjs message,
   * whose unset fields read their defaults from its prototype.
   */
  toObject?: IConversionOptions;
}

/**
 * A codec for Protocol Buffers binary (`application/x-protobuf`) on protobufjs,
 * for one message `type` (from `Root.lookupType`). Values are verified against
 * the type before encoding.
 */
export function protobuf<T>(type: Type, options: ProtobufOptions = {}): Codec<T> {
  const limits = resolveLimits("protobuf", {
    ...options,
    maxDepth: options.maxDepth ?? PROTOBUFJS_MAX_DEPTH,
  });
  if (limits.maxDepth > PROTOBUFJS_MAX_DEPTH) {
    throw invalidArgument(
      "protobuf",
      `maxDepth ${limits.maxDepth} is more than protobufjs decodes (${PROTOBUFJS_MAX_DEPTH} levels) — use at most ${PROTOBUFJS_MAX_DEPTH}`,
    );
  }
  return new ProtobufCodec<T>(type, options.toObject, protobufScanner(type, limits));
}

class ProtobufCodec<T> implements Codec<T> {
  readonly name = "protobuf";
  readonly contentType = "application/x-protobuf";
  readonly #type: Type;
  readonly #messageName: string;
  readonly #toObject: IConversionOptions | undefined;
  readonly #scan: ProtobufScanner;
  // Reused across records (reset after each) so that a record does not pay for a new Writer.
  #writer: Writer = protobufjs.Writer.create();

  constructor(type: Type, toObject: IConversionOptions | undefined, scan: ProtobufScanner) {
    this.#type = type;
    this.#messageName = type.fullName.replace(/^\./, "");
    this.#toObject = toObject;
    this.#scan = scan;
  }

  encode(value: T): Uint8Array {
    const problem = this.#type.verify(value as Record<string, unknown>);
    if (problem !== null) {
      throw invalidArgument("protobuf", `value does not match message ${this.#messageName}: ${problem}`);
    }
    try {
      const bytes = this.#type.encode(value as Record<string, unknown>, this.#writer).finish();
      this.#writer.reset();
      return bytes;
    } catch (err) {
      // A failed encode leaves the writer half-written.
      this.#writer = protobufjs.Writer.create();
      throw invalidArgument(
        "protobuf",
        `value cannot be encoded as ${this.#messageName}: ${messageOf(err)}`,
        err,
      );
    }
  }

  decode(bytes: Uint8Array): T {
    try {
      this.#scan(bytes);
      const message = this.#type.decode(bytes);
      return (this.#toObject === undefined ? message : this.#type.toObject(message, this.#toObject)) as T;
    } catch (err) {
      // protobufjs's own words for its depth limit name neither the limit nor the payload.
      const why = /^max depth exceeded$/.test(messageOf(err))
        ? `its nesting depth is over ${PROTOBUFJS_MAX_DEPTH} levels, the most protobufjs decodes`
        : messageOf(err);
      throw invalidArgument(
        "protobuf",
        `payload of ${bytes.byteLength} bytes is not a valid ${this.#messageName}: ${why}`,
        err,
      );
    }
  }
}
