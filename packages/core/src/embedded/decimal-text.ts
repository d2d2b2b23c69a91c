/**
 * Counters in `memory://` state are stored as the decimal ASCII text of the
 * number. These convert without going through TextEncoder/TextDecoder, which
 * cost more than the conversion itself for strings this short.
 */

const DECIMAL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const decoder = new TextDecoder();

/** The decimal ASCII bytes of a number, e.g. `42` → `"42"`. */
export function decimalBytes(value: number): Uint8Array {
  const text = String(value);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The number decimal ASCII bytes spell, or `undefined` when they are not a decimal number. */
export function parseDecimal(bytes: Uint8Array): number | undefined {
  const text = decoder.decode(bytes);
  return DECIMAL.test(text) ? Number(text) : undefined;
}
