import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InferenceSession } from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLogisticRegressionOnnx } from "./onnx-fixture.js";
import { onnxModel } from "./onnx-model.js";

const signal = new AbortController().signal;
const WEIGHTS = [0.8, -1.2, 0.05, 2.5];
const BIAS = -0.3;

/** The same logistic regression, computed in JavaScript. */
function score(features: readonly number[]): number {
  const z = features.reduce((sum, x, i) => sum + x * WEIGHTS[i]!, BIAS);
  return 1 / (1 + Math.exp(-z));
}

let dir: string;
let modelPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-onnx-"));
  modelPath = join(dir, "fraud.onnx");
  await writeLogisticRegressionOnnx(modelPath, WEIGHTS, BIAS);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("onnx: model", () => {
  it("scores a batch in one call, one number per input, as the logistic regression computes it", async () => {
    const model = await onnxModel(modelPath);
    const inputs = [
      [1, 0, 3, 0.5],
      [0, 2, 0, 0],
      [-1, -1, -1, -1],
    ];
    const scores = (await model.predict(
      [...inputs.slice(0, 2), Float32Array.from(inputs[2]!)],
      signal,
    )) as number[];
    expect(scores).toHaveLength(3);
    scores.forEach((s, i) => expect(s).toBeCloseTo(score(inputs[i]!), 6));
    expect(await model.predict([], signal)).toEqual([]);
    await model.close();
    await model.close();
  });

  it("returns an array per input when the model gives several values per row", async () => {
    const path = join(dir, "two.onnx");
    await writeLogisticRegressionOnnx(
      path,
      [
        [1, 0],
        [0, 1],
      ],
      [0, 0],
      { sigmoid: false, outputName: "logits" },
    );
    const model = await onnxModel(path);
    expect(await model.predict([[2, 3]], signal)).toEqual([[2, 3]]);
    await model.close();
  });

  it("refuses inputs with the wrong number of features", async () => {
    const model = await onnxModel(modelPath);
    await expect(model.predict([[1, 2, 3]], signal)).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("3 features; the model takes 4") as unknown,
    });
    await expect(model.predict(["not a row"], signal)).rejects.toMatchObject({ code: "InvalidArgument" });
    await model.close();
  });

  it("names the path when the model file is missing or not a model", async () => {
    const missing = join(dir, "missing.onnx");
    await expect(onnxModel(missing)).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringContaining(missing) as unknown,
    });
    const garbage = join(dir, "garbage.onnx");
    await writeFile(garbage, "this is not protobuf");
    await expect(onnxModel(garbage)).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining(garbage) as unknown,
    });
  });

  it("refuses an output the model does not have, listing the ones it has", async () => {
    await expect(onnxModel(modelPath, { output: "probabilities" })).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("[score]") as unknown,
    });
  });

  it("exposes the onnxruntime session through as()", async () => {
    const model = await onnxModel(modelPath);
    // onnxruntime types InferenceSession as a factory, though at run time it is the sessions' class.
    const SessionClass = InferenceSession as unknown as abstract new () => InferenceSession;
    expect(model.as(SessionClass)).toBeInstanceOf(InferenceSession);
    expect(model.as(Map)).toBeUndefined();
    await model.close();
  });
});
