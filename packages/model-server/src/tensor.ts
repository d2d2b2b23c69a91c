/**
 * Translation between JSON values and the model's tensors: rows in, rows out.
 * Every contract's request shape ends up as one `InputBatch`; every answer is
 * built from one `RequestOutputs`.
 */
import { HttpError } from "./http.js";
import type { TensorSpec } from "./model.js";

/** The typed arrays an input tensor is built from. */
export type InputArray = Float32Array | Float64Array;

/** Rows of one request, flattened row-major into the model input's element type. */
export interface InputBatch {
  /** `rows × input.rowSize` elements. */
  data: InputArray;
  /** Number of rows (the batch dimension). */
  rows: number;
}

/** The output tensors of one request: a slice of each output of the session run it was part of. */
export interface RequestOutputs {
  /** Number of rows. */
  rows: number;
  /** One entry per output, in graph order. */
  tensors: { spec: TensorSpec; data: ArrayLike<number | bigint> }[];
}

/** A typed array for `rows` rows of `spec`. */
export function allocate(spec: TensorSpec, rows: number): InputArray {
  const size = rows * spec.rowSize;
  return spec.type === "float64" ? new Float64Array(size) : new Float32Array(size);
}

/**
 * Reads a JSON array of rows (TF Serving `instances`, Vertex `instances`, `data`, CSV rows…).
 * A row is the row's numbers, flat or nested, or an object naming the input (`{"features": [...]}`).
 */
export function rowsFromJson(value: unknown, spec: TensorSpec, field: string): InputBatch {
  if (!Array.isArray(value)) {
    throw new HttpError(400, `"${field}" must be an array of rows of ${spec.rowSize} numbers`);
  }
  if (value.length === 0) throw new HttpError(400, `"${field}" is empty; send at least one row`);
  const data = allocate(spec, value.length);
  for (let i = 0; i < value.length; i++) {
    let row: unknown = value[i];
    if (typeof row === "object" && row !== null && !Array.isArray(row)) {
      row = (row as Record<string, unknown>)[spec.name];
      if (row === undefined) {
        throw new HttpError(400, `${field}[${i}] is an object without "${spec.name}", the model's input`);
      }
    }
    const start = i * spec.rowSize;
    const count = fill(row, data, start, start + spec.rowSize, spec, `${field}[${i}]`) - start;
    if (count !== spec.rowSize) {
      throw new HttpError(
        400,
        `${field}[${i}] has ${count} values; input "${spec.name}" takes ${spec.rowSize} per row (shape [${spec.shape.join(", ")}])`,
      );
    }
  }
  return { data, rows: value.length };
}

/** Reads tensor data (flat or nested) that must hold exactly `rows × rowSize` numbers. */
export function tensorFromJson(value: unknown, spec: TensorSpec, rows: number, field: string): InputBatch {
  const data = allocate(spec, rows);
  const count = fill(value, data, 0, data.length, spec, field);
  if (count !== data.length) {
    throw new HttpError(400, `${field} has ${count} values; its shape [${rows}, …] needs ${data.length}`);
  }
  return { data, rows };
}

/**
 * Writes the numbers of `value` into `out` from `at`, never past `end`, and
 * returns the position after the last number seen (so the caller can report a wrong count).
 */
function fill(
  value: unknown,
  out: InputArray,
  at: number,
  end: number,
  spec: TensorSpec,
  where: string,
): number {
  if (typeof value === "number") {
    if (at < end) out[at] = value;
    return at + 1;
  }
  if (Array.isArray(value)) {
    for (const v of value) at = fill(v, out, at, end, spec, where);
    return at;
  }
  const found = value === null ? "null" : typeof value;
  throw new HttpError(400, `${where} holds a ${found}; input "${spec.name}" takes ${spec.datatype} numbers`);
}

/** Row `row` of one output tensor as JSON: a number for a `[N]` output, else nested arrays. */
export function rowValue(spec: TensorSpec, data: ArrayLike<number | bigint>, row: number): unknown {
  if (spec.shape.length === 1) return jsonNumber(spec, data[row]!);
  return nest(spec, data, row * spec.rowSize, 1);
}

function nest(spec: TensorSpec, data: ArrayLike<number | bigint>, at: number, dim: number): unknown[] {
  const size = spec.shape[dim]!;
  const out = new Array<unknown>(size);
  if (dim === spec.shape.length - 1) {
    for (let i = 0; i < size; i++) out[i] = jsonNumber(spec, data[at + i]!);
    return out;
  }
  const stride = spec.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < size; i++) out[i] = nest(spec, data, at + i * stride, dim + 1);
  return out;
}

function jsonNumber(spec: TensorSpec, value: number | bigint): number | boolean {
  if (spec.type === "bool") return value !== 0;
  return typeof value === "bigint" ? Number(value) : value;
}

/**
 * One prediction per row: the row of the only output, or `{name: row}` when the
 * model has several outputs (the TF Serving row format, used by most contracts).
 */
export function predictions(out: RequestOutputs): unknown[] {
  const result = new Array<unknown>(out.rows);
  const only = out.tensors.length === 1 ? out.tensors[0]! : undefined;
  for (let r = 0; r < out.rows; r++) {
    if (only !== undefined) {
      result[r] = rowValue(only.spec, only.data, r);
    } else {
      const named: Record<string, unknown> = {};
      for (const t of out.tensors) named[t.spec.name] = rowValue(t.spec, t.data, r);
      result[r] = named;
    }
  }
  return result;
}
