import { invalidArgument } from "./codec-error.js";
import type { ResolvedLimits } from "./decode-limits.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Checks a JSON text's nesting and item count against `limits` before it is
 * parsed; throws InvalidArgument naming the limit it exceeds. Well-formedness
 * is left to `JSON.parse`, which allocates in proportion to the text.
 */
export function checkJsonLimits(text: string, limits: ResolvedLimits): void {
  // Each level takes a bracket and each item at least a character: a text this short cannot exceed either cap.
  if (text.length <= limits.maxDepth && text.length <= limits.maxItems) return;
  // No more brackets than levels allowed means the nesting is within bounds; string search is fast.
  if (text.length <= limits.maxItems && brackets(text, limits.maxDepth + 1) <= limits.maxDepth) return;
  scan(text, limits);
}

/** How many `[` and `{` `text` holds, counting no further than `stop`. */
function brackets(text: string, stop: number): number {
  let found = 0;
  for (const bracket of ["[", "{"]) {
    let at = text.indexOf(bracket);
    while (at !== -1 && found < stop) {
      found++;
      at = text.indexOf(bracket, at + 1);
    }
  }
  return found;
}

/** Walks the text outside strings, counting nesting depth, array elements and object members. */
function scan(text: string, limits: ResolvedLimits): void {
  let depth = 0;
  let items = 0;
  let inString = false;
  let opened = false;
  for (let i = 0; i < text.length; i++) {
    const b = text.charCodeAt(i);
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (b <= 0x20) continue;
    if (opened) {
      // The first item of a container has no comma before it.
      opened = false;
      if (b !== CLOSE_ARRAY && b !== CLOSE_OBJECT) items++;
    }
    if (b === QUOTE) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > limits.maxDepth) {
        throw invalidArgument(
          "json",
          `payload nests arrays and objects deeper than ${limits.maxDepth} levels (maxDepth) at character ${i} — raise maxDepth if such records are expected`,
        );
      }
      opened = true;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
    else if (b === COMMA) items++;
    if (items > limits.maxItems) {
      throw invalidArgument(
        "json",
        `payload holds more than ${limits.maxItems} array elements and object members (maxItems) — raise maxItems if such records are expected`,
      );
    }
  }
}
