import { describe, expect, it } from "vitest";
import type { TensorSpec } from "./model.js";
import { predictions, type RequestOutputs } from "./tensor.js";
import { flatJson, predictionsJson } from "./tensor-json.js";

const spec = (type: TensorSpec["type"], shape: number[], name = "y"): TensorSpec => ({
  name,
  type,
  datatype: "X",
  shape,
  rowSize: shape.slice(1).reduce((a, b) => a * b, 1),
});

const awkward = [0.1, -0, 1e21, 1e-7, 5e-324, Number.NaN, Infinity, -Infinity, 0.43782350420951843, -2.5];

describe("JSON text of output tensors", () => {
  it("writes what JSON.stringify writes, NaN and infinities as null", () => {
    const f32 = spec("float32", [-1, 1]);
    const data = Float32Array.from(awkward);
    expect(flatJson(f32, data)).toBe(JSON.stringify(Array.from(data)));
    const f64 = spec("float64", [-1, 2]);
    const wide = Float64Array.from(awkward);
    expect(flatJson(f64, wide)).toBe(JSON.stringify(Array.from(wide)));
    expect(JSON.parse(flatJson(f64, wide))).toContain(null);
  });

  it("writes bools as true/false and 64-bit integers as numbers", () => {
    const bool = spec("bool", [-1]);
    const flags = Uint8Array.from([0, 1, 1, 0]);
    expect(flatJson(bool, flags)).toBe("[false,true,true,false]");
    const i64 = spec("int64", [-1, 2]);
    const ints = BigInt64Array.from([0n, -3n, 9007199254740993n, 42n]);
    expect(flatJson(i64, ints)).toBe("[0,-3,9007199254740992,42]");
  });

  it("writes predictions per row for [N], [N, k] and [N, a, b] outputs, and for several outputs", () => {
    const outputs = (tensors: RequestOutputs["tensors"], rows: number): RequestOutputs => ({ rows, tensors });
    const data = Float64Array.from({ length: 24 }, (_, i) => (i % 5 === 0 ? Number.NaN : i / 7));
    for (const shape of [[-1], [-1, 3], [-1, 2, 3], [-1, 3, 1, 2]]) {
      const s = spec("float64", shape);
      const rows = 24 / s.rowSize;
      const out = outputs([{ spec: s, data }], rows);
      expect(predictionsJson(out)).toBe(JSON.stringify(predictions(out)));
    }
    const two = outputs(
      [
        { spec: spec("float32", [-1, 1], "probability"), data: Float32Array.from([0.25, 0.75]) },
        { spec: spec("float32", [-1, 1], "0"), data: Float32Array.from([-1, 1]) },
      ],
      2,
    );
    expect(predictionsJson(two)).toBe(JSON.stringify(predictions(two)));
  });
});
