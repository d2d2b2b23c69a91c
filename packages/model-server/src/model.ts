/**
 * Loading the served ONNX model and describing its tensors in the terms every
 * serving contract needs (names, Open Inference Protocol datatypes, shapes).
 */
import { readFile } from "node:fs/promises";
import { SwitchyardError } from "@switchyard/core/driver";
import ort from "onnxruntime-node";

/** Open Inference Protocol v2 datatype names for the onnxruntime tensor types the server handles. */
const DATATYPES: Partial<Record<ort.Tensor.Type, string>> = {
  float32: "FP32",
  float64: "FP64",
  int8: "INT8",
  int16: "INT16",
  int32: "INT32",
  int64: "INT64",
  uint8: "UINT8",
  uint16: "UINT16",
  uint32: "UINT32",
  uint64: "UINT64",
  bool: "BOOL",
};

/** The input tensor types a request can fill; JSON numbers convert to them without loss of meaning. */
const INPUT_TYPES = new Set<ort.Tensor.Type>(["float32", "float64"]);

/** One input or output tensor of the served model, batch dimension first. */
export interface TensorSpec {
  /** Tensor name in the ONNX graph. */
  name: string;
  /** onnxruntime element type. */
  type: ort.Tensor.Type;
  /** Open Inference Protocol datatype, e.g. `FP32`. */
  datatype: string;
  /** Shape with `-1` for the batch dimension. */
  shape: number[];
  /** Elements per batch row: the product of the dimensions after the first. */
  rowSize: number;
}

/** The served model: its session and the tensors it takes and gives. */
export interface ServedModel {
  /** Name the model is served under. */
  name: string;
  /** Version reported by metadata routes. */
  version: string;
  /** Path of the ONNX file. */
  path: string;
  /** The one input tensor. */
  input: TensorSpec;
  /** Every output tensor, in graph order. */
  outputs: TensorSpec[];
  /** The onnxruntime session. */
  session: ort.InferenceSession;
}

/**
 * Loads the ONNX file at `path` and checks it can be served: one float input and
 * tensor outputs, each with the batch as its first, dynamic dimension.
 * Throws NotFound for a missing file and InvalidArgument for a file that is not a servable model.
 */
export async function loadModel(
  path: string,
  options: { name: string; version: string; threads?: number | undefined },
): Promise<ServedModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new SwitchyardError("NotFound", `model file ${path} cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
    });
  } catch (err) {
    throw new SwitchyardError(
      "InvalidArgument",
      `model file ${path} is not a valid ONNX model: ${(err as Error).message.split("\n", 1)[0]}`,
      { cause: err },
    );
  }
  try {
    const inputs = session.inputMetadata.map((m) => describe(m, path, "input"));
    if (inputs.length !== 1) {
      throw invalid(
        path,
        `has ${inputs.length} inputs; the server feeds models with exactly one input tensor`,
      );
    }
    const input = inputs[0]!;
    if (!INPUT_TYPES.has(input.type)) {
      throw invalid(
        path,
        `input "${input.name}" is ${input.type}; the server feeds float32 or float64 inputs`,
      );
    }
    const outputs = session.outputMetadata.map((m) => describe(m, path, "output"));
    return { name: options.name, version: options.version, path, input, outputs, session };
  } catch (err) {
    await session.release();
    throw err;
  }
}

function describe(meta: ort.InferenceSession.ValueMetadata, path: string, role: string): TensorSpec {
  if (!meta.isTensor)
    throw invalid(path, `${role} "${meta.name}" is not a tensor (maps and sequences are not served)`);
  const datatype = DATATYPES[meta.type];
  if (datatype === undefined) throw invalid(path, `${role} "${meta.name}" has unsupported type ${meta.type}`);
  if (meta.shape.length === 0) {
    throw invalid(
      path,
      `${role} "${meta.name}" has no declared shape; export it with a batch dimension first`,
    );
  }
  const batch = meta.shape[0];
  if (typeof batch === "number" && batch > 0) {
    throw invalid(
      path,
      `${role} "${meta.name}" has a fixed batch dimension of ${batch}; export it with a dynamic first dimension`,
    );
  }
  const rest = meta.shape.slice(1);
  if (!rest.every((d): d is number => typeof d === "number" && d > 0)) {
    throw invalid(
      path,
      `${role} "${meta.name}" has shape [${meta.shape.join(", ")}]; only the first (batch) dimension may be dynamic`,
    );
  }
  const rowSize = rest.reduce((a, b) => a * b, 1);
  return { name: meta.name, type: meta.type, datatype, shape: [-1, ...rest], rowSize };
}

function invalid(path: string, detail: string): SwitchyardError {
  return new SwitchyardError("InvalidArgument", `model file ${path} cannot be served: it ${detail}`);
}
