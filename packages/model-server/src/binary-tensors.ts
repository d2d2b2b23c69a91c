/**
 * The Open Inference Protocol's binary tensor data extension: a JSON header of
 * `Inference-Header-Content-Length` bytes, then each binary tensor's raw
 * little-endian elements, in the order the header lists them.
 */
import { HttpError } from "./http.js";
import type { TensorSpec } from "./model.js";
import { allocate, type InputBatch } from "./tensor.js";

/** Bytes per element of each datatype the server reads or writes (BOOL is one byte per element). */
const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  INT8: 1,
  UINT8: 1,
  INT16: 2,
  UINT16: 2,
  INT32: 4,
  UINT32: 4,
  INT64: 8,
  UINT64: 8,
  FP32: 4,
  FP64: 8,
};

/** A request body cut at the header length: the JSON header and the bytes after it. */
export interface BinaryBody {
  /** The first `headerLength` bytes. */
  header: Buffer;
  /** Everything after the header: the binary tensors, back to back. */
  tail: Buffer;
}

/** Cuts `body` after the `Inference-Header-Content-Length` header's number of bytes. */
export function splitBinaryBody(body: Buffer, headerValue: string): BinaryBody {
  const length = Number(headerValue);
  if (headerValue.trim() === "" || !Number.isInteger(length) || length < 0 || length > body.length) {
    throw new HttpError(
      400,
      `Inference-Header-Content-Length is "${headerValue}"; it must be the JSON header's byte count, at most the body's ${body.length} bytes`,
    );
  }
  return { header: body.subarray(0, length), tail: body.subarray(length) };
}

/** The `binary_data_size` parameter of a tensor, or undefined when its data is JSON. */
export function binaryDataSize(parameters: unknown, field: string): number | undefined {
  if (typeof parameters !== "object" || parameters === null) return undefined;
  const size = (parameters as Record<string, unknown>).binary_data_size;
  if (size === undefined) return undefined;
  if (!Number.isInteger(size) || (size as number) < 0) {
    throw new HttpError(
      400,
      `${field}.parameters.binary_data_size must be a byte count, got ${JSON.stringify(size)}`,
    );
  }
  return size as number;
}

/** Reads `rows` rows of `spec` from raw little-endian bytes, which must be exactly their size. */
export function tensorFromBinary(bytes: Buffer, spec: TensorSpec, rows: number, field: string): InputBatch {
  const data = allocate(spec, rows);
  if (bytes.length !== data.byteLength) {
    throw new HttpError(
      400,
      `${field} has ${bytes.length} bytes of binary data; its shape [${rows}, ${spec.shape.slice(1).join(", ")}] of ${spec.datatype} needs ${data.byteLength}`,
    );
  }
  // Copied into a fresh, aligned array: the body's bytes may start at any offset.
  new Uint8Array(data.buffer).set(bytes);
  return { data, rows };
}

/** The raw little-endian bytes of an output tensor's elements (BOOL as one byte each). */
export function tensorBytes(spec: TensorSpec, data: ArrayLike<number | bigint>): Buffer {
  const width = ELEMENT_BYTES[spec.datatype];
  if (width === undefined)
    throw new HttpError(500, `output "${spec.name}" has no binary form (${spec.datatype})`);
  if (ArrayBuffer.isView(data) && data.byteLength === data.length * width) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  // Only booleans may come as something else than a typed array of the datatype's width.
  if (spec.datatype !== "BOOL") {
    throw new HttpError(500, `output "${spec.name}" data is not a ${spec.datatype} array`);
  }
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]) !== 0 ? 1 : 0;
  return out;
}
