import { describe, expect, it } from "vitest";
import { decodeTensor, encodeTensor } from "../../core/src/http-models/v2-binary.js";
import { tensorBytes, tensorFromBinary } from "./binary-tensors.js";
import { HttpError } from "./http.js";
import type { TensorSpec } from "./model.js";

const spec = (type: TensorSpec["type"], datatype: string, shape = [-1, 2]): TensorSpec => ({
  name: "t",
  type,
  datatype,
  shape,
  rowSize: shape.slice(1).reduce((a, b) => a * b, 1),
});

describe("binary tensor data", () => {
  it("writes every output datatype as little-endian bytes the client side reads back", () => {
    const cases: [TensorSpec["type"], string, ArrayLike<number | bigint>, unknown[]][] = [
      ["float32", "FP32", Float32Array.from([0.5, -2.25]), [0.5, -2.25]],
      ["float64", "FP64", Float64Array.from([0.1, -1e300]), [0.1, -1e300]],
      ["int8", "INT8", Int8Array.from([-128, 127]), [-128, 127]],
      ["uint8", "UINT8", Uint8Array.from([0, 255]), [0, 255]],
      ["int16", "INT16", Int16Array.from([-32768, 7]), [-32768, 7]],
      ["uint16", "UINT16", Uint16Array.from([65535, 1]), [65535, 1]],
      ["int32", "INT32", Int32Array.from([-5, 2 ** 31 - 1]), [-5, 2 ** 31 - 1]],
      ["uint32", "UINT32", Uint32Array.from([2 ** 32 - 1, 0]), [2 ** 32 - 1, 0]],
      ["int64", "INT64", BigInt64Array.from([-3n, 42n]), [-3, 42]],
      ["uint64", "UINT64", BigUint64Array.from([7n, 2n ** 40n]), [7, 2 ** 40]],
      ["bool", "BOOL", Uint8Array.from([1, 0]), [true, false]],
    ];
    for (const [type, datatype, data, values] of cases) {
      const bytes = tensorBytes(spec(type, datatype), data);
      expect(bytes.length, datatype).toBe((data as unknown as { byteLength: number }).byteLength);
      expect(decodeTensor(datatype, bytes, "test"), datatype).toEqual(values);
    }
    // Booleans that arrive as a plain array are written one byte each.
    expect([...tensorBytes(spec("bool", "BOOL"), [1, 0, 1])]).toEqual([1, 0, 1]);
  });

  it("reads FP32 and FP64 inputs from bytes at any offset, and refuses a wrong byte count", () => {
    const f32 = encodeTensor("FP32", [1.5, -2, 3, 4]);
    const shifted = Buffer.concat([Buffer.from([9]), Buffer.from(f32)]).subarray(1);
    const batch = tensorFromBinary(shifted, spec("float32", "FP32"), 2, "inputs[0]");
    expect([...batch.data]).toEqual([1.5, -2, 3, 4]);
    const f64 = Buffer.from(encodeTensor("FP64", [0.1, 0.2]));
    expect([...tensorFromBinary(f64, spec("float64", "FP64"), 1, "inputs[0]").data]).toEqual([0.1, 0.2]);
    expect(() => tensorFromBinary(f64.subarray(1), spec("float64", "FP64"), 1, "inputs[0]")).toThrow(
      HttpError,
    );
    expect(() => tensorFromBinary(Buffer.from(f32), spec("float32", "FP32"), 1, "inputs[0]")).toThrow(
      /has 16 bytes of binary data; its shape \[1, 2\] of FP32 needs 8/,
    );
  });
});
