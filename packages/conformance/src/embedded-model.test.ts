import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { embedded } from "@switchyard/core";
import type { ModelDriver } from "@switchyard/core/driver";
import { InferenceSession } from "onnxruntime-node";
import { afterAll, beforeAll } from "vitest";
import { writeLogisticRegressionOnnx } from "../../core/src/embedded/onnx-fixture.js";
import type { ClientClass } from "./harness.js";
import { runModelConformance } from "./model.js";

const onnx = embedded().schemes.find((s) => s.kind === "model" && s.scheme === "onnx")!;
const open = async (file: string) =>
  (await onnx.create(new URL(`onnx:${pathToFileURL(join(dir, file)).pathname}`), {
    name: "conformance",
    baseDir: dir,
  })) as ModelDriver;
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
  name: "onnx:",
  // onnxruntime types InferenceSession as a factory; at run time it is the session class.
  client: InferenceSession as unknown as ClientClass,
  probe: true,
  create: () => open("model.onnx"),
  createMissing: () => open("missing.onnx"),
  inputs,
  badInput: [1, 2],
  same: (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6,
});
