/**
 * The Open Inference Protocol's binary tensor data extension, client side: tensor
 * elements as raw little-endian bytes after a JSON header whose length travels in
 * the `Inference-Header-Content-Length` header.
 */
import { SwitchyardError } from "../errors.js";

/** The header naming the JSON header's byte count. */
export const HEADER_LENGTH = "inference-header-content-length";

type ArrayMaker = new (length: number) => ArrayLike<number | bigint> & {
  [index: number]: number | bigint;
  buffer: ArrayBufferLike;
  byteOffset: number;
  byteLength: number;
};

/** The typed array of each datatype with a binary form (BOOL: one byte per element). */
const ARRAYS: Readonly<Record<string, ArrayMaker>> = {
  BOOL: Uint8Array,
  INT8: Int8Array,
  UINT8: Uint8Array,
  INT16: Int16Array,
  UINT16: Uint16Array,
  INT32: Int32Array,
  UINT32: Uint32Array,
  INT64: BigInt64Array,
  UINT64: BigUint64Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

/** Whether `datatype` has a fixed-width binary form the driver can write and read. */
export function hasBinaryForm(datatype: string): boolean {
  return ARRAYS[datatype] !== undefined;
}

/** `values` as raw little-endian `datatype` elements. */
export function encodeTensor(datatype: string, values: readonly number[]): Uint8Array {
  const Maker = ARRAYS[datatype]!;
  const out = new Maker(values.length);
  const big = Maker === BigInt64Array || Maker === BigUint64Array;
  for (let i = 0; i < values.length; i++) {
    out[i] = big ? BigInt(Math.trunc(values[i]!)) : datatype === "BOOL" ? (values[i] ? 1 : 0) : values[i]!;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Raw little-endian `datatype` elements as numbers (booleans for BOOL). */
export function decodeTensor(datatype: string, bytes: Uint8Array, what: string): unknown[] {
  const Maker = ARRAYS[datatype];
  if (Maker === undefined) {
    throw new SwitchyardError("Internal", `${what}: binary output of datatype ${datatype} cannot be read`);
  }
  const width = (Maker as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes.length % width !== 0) {
    throw new SwitchyardError(
      "Internal",
      `${what}: ${bytes.length} bytes of ${datatype} is not a whole number of elements`,
    );
  }
  // Copied so the elements are aligned whatever their offset in the answer.
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  const view = new (Maker as unknown as new (b: ArrayBufferLike) => ArrayLike<number | bigint>)(
    aligned.buffer,
  );
  const out = new Array<unknown>(view.length);
  for (let i = 0; i < view.length; i++) {
    const v = view[i]!;
    out[i] = datatype === "BOOL" ? v !== 0 : Number(v);
  }
  return out;
}

/**
 * The JSON answer of an inference call, with each binary output's `data` filled
 * from the bytes after the header. An answer without the header is plain JSON.
 */
export function readAnswer(headers: Headers, bytes: Buffer, what: string): unknown {
  const declared = headers.get(HEADER_LENGTH);
  const length = declared === null ? bytes.length : Number(declared);
  if (!Number.isInteger(length) || length < 0 || length > bytes.length) {
    throw new SwitchyardError(
      "Internal",
      `${what}: the answer's ${HEADER_LENGTH} "${declared}" does not fit its body`,
    );
  }
  let answer: { outputs?: unknown };
  try {
    answer = JSON.parse(bytes.subarray(0, length).toString("utf8")) as { outputs?: unknown };
  } catch {
    throw new SwitchyardError("Internal", `${what}: the answer's header is not JSON`);
  }
  let at = length;
  if (!Array.isArray(answer.outputs)) return answer;
  for (const output of answer.outputs as Record<string, unknown>[]) {
    const size = (output.parameters as { binary_data_size?: unknown } | undefined)?.binary_data_size;
    if (typeof size !== "number") continue;
    if (at + size > bytes.length) {
      throw new SwitchyardError(
        "Internal",
        `${what}: output "${String(output.name)}" runs past the answer's end`,
      );
    }
    output.data = decodeTensor(String(output.datatype), bytes.subarray(at, at + size), what);
    at += size;
  }
  return answer;
}
