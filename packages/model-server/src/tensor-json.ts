/**
 * JSON text of output tensors, written directly: the text `JSON.stringify` gives
 * for the tensor's values and for `predictions`, without building the arrays first.
 * Serialising numbers through `JSON.stringify` was a tenth of the server's CPU per
 * request for one row, and grows with the rows.
 */
import type { TensorSpec } from "./model.js";
import { predictions, type RequestOutputs } from "./tensor.js";

/** Every element of an output tensor, flat, as a JSON array (NaN and ±Infinity as null, as JSON.stringify writes them). */
export function flatJson(spec: TensorSpec, data: ArrayLike<number | bigint>): string {
  let text = "[";
  for (let i = 0; i < data.length; i++) text += (i === 0 ? "" : ",") + elementJson(spec, data[i]!);
  return `${text}]`;
}

/** `JSON.stringify(predictions(out))`: one prediction per row. */
export function predictionsJson(out: RequestOutputs): string {
  // Several outputs make one object per row; JSON.stringify's key rules apply there, so it writes them.
  if (out.tensors.length !== 1) return JSON.stringify(predictions(out));
  const { spec, data } = out.tensors[0]!;
  let text = "[";
  for (let r = 0; r < out.rows; r++) {
    if (r > 0) text += ",";
    text +=
      spec.shape.length === 1 ? elementJson(spec, data[r]!) : nestedJson(spec, data, r * spec.rowSize, 1);
  }
  return `${text}]`;
}

/** The row at `at` from dimension `dim` on, as nested JSON arrays (`rowValue`'s shape). */
function nestedJson(spec: TensorSpec, data: ArrayLike<number | bigint>, at: number, dim: number): string {
  const size = spec.shape[dim]!;
  let text = "[";
  if (dim === spec.shape.length - 1) {
    for (let i = 0; i < size; i++) text += (i === 0 ? "" : ",") + elementJson(spec, data[at + i]!);
  } else {
    let stride = 1;
    for (let d = dim + 1; d < spec.shape.length; d++) stride *= spec.shape[d]!;
    for (let i = 0; i < size; i++)
      text += (i === 0 ? "" : ",") + nestedJson(spec, data, at + i * stride, dim + 1);
  }
  return `${text}]`;
}

/** One element as JSON: booleans for BOOL, bigints as numbers, and null where JSON has no number (NaN, ±Infinity). */
function elementJson(spec: TensorSpec, value: number | bigint): string {
  if (spec.type === "bool") return value !== 0 ? "true" : "false";
  const n = typeof value === "bigint" ? Number(value) : value;
  return Number.isFinite(n) ? String(n) : "null";
}
