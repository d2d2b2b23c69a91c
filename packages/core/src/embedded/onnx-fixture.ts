/**
 * Builds small ONNX models in code, so tests, benchmarks and examples can run
 * the `onnx:` driver (or any model server) without a model file from outside
 * and without Python. The model is a linear layer over a float32 input
 * `[batch, features]`, by default followed by a sigmoid — a logistic regression:
 *
 * ```ts
 * const bytes = logisticRegressionOnnx([0.8, -1.2, 0.05], -0.3);   // 3 features → 1 score
 * await writeFile("model/fraud.onnx", bytes);                       // then onnx:./model/fraud.onnx
 * ```
 *
 * With `weights` given as one row per feature and one column per output, the
 * model returns several values per input row.
 */
import { writeFile } from "node:fs/promises";
import protobufjs from "protobufjs";

/** Just the messages of the ONNX format a linear model needs, with the field numbers of onnx.proto. */
const ONNX_SUBSET = `
syntax = "proto3";
package onnx;
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  string name = 8;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  Tensor tensor_type = 1;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
`;

/** ONNX element type code of float32. */
const FLOAT = 1;
/** IR version 8 with opset 13: old enough for every onnxruntime in use, new enough for all ops used. */
const IR_VERSION = 8;
const OPSET = 13;

let modelType: protobufjs.Type | undefined;

/** Options of {@link logisticRegressionOnnx}. */
export interface LinearModelOptions {
  /** The input's name. Default `"features"`. */
  inputName?: string;
  /** The output's name. Default `"score"`. */
  outputName?: string;
  /** Whether a sigmoid follows the linear layer (logistic regression). Default `true`. */
  sigmoid?: boolean;
}

/**
 * The bytes of an ONNX model computing `sigmoid(x · W + b)` for input rows `x`.
 * `weights` is one number per feature (one output value per row) or one row of
 * `outputs` numbers per feature; `bias` is one number per output.
 */
export function logisticRegressionOnnx(
  weights: readonly number[] | readonly (readonly number[])[],
  bias: number | readonly number[],
  options: LinearModelOptions = {},
): Uint8Array {
  const rows = weights.map((w) => (typeof w === "number" ? [w] : [...w]));
  const biases = typeof bias === "number" ? [bias] : [...bias];
  const features = rows.length;
  const outputs = biases.length;
  if (features === 0 || rows.some((row) => row.length !== outputs)) {
    throw new RangeError(`weights must be ${features || "N"} rows of ${outputs} numbers (one per bias)`);
  }
  const input = options.inputName ?? "features";
  const output = options.outputName ?? "score";
  const sigmoid = options.sigmoid ?? true;
  const linear = sigmoid ? "linear" : output;

  const tensorInfo = (name: string, width: number) => ({
    name,
    type: {
      tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: "batch" }, { dim_value: width }] } },
    },
  });
  const nodes = [
    { name: "matmul", op_type: "MatMul", input: [input, "W"], output: ["product"] },
    { name: "add", op_type: "Add", input: ["product", "B"], output: [linear] },
  ];
  if (sigmoid) nodes.push({ name: "sigmoid", op_type: "Sigmoid", input: [linear], output: [output] });

  const type = (modelType ??= protobufjs
    .parse(ONNX_SUBSET, { keepCase: true })
    .root.lookupType("onnx.ModelProto"));
  const model = type.fromObject({
    ir_version: IR_VERSION,
    producer_name: "switchyard",
    opset_import: [{ domain: "", version: OPSET }],
    graph: {
      name: "linear",
      node: nodes,
      initializer: [
        { name: "W", data_type: FLOAT, dims: [features, outputs], float_data: rows.flat() },
        { name: "B", data_type: FLOAT, dims: [outputs], float_data: biases },
      ],
      input: [tensorInfo(input, features)],
      output: [tensorInfo(output, outputs)],
    },
  });
  return type.encode(model).finish();
}

/** Writes {@link logisticRegressionOnnx}'s model to `path`. */
export async function writeLogisticRegressionOnnx(
  path: string,
  weights: readonly number[] | readonly (readonly number[])[],
  bias: number | readonly number[],
  options: LinearModelOptions = {},
): Promise<void> {
  await writeFile(path, logisticRegressionOnnx(weights, bias, options));
}
