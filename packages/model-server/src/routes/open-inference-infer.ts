/**
 * `POST /v2/models/{name}/infer`: one typed input tensor in, the output tensors out,
 * each as JSON or, with the binary tensor data extension, as raw bytes after the JSON header.
 */
import { binaryDataSize, splitBinaryBody, tensorBytes, tensorFromBinary } from "../binary-tensors.js";
import { HttpError, isObject, jsonText, parseJson, type Reply } from "../http.js";
import type { TensorSpec } from "../model.js";
import { requireModel, requireReady, type RouteContext } from "../router.js";
import { tensorFromJson, type InputBatch } from "../tensor.js";
import { flatJson } from "../tensor-json.js";

/** The header that announces the binary extension: the JSON header's length in bytes. */
export const HEADER_LENGTH = "inference-header-content-length";

/** Answers one inference request. */
export async function infer(ctx: RouteContext): Promise<Reply> {
  requireModel(ctx, ctx.params[0]!, ctx.params[1]);
  requireReady(ctx);
  const headerLength = ctx.req.headers[HEADER_LENGTH];
  let body: unknown;
  let tail: Buffer | undefined;
  if (typeof headerLength === "string") {
    const split = splitBinaryBody(await ctx.body(), headerLength);
    body = parseJson(split.header);
    tail = split.tail;
  } else {
    body = await ctx.json();
  }
  if (!isObject(body) || !Array.isArray(body.inputs)) {
    throw new HttpError(400, 'request must be an object with "inputs": [{name, shape, datatype, data}]');
  }
  const spec = ctx.model.input;
  if (body.inputs.length !== 1) {
    throw new HttpError(
      400,
      `model "${ctx.model.name}" takes 1 input ("${spec.name}"), got ${body.inputs.length}`,
    );
  }
  const tensor: unknown = body.inputs[0];
  if (!isObject(tensor))
    throw new HttpError(400, "inputs[0] must be an object {name, shape, datatype, data}");
  const rows = checkInput(tensor, spec);
  const wanted = requestedOutputs(body, ctx);
  const input = readInput(tensor, tail, spec, rows);
  const out = await ctx.batcher.score(input);
  // Written as text, key for key what JSON.stringify would write for the response object.
  let outputs = "";
  const binary: Buffer[] = [];
  for (const t of out.tensors) {
    const asBinary = wanted.get(t.spec.name);
    if (asBinary === undefined) continue;
    const head = `${outputs === "" ? "" : ","}{"name":${JSON.stringify(t.spec.name)},"datatype":${JSON.stringify(t.spec.datatype)},"shape":${JSON.stringify([rows, ...t.spec.shape.slice(1)])}`;
    if (asBinary) {
      const bytes = tensorBytes(t.spec, t.data);
      binary.push(bytes);
      outputs += `${head},"parameters":{"binary_data_size":${bytes.length}}}`;
    } else {
      outputs += `${head},"data":${flatJson(t.spec, t.data)}}`;
    }
  }
  const id = typeof body.id === "string" ? `"id":${JSON.stringify(body.id)},` : "";
  const json = `{"model_name":${JSON.stringify(ctx.model.name)},"model_version":${JSON.stringify(ctx.model.version)},${id}"outputs":[${outputs}]}`;
  if (binary.length === 0) return jsonText(200, json);
  const header = Buffer.from(json);
  return {
    status: 200,
    text: Buffer.concat([header, ...binary]),
    contentType: "application/octet-stream",
    headers: { [HEADER_LENGTH]: String(header.length) },
  };
}

/** The input's rows, from its JSON `data` or from the binary bytes after the header. */
function readInput(
  tensor: Record<string, unknown>,
  tail: Buffer | undefined,
  spec: TensorSpec,
  rows: number,
): InputBatch {
  const size = binaryDataSize(tensor.parameters, "inputs[0]");
  if (size === undefined) {
    if (tail !== undefined && tail.length > 0) {
      throw new HttpError(
        400,
        `the body has ${tail.length} bytes after the JSON header, but no input sets parameters.binary_data_size`,
      );
    }
    return tensorFromJson(tensor.data, spec, rows, "inputs[0].data");
  }
  if (tail === undefined) {
    throw new HttpError(
      400,
      "inputs[0] has binary_data_size but the request has no Inference-Header-Content-Length header",
    );
  }
  if (size !== tail.length) {
    throw new HttpError(
      400,
      `inputs[0].parameters.binary_data_size is ${size}, but ${tail.length} bytes follow the JSON header`,
    );
  }
  return tensorFromBinary(tail, spec, rows, "inputs[0]");
}

/** Checks an input tensor's name, datatype and shape against the model's input; returns its batch size. */
export function checkInput(
  tensor: { name?: unknown; datatype?: unknown; shape?: unknown },
  spec: TensorSpec,
): number {
  if (tensor.name !== spec.name) {
    throw new HttpError(
      400,
      `inputs[0].name is ${JSON.stringify(tensor.name)}; the model's input is "${spec.name}"`,
    );
  }
  if (tensor.datatype !== spec.datatype) {
    throw new HttpError(
      400,
      `inputs[0].datatype is ${JSON.stringify(tensor.datatype)}; input "${spec.name}" is ${spec.datatype}`,
    );
  }
  const { shape } = tensor;
  const expected = `[n, ${spec.shape.slice(1).join(", ")}]`;
  if (
    !Array.isArray(shape) ||
    shape.length !== spec.shape.length ||
    !shape.every((d, i) => Number.isInteger(d) && (i === 0 ? (d as number) >= 1 : d === spec.shape[i]))
  ) {
    throw new HttpError(
      400,
      `inputs[0].shape is ${JSON.stringify(shape)}; input "${spec.name}" takes ${expected}`,
    );
  }
  return shape[0] as number;
}

/**
 * The outputs to answer, each mapped to whether it goes binary: an output's own
 * `parameters.binary_data`, else the request's `parameters.binary_data_output`.
 */
function requestedOutputs(body: Record<string, unknown>, ctx: RouteContext): Map<string, boolean> {
  const byDefault = isObject(body.parameters) && body.parameters.binary_data_output === true;
  const { outputs } = body;
  const known = ctx.model.outputs.map((o) => o.name);
  if (outputs === undefined) return new Map(known.map((name) => [name, byDefault]));
  if (!Array.isArray(outputs)) throw new HttpError(400, '"outputs" must be an array of {name}');
  const wanted = new Map<string, boolean>();
  for (const o of outputs) {
    const name: unknown = isObject(o) ? o.name : undefined;
    if (typeof name !== "string" || !known.includes(name)) {
      throw new HttpError(400, `unknown output ${JSON.stringify(name)}; outputs are ${known.join(", ")}`);
    }
    const own = isObject(o) && isObject(o.parameters) ? o.parameters.binary_data : undefined;
    wanted.set(name, typeof own === "boolean" ? own : byDefault);
  }
  return wanted;
}
