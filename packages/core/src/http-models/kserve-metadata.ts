/**
 * What `kserve://` sends, from the model's metadata and the URL: the input
 * tensor's name, datatype and row shape. Custom KServe predictors often publish
 * no tensors; then `?input=` and `?datatype=` say what to send.
 */
import { SwitchyardError } from "../errors.js";
import type { HttpModelTarget } from "./endpoint-url.js";

/** The model's input as the driver sends it. */
export interface InputSpec {
  name: string;
  datatype: string;
  /** Shape after the batch dimension; -1 where the server leaves it open. */
  rowShape: number[];
}

interface TensorMetadata {
  name: string;
  datatype?: unknown;
  shape?: unknown;
}

/**
 * The input to send, from the metadata's one input tensor or, when it lists none, from
 * the URL. URL parameters that disagree with the metadata are FailedPrecondition naming both.
 */
export function inputSpec(meta: unknown, target: HttpModelTarget): InputSpec {
  const { inputs, outputs } = (meta ?? {}) as { inputs?: unknown; outputs?: unknown };
  const listed = Array.isArray(inputs) ? inputs.filter(isTensor) : [];
  const fail = (detail: string) => new SwitchyardError("FailedPrecondition", `${target.what}: ${detail}`);
  if (target.output !== undefined && Array.isArray(outputs) && outputs.length > 0) {
    const names = outputs.filter(isTensor).map((o) => o.name);
    if (!names.includes(target.output)) {
      throw fail(`?output=${target.output} is not one of the model's outputs (${names.join(", ")})`);
    }
  }
  if (listed.length === 0) {
    if (target.input === undefined) {
      throw fail(
        `the model's metadata lists no input tensors; name the input in the URL, e.g. ?input=features&datatype=FP32`,
      );
    }
    return { name: target.input, datatype: target.datatype ?? "FP32", rowShape: [-1] };
  }
  if (listed.length !== 1) {
    throw fail(
      `the model takes ${listed.length} input tensors (${listed.map((t) => t.name).join(", ")}); the driver sends exactly one`,
    );
  }
  const first = listed[0]!;
  if (target.input !== undefined && target.input !== first.name) {
    throw fail(`?input=${target.input} does not match the model's input "${first.name}"`);
  }
  const datatype = typeof first.datatype === "string" ? first.datatype : (target.datatype ?? "FP32");
  if (target.datatype !== undefined && target.datatype !== datatype) {
    throw fail(`?datatype=${target.datatype} does not match input "${first.name}", which is ${datatype}`);
  }
  const shape = Array.isArray(first.shape) ? (first.shape as unknown[]) : [-1, -1];
  return {
    name: first.name,
    datatype,
    rowShape: shape.slice(1).map((d) => (typeof d === "number" && d > 0 ? d : -1)),
  };
}

/** Whether the server metadata (`GET /v2`) lists the binary tensor data extension. */
export function advertisesBinary(serverMeta: unknown): boolean {
  const extensions = (serverMeta as { extensions?: unknown } | null)?.extensions;
  return Array.isArray(extensions) && extensions.includes("binary_tensor_data");
}

function isTensor(value: unknown): value is TensorMetadata {
  return typeof (value as Partial<TensorMetadata> | null)?.name === "string";
}
