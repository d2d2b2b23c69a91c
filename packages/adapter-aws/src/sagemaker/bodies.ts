/**
 * The bodies of InvokeEndpoint: a batch as JSON `{"instances": rows}` or CSV
 * lines, and the answer (JSON or CSV) as one output per row.
 */
import { SwitchyardError } from "@switchyard/core/driver";
import type { SageMakerFormat } from "./options.js";

/** The MIME type of a format. */
export function mimeType(format: SageMakerFormat): string {
  return format === "json" ? "application/json" : "text/csv";
}

/** Each input as a flat row of numbers; anything else is InvalidArgument naming the input. */
export function inputRows(inputs: readonly unknown[], where: string): number[][] {
  return inputs.map((input, i) => {
    const row: number[] = [];
    flatten(input, row, i, where);
    return row;
  });
}

function flatten(value: unknown, out: number[], index: number, where: string): void {
  if (typeof value === "number") out.push(value);
  else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const view = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < view.length; i++) out.push(Number(view[i]));
  } else if (Array.isArray(value)) for (const v of value) flatten(v, out, index, where);
  else {
    const found = value === null ? "null" : typeof value;
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: input ${index} holds a ${found}; pass each input as an array of numbers (features)`,
    );
  }
}

/** The request body for `rows` in `format`. */
export function requestBody(rows: number[][], format: SageMakerFormat): string {
  if (format === "json") return JSON.stringify({ instances: rows });
  return `${rows.map((row) => row.join(",")).join("\n")}\n`;
}

/**
 * The outputs in an answer: a JSON array or `{"predictions": [...]}`, or CSV
 * with one line per row (or one line with one cell per row, as XGBoost
 * answers). A row of one number becomes that number.
 */
export function answerOutputs(
  body: Uint8Array,
  format: SageMakerFormat,
  inputs: number,
  where: string,
): unknown[] {
  const text = new TextDecoder().decode(body);
  const outputs = format === "json" ? jsonOutputs(text, where) : csvOutputs(text, inputs);
  return outputs.map((row) =>
    Array.isArray(row) && row.length === 1 && typeof row[0] === "number" ? row[0] : row,
  );
}

function jsonOutputs(text: string, where: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SwitchyardError(
      "Internal",
      `${where} answered with text that is not JSON: ${text.slice(0, 100)}`,
    );
  }
  const predictions = Array.isArray(body) ? body : (body as { predictions?: unknown } | null)?.predictions;
  if (!Array.isArray(predictions)) {
    throw new SwitchyardError(
      "Internal",
      `${where}: expected a JSON array or {"predictions": [...]}, got ${text.slice(0, 100)}`,
    );
  }
  return predictions;
}

function csvOutputs(text: string, inputs: number): unknown[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const rows = lines.map((line) => line.split(",").map((cell) => Number(cell.trim())));
  // One line for several inputs: one cell per input (XGBoost's answer), read only when the count fits.
  if (rows.length === 1 && inputs > 1 && rows[0]!.length === inputs) return rows[0]!.map((n) => [n]);
  return rows;
}
