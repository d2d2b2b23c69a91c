/**
 * Request body shapes several contracts share: pandas' split orientation
 * (MLflow, Azure ML), tensor `inputs` (MLflow, TF Serving), and CSV rows (SageMaker).
 */
import { HttpError, isObject } from "../http.js";
import type { TensorSpec } from "../model.js";
import { allocate, rowsFromJson, type InputBatch, type RequestOutputs } from "../tensor.js";

/** Reads `{columns?, index?, data: [[...]]}`; columns, when given, must number one per input element. */
export function rowsFromSplit(value: unknown, spec: TensorSpec, field: string): InputBatch {
  if (!isObject(value) || value.data === undefined) {
    throw new HttpError(400, `"${field}" must be an object {columns, data: [[...], ...]}`);
  }
  if (Array.isArray(value.columns) && value.columns.length !== spec.rowSize) {
    throw new HttpError(
      400,
      `"${field}.columns" names ${value.columns.length} columns; input "${spec.name}" takes ${spec.rowSize}`,
    );
  }
  return rowsFromJson(value.data, spec, `${field}.data`);
}

/** Reads tensor `inputs`: rows, or `{<input name>: rows}`. */
export function rowsFromInputs(value: unknown, spec: TensorSpec, field: string): InputBatch {
  if (isObject(value)) {
    const named = value[spec.name];
    if (named === undefined) throw new HttpError(400, `"${field}" has no "${spec.name}", the model's input`);
    return rowsFromJson(named, spec, `${field}.${spec.name}`);
  }
  return rowsFromJson(value, spec, field);
}

/** Reads CSV rows of numbers, no header, one row per line. */
export function rowsFromCsv(text: string, spec: TensorSpec): InputBatch {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) throw new HttpError(400, "CSV body has no rows");
  const data = allocate(spec, lines.length);
  for (let r = 0; r < lines.length; r++) {
    const cells = lines[r]!.split(",");
    if (cells.length !== spec.rowSize) {
      throw new HttpError(
        400,
        `CSV line ${r + 1} has ${cells.length} columns; input "${spec.name}" takes ${spec.rowSize}`,
      );
    }
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!.trim();
      const n = cell === "" ? Number.NaN : Number(cell);
      if (Number.isNaN(n)) {
        throw new HttpError(
          400,
          `CSV line ${r + 1}, column ${c + 1} is ${JSON.stringify(cell)}, not a number; send numbers without a header row`,
        );
      }
      data[r * spec.rowSize + c] = n;
    }
  }
  return { data, rows: lines.length };
}

/** One CSV line per row: the row's values of every output, in output order. */
export function csvOf(out: RequestOutputs): string {
  const lines: string[] = [];
  for (let r = 0; r < out.rows; r++) {
    const cells: string[] = [];
    for (const t of out.tensors) {
      for (let i = r * t.spec.rowSize; i < (r + 1) * t.spec.rowSize; i++) cells.push(String(t.data[i]));
    }
    lines.push(cells.join(","));
  }
  return `${lines.join("\n")}\n`;
}
