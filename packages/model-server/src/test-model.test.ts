import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { logisticRegressionModel } from "./test-model.js";

describe("test model", () => {
  it("is a logistic regression onnxruntime loads and runs: sigmoid(x · W + b)", async () => {
    const session = await ort.InferenceSession.create(
      logisticRegressionModel({ features: 3, weights: [1, -2, 0.5], bias: 0.25, withLogits: true }),
    );
    const out = await session.run({
      features: new ort.Tensor("float32", Float32Array.from([1, 1, 2, 0, 0, 0]), [2, 3]),
    });
    const z = 1 - 2 + 1 + 0.25;
    expect(out.logits!.dims).toEqual([2, 1]);
    expect(out.logits!.data[0]).toBeCloseTo(z, 5);
    expect(out.probability!.data[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
    expect(out.probability!.data[1]).toBeCloseTo(1 / (1 + Math.exp(-0.25)), 5);
    await session.release();
  });

  it("grows hidden layers on request, keeping input and output", async () => {
    const session = await ort.InferenceSession.create(
      logisticRegressionModel({ features: 4, hidden: [8, 8] }),
    );
    expect(session.inputNames).toEqual(["features"]);
    const out = await session.run({
      features: new ort.Tensor("float32", new Float32Array(8).fill(1), [2, 4]),
    });
    expect(out.probability!.dims).toEqual([2, 1]);
    const p = out.probability!.data[0] as number;
    expect(p > 0 && p < 1).toBe(true);
    await session.release();
  });
});
