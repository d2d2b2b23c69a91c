import { SwitchyardError } from "../errors.js";

/** The InvalidArgument error a codec throws for a value or payload it cannot handle, prefixed with the codec's name. */
export function invalidArgument(codec: string, detail: string, cause?: unknown): SwitchyardError {
  return new SwitchyardError(
    "InvalidArgument",
    `${codec}: ${detail}`,
    cause === undefined ? undefined : { cause },
  );
}

/** The message of any thrown value, for composing a clearer one. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What kind of JavaScript value this is, in words: `null`, `array`, `Uint8Array`, `string`… (never the value itself). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return "Uint8Array";
  return typeof value;
}
