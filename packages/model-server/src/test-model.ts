/**
 * A tiny logistic-regression ONNX model built in code, so tests, benchmarks and
 * examples need no model file from outside: `probability = sigmoid(x · W + b)`.
 */
import { writeFile } from "node:fs/promises";
import protobuf from "protobufjs";

// The subset of onnx.proto the model needs; field numbers follow the ONNX spec.
const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  string name = 8;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const FLOAT = 1;

/** Options for `logisticRegressionModel`. */
export interface TestModelOptions {
  /** Number of input features. Default 10. */
  features?: number;
  /** Weights, one per feature. Default `0.1, 0.2, …` alternating in sign. */
  weights?: readonly number[];
  /** Bias. Default 0. */
  bias?: number;
  /** Also expose the pre-sigmoid `logits` as a second output. Default false. */
  withLogits?: boolean;
  /**
   * Widths of hidden ReLU layers before the logistic output, turning the model into a
   * small multilayer perceptron with fixed pseudo-random weights (for benchmarks that
   * need inference to cost something). Default none. `weights` then applies to nothing.
   */
  hidden?: readonly number[];
}

/**
 * Builds a logistic-regression ONNX model: input `features` float32 `[N, F]`,
 * output `probability` float32 `[N, 1]` (and `logits` `[N, 1]` when asked);
 * with `hidden`, a multilayer perceptron with the same input and outputs.
 */
export function logisticRegressionModel(options: TestModelOptions = {}): Uint8Array {
  const features = options.features ?? 10;
  const weights =
    options.weights ?? Array.from({ length: features }, (_, i) => (i % 2 === 0 ? 1 : -1) * 0.1 * (i + 1));
  if (weights.length !== features) {
    throw new RangeError(`weights has ${weights.length} values for ${features} features`);
  }
  const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
  const Model = root.lookupType("onnx.ModelProto");
  const batch = { dim_param: "N" };
  const tensorInfo = (name: string, width: number) => ({
    name,
    type: { tensor_type: { elem_type: FLOAT, shape: { dim: [batch, { dim_value: width }] } } },
  });
  const outputs = [tensorInfo("probability", 1)];
  if (options.withLogits === true) outputs.push(tensorInfo("logits", 1));
  const nodes: object[] = [];
  const initializers: object[] = [];
  // Each layer is MatMul + Add; hidden layers add a Relu. The last layer's sum is `logits`.
  const widths = [...(options.hidden ?? []), 1];
  let previous = "features";
  let width = features;
  widths.forEach((out, layer) => {
    const last = layer === widths.length - 1;
    const w = `W${layer}`;
    const b = `B${layer}`;
    const sum = last ? "logits" : `h${layer}`;
    const values = last && widths.length === 1 ? [...weights] : pseudoRandom(width * out, layer);
    initializers.push(
      { name: w, dims: [width, out], data_type: FLOAT, float_data: values },
      {
        name: b,
        dims: [out],
        data_type: FLOAT,
        float_data: last ? [options.bias ?? 0] : pseudoRandom(out, layer + 99),
      },
    );
    nodes.push(
      { op_type: "MatMul", name: `matmul${layer}`, input: [previous, w], output: [`${sum}_xw`] },
      { op_type: "Add", name: `add${layer}`, input: [`${sum}_xw`, b], output: [sum] },
    );
    if (!last) nodes.push({ op_type: "Relu", name: `relu${layer}`, input: [sum], output: [`${sum}_relu`] });
    previous = last ? sum : `${sum}_relu`;
    width = out;
  });
  nodes.push({ op_type: "Sigmoid", name: "sigmoid", input: ["logits"], output: ["probability"] });
  const message = Model.fromObject({
    ir_version: 8,
    producer_name: "switchyard",
    opset_import: [{ domain: "", version: 13 }],
    graph: {
      name: "logistic_regression",
      node: nodes,
      initializer: initializers,
      input: [tensorInfo("features", features)],
      output: outputs,
    },
  });
  return Model.encode(message).finish();
}

/** Small deterministic weights in [-0.05, 0.05), different per `seed`. */
function pseudoRandom(count: number, seed: number): number[] {
  const out = new Array<number>(count);
  let state = (seed + 1) * 2654435761;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = (state / 2147483648 - 0.5) * 0.1;
  }
  return out;
}

/** Writes `logisticRegressionModel(options)` to `path` and returns the path. */
export async function writeTestModel(path: string, options: TestModelOptions = {}): Promise<string> {
  await writeFile(path, logisticRegressionModel(options));
  return path;
}
