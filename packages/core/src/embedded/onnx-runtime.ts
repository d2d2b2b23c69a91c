import type * as OrtModule from "onnxruntime-node";
import { SwitchyardError } from "../errors.js";
import { isMissingPackage } from "../optional-package.js";

/** The onnxruntime-node module, as `onnx:` models use it. */
export type Ort = typeof OrtModule;

/** The command that installs the ONNX runtime `onnx:` models run on (an optional peer of core). */
export const ONNX_RUNTIME_INSTALL = "npm install onnxruntime-node@~1.30";

const RUNTIME_PACKAGE = "onnxruntime-node";

/**
 * Imports onnxruntime-node, which core lists as an optional peer: it is
 * installed only by projects that run `onnx:` models. When it is missing the
 * error is FailedPrecondition naming the install command. `specifier` exists
 * so the missing case can be exercised with a package that is not installed.
 */
export async function loadOnnxRuntime(specifier: string = RUNTIME_PACKAGE): Promise<Ort> {
  try {
    return (await import(specifier)) as Ort;
  } catch (err) {
    if (!isMissingPackage(err, specifier)) throw err;
    throw new SwitchyardError(
      "FailedPrecondition",
      `onnx: models run on the ONNX runtime, which is not installed — ${specifier === RUNTIME_PACKAGE ? ONNX_RUNTIME_INSTALL : `npm install ${specifier}`}`,
      { cause: err },
    );
  }
}
