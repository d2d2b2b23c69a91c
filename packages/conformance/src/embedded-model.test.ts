import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SwitchyardError } from "@switchyard/core";
import { afterAll, beforeAll } from "vitest";
import { functionModel } from "../../core/src/embedded/function-model.js";
import { writeLogisticRegressionOnnx } from "../../core/src/embedded/onnx-fixture.js";
import { onnxModel } from "../../core/src/embedded/onnx-model.js";
import { runModelConformance } from "./model.js";

const inputs = [
  [1, 0, 3],
  [0, 2, 0],
  [-1, 0.5, 2],
];
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-model-"));
  await writeLogisticRegressionOnnx(join(dir, "model.onnx"), [0.8, -1.2, 0.05], -0.3);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

runModelConformance({
  name: "onnx",
  create: () => onnxModel(join(dir, "model.onnx")),
  createMissing: () => onnxModel(join(dir, "missing.onnx")),
  inputs,
  badInput: [1, 2],
  same: (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6,
});

runModelConformance({
  name: "function",
  create: async () =>
    functionModel((rows: number[][]) =>
      rows.map((row) => {
        if (row.length !== 3) throw new SwitchyardError("InvalidArgument", "expected 3 features");
        return row[0]! - row[1]! * 2 + row[2]! * 3;
      }),
    ),
  inputs,
  badInput: [1, 2],
});
