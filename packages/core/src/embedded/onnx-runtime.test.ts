import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../errors.js";
import { loadOnnxRuntime } from "./onnx-runtime.js";

describe("loadOnnxRuntime", () => {
  it("loads onnxruntime-node when it is installed", async () => {
    const ort = await loadOnnxRuntime();
    expect(typeof ort.InferenceSession.create).toBe("function");
  });

  it("names the install command when the runtime is not installed", async () => {
    const error = await loadOnnxRuntime("onnxruntime-node-not-installed").catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe("FailedPrecondition");
    expect((error as SwitchyardError).message).toContain("npm install onnxruntime-node-not-installed");
  });
});
