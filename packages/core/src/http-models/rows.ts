/**
 * Translation between a driver batch (one input per example) and the JSON rows
 * HTTP serving protocols carry.
 */
import { SwitchyardError } from "../errors.js";

/**
 * Flattens one input (`number[]`, a typed array, or nested arrays of numbers) into
 * `out`, returning how many numbers it held. Anything else is InvalidArgument naming the input.
 */
export function flattenInput(input: unknown, out: number[], index: number, what: string): number {
  const start = out.length;
  const visit = (value: unknown): void => {
    if (typeof value === "number") {
      out.push(value);
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const view = value as unknown as ArrayLike<number | bigint>;
      for (let i = 0; i < view.length; i++) out.push(Number(view[i]));
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v);
    } else {
      const found = value === null ? "null" : typeof value;
      throw new SwitchyardError(
        "InvalidArgument",
        `${what}: input ${index} holds a ${found}; pass each input as an array of numbers (features)`,
      );
    }
  };
  visit(input);
  return out.length - start;
}

/** Each input as a flat `number[]` row, for row-format protocols. */
export function inputRows(inputs: readonly unknown[], what: string): number[][] {
  return inputs.map((input, i) => {
    const row: number[] = [];
    flattenInput(input, row, i, what);
    return row;
  });
}

/**
 * One output value for the caller: a row of exactly one number becomes that
 * number (a classifier's score), any other row stays an array.
 */
export function outputValue(row: unknown): unknown {
  return Array.isArray(row) && row.length === 1 && typeof row[0] === "number" ? row[0] : row;
}
